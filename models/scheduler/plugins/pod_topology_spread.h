// PodTopologySpread (kubernetes/kubernetes pkg/scheduler/framework/plugins/podtopologyspread/
// filtering.go, scoring.go and common.go @ v1.32; KEP-895).
//
// PreFilter/Filter enforce the DoNotSchedule constraints: for each constraint the pod may land in
// a domain only if `matching pods there + self-match − global minimum ≤ maxSkew`, the minimum
// taken over the eligible domains (0 while fewer than minDomains exist). PreScore/Score/
// NormalizeScore prefer the least crowded domains of the ScheduleAnyway constraints, each domain
// count weighted by ln(#domains + 2). A pod without constraints gets the profile's default ones
// (System: hostname maxSkew 3 and zone maxSkew 5, ScheduleAnyway) over the selector of its
// Services and controlling ReplicaSet.
//
// The plugin holds its immutable args and the SharedLister (all snapshot nodes, the informer
// caches and, over a scheduler cache, the matching pods it keeps per selector: MatchingPodCounts);
// everything per pod lives in CycleState, computed once in PreFilter/PreScore so that Filter and
// Score per node are lookups. With kept counts, the domain sums of a constraint that includes every
// node are read instead of added up over all nodes; the results are the same.
#pragma once

#include <string>
#include <vector>

#include "models/api/pod.h"
#include "models/api/yaml_node.h"
#include "models/scheduler/framework.h"
#include "models/scheduler/matching_pod_counts.h"
#include "models/scheduler/plugins/topology_spread_common.h"
#include "models/scheduler/registry.h"
#include "models/scheduler/shared_lister.h"
#include "sim/status.h"

namespace kubesim::scheduler {

// PodTopologySpreadArgs (kubescheduler.config.k8s.io/v1). defaultingType "System" uses the
// built-in defaults and forbids defaultConstraints; "List" uses defaultConstraints (none: no
// defaulting at all, as upstream documents for disabling it).
struct PodTopologySpreadArgs {
  std::vector<api::TopologySpreadConstraint> default_constraints;
  std::string defaulting_type = "System";
};

// `args` of a pluginConfig entry (keys apiVersion, kind, defaultConstraints, defaultingType) with
// upstream's ValidatePodTopologySpreadArgs: defaultingType System or List, System only without
// defaultConstraints, default constraints valid, without labelSelector, no two with the same
// {topologyKey, whenUnsatisfiable}. Errors are located.
sim::StatusOr<PodTopologySpreadArgs> DecodePodTopologySpreadArgs(const api::YamlNode& args);

class PodTopologySpread : public PreFilterPlugin, public FilterPlugin, public PreScorePlugin, public ScorePlugin {
 public:
  static constexpr const char* kName = "PodTopologySpread";
  // Upstream ErrReasonConstraintsNotMatch / ErrReasonNodeLabelNotMatch.
  static constexpr const char* kErrReasonConstraintsNotMatch = "node(s) didn't match pod topology spread constraints";
  static constexpr const char* kErrReasonNodeLabelNotMatch =
      "node(s) didn't match pod topology spread constraints (missing required label)";

  // `lister` may be null only if the plugin is never run. `enable_match_label_keys` is the
  // MatchLabelKeysInPodTopologySpread feature gate (on by default in v1.32).
  explicit PodTopologySpread(SharedLister* lister, PodTopologySpreadArgs args = {},
                             bool enable_match_label_keys = true);

  std::string Name() const override { return kName; }
  // Upstream EventsToRegister: Pod add/update/delete (assigned pods), Node add/update.
  uint32_t EventsToRegister() const override {
    return kEventAssignedPodAdd | kEventAssignedPodUpdate | kEventAssignedPodDelete | kEventNodeAdd | kEventNodeUpdate;
  }
  // `nodes` must be every node of the snapshot.
  Status PreFilter(CycleState& state, const api::Pod& pod, const std::vector<const NodeInfo*>& nodes) override;
  Status Filter(const CycleState& state, const api::Pod& pod, const NodeInfo& node) const override;
  // `nodes` are the filtered (feasible) nodes; counts come from all nodes of the SharedLister.
  Status PreScore(CycleState& state, const api::Pod& pod, const std::vector<const NodeInfo*>& nodes) override;
  Status Score(const CycleState& state, const api::Pod& pod, const NodeInfo& node, int64_t* score) const override;
  bool HasNormalize() const override { return true; }
  Status NormalizeScore(const CycleState& state, const api::Pod& pod, NodeScoreList& scores) const override;

  const PodTopologySpreadArgs& args() const { return args_; }
  // With false, every cycle counts matching pods over all nodes as upstream's loops do, instead of
  // reading the counts the lister keeps (SharedLister::MatchingPods); the results are the same,
  // which is what tests compare.
  void set_use_kept_counts(bool use) { use_kept_counts_ = use; }

 private:
  // Upstream getConstraints / buildDefaultConstraints for one action (DoNotSchedule or
  // ScheduleAnyway). Error only when defaults are needed and there is no lister.
  Status Constraints(const api::Pod& pod, const std::string& action, std::vector<SpreadConstraint>* out) const;

  SharedLister* lister_;
  PodTopologySpreadArgs args_;
  bool enable_match_label_keys_;
  bool system_defaulted_;
  std::vector<api::TopologySpreadConstraint> default_constraints_;
  bool use_kept_counts_ = true;
};

// Registry factory: decodes PodTopologySpreadArgs when the profile gives args; reads ctx.lister.
PluginFactory PodTopologySpreadFactory();

}  // namespace kubesim::scheduler
