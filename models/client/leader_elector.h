// LeaderElector: client-go's leader election over a coordination.k8s.io Lease (kubernetes/client-go
// tools/leaderelection/leaderelection.go @ v0.32), which kube-scheduler and
// kube-controller-manager run before they do any work.
//
// A candidate tries to acquire the lease every retry period (jittered ×[1, 2.2), wait.JitterUntil
// with factor 1.2); a lease held by another identity is taken only after it has looked unchanged
// for its leaseDurationSeconds, timed from when this candidate first observed it (observedTime:
// the candidate's own clock, never the holder's renewTime). The leader renews every retry period,
// first optimistically with the Lease it last wrote (the v0.32 fast path), falling back to GET and
// update. A renewal that has not succeeded within the renew deadline (attempts every retry
// period, the deadline cancelling the one in flight) loses the lease: OnStoppedLeading, after
// which kube-scheduler and kube-controller-manager exit (klog.FlushAndExit) and are restarted as a
// new candidate with a new identity.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "models/api/kinds.h"
#include "models/apiserver/api_client.h"
#include "models/client/event_recorder.h"
#include "models/client/leader_election_config.h"
#include "sim/owner.h"
#include "sim/random.h"
#include "sim/simulation.h"

namespace kubesim::client {

class LeaderElector {
 public:
  // `client`: the component's "leader-election" clientset; `jitter`: its named stream.
  LeaderElector(sim::Simulation& sim, apiserver::ApiClient client, LeaderElectionConfig config, std::string identity,
                sim::Rng& jitter, EventRecorder recorder);
  LeaderElector(const LeaderElector&) = delete;
  LeaderElector& operator=(const LeaderElector&) = delete;

  // Campaigns until it leads, then renews; `on_started` runs when it acquires the lease,
  // `on_stopped` once when it loses it (after which this elector does nothing more).
  void Run(std::function<void()> on_started, std::function<void()> on_stopped);
  // The run's initial state: this identity already holds `lease` (stored at bootstrap), observed
  // now; renewals start one retry period later.
  void RunAsLeader(std::shared_ptr<const api::Lease> lease, std::function<void()> on_stopped);

  // The Lease this identity would write: holder, duration and times, as upstream's
  // LeaderElectionRecord.
  static std::shared_ptr<api::Lease> Record(const LeaderElectionConfig& config, const std::string& identity,
                                            sim::Time now);

  bool leading() const { return leading_; }
  const std::string& identity() const { return identity_; }

 private:
  void Acquire();
  void RenewCycle();
  void RenewAttempt(int64_t cycle, sim::Time start, int attempts);
  // One tryAcquireOrRenew; `done(true)` when this identity holds a freshly written lease.
  void TryAcquireOrRenew(std::function<void(bool)> done);
  void Observe(std::shared_ptr<const api::Lease> lease);
  bool IsLeader() const { return observed_ != nullptr && observed_->holder_identity == identity_; }
  bool LeaseValid() const;
  void SlowPath(std::shared_ptr<api::Lease> record, std::function<void(bool)> done);
  void Update(std::shared_ptr<api::Lease> record, std::function<void(bool)> done);
  // The answer to this candidate's create or update of `record`.
  apiserver::ResponseCallback Written(std::shared_ptr<api::Lease> record, std::function<void(bool)> done);
  void Lost();

  sim::Simulation& sim_;
  apiserver::ApiClient client_;
  LeaderElectionConfig config_;
  std::string identity_;
  sim::Rng& jitter_;
  EventRecorder recorder_;
  std::function<void()> on_started_;
  std::function<void()> on_stopped_;
  // The Lease as last read or written (LeaseLock's cached object: its resourceVersion), and the
  // record observed with the time it was first seen (observedRecord, observedTime).
  std::shared_ptr<const api::Lease> lock_;
  std::shared_ptr<const api::Lease> observed_;
  sim::Time observed_time_;
  bool leading_ = false;
  bool stopped_ = false;
  // Bumped at each renew cycle, so an answer that arrives after its cycle's deadline is ignored.
  int64_t cycle_ = 0;
  sim::Owner owner_{sim_};
};

}  // namespace kubesim::client
