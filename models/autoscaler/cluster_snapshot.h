// ClusterSnapshot: the cluster-autoscaler's what-if copy of the cluster (upstream
// simulator/clustersnapshot and the SchedulerBasedPredicateChecker, kubernetes/autoscaler
// cluster-autoscaler/simulator @ 1.33). It is kubesim's own scheduler cache and the very plugins
// of the scenario's KubeSchedulerConfiguration, so "would this pod fit on a new node of group X"
// is answered by the code the scheduler runs — the divergence users of the real autoscaler
// report (kubernetes/autoscaler #5019) cannot happen here.
//
// Built from the autoscaler's informers once per loop; nodes and pods are then added, moved and
// removed freely: nothing here reaches the API server.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "models/api/kinds.h"
#include "models/api/node.h"
#include "models/api/pod.h"
#include "models/scheduler/cache.h"
#include "models/scheduler/profile.h"
#include "models/scheduler/registry.h"
#include "models/scheduler/scheduler_config.h"
#include "models/scheduler/snapshot_lister.h"

namespace kubesim::autoscaler {

class ClusterSnapshot {
 public:
  ClusterSnapshot(const scheduler::SchedulerConfig& config, const scheduler::Registry& registry);
  ClusterSnapshot(const ClusterSnapshot&) = delete;
  ClusterSnapshot& operator=(const ClusterSnapshot&) = delete;

  // Builds the profiles; an error when the configuration names a plugin the registry lacks.
  sim::Status Init();

  void AddNode(std::shared_ptr<const api::Node> node) { cache_.AddNode(std::move(node)); }
  // REQUIRES: the node's pods were removed first (RemovePod / Unplace).
  void RemoveNode(const std::string& name) { cache_.RemoveNode(name); }
  // A pod bound to a node (spec.nodeName set).
  void AddPod(std::shared_ptr<const api::Pod> pod) { cache_.AddPod(std::move(pod)); }
  void RemovePod(const api::Pod& pod) { cache_.RemovePod(pod); }
  // Places a copy of `pod` on `node`; Unplace takes it off again.
  void Place(const api::Pod& pod, const std::string& node);
  void Unplace(const api::Pod& pod) { cache_.ForgetPod(pod.metadata.uid); }

  scheduler::SnapshotLister& lister() { return lister_; }
  const scheduler::NodeInfo* GetNode(const std::string& name) { return cache_.GetNode(name); }
  const std::vector<const scheduler::NodeInfo*>& Nodes() { return cache_.NodeList(); }

  // PreFilter over every node, then Filter on `node`: success, or the first rejection (its
  // reasons are the scheduler's own, "Insufficient cpu", "node(s) didn't match Pod's node
  // affinity/selector"). A pod whose schedulerName has no profile is rejected.
  scheduler::Status CheckPredicates(const api::Pod& pod, const std::string& node);
  // The first node, from `start` round the list, on which the pod passes and that `accept` allows;
  // empty when none.
  std::string FitsAnyNodeMatching(const api::Pod& pod, const std::function<bool(const scheduler::NodeInfo&)>& accept,
                                  size_t* start = nullptr);

 private:
  scheduler::Profile* ProfileFor(const api::Pod& pod) const;

  const scheduler::SchedulerConfig& config_;
  const scheduler::Registry& registry_;
  scheduler::Cache cache_;
  scheduler::SnapshotLister lister_{cache_};
  std::map<std::string, std::unique_ptr<scheduler::Profile>> profiles_;  // by schedulerName
};

}  // namespace kubesim::autoscaler
