// NodePorts (kubernetes/kubernetes pkg/scheduler/framework/plugins/nodeports/node_ports.go @ v1.32).
// PreFilter collects the pod's host ports (app containers, hostPort > 0) and returns Skip when
// there are none, so Filter is skipped. Filter rejects a node on which any wanted
// (hostIP, protocol, hostPort) conflicts with a port used by a pod already on the node, as
// upstream HostPortInfo.CheckConflict: empty hostIP means 0.0.0.0 and empty protocol TCP;
// a wildcard (0.0.0.0) conflicts with any address, a specific address with itself and 0.0.0.0.
#pragma once

#include <string>
#include <vector>

#include "models/scheduler/framework.h"
#include "models/scheduler/registry.h"

namespace kubesim::scheduler {

class NodePorts : public PreFilterPlugin, public FilterPlugin {
 public:
  static constexpr const char* kName = "NodePorts";
  static constexpr const char* kErrReason = "node(s) didn't have free ports for the requested pod ports";

  std::string Name() const override { return kName; }
  // Upstream: assigned Pod Delete frees ports; Node Add offers new ones.
  uint32_t EventsToRegister() const override { return kEventAssignedPodDelete | kEventNodeAdd; }
  Status PreFilter(CycleState& state, const api::Pod& pod, const std::vector<const NodeInfo*>& nodes) override;
  Status Filter(const CycleState& state, const api::Pod& pod, const NodeInfo& node) const override;
};

// Registry factory (the plugin takes no args).
PluginFactory NodePortsFactory();

}  // namespace kubesim::scheduler
