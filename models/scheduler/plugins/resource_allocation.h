// The scoring core shared by NodeResourcesFit's strategies and NodeResourcesBalancedAllocation
// (upstream noderesources/resource_allocation.go, spec B.0–B.2): for each configured resource,
// (allocatable, requested-including-the-pod) of the node; scalar resources the pod does not
// request, and resources the node has none of, are left out (allocatable 0).
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "models/api/yaml_node.h"
#include "models/scheduler/node_info.h"
#include "sim/status.h"

namespace kubesim::scheduler {

struct ResourceSpec {
  std::string name;
  int64_t weight = 1;
};

// Decodes a `resources: [{name, weight}]` list; weight 0 or absent becomes 1 (v1 defaulting).
sim::StatusOr<std::vector<ResourceSpec>> DecodeResourceSpecs(const api::YamlNode& node);

// Pod requests for the configured resources: non-zero defaults for cpu/memory unless
// `use_requested` (BalancedAllocation), real requests otherwise.
std::vector<int64_t> PodRequestsFor(const std::vector<ResourceSpec>& resources, const api::Pod& pod, bool use_requested);

// Fills allocatable[i], requested[i] per configured resource for `node` with the pod added.
void AllocatableAndRequested(const std::vector<ResourceSpec>& resources, const std::vector<int64_t>& pod_requests,
                             const NodeInfo& node, bool use_requested, std::vector<int64_t>* allocatable,
                             std::vector<int64_t>* requested);

// Strategy scorers over (requested, allocatable) vectors.
int64_t LeastAllocatedScore(const std::vector<ResourceSpec>& resources, const std::vector<int64_t>& requested,
                            const std::vector<int64_t>& allocatable);
int64_t MostAllocatedScore(const std::vector<ResourceSpec>& resources, const std::vector<int64_t>& requested,
                           const std::vector<int64_t>& allocatable);

struct UtilizationShapePoint {
  int64_t utilization = 0;  // 0..100
  int64_t score = 0;        // 0..10 in configuration
};
// Upstream helper.BuildBrokenLinearFunction over an already-scaled shape.
int64_t BrokenLinear(const std::vector<UtilizationShapePoint>& shape, int64_t p);
// `shape` as configured (scores 0..10); scaled by MaxNodeScore / MaxCustomPriorityScore = 10 here.
int64_t RequestedToCapacityRatioScore(const std::vector<ResourceSpec>& resources,
                                      const std::vector<UtilizationShapePoint>& shape,
                                      const std::vector<int64_t>& requested, const std::vector<int64_t>& allocatable);

}  // namespace kubesim::scheduler
