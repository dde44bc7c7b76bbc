// Profile: one scheduler profile (upstream frameworkruntime.frameworkImpl) — its plugins per
// extension point, in configured order, and the score weights. Runs the extension points the way
// schedule_one.go does: Filter stops at the first rejection on a node; scores are normalised per
// plugin, checked to be in [0, 100], multiplied by the plugin weight and summed.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "models/scheduler/framework.h"
#include "models/scheduler/plugins/default_binder.h"
#include "models/scheduler/registry.h"
#include "models/scheduler/scheduler_config.h"

namespace kubesim::scheduler {

// Per-plugin scores of one node, kept when explaining a decision.
struct PluginScore {
  std::string plugin;
  int64_t raw = 0;
  int64_t normalized = 0;
  int64_t weighted = 0;
};

class Profile {
 public:
  static sim::StatusOr<std::unique_ptr<Profile>> Build(const ProfileConfig& config, const Registry& registry,
                                                       const PluginContext& ctx);

  const std::string& scheduler_name() const { return config_.scheduler_name; }
  const ProfileConfig& config() const { return config_; }
  const QueueSortPlugin& queue_sort() const { return *queue_sort_; }
  const std::string& queue_sort_name() const { return queue_sort_name_; }
  // Plugin names per extension point, in run order (for tests and explanations).
  std::vector<std::string> PluginNames(ExtensionPoint p) const;
  Status RunPreEnqueue(const api::Pod& pod) const;
  BindPlugin* binder() const { return binder_; }
  bool HasScorePlugins() const { return !score_.empty(); }

  Status RunPreFilter(CycleState& state, const api::Pod& pod, const std::vector<const NodeInfo*>& nodes);
  Status RunFilter(const CycleState& state, const api::Pod& pod, const NodeInfo& node) const;
  // Upstream RunFilterPluginsWithNominatedPods (kubernetes/kubernetes
  // pkg/scheduler/framework/runtime/framework.go @ v1.32): when pods nominated to `node` have
  // priority >= the pod's (the pod itself excepted), the filters first run on a copy of the node
  // with those pods added, then on the node as it is; both must pass. `all` is the snapshot;
  // `nominator` null means no nominated pods.
  //
  // Upstream keeps the PreFilter state in step with the added pods through the PreFilter
  // extensions AddPod/RemovePod. kubesim has no such hooks: it re-runs PreFilter over `all` with
  // the copy in place of `node`, which yields the state those hooks maintain incrementally
  // (PodTopologySpread and InterPodAffinity count pods in PreFilter; NodeResourcesFit's Filter
  // reads only the NodeInfo), at a cost of O(pods) per call.
  Status RunFilterWithNominatedPods(const CycleState& state, const api::Pod& pod, const NodeInfo& node,
                                    const std::vector<const NodeInfo*>& all, const Nominator* nominator);
  // Filters (with nominated pods) against `node`, a modified copy of the snapshot node of the
  // same name: PreFilter is re-run over `all` with `node` in its place, as above. Used by
  // preemption's dry run, where upstream calls RemovePod/AddPod on a cloned CycleState.
  Status RunFilterOnModifiedNode(const api::Pod& pod, const NodeInfo& node, const std::vector<const NodeInfo*>& all,
                                 const Nominator* nominator);
  bool HasPostFilterPlugins() const { return !post_filter_.empty(); }
  // Upstream RunPostFilterPlugins: plugins in order until one succeeds or says Unresolvable; the
  // returned status' message joins the reasons of the plugins that failed.
  Status RunPostFilter(const PostFilterHandle& handle, const api::Pod& pod,
                       const std::map<std::string, Status>& node_status, PostFilterResult* result);
  Status RunPreScore(CycleState& state, const api::Pod& pod, const std::vector<const NodeInfo*>& nodes);
  // totals[i] for nodes[i]; `detail`, when given, receives per-node per-plugin scores.
  Status RunScore(CycleState& state, const api::Pod& pod, const std::vector<const NodeInfo*>& nodes,
                  std::vector<int64_t>* totals, std::vector<std::vector<PluginScore>>* detail = nullptr);
  // The EventsToRegister of the named plugins, for requeueing.
  uint32_t EventsFor(const std::vector<std::string>& plugins) const;

 private:
  ProfileConfig config_;
  std::vector<std::shared_ptr<Plugin>> plugins_;
  const QueueSortPlugin* queue_sort_ = nullptr;
  std::string queue_sort_name_;
  std::vector<PreEnqueuePlugin*> pre_enqueue_;
  std::vector<PreFilterPlugin*> pre_filter_;
  std::vector<FilterPlugin*> filter_;
  std::vector<PostFilterPlugin*> post_filter_;
  std::vector<PreScorePlugin*> pre_score_;
  std::vector<std::pair<ScorePlugin*, int64_t>> score_;
  // A PreFilter (PreScore) plugin's Skip skips the same plugin's Filter (Score): its index there,
  // or -1 when it has none.
  std::vector<int> pre_filter_to_filter_;
  std::vector<int> pre_score_to_score_;
  std::vector<std::string> filter_names_;  // for WithPlugin, without a virtual call per node
  std::vector<std::string> score_names_;
  BindPlugin* binder_ = nullptr;
};

}  // namespace kubesim::scheduler
