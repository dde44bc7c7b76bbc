// NodeLabelPreference: an example out-of-tree Score plugin, the shape every custom plugin takes.
//
// It prefers nodes that carry a label (say `node.kubernetes.io/lifecycle: spot`): 100 for a
// node with the label and value, 0 otherwise. Configure it from a KubeSchedulerConfiguration:
//
//   plugins:
//     multiPoint: {enabled: [{name: NodeLabelPreference, weight: 5}]}
//   pluginConfig:
//     - name: NodeLabelPreference
//       args: {labelKey: node.kubernetes.io/lifecycle, labelValue: spot}
//
// See docs/plugins.md for the steps (interfaces, args, registration, tests).
#pragma once

#include <string>

#include "models/api/yaml_node.h"
#include "models/scheduler/framework.h"
#include "models/scheduler/registry.h"

namespace kubesim::examples {

struct NodeLabelPreferenceArgs {
  std::string label_key;
  std::string label_value;
};

sim::StatusOr<NodeLabelPreferenceArgs> DecodeNodeLabelPreferenceArgs(const api::YamlNode& args);

class NodeLabelPreference : public scheduler::ScorePlugin {
 public:
  static constexpr const char* kName = "NodeLabelPreference";
  explicit NodeLabelPreference(NodeLabelPreferenceArgs args) : args_(std::move(args)) {}

  std::string Name() const override { return kName; }
  scheduler::Status Score(const scheduler::CycleState& state, const api::Pod& pod, const scheduler::NodeInfo& node,
                          int64_t* score) const override;

 private:
  NodeLabelPreferenceArgs args_;
};

// Adds the example plugins to `registry` (the kubesim CLI does this at start-up).
sim::Status RegisterExamplePlugins(scheduler::Registry& registry);

}  // namespace kubesim::examples
