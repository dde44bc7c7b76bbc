#include "models/autoscaler/cluster_snapshot.h"

namespace kubesim::autoscaler {

ClusterSnapshot::ClusterSnapshot(const scheduler::SchedulerConfig& config, const scheduler::Registry& registry)
    : config_(config), registry_(registry) {}

sim::Status ClusterSnapshot::Init() {
  scheduler::PluginContext ctx;
  ctx.lister = &lister_;
  for (const auto& pc : config_.profiles) {
    KUBESIM_ASSIGN_OR_RETURN(auto profile, scheduler::Profile::Build(pc, registry_, ctx));
    profiles_[pc.scheduler_name] = std::move(profile);
  }
  return sim::Status::Ok();
}

scheduler::Profile* ClusterSnapshot::ProfileFor(const api::Pod& pod) const {
  auto it = profiles_.find(pod.spec.scheduler_name);
  return it == profiles_.end() ? nullptr : it->second.get();
}

void ClusterSnapshot::Place(const api::Pod& pod, const std::string& node) {
  auto copy = pod.DeepCopy();
  copy->spec.node_name = node;
  cache_.AssumePod(copy);
}

scheduler::Status ClusterSnapshot::CheckPredicates(const api::Pod& pod, const std::string& node) {
  scheduler::Profile* profile = ProfileFor(pod);
  if (profile == nullptr) {
    return scheduler::Status::Unresolvable("no scheduler profile named \"" + pod.spec.scheduler_name + "\"");
  }
  const scheduler::NodeInfo* info = cache_.GetNode(node);
  if (info == nullptr) return scheduler::Status::Unresolvable("node " + node + " not in the snapshot");
  scheduler::CycleState state;
  scheduler::Status s = profile->RunPreFilter(state, pod, cache_.NodeList());
  if (!s.IsSuccess() && !s.IsSkip()) return s;
  return profile->RunFilter(state, pod, *info);
}

std::string ClusterSnapshot::FitsAnyNodeMatching(const api::Pod& pod,
                                                 const std::function<bool(const scheduler::NodeInfo&)>& accept,
                                                 size_t* start) {
  scheduler::Profile* profile = ProfileFor(pod);
  if (profile == nullptr) return "";
  const auto& nodes = cache_.NodeList();
  if (nodes.empty()) return "";
  scheduler::CycleState state;
  scheduler::Status s = profile->RunPreFilter(state, pod, nodes);
  if (!s.IsSuccess() && !s.IsSkip()) return "";
  size_t first = start != nullptr ? *start % nodes.size() : 0;
  for (size_t i = 0; i < nodes.size(); ++i) {
    size_t idx = (first + i) % nodes.size();
    const scheduler::NodeInfo& n = *nodes[idx];
    if (!accept(n)) continue;
    if (profile->RunFilter(state, pod, n).IsSuccess()) {
      if (start != nullptr) *start = idx + 1;
      return n.name();
    }
  }
  return "";
}

}  // namespace kubesim::autoscaler
