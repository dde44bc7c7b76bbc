// LeaderElected: the life of a leader-elected control-plane process (kube-scheduler,
// kube-controller-manager) around client-go leader election (models/client/leader_elector.h).
// When the run starts the component already holds its lease (the cluster has been running); it
// renews it from its own "leader-election" clientset. When a renewal misses the renew deadline the
// process stops working (`stop`: upstream's OnStoppedLeading exits the process), and the restarted
// process, with a new identity, campaigns and runs `start` once it holds the lease again: at the
// earliest a lease duration after it first saw the old holder's lease. kubelet restarts the
// static pod at once (its first restart is not backed off), so the campaign starts at once too.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "models/apiserver/api_server.h"
#include "models/client/event_recorder.h"
#include "models/client/leader_elector.h"
#include "sim/owner.h"
#include "sim/simulation.h"
#include "sim/status.h"

namespace kubesim::cluster {

class LeaderElected {
 public:
  // `component`: its name in identities, events and results ("kube-scheduler"); `client_name`:
  // its leader-election clientset ("scheduler/leader-election": the component's QPS, its own
  // latency stream); `config`: its leaderElection settings, the Lease's name and namespace
  // among them.
  LeaderElected(sim::Simulation& sim, apiserver::ApiServer& api, std::string component, std::string client_name,
                client::LeaderElectionConfig config, client::EventRecorder recorder, std::function<void()> start,
                std::function<void()> stop);

  // Stores the lease its first process holds and starts renewing it.
  sim::Status Bootstrap();

  const std::string& component() const { return component_; }
  // Times a new process took the lease over (the Lease's leaseTransitions).
  int64_t leader_changes() const { return leader_changes_; }
  // Time with no process of this component working, up to `now`.
  sim::Duration without_leader(sim::Time now) const;

 private:
  std::unique_ptr<client::LeaderElector> NewElector();
  void Lost();

  sim::Simulation& sim_;
  apiserver::ApiServer& api_;
  std::string component_;
  std::string client_name_;
  client::EventRecorder recorder_;
  std::function<void()> start_;
  std::function<void()> stop_;
  client::LeaderElectionConfig config_;
  int incarnation_ = 0;
  std::unique_ptr<client::LeaderElector> elector_;
  int64_t leader_changes_ = 0;
  sim::Duration without_leader_ = sim::Duration::Zero();
  std::optional<sim::Time> lost_at_;
  sim::Owner owner_{sim_};
};

}  // namespace kubesim::cluster
