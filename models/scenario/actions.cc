#include "models/scenario/actions.h"

namespace kubesim::scenario {
namespace {

sim::StatusOr<ParsedAction> ParseCreate(const api::YamlNode& args, ObjectLoader& loader) {
  std::vector<std::shared_ptr<const api::Object>> objects;
  KUBESIM_RETURN_IF_ERROR(loader.LoadEntry(args, false, &objects));
  ParsedAction a;
  a.description = "create " + std::to_string(objects.size()) + " object(s)";
  if (objects.size() == 1) a.description = "create " + api::ObjectRef(*objects[0]);
  a.run = [objects](ActionContext& ctx) {
    // Each create is its own API request, sent at once, as `kubectl create` of several objects
    // does not wait for one before the next.
    for (const auto& obj : objects) ctx.CreateObject(obj->Clone());
  };
  return a;
}

sim::StatusOr<ParsedAction> ParseDelete(const api::YamlNode& args, ObjectLoader& loader) {
  KUBESIM_RETURN_IF_ERROR(args.ExpectMap());
  KUBESIM_RETURN_IF_ERROR(args.CheckKeys({"kind", "namespace", "name", "propagationPolicy"}));
  if (!args["kind"].Defined()) return args["kind"].Error("Required value");
  if (!args["name"].Defined()) return args["name"].Error("Required value");
  KUBESIM_ASSIGN_OR_RETURN(std::string kind, args["kind"].String());
  KUBESIM_ASSIGN_OR_RETURN(std::string name, args["name"].String());
  std::string ns;
  if (args["namespace"].Defined()) {
    KUBESIM_ASSIGN_OR_RETURN(ns, args["namespace"].String());
  }
  if (api::IsClusterScoped(kind)) {
    ns.clear();
  } else if (ns.empty()) {
    ns = "default";
  }
  if (!loader.Defined(kind, ns, name)) {
    return args["name"].Error("Not found: no " + kind + " \"" + (ns.empty() ? name : ns + "/" + name) +
                              "\" is defined in the scenario's objects or created by an earlier action");
  }
  // DeleteOptions.propagationPolicy, as `kubectl delete --cascade=background|foreground|orphan`.
  apiserver::DeleteOptions opts;
  std::string policy_text;
  if (args["propagationPolicy"].Defined()) {
    KUBESIM_ASSIGN_OR_RETURN(policy_text, args["propagationPolicy"].String());
    opts.propagation_policy = apiserver::ParsePropagationPolicy(policy_text);
    if (!opts.propagation_policy) {
      return args["propagationPolicy"].Error("Unsupported value: \"" + policy_text +
                                             "\": supported values: \"Background\", \"Foreground\", \"Orphan\"");
    }
  }
  ParsedAction a;
  a.description = "delete " + kind + "/" + (ns.empty() ? name : ns + "/" + name);
  if (!policy_text.empty()) a.description += " (propagationPolicy " + policy_text + ")";
  a.run = [kind, ns, name, opts](ActionContext& ctx) { ctx.DeleteObject(kind, ns, name, opts); };
  return a;
}

sim::StatusOr<ParsedAction> ParseStopKubelet(const api::YamlNode& args, ObjectLoader& loader) {
  KUBESIM_RETURN_IF_ERROR(args.ExpectMap());
  KUBESIM_RETURN_IF_ERROR(args.CheckKeys({"node"}));
  if (!args["node"].Defined()) return args["node"].Error("Required value");
  KUBESIM_ASSIGN_OR_RETURN(std::string node, args["node"].String());
  if (!loader.Defined("Node", "", node)) {
    return args["node"].Error("Not found: no Node \"" + node + "\" is defined in the scenario");
  }
  ParsedAction a;
  a.description = "stop the kubelet of " + node;
  a.run = [node](ActionContext& ctx) { ctx.StopKubelet(node); };
  return a;
}

}  // namespace

const std::map<std::string, ActionParser>& ActionRegistry() {
  static const std::map<std::string, ActionParser> kActions = {
      {"create", ParseCreate},
      {"delete", ParseDelete},
      {"stopKubelet", ParseStopKubelet},
  };
  return kActions;
}

}  // namespace kubesim::scenario
