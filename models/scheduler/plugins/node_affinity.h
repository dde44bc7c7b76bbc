// NodeAffinity (kubernetes/kubernetes pkg/scheduler/framework/plugins/nodeaffinity/node_affinity.go
// @ v1.32).
// PreFilter/Filter: the node must match the scheduler-enforced `addedAffinity.required` (if
// configured), the pod's spec.nodeSelector (every key=value) and the pod's required node affinity
// (terms ORed). PreScore/Score: the sum of the weights of the preferred terms (the pod's and
// `addedAffinity.preferred`) that match the node, normalised by the maximum to [0, 100].
//
// The plugin holds only its immutable args; everything per pod lives in CycleState.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "models/api/affinity.h"
#include "models/api/yaml_node.h"
#include "models/scheduler/framework.h"
#include "models/scheduler/registry.h"
#include "sim/status.h"

namespace kubesim::scheduler {

// NodeAffinityArgs (kubescheduler.config.k8s.io/v1): node affinity the scheduler enforces on
// every pod of the profile, in addition to the pod's own.
struct NodeAffinityArgs {
  std::optional<api::NodeAffinity> added_affinity;
};

// `args` of a pluginConfig entry (keys apiVersion, kind, addedAffinity); errors are located.
sim::StatusOr<NodeAffinityArgs> DecodeNodeAffinityArgs(const api::YamlNode& args);

class NodeAffinity : public PreFilterPlugin, public FilterPlugin, public PreScorePlugin, public ScorePlugin {
 public:
  static constexpr const char* kName = "NodeAffinity";
  // Upstream ErrReasonPod / errReasonEnforced / errReasonConflict.
  static constexpr const char* kErrReasonPod = "node(s) didn't match Pod's node affinity/selector";
  static constexpr const char* kErrReasonEnforced = "node(s) didn't match scheduler-enforced node affinity";
  static constexpr const char* kErrReasonConflict = "pod affinity terms conflict";

  explicit NodeAffinity(NodeAffinityArgs args = {});

  std::string Name() const override { return kName; }
  // Upstream registers Node Add | UpdateNodeLabel (| UpdateNodeTaint without queueing hints).
  uint32_t EventsToRegister() const override { return kEventNodeAdd | kEventNodeUpdate; }
  Status PreFilter(CycleState& state, const api::Pod& pod, const std::vector<const NodeInfo*>& nodes) override;
  Status Filter(const CycleState& state, const api::Pod& pod, const NodeInfo& node) const override;
  Status PreScore(CycleState& state, const api::Pod& pod, const std::vector<const NodeInfo*>& nodes) override;
  Status Score(const CycleState& state, const api::Pod& pod, const NodeInfo& node, int64_t* score) const override;
  bool HasNormalize() const override { return true; }
  Status NormalizeScore(const CycleState& state, const api::Pod& pod, NodeScoreList& scores) const override;

  const NodeAffinityArgs& args() const { return args_; }

 private:
  NodeAffinityArgs args_;
  // Upstream addedNodeSelector: set only when addedAffinity.required is configured.
  std::optional<api::NodeSelector> added_node_selector_;
  // Upstream addedPrefSchedTerms: empty when none are configured.
  std::vector<api::PreferredSchedulingTerm> added_preferred_;
};

// Registry factory: decodes NodeAffinityArgs when the profile gives args.
PluginFactory NodeAffinityFactory();

}  // namespace kubesim::scheduler
