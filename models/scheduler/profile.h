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

// Thread and event model: a Profile is used by one scheduler, from one event at a time; none of
// its methods schedules events or calls back into the caller. The Run* methods return the first
// failing plugin's Status with Status::plugin() set to that plugin's name.
class Profile {
 public:
  // Instantiates every plugin named by `config` once from `registry` (a plugin serving several
  // extension points is one object), expands multiPoint, and checks upstream's profile rules
  // (exactly one QueueSort, at least one Bind, no negative score weight, no duplicate). Errors
  // use upstream's wording. `ctx` is copied into each factory call; what it points to (API
  // client, simulation, lister) must outlive the profile.
  static sim::StatusOr<std::unique_ptr<Profile>> Build(const ProfileConfig& config, const Registry& registry,
                                                       const PluginContext& ctx);

  const std::string& scheduler_name() const { return config_.scheduler_name; }
  const ProfileConfig& config() const { return config_; }
  const QueueSortPlugin& queue_sort() const { return *queue_sort_; }
  const std::string& queue_sort_name() const { return queue_sort_name_; }
  // Plugin names per extension point, in run order (for tests and explanations).
  std::vector<std::string> PluginNames(ExtensionPoint p) const;
  // Success when every PreEnqueue plugin admits the pod; else the first refusal.
  Status RunPreEnqueue(const api::Pod& pod) const;
  // The first Bind plugin of the profile (never null after Build). Owned by the profile.
  BindPlugin* binder() const { return binder_; }
  // False: a cycle stops at the first feasible node (upstream: without Score plugins every node
  // would score the same).
  bool HasScorePlugins() const { return !score_.empty(); }

  // Runs the PreFilter plugins in order until one does not succeed. A plugin's kSkip is recorded
  // in `state` so that RunFilter skips that plugin's Filter.
  // REQUIRES: `state` is fresh for this pod and `nodes` (PreFilter state is per pod and node set).
  Status RunPreFilter(CycleState& state, const api::Pod& pod, const std::vector<const NodeInfo*>& nodes);
  // Runs the Filter plugins on one node in order, stopping at the first non-success.
  // REQUIRES: RunPreFilter succeeded on `state` for this pod, over a node list holding `node`.
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
  // REQUIRES: `state` is RunPreFilter's for this pod over `all`; `all` holds a node named as
  // `node`. The copy lives only for the call: filters must not keep pointers into it.
  Status RunFilterWithNominatedPods(const CycleState& state, const api::Pod& pod, const NodeInfo& node,
                                    const std::vector<const NodeInfo*>& all, const Nominator* nominator);
  // Filters (with nominated pods) against `node`, a modified copy of the snapshot node of the
  // same name: PreFilter is re-run over `all` with `node` in its place, as above. Used by
  // preemption's dry run, where upstream calls RemovePod/AddPod on a cloned CycleState.
  Status RunFilterOnModifiedNode(const api::Pod& pod, const NodeInfo& node, const std::vector<const NodeInfo*>& all,
                                 const Nominator* nominator);
  bool HasPostFilterPlugins() const { return !post_filter_.empty(); }
  // Upstream RunPostFilterPlugins: plugins in order until one succeeds or says Unresolvable; the
  // returned status' message joins the reasons of the plugins that failed. A plugin's kError (or
  // any code but the three it may return) ends the run as kError. `*result` gets the deciding
  // plugin's result, or the last non-noop one when all were Unschedulable.
  // REQUIRES: the cycle ended in a FitError; `handle`'s pointers are valid for the call.
  Status RunPostFilter(const PostFilterHandle& handle, const api::Pod& pod,
                       const std::map<std::string, Status>& node_status, PostFilterResult* result);
  // Runs the PreScore plugins over the feasible nodes; kSkip is recorded in `state` so RunScore
  // skips that plugin's Score.
  // REQUIRES: `state` is the one RunPreFilter filled for this pod.
  Status RunPreScore(CycleState& state, const api::Pod& pod, const std::vector<const NodeInfo*>& nodes);
  // totals[i] for nodes[i]: per plugin, Score on every node, then NormalizeScore if it has one,
  // then the [0, 100] range check (an out-of-range score is a kError naming the plugin), then
  // weight × score summed. With no Score plugin every total is 1, as upstream. `detail`, when
  // given, receives per-node per-plugin scores.
  // REQUIRES: RunPreScore succeeded on `state` over the same `nodes`.
  Status RunScore(CycleState& state, const api::Pod& pod, const std::vector<const NodeInfo*>& nodes,
                  std::vector<int64_t>* totals, std::vector<std::vector<PluginScore>>* detail = nullptr);
  // The union of the EventsToRegister of the named plugins (names not in the profile add
  // nothing), for requeueing the pod they rejected.
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
