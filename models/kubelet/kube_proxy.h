// kube-proxy, one per node: watches EndpointSlices through the API server and "programs" the
// node's dataplane, so that a pod's endpoint becomes reachable from that node some time after it
// is published ready in a slice.
//
// Programming follows upstream's BoundedFrequencyRunner (kubernetes/kubernetes
// pkg/util/async/bounded_frequency_runner.go @ v1.32) for the iptables proxier: a change triggers
// a sync at once, unless the last sync started less than minSyncPeriod ago (default
// --iptables-min-sync-period 1 s), in which case it runs when that period is over; changes seen
// meanwhile are folded into that one sync. A sync makes every endpoint that is ready in the
// cached slices reachable `sync_duration` after it starts.
//
// ASSUMPTION (docs/fidelity.md, docs/calibration.md; no published figure): one sync takes a
// fixed 50 ms (iptables-restore of a small ruleset); no per-rule cost is modelled. A real
// cluster's kubeproxy_sync_proxy_rules_duration_seconds gives the figure to set instead.
//
// EndpointProgrammingTracker observes the commit stream and the proxies (it never writes to the
// cluster): when an endpoint first committed ready in an EndpointSlice, and when every running
// kube-proxy had programmed it; the latter is reported as an `EndpointProgrammed` event on the
// pod.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>

#include "models/apiserver/api_client.h"
#include "models/client/event_recorder.h"
#include "models/client/informer.h"
#include "models/etcd/mvcc_store.h"
#include "models/kubelet/config.h"
#include "sim/owner.h"
#include "sim/simulation.h"

namespace kubesim::kubelet {

// A ready endpoint of a pod, as kube-proxy programs it.
struct ProgrammedEndpoint {
  std::string pod_uid;
  std::string pod_ref;  // Pod/namespace/name
};

class EndpointProgrammingTracker {
 public:
  explicit EndpointProgrammingTracker(client::EventRecorder recorder) : recorder_(std::move(recorder)) {}
  // Every committed write (the cluster's commit stream).
  void OnCommit(sim::Time now, const etcd::Event& e);
  void ProxyStarted(const std::string& node) { proxies_.insert(node); }
  void Programmed(sim::Time now, const std::string& node, const ProgrammedEndpoint& ep);

  struct Record {
    std::string pod_ref;
    std::optional<sim::Time> ready_in_slice;  // first commit with the endpoint ready
    std::optional<sim::Time> programmed_all;  // every running proxy had programmed it
    std::set<std::string> nodes;
  };
  const std::map<std::string, Record>& records() const { return records_; }  // by pod UID

 private:
  client::EventRecorder recorder_;
  std::set<std::string> proxies_;
  std::map<std::string, Record> records_;
};

class KubeProxy {
 public:
  KubeProxy(sim::Simulation& sim, apiserver::ApiServer& api, std::string node_name, KubeProxyConfig config,
            EndpointProgrammingTracker* tracker, network::HostId host = network::kControlPlane);
  KubeProxy(const KubeProxy&) = delete;
  KubeProxy& operator=(const KubeProxy&) = delete;

  void Start();
  // Pod UIDs of the endpoints this node can reach now.
  const std::set<std::string>& programmed() const { return programmed_; }

 private:
  void RequestSync();
  void Sync();

  sim::Simulation& sim_;
  apiserver::ApiClient api_;
  std::string node_name_;
  KubeProxyConfig config_;
  EndpointProgrammingTracker* tracker_;
  client::Informer slices_;
  std::optional<sim::Time> last_sync_;
  bool sync_pending_ = false;
  std::set<std::string> programmed_;
  sim::Owner owner_{sim_};
};

}  // namespace kubesim::kubelet
