// The scoring core shared by NodeResourcesFit's strategies and NodeResourcesBalancedAllocation
// (kubernetes/kubernetes pkg/scheduler/framework/plugins/noderesources/resource_allocation.go
// @ v1.32): for each configured resource, (allocatable, requested-including-the-pod) of the node;
// scalar resources the pod does not request, and resources the node has none of, are left out
// (allocatable 0).
#pragma once

#include <array>
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

// Per-resource amounts of one node: inline for the usual few resources, since scoring fills two
// of these for every node of every cycle.
class ResourceVector {
 public:
  explicit ResourceVector(size_t n) : n_(n) {
    if (n > kInline) heap_.assign(n, 0);
  }
  int64_t& operator[](size_t i) { return n_ > kInline ? heap_[i] : inline_[i]; }
  int64_t operator[](size_t i) const { return n_ > kInline ? heap_[i] : inline_[i]; }
  size_t size() const { return n_; }

 private:
  static constexpr size_t kInline = 8;
  size_t n_;
  std::array<int64_t, kInline> inline_{};
  std::vector<int64_t> heap_;
};

// Decodes a `resources: [{name, weight}]` list; weight 0 or absent becomes 1 (v1 defaulting).
sim::StatusOr<std::vector<ResourceSpec>> DecodeResourceSpecs(const api::YamlNode& node);

// Pod requests for the configured resources: non-zero defaults for cpu/memory unless
// `use_requested` (BalancedAllocation), real requests otherwise.
std::vector<int64_t> PodRequestsFor(const std::vector<ResourceSpec>& resources, const api::Pod& pod,
                                    bool use_requested);

// Fills allocatable[i], requested[i] per configured resource for `node` with the pod added.
void AllocatableAndRequested(const std::vector<ResourceSpec>& resources, const std::vector<int64_t>& pod_requests,
                             const NodeInfo& node, bool use_requested, ResourceVector* allocatable,
                             ResourceVector* requested);

// Strategy scorers over (requested, allocatable) vectors.
int64_t LeastAllocatedScore(const std::vector<ResourceSpec>& resources, const ResourceVector& requested,
                            const ResourceVector& allocatable);
int64_t MostAllocatedScore(const std::vector<ResourceSpec>& resources, const ResourceVector& requested,
                           const ResourceVector& allocatable);

struct UtilizationShapePoint {
  int64_t utilization = 0;  // 0..100
  int64_t score = 0;        // 0..10 in configuration
};
// Upstream helper.BuildBrokenLinearFunction over an already-scaled shape.
int64_t BrokenLinear(const std::vector<UtilizationShapePoint>& shape, int64_t p);
// `shape` as configured (scores 0..10); scaled by MaxNodeScore / MaxCustomPriorityScore = 10 here.
int64_t RequestedToCapacityRatioScore(const std::vector<ResourceSpec>& resources,
                                      const std::vector<UtilizationShapePoint>& shape, const ResourceVector& requested,
                                      const ResourceVector& allocatable);

}  // namespace kubesim::scheduler
