// NodeResourcesFit (kubernetes/kubernetes pkg/scheduler/framework/plugins/noderesources/fit.go, with
// least_allocated.go, most_allocated.go and requested_to_capacity_ratio.go @ v1.32).
// PreFilter computes the pod's requests; Filter rejects a node whose free allocatable is short of
// them (one reason per resource, "Too many pods" for the pod count); Score applies the configured
// strategy — LeastAllocated (default), MostAllocated or RequestedToCapacityRatio — over the
// configured resources with non-zero defaults for cpu and memory.
#pragma once

#include <string>
#include <vector>

#include "models/api/yaml_node.h"
#include "models/scheduler/framework.h"
#include "models/scheduler/plugins/resource_allocation.h"
#include "sim/status.h"

namespace kubesim::scheduler {

enum class ScoringStrategyType { kLeastAllocated, kMostAllocated, kRequestedToCapacityRatio };

// NodeResourcesFitArgs (kubescheduler.config.k8s.io/v1) with upstream defaults.
struct NodeResourcesFitArgs {
  std::vector<std::string> ignored_resources;
  std::vector<std::string> ignored_resource_groups;
  ScoringStrategyType type = ScoringStrategyType::kLeastAllocated;
  std::vector<ResourceSpec> resources = {{"cpu", 1}, {"memory", 1}};
  std::vector<UtilizationShapePoint> shape;  // RequestedToCapacityRatio only
};

// Upstream ValidateNodeResourcesFitArgs: weights in 1..100, shape points valid and increasing.
sim::Status ValidateNodeResourcesFitArgs(const NodeResourcesFitArgs& args);
// `args` of a pluginConfig entry, with v1 defaulting (SetDefaults_NodeResourcesFitArgs: no
// resources → cpu and memory; weight 0 → 1) and validation; errors are located.
sim::StatusOr<NodeResourcesFitArgs> DecodeNodeResourcesFitArgs(const api::YamlNode& args);

class NodeResourcesFit : public PreFilterPlugin, public FilterPlugin, public PreScorePlugin, public ScorePlugin {
 public:
  static constexpr const char* kName = "NodeResourcesFit";
  explicit NodeResourcesFit(NodeResourcesFitArgs args = {}) : args_(std::move(args)) {}

  std::string Name() const override { return kName; }
  uint32_t EventsToRegister() const override { return kEventNodeAdd | kEventNodeUpdate | kEventAssignedPodDelete; }
  Status PreFilter(CycleState& state, const api::Pod& pod, const std::vector<const NodeInfo*>& nodes) override;
  Status Filter(const CycleState& state, const api::Pod& pod, const NodeInfo& node) const override;
  Status PreScore(CycleState& state, const api::Pod& pod, const std::vector<const NodeInfo*>& nodes) override;
  Status Score(const CycleState& state, const api::Pod& pod, const NodeInfo& node, int64_t* score) const override;

  const NodeResourcesFitArgs& args() const { return args_; }

 private:
  bool Ignored(const std::string& resource) const;
  NodeResourcesFitArgs args_;
};

}  // namespace kubesim::scheduler
