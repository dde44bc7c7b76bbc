#include "models/scheduler/plugins/node_name.h"

namespace kubesim::scheduler {

Status NodeName::Filter(const CycleState&, const api::Pod& pod, const NodeInfo& node) const {
  if (pod.spec.node_name.empty() || pod.spec.node_name == node.name()) return Status::Success();
  return Status::Unresolvable(kReason);
}

}  // namespace kubesim::scheduler
