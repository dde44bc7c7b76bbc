#include "examples/plugins/node_label_preference.h"

namespace kubesim::examples {

sim::StatusOr<NodeLabelPreferenceArgs> DecodeNodeLabelPreferenceArgs(const api::YamlNode& node) {
  // Strict like in-tree args: unknown keys and missing values are located errors.
  KUBESIM_RETURN_IF_ERROR(node.CheckKeys({"apiVersion", "kind", "labelKey", "labelValue"}));
  NodeLabelPreferenceArgs args;
  if (!node["labelKey"].Defined()) return node["labelKey"].Error("Required value");
  KUBESIM_ASSIGN_OR_RETURN(args.label_key, node["labelKey"].String());
  if (node["labelValue"].Defined()) {
    KUBESIM_ASSIGN_OR_RETURN(args.label_value, node["labelValue"].String());
  }
  return args;
}

scheduler::Status NodeLabelPreference::Score(const scheduler::CycleState&, const api::Pod&,
                                             const scheduler::NodeInfo& node, int64_t* score) const {
  const auto& labels = node.node()->metadata.labels;
  auto it = labels.find(args_.label_key);
  *score = (it != labels.end() && it->second == args_.label_value) ? scheduler::kMaxNodeScore : 0;
  return scheduler::Status::Success();
}

sim::Status RegisterExamplePlugins(scheduler::Registry& registry) {
  return registry.Register(
      NodeLabelPreference::kName,
      [](const scheduler::PluginContext&,
         const api::YamlNode* args) -> sim::StatusOr<std::shared_ptr<scheduler::Plugin>> {
        if (args == nullptr) return sim::InvalidArgument("NodeLabelPreference needs args: {labelKey, labelValue}");
        KUBESIM_ASSIGN_OR_RETURN(NodeLabelPreferenceArgs a, DecodeNodeLabelPreferenceArgs(*args));
        return std::shared_ptr<scheduler::Plugin>(std::make_shared<NodeLabelPreference>(std::move(a)));
      });
}

}  // namespace kubesim::examples
