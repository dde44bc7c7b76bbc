#include "models/scenario/actions.h"

#include "models/api/kinds.h"
#include "models/api/node.h"
#include "models/scenario/cloud_actions.h"
#include "models/scenario/control_plane_actions.h"

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

// The node actions: {node: NAME}, a Node the scenario defines or one a node group's instance may
// have (GROUP-N; if no such instance runs then, the action's Warning event says so).
sim::StatusOr<std::string> ParseNodeArg(const api::YamlNode& args, ObjectLoader& loader) {
  KUBESIM_RETURN_IF_ERROR(args.ExpectMap());
  KUBESIM_RETURN_IF_ERROR(args.CheckKeys({"node"}));
  if (!args["node"].Defined()) return args["node"].Error("Required value");
  KUBESIM_ASSIGN_OR_RETURN(std::string node, args["node"].String());
  bool group_node = loader.cloud() != nullptr && loader.cloud()->IsNodeGroupNodeName(node);
  if (!loader.Defined(api::Node::kKind, "", node) && !group_node) {
    return args["node"].Error("Not found: no Node \"" + node + "\" is defined in the scenario");
  }
  return node;
}

// `stopKubelet: {node: N}`, `{zone: Z}` (every Node defined so far with
// topology.kubernetes.io/zone=Z: a zone outage) or `{selector: {label: value, ...}}` (every Node
// with all those labels: a rack or part of a zone). Several kubelets stop at the same instant, in
// node name order.
sim::StatusOr<ParsedAction> ParseStopKubelet(const api::YamlNode& args, ObjectLoader& loader) {
  KUBESIM_RETURN_IF_ERROR(args.ExpectMap());
  if (!args["zone"].Defined() && !args["selector"].Defined()) {
    KUBESIM_ASSIGN_OR_RETURN(std::string node, ParseNodeArg(args, loader));
    ParsedAction a;
    a.description = "stop the kubelet of " + node;
    a.run = [node](ActionContext& ctx) { ctx.StopKubelet(node); };
    return a;
  }
  KUBESIM_RETURN_IF_ERROR(args.CheckKeys({"node", "zone", "selector"}));
  int given = args["node"].Defined() + args["zone"].Defined() + args["selector"].Defined();
  if (given > 1) return args.Error("Invalid value: give one of node, zone or selector");
  api::StringMap selector;
  const char* field = args["zone"].Defined() ? "zone" : "selector";
  if (args["zone"].Defined()) {
    KUBESIM_ASSIGN_OR_RETURN(selector[api::kLabelZone], args["zone"].String());
  } else {
    KUBESIM_ASSIGN_OR_RETURN(selector, args["selector"].StringMap());
    if (selector.empty()) return args["selector"].Error("Required value: at least one label: value");
  }
  std::string what;
  for (const auto& [k, v] : selector) what += (what.empty() ? "" : ",") + k + "=" + v;
  std::vector<std::string> nodes = loader.NodesLabelled(selector);
  if (nodes.empty()) {
    return args[field].Error("Not found: no Node labelled " + what + " is defined in the scenario");
  }
  ParsedAction a;
  a.description = "stop the kubelets of the " + std::to_string(nodes.size()) + " nodes labelled " + what;
  a.run = [nodes](ActionContext& ctx) {
    for (const auto& n : nodes) ctx.StopKubelet(n);
  };
  return a;
}

// The workload named by `kind`/`namespace`/`name` in an action's arguments, which must be defined
// by the scenario or an earlier action.
struct Target {
  std::string kind, ns, name;
  std::string ref() const { return kind + "/" + ns + "/" + name; }
};

sim::StatusOr<Target> ParseTarget(const api::YamlNode& args, ObjectLoader& loader,
                                  std::initializer_list<const char*> kinds) {
  if (!args["kind"].Defined()) return args["kind"].Error("Required value");
  if (!args["name"].Defined()) return args["name"].Error("Required value");
  Target t;
  KUBESIM_ASSIGN_OR_RETURN(t.kind, args["kind"].String());
  KUBESIM_ASSIGN_OR_RETURN(t.name, args["name"].String());
  t.ns = "default";
  if (args["namespace"].Defined()) {
    KUBESIM_ASSIGN_OR_RETURN(t.ns, args["namespace"].String());
  }
  bool supported = false;
  std::string list;
  for (const char* k : kinds) {
    supported = supported || t.kind == k;
    list += std::string(list.empty() ? "" : ", ") + "\"" + k + "\"";
  }
  if (!supported) return args["kind"].Error("Unsupported value: \"" + t.kind + "\": supported values: " + list);
  if (!loader.Defined(t.kind, t.ns, t.name)) {
    return args["name"].Error("Not found: no " + t.kind + " \"" + t.ns + "/" + t.name +
                              "\" is defined in the scenario's objects or created by an earlier action");
  }
  return t;
}

// `kubectl scale`: sets spec.replicas.
sim::StatusOr<ParsedAction> ParseScale(const api::YamlNode& args, ObjectLoader& loader) {
  KUBESIM_RETURN_IF_ERROR(args.ExpectMap());
  KUBESIM_RETURN_IF_ERROR(args.CheckKeys({"kind", "namespace", "name", "replicas"}));
  KUBESIM_ASSIGN_OR_RETURN(
      Target t, ParseTarget(args, loader, {api::Deployment::kKind, api::ReplicaSet::kKind, api::StatefulSet::kKind}));
  if (!args["replicas"].Defined()) return args["replicas"].Error("Required value");
  KUBESIM_ASSIGN_OR_RETURN(int32_t replicas, args["replicas"].Int32());
  if (replicas < 0) return args["replicas"].Error("Invalid value: must be greater than or equal to 0");
  ParsedAction a;
  a.description = "scale " + t.ref() + " to " + std::to_string(replicas);
  a.run = [t, replicas](ActionContext& ctx) {
    ctx.UpdateObject(t.kind, t.ns, t.name, [replicas](api::Object& obj) {
      if (auto* d = dynamic_cast<api::Deployment*>(&obj)) d->replicas = replicas;
      if (auto* rs = dynamic_cast<api::ReplicaSet*>(&obj)) rs->replicas = replicas;
      if (auto* ss = dynamic_cast<api::StatefulSet*>(&obj)) ss->replicas = replicas;
      return sim::Status::Ok();
    });
  };
  return a;
}

// `kubectl set image`: new images for named containers of the pod template, which starts a
// rollout.
sim::StatusOr<ParsedAction> ParseSetImage(const api::YamlNode& args, ObjectLoader& loader) {
  KUBESIM_RETURN_IF_ERROR(args.ExpectMap());
  KUBESIM_RETURN_IF_ERROR(args.CheckKeys({"kind", "namespace", "name", "images"}));
  KUBESIM_ASSIGN_OR_RETURN(Target t, ParseTarget(args, loader,
                                                 {api::Deployment::kKind, api::ReplicaSet::kKind,
                                                  api::StatefulSet::kKind, api::DaemonSet::kKind}));
  if (!args["images"].Defined()) return args["images"].Error("Required value");
  KUBESIM_ASSIGN_OR_RETURN(api::StringMap images, args["images"].StringMap());
  if (images.empty()) return args["images"].Error("Required value: at least one container: image");
  ParsedAction a;
  a.description = "set image of " + t.ref();
  for (const auto& [c, img] : images) a.description += " " + c + "=" + img;
  a.run = [t, images](ActionContext& ctx) {
    ctx.UpdateObject(t.kind, t.ns, t.name, [images](api::Object& obj) -> sim::Status {
      api::PodTemplate* tmpl = nullptr;
      if (auto* d = dynamic_cast<api::Deployment*>(&obj)) tmpl = &d->pod_template;
      if (auto* rs = dynamic_cast<api::ReplicaSet*>(&obj)) tmpl = &rs->pod_template;
      if (auto* ss = dynamic_cast<api::StatefulSet*>(&obj)) tmpl = &ss->pod_template;
      if (auto* ds = dynamic_cast<api::DaemonSet*>(&obj)) tmpl = &ds->pod_template;
      for (const auto& [name, image] : images) {
        bool found = false;
        for (auto* list : {&tmpl->spec.init_containers, &tmpl->spec.containers}) {
          for (auto& c : *list) {
            if (c.name == name) {
              c.image = image;
              found = true;
            }
          }
        }
        if (!found) return sim::Status(sim::StatusCode::kNotFound, "unable to find container named \"" + name + "\"");
      }
      return sim::Status::Ok();
    });
  };
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

// `kubectl drain --ignore-daemonsets`: cordon, then evict the node's pods through the Eviction API.
sim::StatusOr<ParsedAction> ParseDrain(const api::YamlNode& args, ObjectLoader& loader) {
  KUBESIM_ASSIGN_OR_RETURN(std::string node, ParseNodeArg(args, loader));
  ParsedAction a;
  a.description = "drain " + node + ": cordon, then evict its pods";
  a.run = [node](ActionContext& ctx) { ctx.DrainNode(node); };
  return a;
}

}  // namespace

const std::map<std::string, ActionParser>& ActionRegistry() {
  static const std::map<std::string, ActionParser> kActions = [] {
    std::map<std::string, ActionParser> actions = {
        {"create", ParseCreate},
        {"delete", ParseDelete},
        {"stopKubelet", ParseStopKubelet},
        {"scale", ParseScale},
        {"setImage", ParseSetImage},
        {"crashNode", ParseCrashNode},
        {"restartKubelet", ParseRestartKubelet},
        {"drain", ParseDrain},
    };
    AddCloudActions(actions);
    AddControlPlaneActions(actions);
    return actions;
  }();
  return kActions;
}

}  // namespace kubesim::scenario
