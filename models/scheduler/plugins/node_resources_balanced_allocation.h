// NodeResourcesBalancedAllocation (kubernetes/kubernetes
// pkg/scheduler/framework/plugins/noderesources/balanced_allocation.go @ v1.32):
// favours nodes whose resource fractions (requested incl. the pod / allocatable, capped at 1)
// are close to each other: score = int((1 − std) · 100). v1.32: best-effort pods are scored too
// (the PreScore Skip for them is v1.33+, kubernetes/kubernetes #130260).
#pragma once

#include <vector>

#include "models/scheduler/framework.h"
#include "models/scheduler/plugins/resource_allocation.h"

namespace kubesim::scheduler {

struct NodeResourcesBalancedAllocationArgs {
  std::vector<ResourceSpec> resources = {{"cpu", 1}, {"memory", 1}};
};

// v1 defaulting (no resources → cpu and memory; weight 0 → 1) and validation (weights 1..100).
sim::StatusOr<NodeResourcesBalancedAllocationArgs> DecodeNodeResourcesBalancedAllocationArgs(const api::YamlNode& args);

class NodeResourcesBalancedAllocation : public PreScorePlugin, public ScorePlugin {
 public:
  static constexpr const char* kName = "NodeResourcesBalancedAllocation";
  explicit NodeResourcesBalancedAllocation(NodeResourcesBalancedAllocationArgs args = {}) : args_(std::move(args)) {}
  std::string Name() const override { return kName; }
  Status PreScore(CycleState& state, const api::Pod& pod, const std::vector<const NodeInfo*>& nodes) override;
  Status Score(const CycleState& state, const api::Pod& pod, const NodeInfo& node, int64_t* score) const override;

 private:
  NodeResourcesBalancedAllocationArgs args_;
};

}  // namespace kubesim::scheduler
