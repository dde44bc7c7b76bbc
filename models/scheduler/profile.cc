#include "models/scheduler/profile.h"

#include "models/scheduler/plugins/node_name.h"
#include "models/scheduler/plugins/node_resources_balanced_allocation.h"
#include "models/scheduler/plugins/node_resources_fit.h"
#include "models/scheduler/plugins/node_unschedulable.h"
#include "models/scheduler/plugins/priority_sort.h"
#include "models/scheduler/plugins/taint_toleration.h"

namespace kubesim::scheduler {

ProfileConfig DefaultProfileConfig() {
  // pkg/scheduler/apis/config/v1/default_plugins.go, v1.32, minus plugins not implemented yet
  // (SchedulingGates, NodeAffinity, NodePorts, volume plugins, PodTopologySpread,
  // InterPodAffinity, DefaultPreemption, ImageLocality): see docs/fidelity.md.
  ProfileConfig c;
  c.multi_point = {
      {PrioritySort::kName, 0},
      {NodeUnschedulable::kName, 0},
      {NodeName::kName, 0},
      {TaintToleration::kName, 3},
      {NodeResourcesFit::kName, 1},
      {NodeResourcesBalancedAllocation::kName, 1},
      {DefaultBinder::kName, 0},
  };
  return c;
}

sim::StatusOr<std::unique_ptr<Profile>> Profile::Build(const ProfileConfig& config, const Registry& registry,
                                                       const PluginContext& ctx) {
  auto p = std::unique_ptr<Profile>(new Profile());
  p->config_ = config;
  for (const auto& ref : config.multi_point) {
    const PluginFactory* f = registry.Find(ref.name);
    if (f == nullptr) return sim::InvalidArgument("plugin \"" + ref.name + "\" does not exist");
    auto args = config.plugin_args.find(ref.name);
    KUBESIM_ASSIGN_OR_RETURN(std::shared_ptr<Plugin> plugin,
                             (*f)(ctx, args == config.plugin_args.end() ? nullptr : &args->second));
    Plugin* raw = plugin.get();
    if (auto* q = dynamic_cast<QueueSortPlugin*>(raw)) {
      if (p->queue_sort_ != nullptr) return sim::InvalidArgument("only one queue sort plugin can be enabled");
      p->queue_sort_ = q;
    }
    if (auto* x = dynamic_cast<PreFilterPlugin*>(raw)) p->pre_filter_.push_back(x);
    if (auto* x = dynamic_cast<FilterPlugin*>(raw)) p->filter_.push_back(x);
    if (auto* x = dynamic_cast<PreScorePlugin*>(raw)) p->pre_score_.push_back(x);
    if (auto* x = dynamic_cast<ScorePlugin*>(raw)) p->score_.emplace_back(x, ref.weight == 0 ? 1 : ref.weight);
    if (auto* x = dynamic_cast<BindPlugin*>(raw)) {
      if (p->binder_ == nullptr) p->binder_ = x;
    }
    p->plugins_.push_back(std::move(plugin));
  }
  if (p->queue_sort_ == nullptr) return sim::InvalidArgument("one queue sort plugin required for profile");
  if (p->binder_ == nullptr) return sim::InvalidArgument("at least one bind plugin is needed for profile");
  return p;
}

Status Profile::RunPreFilter(CycleState& state, const api::Pod& pod, const std::vector<const NodeInfo*>& nodes) {
  for (auto* pl : pre_filter_) {
    Status s = pl->PreFilter(state, pod, nodes);
    if (s.IsSkip()) {
      state.SetSkipFilter(pl->Name());
      continue;
    }
    if (!s.IsSuccess()) return s.WithPlugin(pl->Name());
  }
  return Status::Success();
}

Status Profile::RunFilter(const CycleState& state, const api::Pod& pod, const NodeInfo& node) const {
  for (auto* pl : filter_) {
    if (state.skip_filter(pl->Name())) continue;
    Status s = pl->Filter(state, pod, node);
    if (!s.IsSuccess()) return s.WithPlugin(pl->Name());
  }
  return Status::Success();
}

Status Profile::RunPreScore(CycleState& state, const api::Pod& pod, const std::vector<const NodeInfo*>& nodes) {
  for (auto* pl : pre_score_) {
    Status s = pl->PreScore(state, pod, nodes);
    if (s.IsSkip()) {
      state.SetSkipScore(pl->Name());
      continue;
    }
    if (!s.IsSuccess()) return s.WithPlugin(pl->Name());
  }
  return Status::Success();
}

Status Profile::RunScore(CycleState& state, const api::Pod& pod, const std::vector<const NodeInfo*>& nodes,
                         std::vector<int64_t>* totals, std::vector<std::vector<PluginScore>>* detail) {
  totals->assign(nodes.size(), 0);
  if (detail) detail->assign(nodes.size(), {});
  if (score_.empty()) {
    // Upstream: with no score plugins every node gets total 1.
    totals->assign(nodes.size(), 1);
    return Status::Success();
  }
  NodeScoreList list(nodes.size());
  for (auto& [pl, weight] : score_) {
    if (state.skip_score(pl->Name())) continue;
    for (size_t i = 0; i < nodes.size(); ++i) {
      list[i].name = nodes[i]->name();
      Status s = pl->Score(state, pod, *nodes[i], &list[i].score);
      if (!s.IsSuccess()) return s.WithPlugin(pl->Name());
    }
    std::vector<int64_t> raw;
    if (detail) for (const auto& ns : list) raw.push_back(ns.score);
    if (pl->HasNormalize()) {
      Status s = pl->NormalizeScore(state, pod, list);
      if (!s.IsSuccess()) return s.WithPlugin(pl->Name());
    }
    for (size_t i = 0; i < nodes.size(); ++i) {
      if (list[i].score > kMaxNodeScore || list[i].score < kMinNodeScore) {
        return Status::Error("plugin \"" + pl->Name() + "\" returns an invalid score " + std::to_string(list[i].score) +
                             ", it should in the range of [0, 100] after normalizing")
            .WithPlugin(pl->Name());
      }
      (*totals)[i] += list[i].score * weight;
      if (detail) (*detail)[i].push_back(PluginScore{pl->Name(), raw[i], list[i].score, list[i].score * weight});
    }
  }
  return Status::Success();
}

uint32_t Profile::EventsFor(const std::vector<std::string>& plugins) const {
  uint32_t events = 0;
  for (const auto& name : plugins) {
    for (const auto& p : plugins_) {
      if (p->Name() == name) events |= p->EventsToRegister();
    }
  }
  return events;
}

}  // namespace kubesim::scheduler
