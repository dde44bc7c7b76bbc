// NodeName (kubernetes/kubernetes pkg/scheduler/framework/plugins/nodename/node_name.go @ v1.32):
// a pod with spec.nodeName fits only that node.
#pragma once

#include "models/scheduler/framework.h"

namespace kubesim::scheduler {

class NodeName : public FilterPlugin {
 public:
  static constexpr const char* kName = "NodeName";
  static constexpr const char* kReason = "node(s) didn't match the requested node name";
  std::string Name() const override { return kName; }
  uint32_t EventsToRegister() const override { return kEventNodeAdd; }
  Status Filter(const CycleState& state, const api::Pod& pod, const NodeInfo& node) const override;
};

}  // namespace kubesim::scheduler
