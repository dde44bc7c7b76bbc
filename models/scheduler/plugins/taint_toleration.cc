#include "models/scheduler/plugins/taint_toleration.h"

namespace kubesim::scheduler {
namespace {

constexpr const char* kPreScoreStateKey = "PreScoreTaintToleration";

struct PreScoreState : StateData {
  std::vector<api::Toleration> tolerations_prefer_no_schedule;
};

bool Tolerated(const std::vector<api::Toleration>& tolerations, const api::Taint& taint) {
  for (const auto& t : tolerations) {
    if (api::ToleratesTaint(t, taint.key, taint.value, taint.effect)) return true;
  }
  return false;
}

}  // namespace

Status TaintToleration::Filter(const CycleState&, const api::Pod& pod, const NodeInfo& node) const {
  for (const auto& taint : node.taints()) {
    if (taint.effect != api::kTaintNoSchedule && taint.effect != api::kTaintNoExecute) continue;
    if (!Tolerated(pod.spec.tolerations, taint)) {
      return Status::Unresolvable("node(s) had untolerated taint {" + taint.key + ": " + taint.value + "}");
    }
  }
  return Status::Success();
}

Status TaintToleration::PreScore(CycleState& state, const api::Pod& pod, const std::vector<const NodeInfo*>&) {
  auto s = std::make_unique<PreScoreState>();
  for (const auto& t : pod.spec.tolerations) {
    if (t.effect.empty() || t.effect == api::kTaintPreferNoSchedule) s->tolerations_prefer_no_schedule.push_back(t);
  }
  state.Write(kPreScoreStateKey, std::move(s));
  return Status::Success();
}

Status TaintToleration::Score(const CycleState& state, const api::Pod&, const NodeInfo& node, int64_t* score) const {
  const auto* s = state.Read<PreScoreState>(kPreScoreStateKey);
  if (s == nullptr) return Status::Error("reading \"PreScoreTaintToleration\" from cycleState: not found");
  int64_t count = 0;
  for (const auto& taint : node.taints()) {
    if (taint.effect == api::kTaintPreferNoSchedule && !Tolerated(s->tolerations_prefer_no_schedule, taint)) ++count;
  }
  *score = count;
  return Status::Success();
}

Status TaintToleration::NormalizeScore(const CycleState&, const api::Pod&, NodeScoreList& scores) const {
  DefaultNormalizeScore(kMaxNodeScore, true, scores);
  return Status::Success();
}

}  // namespace kubesim::scheduler
