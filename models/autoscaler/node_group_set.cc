#include "models/autoscaler/node_group_set.h"

#include <cmath>
#include <set>

#include "models/cloud/node_bootstrap.h"

namespace kubesim::autoscaler {
namespace {

// Labels that differ between otherwise identical groups (compare_nodegroups.go BasicIgnoredLabels,
// and the provider's own group label as AWS ignores eks.amazonaws.com/nodegroup).
const std::set<std::string>& IgnoredLabels() {
  static const std::set<std::string> kIgnored = {api::kLabelHostname,         api::kLabelZone,
                                                 api::kLabelRegion,           cloud::kLabelZoneBeta,
                                                 cloud::kLabelRegionBeta,     "beta.kubernetes.io/fluentd-ds-ready",
                                                 "kops.k8s.io/instancegroup", cloud::kLabelNodeGroup};
  return kIgnored;
}

bool Within(int64_t a, int64_t b, double ratio) {
  if (a == b) return true;
  double larger = static_cast<double>(std::max(a, b));
  return std::abs(static_cast<double>(a - b)) / larger <= ratio;
}

bool ResourcesSimilar(const api::ResourceList& a, const api::ResourceList& b, double memory_ratio, double other_ratio) {
  if (a.size() != b.size()) return false;
  for (const auto& [name, qa] : a) {
    auto it = b.find(name);
    if (it == b.end()) return false;
    int64_t va = api::AmountOf(name, qa), vb = api::AmountOf(name, it->second);
    double ratio = name == api::kResourceMemory ? memory_ratio : other_ratio;
    if (!Within(va, vb, ratio)) return false;
  }
  return true;
}

}  // namespace

bool IsSimilar(const api::Node& a, const api::Node& b) {
  // MaxCapacityMemoryDifferenceRatio 0.015; capacity otherwise exact; MaxAllocatableDifferenceRatio 0.05.
  if (!ResourcesSimilar(a.status.capacity, b.status.capacity, 0.015, 0)) return false;
  if (!ResourcesSimilar(a.status.allocatable, b.status.allocatable, 0.05, 0.05)) return false;
  api::StringMap la, lb;
  for (const auto& [k, v] : a.metadata.labels) {
    if (!IgnoredLabels().count(k)) la[k] = v;
  }
  for (const auto& [k, v] : b.metadata.labels) {
    if (!IgnoredLabels().count(k)) lb[k] = v;
  }
  return la == lb;
}

int32_t BalanceScaleUp(std::vector<GroupSize>& groups, int32_t nodes) {
  int32_t placed = 0;
  for (; placed < nodes; ++placed) {
    GroupSize* smallest = nullptr;
    for (auto& g : groups) {
      if (g.target + g.delta >= g.max_size) continue;
      if (smallest == nullptr || g.target + g.delta < smallest->target + smallest->delta) smallest = &g;
    }
    if (smallest == nullptr) break;
    ++smallest->delta;
  }
  return placed;
}

}  // namespace kubesim::autoscaler
