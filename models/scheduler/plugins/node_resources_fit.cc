#include "models/scheduler/plugins/node_resources_fit.h"

#include <algorithm>

namespace kubesim::scheduler {
namespace {

constexpr const char* kPreFilterStateKey = "PreFilterNodeResourcesFit";
constexpr const char* kPreScoreStateKey = "PreScoreNodeResourcesFit";

struct PreFilterState : StateData {
  Resource requests;
};
struct PreScoreState : StateData {
  std::vector<int64_t> pod_requests;
};

}  // namespace

sim::Status ValidateNodeResourcesFitArgs(const NodeResourcesFitArgs& args) {
  if (args.resources.empty()) {
    return sim::InvalidArgument("scoringStrategy.resources: Required value: at least one resource is required");
  }
  for (size_t i = 0; i < args.resources.size(); ++i) {
    const auto& r = args.resources[i];
    if (r.weight <= 0 || r.weight > 100) {
      return sim::InvalidArgument("scoringStrategy.resources[" + std::to_string(i) +
                                  "].weight: Invalid value: " + std::to_string(r.weight) + ": resource weight of " +
                                  r.name + " not in valid range [1, 100]");
    }
  }
  if (args.type == ScoringStrategyType::kRequestedToCapacityRatio) {
    if (args.shape.empty()) {
      return sim::InvalidArgument(
          "scoringStrategy.requestedToCapacityRatio.shape: Required value: at least one point must be specified");
    }
    for (size_t i = 0; i < args.shape.size(); ++i) {
      const auto& p = args.shape[i];
      std::string at = "scoringStrategy.requestedToCapacityRatio.shape[" + std::to_string(i) + "]";
      if (p.utilization < 0 || p.utilization > 100) {
        return sim::InvalidArgument(at + ".utilization: Invalid value: " + std::to_string(p.utilization) +
                                    ": not in valid range [0, 100]");
      }
      if (i > 0 && p.utilization <= args.shape[i - 1].utilization) {
        return sim::InvalidArgument(at + ".utilization: Invalid value: " + std::to_string(p.utilization) +
                                    ": utilization values must be sorted in increasing order");
      }
      if (p.score < 0 || p.score > 10) {
        return sim::InvalidArgument(at + ".score: Invalid value: " + std::to_string(p.score) +
                                    ": not in valid range [0, 10]");
      }
    }
  }
  return sim::Status::Ok();
}

sim::StatusOr<NodeResourcesFitArgs> DecodeNodeResourcesFitArgs(const api::YamlNode& node) {
  NodeResourcesFitArgs args;
  if (!node.Defined()) return args;
  KUBESIM_RETURN_IF_ERROR(
      node.CheckKeys({"apiVersion", "kind", "ignoredResources", "ignoredResourceGroups", "scoringStrategy"}));
  KUBESIM_ASSIGN_OR_RETURN(args.ignored_resources, node["ignoredResources"].StringList());
  KUBESIM_ASSIGN_OR_RETURN(args.ignored_resource_groups, node["ignoredResourceGroups"].StringList());
  for (const auto& g : args.ignored_resource_groups) {
    if (g.find('/') != std::string::npos) {
      return node["ignoredResourceGroups"].Error("Invalid value: \"" + g + "\": resource group name can't contain '/'");
    }
  }
  api::YamlNode strategy = node["scoringStrategy"];
  if (strategy.Defined()) {
    KUBESIM_RETURN_IF_ERROR(strategy.CheckKeys({"type", "resources", "requestedToCapacityRatio"}));
    std::string type;
    if (strategy["type"].Defined()) {
      KUBESIM_ASSIGN_OR_RETURN(type, strategy["type"].String());
    }
    if (type == "LeastAllocated") {
      args.type = ScoringStrategyType::kLeastAllocated;
    } else if (type == "MostAllocated") {
      args.type = ScoringStrategyType::kMostAllocated;
    } else if (type == "RequestedToCapacityRatio") {
      args.type = ScoringStrategyType::kRequestedToCapacityRatio;
    } else {
      return strategy["type"].Error(
          "Unsupported value: \"" + type +
          "\": supported values: \"LeastAllocated\", \"MostAllocated\", \"RequestedToCapacityRatio\"");
    }
    if (strategy["resources"].Defined()) {
      KUBESIM_ASSIGN_OR_RETURN(args.resources, DecodeResourceSpecs(strategy["resources"]));
      if (args.resources.empty()) args.resources = {{"cpu", 1}, {"memory", 1}};
    }
    api::YamlNode rtcr = strategy["requestedToCapacityRatio"];
    if (rtcr.Defined()) {
      KUBESIM_RETURN_IF_ERROR(rtcr.CheckKeys({"shape"}));
      KUBESIM_ASSIGN_OR_RETURN(auto points, rtcr["shape"].Items());
      for (const auto& p : points) {
        KUBESIM_RETURN_IF_ERROR(p.CheckKeys({"utilization", "score"}));
        UtilizationShapePoint point;
        KUBESIM_ASSIGN_OR_RETURN(point.utilization, p["utilization"].Int());
        KUBESIM_ASSIGN_OR_RETURN(point.score, p["score"].Int());
        args.shape.push_back(point);
      }
    }
  }
  if (sim::Status st = ValidateNodeResourcesFitArgs(args); !st.ok()) return node.Error(st.message());
  return args;
}

bool NodeResourcesFit::Ignored(const std::string& resource) const {
  if (!api::IsExtendedResource(resource)) return false;
  if (std::find(args_.ignored_resources.begin(), args_.ignored_resources.end(), resource) !=
      args_.ignored_resources.end()) {
    return true;
  }
  std::string group = resource.substr(0, resource.find('/'));
  return std::find(args_.ignored_resource_groups.begin(), args_.ignored_resource_groups.end(), group) !=
         args_.ignored_resource_groups.end();
}

Status NodeResourcesFit::PreFilter(CycleState& state, const api::Pod& pod, const std::vector<const NodeInfo*>&) {
  auto s = std::make_unique<PreFilterState>();
  s->requests = ComputePodRequests(pod, false);
  state.Write(kPreFilterStateKey, std::move(s));
  return Status::Success();
}

Status NodeResourcesFit::Filter(const CycleState& state, const api::Pod&, const NodeInfo& node) const {
  const auto* s = state.Read<PreFilterState>(kPreFilterStateKey);
  if (s == nullptr) return Status::Error("error reading \"PreFilterNodeResourcesFit\" from cycleState: not found");
  const Resource& req = s->requests;
  const Resource& alloc = node.allocatable();
  const Resource& used = node.requested();
  std::vector<std::string> reasons;
  if (static_cast<int64_t>(node.pods().size()) + 1 > alloc.allowed_pod_number) reasons.push_back("Too many pods");
  bool requests_nothing = req.milli_cpu == 0 && req.memory == 0 && req.ephemeral_storage == 0;
  for (const auto& [name, v] : req.scalar) requests_nothing = requests_nothing && v == 0;
  if (!requests_nothing) {
    if (req.milli_cpu > 0 && req.milli_cpu > alloc.milli_cpu - used.milli_cpu) reasons.push_back("Insufficient cpu");
    if (req.memory > 0 && req.memory > alloc.memory - used.memory) reasons.push_back("Insufficient memory");
    if (req.ephemeral_storage > 0 && req.ephemeral_storage > alloc.ephemeral_storage - used.ephemeral_storage) {
      reasons.push_back("Insufficient ephemeral-storage");
    }
    for (const auto& [name, v] : req.scalar) {
      if (v == 0 || Ignored(name)) continue;
      if (v > alloc.Get(name) - used.Get(name)) reasons.push_back("Insufficient " + name);
    }
  }
  if (reasons.empty()) return Status::Success();
  return Status(Code::kUnschedulable, std::move(reasons));
}

Status NodeResourcesFit::PreScore(CycleState& state, const api::Pod& pod, const std::vector<const NodeInfo*>&) {
  auto s = std::make_unique<PreScoreState>();
  s->pod_requests = PodRequestsFor(args_.resources, pod, false);
  state.Write(kPreScoreStateKey, std::move(s));
  return Status::Success();
}

Status NodeResourcesFit::Score(const CycleState& state, const api::Pod&, const NodeInfo& node, int64_t* score) const {
  const auto* s = state.Read<PreScoreState>(kPreScoreStateKey);
  if (s == nullptr) return Status::Error("error reading \"PreScoreNodeResourcesFit\" from cycleState: not found");
  ResourceVector allocatable(args_.resources.size()), requested(args_.resources.size());
  AllocatableAndRequested(args_.resources, s->pod_requests, node, false, &allocatable, &requested);
  switch (args_.type) {
    case ScoringStrategyType::kLeastAllocated:
      *score = LeastAllocatedScore(args_.resources, requested, allocatable);
      break;
    case ScoringStrategyType::kMostAllocated:
      *score = MostAllocatedScore(args_.resources, requested, allocatable);
      break;
    case ScoringStrategyType::kRequestedToCapacityRatio:
      *score = RequestedToCapacityRatioScore(args_.resources, args_.shape, requested, allocatable);
      break;
  }
  return Status::Success();
}

}  // namespace kubesim::scheduler
