#include "models/scheduler/profile.h"

#include <algorithm>
#include <set>

#include "models/scheduler/nominator.h"
#include "models/scheduler/plugins/default_preemption.h"
#include "models/scheduler/plugins/image_locality.h"
#include "models/scheduler/plugins/inter_pod_affinity.h"
#include "models/scheduler/plugins/node_affinity.h"
#include "models/scheduler/plugins/node_name.h"
#include "models/scheduler/plugins/node_ports.h"
#include "models/scheduler/plugins/node_resources_balanced_allocation.h"
#include "models/scheduler/plugins/node_resources_fit.h"
#include "models/scheduler/plugins/node_unschedulable.h"
#include "models/scheduler/plugins/pod_topology_spread.h"
#include "models/scheduler/plugins/priority_sort.h"
#include "models/scheduler/plugins/scheduling_gates.h"
#include "models/scheduler/plugins/taint_toleration.h"

namespace kubesim::scheduler {

const char* ExtensionPointName(ExtensionPoint p) {
  switch (p) {
    case ExtensionPoint::kPreEnqueue:
      return "preEnqueue";
    case ExtensionPoint::kQueueSort:
      return "queueSort";
    case ExtensionPoint::kPreFilter:
      return "preFilter";
    case ExtensionPoint::kFilter:
      return "filter";
    case ExtensionPoint::kPostFilter:
      return "postFilter";
    case ExtensionPoint::kPreScore:
      return "preScore";
    case ExtensionPoint::kScore:
      return "score";
    case ExtensionPoint::kBind:
      return "bind";
  }
  return "";
}

ProfileConfig DefaultProfileConfig() {
  // pkg/scheduler/apis/config/v1/default_plugins.go, v1.32, minus the volume plugins, not
  // implemented yet (see docs/fidelity.md).
  ProfileConfig c;
  c.multi_point.enabled = {
      {SchedulingGates::kName, 0},  {PrioritySort::kName, 0},      {NodeUnschedulable::kName, 0},
      {NodeName::kName, 0},         {TaintToleration::kName, 3},   {NodeAffinity::kName, 2},
      {NodePorts::kName, 0},        {NodeResourcesFit::kName, 1},  {PodTopologySpread::kName, 2},
      {InterPodAffinity::kName, 2}, {DefaultPreemption::kName, 0}, {NodeResourcesBalancedAllocation::kName, 1},
      {ImageLocality::kName, 1},    {DefaultBinder::kName, 0},
  };
  return c;
}

namespace {

bool Implements(const Plugin* p, ExtensionPoint point) {
  switch (point) {
    case ExtensionPoint::kPreEnqueue:
      return dynamic_cast<const PreEnqueuePlugin*>(p) != nullptr;
    case ExtensionPoint::kQueueSort:
      return dynamic_cast<const QueueSortPlugin*>(p) != nullptr;
    case ExtensionPoint::kPreFilter:
      return dynamic_cast<const PreFilterPlugin*>(p) != nullptr;
    case ExtensionPoint::kFilter:
      return dynamic_cast<const FilterPlugin*>(p) != nullptr;
    case ExtensionPoint::kPostFilter:
      return dynamic_cast<const PostFilterPlugin*>(p) != nullptr;
    case ExtensionPoint::kPreScore:
      return dynamic_cast<const PreScorePlugin*>(p) != nullptr;
    case ExtensionPoint::kScore:
      return dynamic_cast<const ScorePlugin*>(p) != nullptr;
    case ExtensionPoint::kBind:
      return dynamic_cast<const BindPlugin*>(p) != nullptr;
  }
  return false;
}

// Upstream frameworkImpl.expandMultiPointPlugins: the plugins of one extension point are
// (1) multiPoint plugins re-configured at the point, in the point's order, (2) the other
// multiPoint plugins that implement the point, (3) the point's other plugins. A plugin disabled
// at the point, or every multiPoint plugin when "*" is, is left out.
sim::StatusOr<std::vector<PluginRef>> Expand(const ProfileConfig& c, ExtensionPoint point,
                                             const std::map<std::string, std::shared_ptr<Plugin>>& plugins) {
  static const PluginSet kEmpty;
  auto it = c.points.find(point);
  const PluginSet& specific = it == c.points.end() ? kEmpty : it->second;
  std::set<std::string> disabled(specific.disabled.begin(), specific.disabled.end());
  std::set<std::string> specific_names;
  for (const auto& p : specific.enabled) specific_names.insert(p.name);
  std::vector<PluginRef> overridden, multi;
  std::set<std::string> multi_names;
  if (!disabled.count("*")) {
    for (const auto& ref : c.multi_point.enabled) {
      if (!Implements(plugins.at(ref.name).get(), point) || disabled.count(ref.name)) continue;
      if (specific_names.count(ref.name)) continue;  // re-configured at the point: its entry wins
      if (!multi_names.insert(ref.name).second) {
        return sim::InvalidArgument("plugin \"" + ref.name + "\" already registered as \"multiPoint\"");
      }
      multi.push_back(ref);
    }
  }
  std::vector<PluginRef> rest;
  for (const auto& ref : specific.enabled) {
    if (!Implements(plugins.at(ref.name).get(), point)) {
      return sim::InvalidArgument("plugin \"" + ref.name + "\" does not extend " + ExtensionPointName(point) +
                                  " plugin");
    }
    bool in_multi = std::any_of(c.multi_point.enabled.begin(), c.multi_point.enabled.end(),
                                [&](const PluginRef& m) { return m.name == ref.name; });
    (in_multi ? overridden : rest).push_back(ref);
  }
  std::vector<PluginRef> out = overridden;
  out.insert(out.end(), multi.begin(), multi.end());
  out.insert(out.end(), rest.begin(), rest.end());
  std::set<std::string> seen;
  for (const auto& ref : out) {
    if (!seen.insert(ref.name).second) {
      return sim::InvalidArgument("plugin \"" + ref.name + "\" already registered as \"" + ExtensionPointName(point) +
                                  "\"");
    }
  }
  return out;
}

}  // namespace

sim::StatusOr<std::unique_ptr<Profile>> Profile::Build(const ProfileConfig& config, const Registry& registry,
                                                       const PluginContext& ctx) {
  auto p = std::unique_ptr<Profile>(new Profile());
  p->config_ = config;
  // One instance per plugin name, shared by every extension point it serves.
  std::map<std::string, std::shared_ptr<Plugin>> plugins;
  auto instantiate = [&](const std::string& name) -> sim::Status {
    if (plugins.count(name)) return sim::Status::Ok();
    const PluginFactory* f = registry.Find(name);
    if (f == nullptr) return sim::InvalidArgument("plugin \"" + name + "\" does not exist");
    auto args = config.plugin_args.find(name);
    KUBESIM_ASSIGN_OR_RETURN(std::shared_ptr<Plugin> plugin,
                             (*f)(ctx, args == config.plugin_args.end() ? nullptr : &args->second));
    plugins[name] = std::move(plugin);
    return sim::Status::Ok();
  };
  for (const auto& ref : config.multi_point.enabled) KUBESIM_RETURN_IF_ERROR(instantiate(ref.name));
  for (const auto& [point, set] : config.points) {
    for (const auto& ref : set.enabled) KUBESIM_RETURN_IF_ERROR(instantiate(ref.name));
  }
  for (ExtensionPoint point : kExtensionPoints) {
    KUBESIM_ASSIGN_OR_RETURN(std::vector<PluginRef> refs, Expand(config, point, plugins));
    for (const auto& ref : refs) {
      Plugin* raw = plugins.at(ref.name).get();
      switch (point) {
        case ExtensionPoint::kPreEnqueue:
          p->pre_enqueue_.push_back(dynamic_cast<PreEnqueuePlugin*>(raw));
          break;
        case ExtensionPoint::kQueueSort:
          if (p->queue_sort_ != nullptr) return sim::InvalidArgument("only one queue sort plugin can be enabled");
          p->queue_sort_ = dynamic_cast<QueueSortPlugin*>(raw);
          p->queue_sort_name_ = ref.name;
          break;
        case ExtensionPoint::kPreFilter:
          p->pre_filter_.push_back(dynamic_cast<PreFilterPlugin*>(raw));
          break;
        case ExtensionPoint::kFilter:
          p->filter_.push_back(dynamic_cast<FilterPlugin*>(raw));
          break;
        case ExtensionPoint::kPostFilter:
          p->post_filter_.push_back(dynamic_cast<PostFilterPlugin*>(raw));
          break;
        case ExtensionPoint::kPreScore:
          p->pre_score_.push_back(dynamic_cast<PreScorePlugin*>(raw));
          break;
        case ExtensionPoint::kScore:
          if (ref.weight < 0) {
            return sim::InvalidArgument("plugin \"" + ref.name + "\" has a negative score weight " +
                                        std::to_string(ref.weight));
          }
          p->score_.emplace_back(dynamic_cast<ScorePlugin*>(raw), ref.weight == 0 ? 1 : ref.weight);
          break;
        case ExtensionPoint::kBind:
          if (p->binder_ == nullptr) p->binder_ = dynamic_cast<BindPlugin*>(raw);
          break;
      }
    }
  }
  for (auto& [name, plugin] : plugins) p->plugins_.push_back(plugin);
  for (auto* f : p->filter_) p->filter_names_.push_back(f->Name());
  for (auto& [s, w] : p->score_) p->score_names_.push_back(s->Name());
  auto index_of = [](const std::vector<std::string>& names, const std::string& name) {
    for (size_t i = 0; i < names.size(); ++i) {
      if (names[i] == name) return static_cast<int>(i);
    }
    return -1;
  };
  for (auto* pf : p->pre_filter_) p->pre_filter_to_filter_.push_back(index_of(p->filter_names_, pf->Name()));
  for (auto* ps : p->pre_score_) p->pre_score_to_score_.push_back(index_of(p->score_names_, ps->Name()));
  if (p->queue_sort_ == nullptr) return sim::InvalidArgument("one queue sort plugin required for profile");
  if (p->binder_ == nullptr) return sim::InvalidArgument("at least one bind plugin is needed for profile");
  return p;
}

std::vector<std::string> Profile::PluginNames(ExtensionPoint point) const {
  std::vector<std::string> out;
  auto add = [&](const auto& list) {
    for (const auto* pl : list) out.push_back(pl->Name());
  };
  switch (point) {
    case ExtensionPoint::kPreEnqueue:
      add(pre_enqueue_);
      break;
    case ExtensionPoint::kQueueSort:
      if (queue_sort_) out.push_back(queue_sort_->Name());
      break;
    case ExtensionPoint::kPreFilter:
      add(pre_filter_);
      break;
    case ExtensionPoint::kFilter:
      add(filter_);
      break;
    case ExtensionPoint::kPostFilter:
      add(post_filter_);
      break;
    case ExtensionPoint::kPreScore:
      add(pre_score_);
      break;
    case ExtensionPoint::kScore:
      for (const auto& [pl, w] : score_) out.push_back(pl->Name() + ":" + std::to_string(w));
      break;
    case ExtensionPoint::kBind:
      if (binder_) out.push_back(binder_->Name());
      break;
  }
  return out;
}

Status Profile::RunPreEnqueue(const api::Pod& pod) const {
  for (auto* pl : pre_enqueue_) {
    Status s = pl->PreEnqueue(pod);
    if (!s.IsSuccess()) return s.WithPlugin(pl->Name());
  }
  return Status::Success();
}

Status Profile::RunPreFilter(CycleState& state, const api::Pod& pod, const std::vector<const NodeInfo*>& nodes) {
  for (size_t i = 0; i < pre_filter_.size(); ++i) {
    PreFilterPlugin* pl = pre_filter_[i];
    Status s = pl->PreFilter(state, pod, nodes);
    if (s.IsSkip()) {
      if (pre_filter_to_filter_[i] >= 0) state.SkipFilter(static_cast<size_t>(pre_filter_to_filter_[i]));
      continue;
    }
    if (!s.IsSuccess()) return s.WithPlugin(pl->Name());
  }
  return Status::Success();
}

Status Profile::RunFilter(const CycleState& state, const api::Pod& pod, const NodeInfo& node) const {
  for (size_t i = 0; i < filter_.size(); ++i) {
    if (state.FilterSkipped(i)) continue;
    Status s = filter_[i]->Filter(state, pod, node);
    if (!s.IsSuccess()) return s.WithPlugin(filter_names_[i]);
  }
  return Status::Success();
}

Status Profile::RunFilterWithNominatedPods(const CycleState& state, const api::Pod& pod, const NodeInfo& node,
                                           const std::vector<const NodeInfo*>& all, const Nominator* nominator) {
  std::vector<std::shared_ptr<const api::Pod>> nominated;
  if (nominator != nullptr) {
    for (auto& p : nominator->PodsForNode(node.name())) {
      if (p->Priority() >= pod.Priority() && p->metadata.uid != pod.metadata.uid) nominated.push_back(std::move(p));
    }
  }
  if (!nominated.empty()) {
    NodeInfo with = node;
    for (auto& p : nominated) with.AddPod(std::make_shared<const PodInfo>(std::move(p)));
    std::vector<const NodeInfo*> nodes = all;
    for (auto& ni : nodes) {
      if (ni->name() == node.name()) ni = &with;
    }
    CycleState added;
    Status pre = RunPreFilter(added, pod, nodes);
    if (!pre.IsSuccess()) return pre;
    Status s = RunFilter(added, pod, with);
    if (!s.IsSuccess()) return s;
  }
  return RunFilter(state, pod, node);
}

Status Profile::RunFilterOnModifiedNode(const api::Pod& pod, const NodeInfo& node,
                                        const std::vector<const NodeInfo*>& all, const Nominator* nominator) {
  std::vector<const NodeInfo*> nodes = all;
  for (auto& ni : nodes) {
    if (ni->name() == node.name()) ni = &node;
  }
  CycleState state;
  Status pre = RunPreFilter(state, pod, nodes);
  if (!pre.IsSuccess()) return pre;
  return RunFilterWithNominatedPods(state, pod, node, nodes, nominator);
}

Status Profile::RunPostFilter(const PostFilterHandle& handle, const api::Pod& pod,
                              const std::map<std::string, Status>& node_status, PostFilterResult* result) {
  std::vector<std::string> reasons;
  std::string rejector;
  PostFilterResult last;
  for (auto* pl : post_filter_) {
    PostFilterResult r;
    Status s = pl->PostFilter(handle, pod, node_status, &r);
    if (s.IsSuccess()) {
      *result = r;
      return s;
    }
    if (s.code() == Code::kUnschedulableAndUnresolvable) {
      *result = r;
      return s.WithPlugin(pl->Name());
    }
    if (!s.IsRejected()) return Status::Error(s.Message()).WithPlugin(pl->Name());
    if (r.nominated_node_name) last = r;  // the last meaningful (non-noop) result
    reasons.insert(reasons.end(), s.reasons().begin(), s.reasons().end());
    if (rejector.empty()) rejector = pl->Name();
  }
  *result = last;
  return Status(Code::kUnschedulable, reasons).WithPlugin(rejector);
}

Status Profile::RunPreScore(CycleState& state, const api::Pod& pod, const std::vector<const NodeInfo*>& nodes) {
  for (size_t i = 0; i < pre_score_.size(); ++i) {
    PreScorePlugin* pl = pre_score_[i];
    Status s = pl->PreScore(state, pod, nodes);
    if (s.IsSkip()) {
      if (pre_score_to_score_[i] >= 0) state.SkipScore(static_cast<size_t>(pre_score_to_score_[i]));
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
  for (size_t i = 0; i < nodes.size(); ++i) list[i].name = nodes[i]->name();
  for (size_t k = 0; k < score_.size(); ++k) {
    auto& [pl, weight] = score_[k];
    if (state.ScoreSkipped(k)) continue;
    for (size_t i = 0; i < nodes.size(); ++i) {
      Status s = pl->Score(state, pod, *nodes[i], &list[i].score);
      if (!s.IsSuccess()) return s.WithPlugin(pl->Name());
    }
    std::vector<int64_t> raw;
    if (detail)
      for (const auto& ns : list) raw.push_back(ns.score);
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
