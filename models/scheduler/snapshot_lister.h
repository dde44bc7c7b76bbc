// SnapshotLister: a SharedLister over a Cache and fixed lists of other objects, for scheduling
// outside a running cluster (`kubesim schedule`, benchmarks, tests).
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "models/scheduler/cache.h"
#include "models/scheduler/shared_lister.h"

namespace kubesim::scheduler {

class SnapshotLister : public SharedLister {
 public:
  explicit SnapshotLister(Cache& cache) : cache_(cache) {}
  const std::vector<const NodeInfo*>& Nodes() override { return cache_.NodeList(); }
  MatchingPodCounts* MatchingPods() override { return &cache_.matching_pods(); }
  const NodeInfo* GetNode(const std::string& name) override { return cache_.GetNode(name); }
  const std::vector<const NodeInfo*>& NodesWithAffinityPods() override { return cache_.NodesWithAffinityPods(); }
  const std::vector<const NodeInfo*>& NodesWithRequiredAntiAffinityPods() override {
    return cache_.NodesWithRequiredAntiAffinityPods();
  }
  int64_t ImageNodeCount(const std::string& name) override { return cache_.ImageNodeCount(name); }
  std::shared_ptr<const api::Namespace> GetNamespace(const std::string& name) override {
    auto it = namespaces.find(name);
    return it == namespaces.end() ? nullptr : it->second;
  }
  std::vector<std::shared_ptr<const api::Service>> Services(const std::string& ns) override {
    return InNamespace(services, ns);
  }
  std::vector<std::shared_ptr<const api::ReplicaSet>> ReplicaSets(const std::string& ns) override {
    return InNamespace(replicasets, ns);
  }

  std::vector<std::shared_ptr<const api::PodDisruptionBudget>> PodDisruptionBudgets() override { return pdbs; }

  std::map<std::string, std::shared_ptr<const api::Namespace>> namespaces;
  std::vector<std::shared_ptr<const api::PodDisruptionBudget>> pdbs;  // ordered by namespace/name
  std::vector<std::shared_ptr<const api::Service>> services;
  std::vector<std::shared_ptr<const api::ReplicaSet>> replicasets;

 private:
  template <typename T>
  static std::vector<std::shared_ptr<const T>> InNamespace(const std::vector<std::shared_ptr<const T>>& all,
                                                           const std::string& ns) {
    std::vector<std::shared_ptr<const T>> out;
    for (const auto& o : all) {
      if (o->metadata.namespace_ == ns) out.push_back(o);
    }
    return out;
  }
  Cache& cache_;
};

}  // namespace kubesim::scheduler
