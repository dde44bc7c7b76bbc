#include "models/scheduler/plugins/node_resources_balanced_allocation.h"

#include <cmath>

namespace kubesim::scheduler {
namespace {

constexpr const char* kPreScoreStateKey = "PreScoreNodeResourcesBalancedAllocation";

struct PreScoreState : StateData {
  std::vector<int64_t> pod_requests;
};

// Float arithmetic in upstream's order of operations (balancedResourceScorer).
int64_t BalancedResourceScore(const std::vector<int64_t>& requested, const std::vector<int64_t>& allocatable) {
  std::vector<double> fractions;
  double total = 0;
  for (size_t i = 0; i < requested.size(); ++i) {
    if (allocatable[i] == 0) continue;
    double f = static_cast<double>(requested[i]) / static_cast<double>(allocatable[i]);
    if (f > 1) f = 1;
    total += f;
    fractions.push_back(f);
  }
  double std_dev = 0;
  if (fractions.size() == 2) {
    std_dev = std::fabs((fractions[0] - fractions[1]) / 2);
  } else if (fractions.size() > 2) {
    double mean = total / static_cast<double>(fractions.size());
    double sum = 0;
    for (double f : fractions) sum = sum + (f - mean) * (f - mean);
    std_dev = std::sqrt(sum / static_cast<double>(fractions.size()));
  }
  return static_cast<int64_t>((1 - std_dev) * static_cast<double>(kMaxNodeScore));
}

}  // namespace

sim::StatusOr<NodeResourcesBalancedAllocationArgs> DecodeNodeResourcesBalancedAllocationArgs(const api::YamlNode& node) {
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
  if (s == nullptr) return Status::Error("reading \"PreScoreNodeResourcesBalancedAllocation\" from cycleState: not found");
  std::vector<int64_t> allocatable, requested;
  AllocatableAndRequested(args_.resources, s->pod_requests, node, true, &allocatable, &requested);
  *score = BalancedResourceScore(requested, allocatable);
  return Status::Success();
}

}  // namespace kubesim::scheduler
