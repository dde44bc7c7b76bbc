#include "models/scheduler/plugins/node_resources_balanced_allocation.h"

#include <cmath>

namespace kubesim::scheduler {
namespace {

constexpr const char* kPreScoreStateKey = "PreScoreNodeResourcesBalancedAllocation";

struct PreScoreState : StateData {
  std::vector<int64_t> pod_requests;
};

// Float arithmetic in upstream's order of operations (balancedResourceScorer).
// Fractions are recomputed rather than stored (no allocation per node); each is the same double
// both times, so the result is upstream's to the bit.
int64_t BalancedResourceScore(const ResourceVector& requested, const ResourceVector& allocatable) {
  auto fraction = [&](size_t i) {
    double f = static_cast<double>(requested[i]) / static_cast<double>(allocatable[i]);
    return f > 1 ? 1.0 : f;
  };
  double total = 0;
  size_t n = 0;
  double first = 0, second = 0;
  for (size_t i = 0; i < requested.size(); ++i) {
    if (allocatable[i] == 0) continue;
    double f = fraction(i);
    total += f;
    if (n == 0) first = f;
    if (n == 1) second = f;
    ++n;
  }
  double std_dev = 0;
  if (n == 2) {
    std_dev = std::fabs((first - second) / 2);
  } else if (n > 2) {
    double mean = total / static_cast<double>(n);
    double sum = 0;
    for (size_t i = 0; i < requested.size(); ++i) {
      if (allocatable[i] == 0) continue;
      double f = fraction(i);
      sum = sum + (f - mean) * (f - mean);
    }
    std_dev = std::sqrt(sum / static_cast<double>(n));
  }
  return static_cast<int64_t>((1 - std_dev) * static_cast<double>(kMaxNodeScore));
}

}  // namespace

sim::StatusOr<NodeResourcesBalancedAllocationArgs> DecodeNodeResourcesBalancedAllocationArgs(
    const api::YamlNode& node) {
  NodeResourcesBalancedAllocationArgs args;
  if (!node.Defined()) return args;
  KUBESIM_RETURN_IF_ERROR(node.CheckKeys({"apiVersion", "kind", "resources"}));
  if (node["resources"].Defined()) {
    KUBESIM_ASSIGN_OR_RETURN(args.resources, DecodeResourceSpecs(node["resources"]));
    if (args.resources.empty()) args.resources = {{"cpu", 1}, {"memory", 1}};
  }
  for (size_t i = 0; i < args.resources.size(); ++i) {
    const auto& r = args.resources[i];
    if (r.weight < 1 || r.weight > 100) {
      return node["resources"].At(i)["weight"].Error("Invalid value: " + std::to_string(r.weight) +
                                                     ": resource weight of " + r.name + " not in valid range [1, 100]");
    }
  }
  return args;
}

Status NodeResourcesBalancedAllocation::PreScore(CycleState& state, const api::Pod& pod,
                                                 const std::vector<const NodeInfo*>&) {
  auto s = std::make_unique<PreScoreState>();
  s->pod_requests = PodRequestsFor(args_.resources, pod, true);
  state.Write(kPreScoreStateKey, std::move(s));
  return Status::Success();
}

Status NodeResourcesBalancedAllocation::Score(const CycleState& state, const api::Pod&, const NodeInfo& node,
                                              int64_t* score) const {
  const auto* s = state.Read<PreScoreState>(kPreScoreStateKey);
  if (s == nullptr)
    return Status::Error("reading \"PreScoreNodeResourcesBalancedAllocation\" from cycleState: not found");
  ResourceVector allocatable(args_.resources.size()), requested(args_.resources.size());
  AllocatableAndRequested(args_.resources, s->pod_requests, node, true, &allocatable, &requested);
  *score = BalancedResourceScore(requested, allocatable);
  return Status::Success();
}

}  // namespace kubesim::scheduler
