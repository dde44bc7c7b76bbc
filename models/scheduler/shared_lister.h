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
#include "models/scheduler/node_info.h"

namespace kubesim::scheduler {

class SharedLister {
 public:
  virtual ~SharedLister() = default;
  // Every node of the snapshot, in NodeTree order.
  virtual const std::vector<const NodeInfo*>& Nodes() = 0;
  virtual const NodeInfo* GetNode(const std::string& name) = 0;
  // Informer caches; null / empty when absent.
  virtual std::shared_ptr<const api::Namespace> GetNamespace(const std::string& name) = 0;
  virtual std::vector<std::shared_ptr<const api::Service>> Services(const std::string& ns) = 0;
  virtual std::vector<std::shared_ptr<const api::ReplicaSet>> ReplicaSets(const std::string& ns) = 0;
  // Every PodDisruptionBudget, ordered by namespace/name (DefaultPreemption). A lister without a
  // PDB informer has none.
  virtual std::vector<std::shared_ptr<const api::PodDisruptionBudget>> PodDisruptionBudgets() { return {}; }
};

}  // namespace kubesim::scheduler
