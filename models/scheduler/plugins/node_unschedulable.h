// NodeUnschedulable (kubernetes/kubernetes pkg/scheduler/framework/plugins/nodeunschedulable/
// node_unschedulable.go @ v1.32): a node with spec.unschedulable rejects pods that do not tolerate
// {node.kubernetes.io/unschedulable, NoSchedule}.
#pragma once

#include "models/scheduler/framework.h"

namespace kubesim::scheduler {

class NodeUnschedulable : public FilterPlugin {
 public:
  static constexpr const char* kName = "NodeUnschedulable";
  static constexpr const char* kReason = "node(s) were unschedulable";
  std::string Name() const override { return kName; }
  uint32_t EventsToRegister() const override { return kEventNodeAdd | kEventNodeUpdate; }
  Status Filter(const CycleState& state, const api::Pod& pod, const NodeInfo& node) const override;
};

}  // namespace kubesim::scheduler
