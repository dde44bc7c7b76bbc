#include "models/scheduler/plugins/resource_allocation.h"

#include <cmath>

#include "models/scheduler/framework.h"

namespace kubesim::scheduler {

sim::StatusOr<std::vector<ResourceSpec>> DecodeResourceSpecs(const api::YamlNode& node) {
  std::vector<ResourceSpec> out;
  KUBESIM_ASSIGN_OR_RETURN(auto items, node.Items());
  for (const auto& item : items) {
    KUBESIM_RETURN_IF_ERROR(item.CheckKeys({"name", "weight"}));
    ResourceSpec r;
    if (!item["name"].Defined()) return item["name"].Error("Required value");
    KUBESIM_ASSIGN_OR_RETURN(r.name, item["name"].String());
    r.weight = 0;
    if (item["weight"].Defined()) {
      KUBESIM_ASSIGN_OR_RETURN(r.weight, item["weight"].Int());
    }
    if (r.weight == 0) r.weight = 1;
    out.push_back(std::move(r));
  }
  return out;
}

std::vector<int64_t> PodRequestsFor(const std::vector<ResourceSpec>& resources, const api::Pod& pod,
                                    bool use_requested) {
  Resource real = ComputePodRequests(pod, false);
  Resource non_zero = use_requested ? real : ComputePodRequests(pod, true);
  std::vector<int64_t> out;
  out.reserve(resources.size());
  for (const auto& r : resources) {
    bool cpu_or_mem = r.name == api::kResourceCPU || r.name == api::kResourceMemory;
    const Resource& src = cpu_or_mem ? non_zero : real;
    out.push_back(src.Get(r.name));
  }
  return out;
}

void AllocatableAndRequested(const std::vector<ResourceSpec>& resources, const std::vector<int64_t>& pod_requests,
                             const NodeInfo& node, bool use_requested, ResourceVector* allocatable,
                             ResourceVector* requested) {
  const Resource& cpu_mem_req = use_requested ? node.requested() : node.non_zero_requested();
  for (size_t i = 0; i < resources.size(); ++i) {
    const std::string& name = resources[i].name;
    int64_t alloc = 0, req = 0;
    // cpu and memory first: nearly every configuration scores exactly these, on every node.
    if (name == api::kResourceCPU) {
      alloc = node.allocatable().milli_cpu;
      req = cpu_mem_req.milli_cpu + pod_requests[i];
    } else if (name == api::kResourceMemory) {
      alloc = node.allocatable().memory;
      req = cpu_mem_req.memory + pod_requests[i];
    } else if (name == api::kResourceEphemeralStorage) {
      alloc = node.allocatable().ephemeral_storage;
      req = node.requested().ephemeral_storage + pod_requests[i];
    } else {
      // A scalar resource the pod does not request is left out of the score.
      if (pod_requests[i] == 0 && api::IsScalarResource(name)) continue;
      auto it = node.allocatable().scalar.find(name);
      if (it == node.allocatable().scalar.end()) continue;
      alloc = it->second;
      req = node.requested().Get(name) + pod_requests[i];
    }
    if (alloc == 0) continue;
    (*allocatable)[i] = alloc;
    (*requested)[i] = req;
  }
}

int64_t LeastAllocatedScore(const std::vector<ResourceSpec>& resources, const ResourceVector& requested,
                            const ResourceVector& allocatable) {
  int64_t node_score = 0, weight_sum = 0;
  for (size_t i = 0; i < requested.size(); ++i) {
    if (allocatable[i] == 0) continue;
    int64_t s = requested[i] > allocatable[i] ? 0 : (allocatable[i] - requested[i]) * kMaxNodeScore / allocatable[i];
    node_score += s * resources[i].weight;
    weight_sum += resources[i].weight;
  }
  return weight_sum == 0 ? 0 : node_score / weight_sum;
}

int64_t MostAllocatedScore(const std::vector<ResourceSpec>& resources, const ResourceVector& requested,
                           const ResourceVector& allocatable) {
  int64_t node_score = 0, weight_sum = 0;
  for (size_t i = 0; i < requested.size(); ++i) {
    if (allocatable[i] == 0) continue;
    int64_t req = std::min(requested[i], allocatable[i]);  // upstream caps at capacity
    node_score += req * kMaxNodeScore / allocatable[i] * resources[i].weight;
    weight_sum += resources[i].weight;
  }
  return weight_sum == 0 ? 0 : node_score / weight_sum;
}

int64_t BrokenLinear(const std::vector<UtilizationShapePoint>& shape, int64_t p) {
  for (size_t i = 0; i < shape.size(); ++i) {
    if (p <= shape[i].utilization) {
      if (i == 0) return shape[0].score;
      return shape[i - 1].score + (shape[i].score - shape[i - 1].score) * (p - shape[i - 1].utilization) /
                                      (shape[i].utilization - shape[i - 1].utilization);
    }
  }
  return shape.back().score;
}

int64_t RequestedToCapacityRatioScore(const std::vector<ResourceSpec>& resources,
                                      const std::vector<UtilizationShapePoint>& shape, const ResourceVector& requested,
                                      const ResourceVector& allocatable) {
  constexpr int64_t kMaxUtilization = 100;
  constexpr int64_t kScale = kMaxNodeScore / 10;  // MaxNodeScore / MaxCustomPriorityScore
  std::vector<UtilizationShapePoint> scaled = shape;
  for (auto& p : scaled) p.score *= kScale;
  int64_t node_score = 0, weight_sum = 0;
  for (size_t i = 0; i < requested.size(); ++i) {
    if (allocatable[i] == 0) continue;
    int64_t util = (requested[i] > allocatable[i]) ? kMaxUtilization : requested[i] * kMaxUtilization / allocatable[i];
    int64_t s = BrokenLinear(scaled, util);
    if (s > 0) {
      node_score += s * resources[i].weight;
      weight_sum += resources[i].weight;
    }
  }
  if (weight_sum == 0) return 0;
  return static_cast<int64_t>(std::round(static_cast<double>(node_score) / static_cast<double>(weight_sum)));
}

}  // namespace kubesim::scheduler
