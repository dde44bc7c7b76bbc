#include "models/scenario/control_plane_actions.h"

#include <algorithm>

#include "models/api/node.h"
#include "models/api/quantity.h"
#include "models/apiserver/api_server.h"
#include "models/client/load_generator.h"
#include "models/etcd/raft_cluster.h"
#include "models/network/topology.h"
#include "models/scenario/arrivals.h"

namespace kubesim::scenario {
namespace {

using api::YamlNode;

// The optional `duration:` after which the fault is undone; nullopt when absent.
sim::StatusOr<std::optional<sim::Duration>> UndoAfter(const YamlNode& args) {
  if (!args.Has("duration")) return std::optional<sim::Duration>();
  KUBESIM_ASSIGN_OR_RETURN(sim::Duration d, args["duration"].ToDuration());
  if (d <= sim::Duration::Zero()) return args["duration"].Error("Invalid value: must be positive");
  return std::optional<sim::Duration>(d);
}

sim::StatusOr<int> MemberArg(const YamlNode& args, ObjectLoader& loader) {
  if (!args.Has("member")) return args["member"].Error("Required value: the member's index, 0 to members-1");
  KUBESIM_ASSIGN_OR_RETURN(int32_t member, args["member"].Int32());
  const int members = loader.etcd() != nullptr ? loader.etcd()->members : etcd::EtcdConfig{}.members;
  if (member < 0 || member >= members) {
    return args["member"].Error("Invalid value: " + std::to_string(member) + ": spec.etcd has " +
                                std::to_string(members) + " members, numbered 0 to " + std::to_string(members - 1));
  }
  return member;
}

std::string For(const std::optional<sim::Duration>& d) { return d ? " for " + d->ToString() : ""; }

// {member: N, duration: D}: the member's process stops (and restarts after D).
sim::StatusOr<ParsedAction> ParseMemberDown(const YamlNode& args, ObjectLoader& loader) {
  KUBESIM_RETURN_IF_ERROR(args.ExpectMap());
  KUBESIM_RETURN_IF_ERROR(args.CheckKeys({"member", "duration"}));
  KUBESIM_ASSIGN_OR_RETURN(int member, MemberArg(args, loader));
  KUBESIM_ASSIGN_OR_RETURN(std::optional<sim::Duration> duration, UndoAfter(args));
  ParsedAction a;
  a.description = "etcd member " + std::to_string(member) + " down" + For(duration);
  a.run = [member, duration](ActionContext& ctx) {
    ctx.Etcd().MemberDown(member);
    if (duration) {
      ctx.After(*duration, "etcd member " + std::to_string(member) + " up",
                [member](ActionContext& c) { c.Etcd().MemberUp(member); });
    }
  };
  return a;
}

sim::StatusOr<ParsedAction> ParseMemberUp(const YamlNode& args, ObjectLoader& loader) {
  KUBESIM_RETURN_IF_ERROR(args.ExpectMap());
  KUBESIM_RETURN_IF_ERROR(args.CheckKeys({"member"}));
  KUBESIM_ASSIGN_OR_RETURN(int member, MemberArg(args, loader));
  ParsedAction a;
  a.description = "etcd member " + std::to_string(member) + " up";
  a.run = [member](ActionContext& ctx) { ctx.Etcd().MemberUp(member); };
  return a;
}

// {duration: D}: whichever member leads when the action runs stops (and restarts after D).
sim::StatusOr<ParsedAction> ParseLeaderDown(const YamlNode& args, ObjectLoader&) {
  if (args.Defined() && !args.IsMap()) return args.Error("Invalid value: expected a map, e.g. {duration: 30s}");
  std::optional<sim::Duration> duration;
  if (args.IsMap()) {
    KUBESIM_RETURN_IF_ERROR(args.CheckKeys({"duration"}));
    KUBESIM_ASSIGN_OR_RETURN(duration, UndoAfter(args));
  }
  ParsedAction a;
  a.description = "etcd leader down" + For(duration);
  a.run = [duration](ActionContext& ctx) {
    const int leader = ctx.Etcd().leader();
    if (leader < 0) return;  // no leader to stop: an election is already under way
    ctx.Etcd().MemberDown(leader);
    if (duration) {
      ctx.After(*duration, "etcd member " + std::to_string(leader) + " up",
                [leader](ActionContext& c) { c.Etcd().MemberUp(leader); });
    }
  };
  return a;
}

// {factor: F, duration: D}: every member's fsync takes F times as long.
sim::StatusOr<ParsedAction> ParseDiskSlow(const YamlNode& args, ObjectLoader&) {
  KUBESIM_RETURN_IF_ERROR(args.ExpectMap());
  KUBESIM_RETURN_IF_ERROR(args.CheckKeys({"factor", "duration"}));
  if (!args.Has("factor")) return args["factor"].Error("Required value: how many times slower fsync becomes");
  KUBESIM_ASSIGN_OR_RETURN(double factor, args["factor"].Number());
  if (!(factor >= 1) || factor > 1e6) return args["factor"].Error("Invalid value: must be between 1 and 1000000");
  KUBESIM_ASSIGN_OR_RETURN(std::optional<sim::Duration> duration, UndoAfter(args));
  ParsedAction a;
  a.description = "etcd disk " + args["factor"].Scalar() + "x slower" + For(duration);
  a.run = [factor, duration](ActionContext& ctx) {
    ctx.Etcd().SetDiskFactor(factor);
    if (duration) ctx.After(*duration, "etcd disk nominal", [](ActionContext& c) { c.Etcd().SetDiskFactor(1); });
  };
  return a;
}

// {zone: Z} | {nodes: [..]} | {selector: {..}} | {controlPlane: true}, and `duration`: those
// nodes lose their link to the control plane (and get it back after D).
sim::StatusOr<ParsedAction> ParsePartition(const YamlNode& args, ObjectLoader& loader) {
  KUBESIM_RETURN_IF_ERROR(args.ExpectMap());
  KUBESIM_RETURN_IF_ERROR(args.CheckKeys({"zone", "nodes", "selector", "controlPlane", "duration"}));
  int given = args.Has("zone") + args.Has("nodes") + args.Has("selector") + args.Has("controlPlane");
  if (given != 1) return args.Error("Invalid value: give exactly one of zone, nodes, selector or controlPlane");
  network::PartitionSpec spec;
  std::string what;
  if (args.Has("zone")) {
    KUBESIM_ASSIGN_OR_RETURN(std::string zone, args["zone"].String());
    const auto* cloud = loader.cloud();
    bool cloud_zone =
        cloud != nullptr && std::find(cloud->zones.begin(), cloud->zones.end(), zone) != cloud->zones.end();
    if (!cloud_zone && loader.NodesLabelled({{api::kLabelZone, zone}}).empty()) {
      return args["zone"].Error("Not found: no Node labelled " + std::string(api::kLabelZone) + "=" + zone +
                                " is defined in the scenario");
    }
    spec.zones = {zone};
    what = "zone " + zone;
  } else if (args.Has("nodes")) {
    KUBESIM_ASSIGN_OR_RETURN(auto items, args["nodes"].Items());
    if (items.empty()) return args["nodes"].Error("Required value: at least one node");
    for (const auto& item : items) {
      KUBESIM_ASSIGN_OR_RETURN(std::string node, item.String());
      bool group_node = loader.cloud() != nullptr && loader.cloud()->IsNodeGroupNodeName(node);
      if (!loader.Defined(api::Node::kKind, "", node) && !group_node) {
        return item.Error("Not found: no Node \"" + node + "\" is defined in the scenario");
      }
      spec.nodes.push_back(node);
    }
    what = std::to_string(spec.nodes.size()) + " node(s)";
  } else if (args.Has("selector")) {
    KUBESIM_ASSIGN_OR_RETURN(api::StringMap selector, args["selector"].StringMap());
    if (selector.empty()) return args["selector"].Error("Required value: at least one label: value");
    spec.selector = {selector.begin(), selector.end()};
    for (const auto& [k, v] : selector) what += (what.empty() ? "nodes labelled " : ",") + k + "=" + v;
  } else {
    KUBESIM_ASSIGN_OR_RETURN(spec.control_plane, args["controlPlane"].Bool());
    if (!spec.control_plane) return args["controlPlane"].Error("Invalid value: only true is meaningful");
    what = "every node";
  }
  KUBESIM_ASSIGN_OR_RETURN(std::optional<sim::Duration> duration, UndoAfter(args));
  ParsedAction a;
  a.description = "partition " + what + " from the control plane" + For(duration);
  a.run = [spec, duration, what](ActionContext& ctx) {
    int id = ctx.Network().Partition(spec);
    if (duration) {
      ctx.After(*duration, "heal the partition of " + what, [id](ActionContext& c) { c.Network().Heal(id); });
    }
  };
  return a;
}

// `replica`: which kube-apiserver, 0 to spec.apiServer.replicas - 1; 0 when left out.
sim::StatusOr<int> ReplicaArg(const YamlNode& args, ObjectLoader& loader) {
  if (!args.Has("replica")) return 0;
  KUBESIM_ASSIGN_OR_RETURN(int32_t replica, args["replica"].Int32());
  const int replicas = loader.api_server() != nullptr ? loader.api_server()->replicas : 1;
  if (replica < 0 || replica >= replicas) {
    const std::string numbered =
        replicas == 1 ? "1 replica, numbered 0"
                      : std::to_string(replicas) + " replicas, numbered 0 to " + std::to_string(replicas - 1);
    return args["replica"].Error("Invalid value: " + std::to_string(replica) + ": spec.apiServer has " + numbered);
  }
  return replica;
}

// {replica: N, duration: D}: the replica's process stops (and starts again after D).
sim::StatusOr<ParsedAction> ParseApiServerDown(const YamlNode& args, ObjectLoader& loader) {
  KUBESIM_RETURN_IF_ERROR(args.ExpectMap());
  KUBESIM_RETURN_IF_ERROR(args.CheckKeys({"replica", "duration"}));
  KUBESIM_ASSIGN_OR_RETURN(int replica, ReplicaArg(args, loader));
  KUBESIM_ASSIGN_OR_RETURN(std::optional<sim::Duration> duration, UndoAfter(args));
  const std::string name = "API server replica " + std::to_string(replica);
  ParsedAction a;
  a.description = name + " down" + For(duration);
  a.run = [replica, duration, name](ActionContext& ctx) {
    ctx.KubeApiServer().Stop(replica);
    if (duration) {
      ctx.After(*duration, name + " up", [replica](ActionContext& c) { c.KubeApiServer().Start(replica); });
    }
  };
  return a;
}

// {replica: N}: the replica's process restarts at once (its watches break, its cache starts afresh).
sim::StatusOr<ParsedAction> ParseApiServerRestart(const YamlNode& args, ObjectLoader& loader) {
  KUBESIM_RETURN_IF_ERROR(args.ExpectMap());
  KUBESIM_RETURN_IF_ERROR(args.CheckKeys({"replica"}));
  KUBESIM_ASSIGN_OR_RETURN(int replica, ReplicaArg(args, loader));
  ParsedAction a;
  a.description = "restart API server replica " + std::to_string(replica);
  a.run = [replica](ActionContext& ctx) {
    ctx.KubeApiServer().Stop(replica);
    ctx.KubeApiServer().Start(replica);
  };
  return a;
}

// {replica: N}: a stopped replica starts again.
sim::StatusOr<ParsedAction> ParseApiServerUp(const YamlNode& args, ObjectLoader& loader) {
  KUBESIM_RETURN_IF_ERROR(args.ExpectMap());
  KUBESIM_RETURN_IF_ERROR(args.CheckKeys({"replica"}));
  KUBESIM_ASSIGN_OR_RETURN(int replica, ReplicaArg(args, loader));
  ParsedAction a;
  a.description = "API server replica " + std::to_string(replica) + " up";
  a.run = [replica](ActionContext& ctx) { ctx.KubeApiServer().Start(replica); };
  return a;
}

// An action without arguments (`{}` or nothing): heal, etcd's maintenance commands.
ActionParser WithoutArguments(std::string description, ActionFn run) {
  return [description = std::move(description), run = std::move(run)](const YamlNode& args,
                                                                      ObjectLoader&) -> sim::StatusOr<ParsedAction> {
    if (args.Defined()) {
      KUBESIM_RETURN_IF_ERROR(args.ExpectMap());
      KUBESIM_RETURN_IF_ERROR(args.CheckKeys({}));
    }
    return ParsedAction{run, description};
  };
}

// `etcdctl compact <current revision>`: history up to now goes. A compaction is a raft proposal,
// so without a leader with a quorum it fails as etcdctl would.
void Compact(ActionContext& ctx) {
  if (ctx.Etcd().leader() < 0 || !ctx.Etcd().has_quorum()) {
    ctx.ReportFailure("FailedCompact", "etcd", "etcdserver: request timed out");
    return;
  }
  ctx.EtcdStore().Compact(ctx.EtcdStore().revision());
}

// The kinds a load may list, by resource; create, update and delete take the first two only.
const std::map<std::string, std::string>& LoadResources() {
  static const std::map<std::string, std::string> kResources = {
      {"configmaps", "ConfigMap"},
      {"secrets", "Secret"},
      {"pods", "Pod"},
      {"nodes", "Node"},
      {"services", "Service"},
      {"deployments", "Deployment"},
      {"replicasets", "ReplicaSet"},
      {"statefulsets", "StatefulSet"},
      {"jobs", "Job"},
      {"leases", "Lease"},
      {"namespaces", "Namespace"},
      {"endpointslices", "EndpointSlice"},
  };
  return kResources;
}

// `user` and `groups` of an apiserverLoad: who its requests authenticate as, for API Priority and
// Fairness's FlowSchemas. A service account's user name gives its groups, as the service account
// token authenticator does (k8s.io/apiserver pkg/authentication/serviceaccount UserInfo).
sim::StatusOr<std::shared_ptr<const apiserver::UserInfo>> ParseLoadUser(const YamlNode& args) {
  std::string name = "apiserver-load";
  if (args.Has("user")) {
    KUBESIM_ASSIGN_OR_RETURN(name, args["user"].String());
    if (name.empty()) return args["user"].Error("Required value: a user name");
  }
  std::vector<std::string> groups;
  if (args.Has("groups")) {
    KUBESIM_ASSIGN_OR_RETURN(groups, args["groups"].StringList());
    for (const std::string& g : groups) {
      if (g.empty()) return args["groups"].Error("Invalid value: \"\": a group name must not be empty");
    }
  }
  constexpr std::string_view kServiceAccount = "system:serviceaccount:";
  if (std::string_view(name).substr(0, kServiceAccount.size()) == kServiceAccount) {
    const std::string rest = name.substr(kServiceAccount.size());
    const size_t colon = rest.find(':');
    if (colon == std::string::npos || colon == 0 || colon + 1 == rest.size() ||
        rest.find(':', colon + 1) != std::string::npos) {
      return args["user"].Error("Invalid value: \"" + name +
                                "\": a service account's user is system:serviceaccount:<namespace>:<name>");
    }
    apiserver::UserInfo u = apiserver::ServiceAccountUser(rest.substr(0, colon), rest.substr(colon + 1));
    u.groups.insert(u.groups.end(), groups.begin(), groups.end());
    return std::make_shared<const apiserver::UserInfo>(std::move(u));
  }
  return std::make_shared<const apiserver::UserInfo>(apiserver::AuthenticatedUser(name, groups));
}

// {qps, verb, resource, namespace, objectSize, duration, user, groups}: client/load_generator.h.
sim::StatusOr<ParsedAction> ParseApiServerLoad(const YamlNode& args, ObjectLoader&) {
  KUBESIM_RETURN_IF_ERROR(args.ExpectMap());
  KUBESIM_RETURN_IF_ERROR(
      args.CheckKeys({"qps", "verb", "resource", "namespace", "objectSize", "duration", "user", "groups"}));
  client::LoadSpec spec;
  if (!args.Has("qps")) return args["qps"].Error("Required value: requests per second");
  KUBESIM_ASSIGN_OR_RETURN(spec.qps, args["qps"].Number());
  // One request per simulated microsecond at most: far beyond any API server's capacity.
  if (!(spec.qps > 0) || spec.qps > 1e6) return args["qps"].Error("Invalid value: must be between 0 and 1000000");
  if (!args.Has("duration")) return args["duration"].Error("Required value: how long the load lasts");
  KUBESIM_ASSIGN_OR_RETURN(std::optional<sim::Duration> duration, UndoAfter(args));
  spec.duration = *duration;
  if (spec.qps * spec.duration.ToSeconds() > 1e7) {
    return args["duration"].Error("Invalid value: qps × duration is more than 10,000,000 requests");
  }
  std::string verb = "create";
  if (args.Has("verb")) {
    KUBESIM_ASSIGN_OR_RETURN(verb, args["verb"].String());
  }
  static const std::map<std::string, client::LoadSpec::Verb> kVerbs = {{"create", client::LoadSpec::Verb::kCreate},
                                                                       {"update", client::LoadSpec::Verb::kUpdate},
                                                                       {"delete", client::LoadSpec::Verb::kDelete},
                                                                       {"list", client::LoadSpec::Verb::kList}};
  auto v = kVerbs.find(verb);
  if (v == kVerbs.end()) {
    return args["verb"].Error("Unsupported value: \"" + verb +
                              "\": supported values: \"create\", \"update\", \"delete\", \"list\"");
  }
  spec.verb = v->second;
  std::string resource = "configmaps";
  if (args.Has("resource")) {
    KUBESIM_ASSIGN_OR_RETURN(resource, args["resource"].String());
  }
  auto r = LoadResources().find(resource);
  const bool writes = spec.verb != client::LoadSpec::Verb::kList;
  if (r == LoadResources().end() || (writes && resource != "configmaps" && resource != "secrets")) {
    std::string supported;
    for (const auto& [name, kind] : LoadResources()) {
      if (!writes || name == "configmaps" || name == "secrets")
        supported += (supported.empty() ? "\"" : ", \"") + name + "\"";
    }
    return args["resource"].Error("Unsupported value: \"" + resource + "\": " + verb + " supports " + supported);
  }
  spec.kind = r->second;
  if (args.Has("namespace")) {
    KUBESIM_ASSIGN_OR_RETURN(spec.ns, args["namespace"].String());
  }
  if (args.Has("objectSize")) {
    KUBESIM_ASSIGN_OR_RETURN(api::Quantity size, args["objectSize"].ToQuantity());
    // etcd refuses a request above 1.5 MiB (--max-request-bytes, server/embed/config.go @ v3.5.16).
    if (size.Value() < 0 || size.Value() > 1536 * 1024) {
      return args["objectSize"].Error("Invalid value: \"" + size.text() + "\": must be between 0 and 1.5Mi");
    }
    spec.object_size = size.Value();
  }
  if (args.Has("user") || args.Has("groups")) {
    KUBESIM_ASSIGN_OR_RETURN(spec.user, ParseLoadUser(args));
  }
  ParsedAction a;
  a.description = "API server load: " + verb + " " + resource + " at " + args["qps"].Scalar() + "/s for " +
                  spec.duration.ToString() + (spec.user ? " as " + spec.user->name : "");
  a.run = [spec](ActionContext& ctx) { ctx.ApiServerLoad().Start(spec); };
  return a;
}

}  // namespace

void AddControlPlaneActions(std::map<std::string, ActionParser>& actions) {
  actions["etcdMemberDown"] = ParseMemberDown;
  actions["etcdMemberUp"] = ParseMemberUp;
  actions["etcdLeaderDown"] = ParseLeaderDown;
  actions["etcdDiskSlow"] = ParseDiskSlow;
  actions["partition"] = ParsePartition;
  // Every partition ends.
  actions["heal"] = WithoutArguments("heal every partition", [](ActionContext& ctx) { ctx.Network().HealAll(); });
  actions["apiserverDown"] = ParseApiServerDown;
  actions["apiserverRestart"] = ParseApiServerRestart;
  actions["apiserverUp"] = ParseApiServerUp;
  actions["apiserverLoad"] = ParseApiServerLoad;
  actions["etcdCompact"] = WithoutArguments("etcdctl compact (to the current revision)", Compact);
  // `etcdctl defrag` on every member: each file shrinks to the bytes in use.
  actions["etcdDefrag"] =
      WithoutArguments("etcdctl defrag (every member)", [](ActionContext& ctx) { ctx.EtcdStore().Defragment(); });
  // `etcdctl alarm disarm`: the NOSPACE alarm goes; the next put that does not fit raises it again.
  actions["etcdAlarmDisarm"] =
      WithoutArguments("etcdctl alarm disarm", [](ActionContext& ctx) { ctx.EtcdStore().DisarmAlarms(); });
}

}  // namespace kubesim::scenario
