// SharedLister: what plugins may read of the cluster besides the pod being scheduled — the
// snapshot's nodes (with their pods) and the informer caches of other kinds, as upstream's
// framework.Handle gives plugins SnapshotSharedLister() and SharedInformerFactory().
//
// Everything returned is valid for the current scheduling cycle only.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "models/api/kinds.h"
#include "models/scheduler/matching_pod_counts.h"
#include "models/scheduler/node_info.h"

namespace kubesim::scheduler {

class SharedLister {
 public:
  virtual ~SharedLister() = default;
  // Every node of the snapshot, in NodeTree order.
  virtual const std::vector<const NodeInfo*>& Nodes() = 0;
  virtual const NodeInfo* GetNode(const std::string& name) = 0;
  // Matching pods per selector kept from the snapshot's cache (PodTopologySpread); null when the
  // lister keeps none (readers then count over every node, as upstream does).
  virtual MatchingPodCounts* MatchingPods() { return nullptr; }
  // Informer caches; null / empty when absent.
  virtual std::shared_ptr<const api::Namespace> GetNamespace(const std::string& name) = 0;
  virtual std::vector<std::shared_ptr<const api::Service>> Services(const std::string& ns) = 0;
  virtual std::vector<std::shared_ptr<const api::ReplicaSet>> ReplicaSets(const std::string& ns) = 0;
  // ReplicaSet `name` of namespace `ns` (upstream ReplicaSetLister.ReplicaSets(ns).Get(name)), null
  // when absent. The default looks through ReplicaSets(ns); a lister over an informer indexes it.
  virtual std::shared_ptr<const api::ReplicaSet> GetReplicaSet(const std::string& ns, const std::string& name);
  // Every PodDisruptionBudget, ordered by namespace/name (DefaultPreemption). A lister without a
  // PDB informer has none.
  virtual std::vector<std::shared_ptr<const api::PodDisruptionBudget>> PodDisruptionBudgets() { return {}; }

  // Nodes holding pods with pod (anti-)affinity terms, and with required anti-affinity terms
  // (upstream snapshot's HavePodsWithAffinityList / HavePodsWithRequiredAntiAffinityList), in
  // NodeTree order, so InterPodAffinity need not visit every node. The defaults filter Nodes();
  // a lister over a Cache keeps them incrementally.
  virtual const std::vector<const NodeInfo*>& NodesWithAffinityPods();
  virtual const std::vector<const NodeInfo*>& NodesWithRequiredAntiAffinityPods();
  // How many snapshot nodes list image `name` in status.images (upstream imageStates).
  virtual int64_t ImageNodeCount(const std::string& name);

 private:
  std::vector<const NodeInfo*> scratch_affinity_;
  std::vector<const NodeInfo*> scratch_anti_affinity_;
};

}  // namespace kubesim::scheduler
