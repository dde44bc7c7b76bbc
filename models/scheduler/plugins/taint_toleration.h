// TaintToleration (kubernetes/kubernetes pkg/scheduler/framework/plugins/tainttoleration/
// taint_toleration.go @ v1.32).
// Filter: any NoSchedule/NoExecute taint the pod does not tolerate → UnschedulableAndUnresolvable.
// Score: count of PreferNoSchedule taints not tolerated by the pod's PreferNoSchedule (or
// empty-effect) tolerations; normalised reversed, so fewer intolerable taints score higher.
#pragma once

#include "models/scheduler/framework.h"

namespace kubesim::scheduler {

class TaintToleration : public FilterPlugin, public PreScorePlugin, public ScorePlugin {
 public:
  static constexpr const char* kName = "TaintToleration";
  std::string Name() const override { return kName; }
  uint32_t EventsToRegister() const override { return kEventNodeAdd | kEventNodeUpdate; }
  Status Filter(const CycleState& state, const api::Pod& pod, const NodeInfo& node) const override;
  Status PreScore(CycleState& state, const api::Pod& pod, const std::vector<const NodeInfo*>& nodes) override;
  Status Score(const CycleState& state, const api::Pod& pod, const NodeInfo& node, int64_t* score) const override;
  bool HasNormalize() const override { return true; }
  Status NormalizeScore(const CycleState& state, const api::Pod& pod, NodeScoreList& scores) const override;
};

}  // namespace kubesim::scheduler
