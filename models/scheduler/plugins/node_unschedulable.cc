#include "models/scheduler/plugins/node_unschedulable.h"

namespace kubesim::scheduler {

Status NodeUnschedulable::Filter(const CycleState&, const api::Pod& pod, const NodeInfo& node) const {
  if (!node.unschedulable()) return Status::Success();
  for (const auto& t : pod.spec.tolerations) {
    if (api::ToleratesTaint(t, api::kTaintNodeUnschedulable, "", api::kTaintNoSchedule)) return Status::Success();
  }
  return Status::Unresolvable(kReason);
}

}  // namespace kubesim::scheduler
