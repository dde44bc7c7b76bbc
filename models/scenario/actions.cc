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
  KUBESIM_RETURN_IF_ERROR(args.CheckKeys({"kind", "namespace", "name"}));
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
  ParsedAction a;
  a.description = "delete " + kind + "/" + (ns.empty() ? name : ns + "/" + name);
  a.run = [kind, ns, name](ActionContext& ctx) { ctx.DeleteObject(kind, ns, name); };
  return a;
}

// The node actions: {node: NAME}, a Node the scenario defines.
sim::StatusOr<std::string> ParseNodeArg(const api::YamlNode& args, ObjectLoader& loader) {
  KUBESIM_RETURN_IF_ERROR(args.ExpectMap());
  KUBESIM_RETURN_IF_ERROR(args.CheckKeys({"node"}));
  if (!args["node"].Defined()) return args["node"].Error("Required value");
  KUBESIM_ASSIGN_OR_RETURN(std::string node, args["node"].String());
  if (!loader.Defined("Node", "", node)) {
    return args["node"].Error("Not found: no Node \"" + node + "\" is defined in the scenario");
  }
  return node;
}

sim::StatusOr<ParsedAction> ParseStopKubelet(const api::YamlNode& args, ObjectLoader& loader) {
  KUBESIM_ASSIGN_OR_RETURN(std::string node, ParseNodeArg(args, loader));
  ParsedAction a;
  a.description = "stop the kubelet of " + node;
  a.run = [node](ActionContext& ctx) { ctx.StopKubelet(node); };
  return a;
}

sim::StatusOr<ParsedAction> ParseCrashNode(const api::YamlNode& args, ObjectLoader& loader) {
  KUBESIM_ASSIGN_OR_RETURN(std::string node, ParseNodeArg(args, loader));
  ParsedAction a;
  a.description = "crash " + node + ": its kubelet and containers are gone";
  a.run = [node](ActionContext& ctx) { ctx.CrashNode(node); };
  return a;
}

sim::StatusOr<ParsedAction> ParseRestartKubelet(const api::YamlNode& args, ObjectLoader& loader) {
  KUBESIM_ASSIGN_OR_RETURN(std::string node, ParseNodeArg(args, loader));
  ParsedAction a;
  a.description = "restart the kubelet of " + node;
  a.run = [node](ActionContext& ctx) { ctx.RestartKubelet(node); };
  return a;
}

}  // namespace

const std::map<std::string, ActionParser>& ActionRegistry() {
  static const std::map<std::string, ActionParser> kActions = {
      {"create", ParseCreate},
      {"delete", ParseDelete},
      {"stopKubelet", ParseStopKubelet},
      {"crashNode", ParseCrashNode},
      {"restartKubelet", ParseRestartKubelet},
  };
  return kActions;
}

}  // namespace kubesim::scenario
