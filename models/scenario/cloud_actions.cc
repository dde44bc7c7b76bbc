// The cloud's timeline actions (docs/cloud.md): spotInterruption, stockout, terminateInstance,
// cloudApiErrors, scaleNodeGroup. Each needs spec.cloud and names what it defines.
#include "models/scenario/cloud_actions.h"

#include <algorithm>

#include "models/cloud/cloud_provider.h"
#include "models/scenario/arrivals.h"

namespace kubesim::scenario {
namespace {

using api::YamlNode;

sim::StatusOr<const cloud::CloudConfig*> NeedCloud(const YamlNode& args, ObjectLoader& loader) {
  if (loader.cloud() == nullptr) return args.Error("Invalid value: a cloud action needs spec.cloud");
  return loader.cloud();
}

sim::StatusOr<std::string> NodeGroupArg(const YamlNode& field, const cloud::CloudConfig& cloud) {
  KUBESIM_ASSIGN_OR_RETURN(std::string group, field.String());
  if (cloud.FindNodeGroup(group) == nullptr) {
    return field.Error("Not found: no node group \"" + group + "\" in spec.cloud.nodeGroups");
  }
  return group;
}

// A Node of a node group: GROUP-N.
sim::StatusOr<std::string> GroupNodeArg(const YamlNode& field, const cloud::CloudConfig& cloud) {
  KUBESIM_ASSIGN_OR_RETURN(std::string node, field.String());
  if (cloud.IsNodeGroupNodeName(node)) return node;
  return field.Error("Not found: \"" + node + "\" is not a node of any node group (their names are GROUP-N)");
}

sim::StatusOr<sim::Duration> PositiveDuration(const YamlNode& field) {
  if (!field.Defined()) return field.Error("Required value");
  KUBESIM_ASSIGN_OR_RETURN(sim::Duration d, field.ToDuration());
  if (d <= sim::Duration::Zero()) return field.Error("Invalid value: must be positive");
  return d;
}

// {nodeGroup: G, count: N}: N running spot instances of G, oldest first; or {node: NAME}.
sim::StatusOr<ParsedAction> ParseSpotInterruption(const YamlNode& args, ObjectLoader& loader) {
  KUBESIM_ASSIGN_OR_RETURN(const cloud::CloudConfig* cloud, NeedCloud(args, loader));
  KUBESIM_RETURN_IF_ERROR(args.ExpectMap());
  KUBESIM_RETURN_IF_ERROR(args.CheckKeys({"nodeGroup", "count", "node"}));
  ParsedAction a;
  if (args["node"].Defined()) {
    if (args["nodeGroup"].Defined() || args["count"].Defined()) {
      return args.Error("Invalid value: give either node, or nodeGroup and count");
    }
    KUBESIM_ASSIGN_OR_RETURN(std::string node, GroupNodeArg(args["node"], *cloud));
    a.description = "spot interruption of " + node;
    a.run = [node](ActionContext& ctx) { ctx.Cloud()->Interrupt({node}); };
    return a;
  }
  if (!args["nodeGroup"].Defined()) return args["nodeGroup"].Error("Required value (or node)");
  KUBESIM_ASSIGN_OR_RETURN(std::string group, NodeGroupArg(args["nodeGroup"], *cloud));
  if (cloud->FindNodeGroup(group)->capacity_type != cloud::CapacityType::kSpot) {
    return args["nodeGroup"].Error("Invalid value: node group \"" + group + "\" is OnDemand, not Spot");
  }
  int32_t count = 1;
  if (args["count"].Defined()) {
    KUBESIM_ASSIGN_OR_RETURN(count, args["count"].Int32());
    if (count < 1) return args["count"].Error("Invalid value: must be at least 1");
  }
  a.description = "spot interruption of " + std::to_string(count) + " instance(s) of node group " + group;
  a.run = [group, count](ActionContext& ctx) {
    cloud::CloudProvider* c = ctx.Cloud();
    c->Interrupt(c->SpotInstancesToInterrupt(group, count));
  };
  return a;
}

// {zone: Z, instanceType: T, duration: D}: no capacity for T in Z for D.
sim::StatusOr<ParsedAction> ParseStockout(const YamlNode& args, ObjectLoader& loader) {
  KUBESIM_ASSIGN_OR_RETURN(const cloud::CloudConfig* cloud, NeedCloud(args, loader));
  KUBESIM_RETURN_IF_ERROR(args.ExpectMap());
  KUBESIM_RETURN_IF_ERROR(args.CheckKeys({"zone", "instanceType", "duration"}));
  for (const char* f : {"zone", "instanceType"}) {
    if (!args[f].Defined()) return args[f].Error("Required value");
  }
  KUBESIM_ASSIGN_OR_RETURN(std::string zone, args["zone"].String());
  if (std::find(cloud->zones.begin(), cloud->zones.end(), zone) == cloud->zones.end()) {
    return args["zone"].Error("Not found: \"" + zone + "\" is not in spec.cloud.zones");
  }
  KUBESIM_ASSIGN_OR_RETURN(std::string type, args["instanceType"].String());
  if (cloud->FindInstanceType(type) == nullptr) {
    return args["instanceType"].Error("Not found: \"" + type + "\" is not in spec.cloud.instanceTypes");
  }
  KUBESIM_ASSIGN_OR_RETURN(sim::Duration duration, PositiveDuration(args["duration"]));
  ParsedAction a;
  a.description = "stockout of " + type + " in " + zone + " for " + duration.ToString();
  a.run = [zone, type, duration](ActionContext& ctx) { ctx.Cloud()->Stockout(zone, type, duration); };
  return a;
}

sim::StatusOr<ParsedAction> ParseTerminateInstance(const YamlNode& args, ObjectLoader& loader) {
  KUBESIM_ASSIGN_OR_RETURN(const cloud::CloudConfig* cloud, NeedCloud(args, loader));
  KUBESIM_RETURN_IF_ERROR(args.ExpectMap());
  KUBESIM_RETURN_IF_ERROR(args.CheckKeys({"node"}));
  if (!args["node"].Defined()) return args["node"].Error("Required value");
  KUBESIM_ASSIGN_OR_RETURN(std::string node, GroupNodeArg(args["node"], *cloud));
  ParsedAction a;
  a.description = "terminate the instance of " + node;
  a.run = [node](ActionContext& ctx) { ctx.Cloud()->TerminateInstance(node); };
  return a;
}

// {rate: 0..1, duration: D}: that share of cloud API calls fail for D.
sim::StatusOr<ParsedAction> ParseCloudApiErrors(const YamlNode& args, ObjectLoader& loader) {
  KUBESIM_RETURN_IF_ERROR(NeedCloud(args, loader).status());
  KUBESIM_RETURN_IF_ERROR(args.ExpectMap());
  KUBESIM_RETURN_IF_ERROR(args.CheckKeys({"rate", "duration"}));
  if (!args["rate"].Defined()) return args["rate"].Error("Required value: the share of calls that fail, 0 to 1");
  KUBESIM_ASSIGN_OR_RETURN(double rate, args["rate"].Number());
  if (rate < 0 || rate > 1) return args["rate"].Error("Invalid value: must be between 0 and 1");
  KUBESIM_ASSIGN_OR_RETURN(sim::Duration duration, PositiveDuration(args["duration"]));
  ParsedAction a;
  a.description = "cloud API errors at rate " + args["rate"].Scalar() + " for " + duration.ToString();
  a.run = [rate, duration](ActionContext& ctx) { ctx.Cloud()->InjectApiErrors(rate, duration); };
  return a;
}

// {nodeGroup: G, size: N}: the group's desired size set from outside the cluster (a console, an
// infrastructure-as-code run).
sim::StatusOr<ParsedAction> ParseScaleNodeGroup(const YamlNode& args, ObjectLoader& loader) {
  KUBESIM_ASSIGN_OR_RETURN(const cloud::CloudConfig* cloud, NeedCloud(args, loader));
  KUBESIM_RETURN_IF_ERROR(args.ExpectMap());
  KUBESIM_RETURN_IF_ERROR(args.CheckKeys({"nodeGroup", "size"}));
  if (!args["nodeGroup"].Defined()) return args["nodeGroup"].Error("Required value");
  KUBESIM_ASSIGN_OR_RETURN(std::string group, NodeGroupArg(args["nodeGroup"], *cloud));
  if (!args["size"].Defined()) return args["size"].Error("Required value");
  KUBESIM_ASSIGN_OR_RETURN(int32_t size, args["size"].Int32());
  const cloud::NodeGroupConfig& g = *cloud->FindNodeGroup(group);
  if (size < g.min_size || size > g.max_size) {
    return args["size"].Error("Invalid value: " + std::to_string(size) + ": must be between minSize " +
                              std::to_string(g.min_size) + " and maxSize " + std::to_string(g.max_size));
  }
  ParsedAction a;
  a.description = "set the size of node group " + group + " to " + std::to_string(size);
  a.run = [group, size](ActionContext& ctx) {
    sim::Status st = ctx.Cloud()->SetTargetSize(group, size);
    (void)st;  // the provider records a failed call as an event
  };
  return a;
}

}  // namespace

void AddCloudActions(std::map<std::string, ActionParser>& actions) {
  actions["spotInterruption"] = ParseSpotInterruption;
  actions["stockout"] = ParseStockout;
  actions["terminateInstance"] = ParseTerminateInstance;
  actions["cloudApiErrors"] = ParseCloudApiErrors;
  actions["scaleNodeGroup"] = ParseScaleNodeGroup;
}

}  // namespace kubesim::scenario
