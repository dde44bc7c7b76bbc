#include "models/scheduler/plugins/scheduling_gates.h"

namespace kubesim::scheduler {

Status SchedulingGates::PreEnqueue(const api::Pod& pod) const {
  if (pod.spec.scheduling_gates.empty()) return Status::Success();
  // fmt.Sprintf("%v", []string{...}) prints "[a b]": space-separated inside brackets.
  std::string gates = "[";
  for (size_t i = 0; i < pod.spec.scheduling_gates.size(); ++i) {
    if (i > 0) gates += ' ';
    gates += pod.spec.scheduling_gates[i];
  }
  gates += ']';
  return Status::Unresolvable("waiting for scheduling gates: " + gates);
}

PluginFactory SchedulingGatesFactory() { return NoArgs<SchedulingGates>(); }

}  // namespace kubesim::scheduler
