// SchedulingGates (kubernetes/kubernetes pkg/scheduler/framework/plugins/schedulinggates/
// scheduling_gates.go @ v1.32; KEP-3521 Pod scheduling readiness).
// PreEnqueue keeps a pod with a non-empty spec.schedulingGates out of activeQ: it stays gated in
// the unschedulable pool until an update removes its last gate.
#pragma once

#include <string>

#include "models/scheduler/framework.h"
#include "models/scheduler/registry.h"

namespace kubesim::scheduler {

class SchedulingGates : public PreEnqueuePlugin {
 public:
  static constexpr const char* kName = "SchedulingGates";

  std::string Name() const override { return kName; }
  // Upstream (queueing hints on, the 1.32 default): Pod/UpdatePodSchedulingGatesEliminated, an
  // update of the unscheduled pod itself.
  uint32_t EventsToRegister() const override { return kEventUnscheduledPodUpdate; }
  // UnschedulableAndUnresolvable "waiting for scheduling gates: [a b]" (Go's %v of the names).
  Status PreEnqueue(const api::Pod& pod) const override;
};

// Registry factory (the plugin takes no args).
PluginFactory SchedulingGatesFactory();

}  // namespace kubesim::scheduler
