// InterPodAffinity (kubernetes/kubernetes pkg/scheduler/framework/plugins/interpodaffinity/
// filtering.go and scoring.go @ v1.32).
//
// PreFilter/Filter enforce the incoming pod's required pod affinity and anti-affinity and,
// symmetrically, the required anti-affinity of the pods already running: PreFilter counts, per
// topology pair (key, value), the existing pods matching the incoming pod's terms and the
// existing pods whose anti-affinity terms match the incoming pod; Filter is then a few lookups
// per node. PreScore/Score/NormalizeScore add the weights of the preferred terms of the incoming
// pod and of the existing pods (existing pods' required affinity counting hardPodAffinityWeight)
// per topology pair, and normalise by the true minimum and maximum over the scored nodes.
//
// The plugin holds its immutable args and the SharedLister (all snapshot nodes, namespaces);
// everything per pod lives in CycleState.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "models/api/yaml_node.h"
#include "models/scheduler/framework.h"
#include "models/scheduler/registry.h"
#include "models/scheduler/shared_lister.h"
#include "sim/status.h"

namespace kubesim::scheduler {

// InterPodAffinityArgs (kubescheduler.config.k8s.io/v1) with upstream defaults.
struct InterPodAffinityArgs {
  int32_t hard_pod_affinity_weight = 1;  // 0..100
  // When set and the incoming pod has no preferred (anti)affinity, scoring is skipped.
  bool ignore_preferred_terms_of_existing_pods = false;
};

// `args` of a pluginConfig entry (keys apiVersion, kind, hardPodAffinityWeight,
// ignorePreferredTermsOfExistingPods) with upstream's ValidateInterPodAffinityArgs; errors are
// located.
sim::StatusOr<InterPodAffinityArgs> DecodeInterPodAffinityArgs(const api::YamlNode& args);

class InterPodAffinity : public PreFilterPlugin, public FilterPlugin, public PreScorePlugin, public ScorePlugin {
 public:
  static constexpr const char* kName = "InterPodAffinity";
  // Upstream ErrReasonAffinityRulesNotMatch / ErrReasonAntiAffinityRulesNotMatch /
  // ErrReasonExistingAntiAffinityRulesNotMatch.
  static constexpr const char* kErrReasonAffinityRulesNotMatch = "node(s) didn't match pod affinity rules";
  static constexpr const char* kErrReasonAntiAffinityRulesNotMatch = "node(s) didn't match pod anti-affinity rules";
  static constexpr const char* kErrReasonExistingAntiAffinityRulesNotMatch =
      "node(s) didn't satisfy existing pods anti-affinity rules";

  // `lister` may be null only if the plugin is never run.
  explicit InterPodAffinity(SharedLister* lister, InterPodAffinityArgs args = {}) : lister_(lister), args_(args) {}

  std::string Name() const override { return kName; }
  // Upstream EventsToRegister: assigned Pod add/update/delete, Node add/update (labels).
  uint32_t EventsToRegister() const override {
    return kEventAssignedPodAdd | kEventAssignedPodUpdate | kEventAssignedPodDelete | kEventNodeAdd | kEventNodeUpdate;
  }
  // `nodes` must be every node of the snapshot.
  Status PreFilter(CycleState& state, const api::Pod& pod, const std::vector<const NodeInfo*>& nodes) override;
  Status Filter(const CycleState& state, const api::Pod& pod, const NodeInfo& node) const override;
  // `nodes` are the filtered nodes; existing pods come from all nodes of the SharedLister.
  Status PreScore(CycleState& state, const api::Pod& pod, const std::vector<const NodeInfo*>& nodes) override;
  Status Score(const CycleState& state, const api::Pod& pod, const NodeInfo& node, int64_t* score) const override;
  bool HasNormalize() const override { return true; }
  Status NormalizeScore(const CycleState& state, const api::Pod& pod, NodeScoreList& scores) const override;

  const InterPodAffinityArgs& args() const { return args_; }

 private:
  SharedLister* lister_;
  InterPodAffinityArgs args_;
};

// Registry factory: decodes InterPodAffinityArgs when the profile gives args; reads ctx.lister.
PluginFactory InterPodAffinityFactory();

}  // namespace kubesim::scheduler
