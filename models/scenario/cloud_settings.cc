#include "models/scenario/cloud_settings.h"

#include <set>

#include "models/api/codec_internal.h"
#include "models/api/names.h"
#include "models/scenario/arrivals.h"
#include "models/scenario/latency_settings.h"

namespace kubesim::scenario {
namespace {

using api::YamlNode;

sim::StatusOr<double> Price(const YamlNode& node) {
  KUBESIM_ASSIGN_OR_RETURN(double v, node.Number());
  if (v < 0) return node.Error("Invalid value: " + node.Scalar() + ": a price must not be negative");
  return v;
}

sim::StatusOr<cloud::InstanceType> ParseInstanceType(const YamlNode& node) {
  KUBESIM_RETURN_IF_ERROR(node.ExpectMap());
  KUBESIM_RETURN_IF_ERROR(node.CheckKeys({"name", "capacity", "price", "spotPrice", "family"}));
  cloud::InstanceType t;
  if (!node["name"].Defined()) return node["name"].Error("Required value: the instance type's name, e.g. m5.xlarge");
  KUBESIM_ASSIGN_OR_RETURN(t.name, node["name"].String());
  if (t.name.empty()) return node["name"].Error("Required value");
  if (!node["capacity"].Defined()) {
    return node["capacity"].Error("Required value: what the instance offers, e.g. {cpu: \"4\", memory: 16Gi}");
  }
  KUBESIM_RETURN_IF_ERROR(node["capacity"].ExpectMap());
  KUBESIM_ASSIGN_OR_RETURN(t.capacity, api::internal::DecodeResources(node["capacity"]));
  for (const char* r : {api::kResourceCPU, api::kResourceMemory}) {
    auto it = t.capacity.find(r);
    if (it == t.capacity.end() || api::AmountOf(r, it->second) <= 0) {
      return node["capacity"].Error(std::string("Required value: capacity.") + r + " must be positive");
    }
  }
  // The kubelet's --max-pods default (KubeletConfiguration maxPods: 110).
  if (!t.capacity.count(api::kResourcePods)) {
    KUBESIM_ASSIGN_OR_RETURN(t.capacity[api::kResourcePods], api::Quantity::Parse("110"));
  }
  if (!node["price"].Defined()) return node["price"].Error("Required value: USD per hour, on demand");
  KUBESIM_ASSIGN_OR_RETURN(t.price, Price(node["price"]));
  if (node["spotPrice"].Defined()) {
    KUBESIM_ASSIGN_OR_RETURN(t.spot_price, Price(node["spotPrice"]));
  }
  t.family = t.name.substr(0, t.name.find('.'));
  if (node["family"].Defined()) {
    KUBESIM_ASSIGN_OR_RETURN(t.family, node["family"].String());
  }
  return t;
}

sim::StatusOr<std::vector<api::Taint>> ParseTaints(const YamlNode& node) {
  std::vector<api::Taint> out;
  KUBESIM_ASSIGN_OR_RETURN(auto items, node.Items());
  for (const auto& t : items) {
    KUBESIM_RETURN_IF_ERROR(t.ExpectMap());
    KUBESIM_RETURN_IF_ERROR(t.CheckKeys({"key", "value", "effect"}));
    api::Taint taint;
    if (!t["key"].Defined()) return t["key"].Error("Required value");
    KUBESIM_ASSIGN_OR_RETURN(taint.key, t["key"].String());
    if (t["value"].Defined()) {
      KUBESIM_ASSIGN_OR_RETURN(taint.value, t["value"].String());
    }
    if (!t["effect"].Defined()) return t["effect"].Error("Required value");
    KUBESIM_ASSIGN_OR_RETURN(taint.effect, t["effect"].String());
    if (taint.effect != api::kTaintNoSchedule && taint.effect != api::kTaintPreferNoSchedule &&
        taint.effect != api::kTaintNoExecute) {
      return t["effect"].Error("Unsupported value: \"" + taint.effect +
                               "\": supported values: \"NoSchedule\", \"PreferNoSchedule\", \"NoExecute\"");
    }
    out.push_back(std::move(taint));
  }
  return out;
}

sim::StatusOr<cloud::NodeGroupConfig> ParseNodeGroup(const YamlNode& node, const cloud::CloudConfig& cloud) {
  KUBESIM_RETURN_IF_ERROR(node.ExpectMap());
  KUBESIM_RETURN_IF_ERROR(node.CheckKeys({"name", "instanceType", "instanceTypes", "zones", "minSize", "maxSize",
                                          "size", "capacityType", "labels", "taints"}));
  cloud::NodeGroupConfig g;
  g.source = api::SourceRef{node.file(), node.line(), node.column()};
  if (!node["name"].Defined()) return node["name"].Error("Required value: the group's name, its nodes' name prefix");
  KUBESIM_ASSIGN_OR_RETURN(g.name, node["name"].String());
  if (!api::IsDnsSubdomain(g.name) || g.name.size() > 200) {
    return node["name"].Error("Invalid value: \"" + g.name +
                              "\": a lowercase RFC 1123 name (a-z, 0-9, '-', '.'), as node names must be");
  }
  if (node["instanceType"].Defined() == node["instanceTypes"].Defined()) {
    return node["instanceType"].Error("Required value: exactly one of instanceType or instanceTypes");
  }
  const char* type_field = node["instanceType"].Defined() ? "instanceType" : "instanceTypes";
  if (node["instanceType"].Defined()) {
    KUBESIM_ASSIGN_OR_RETURN(std::string t, node["instanceType"].String());
    g.instance_types.push_back(t);
  } else {
    KUBESIM_ASSIGN_OR_RETURN(g.instance_types, node["instanceTypes"].StringList());
    if (g.instance_types.empty()) return node["instanceTypes"].Error("Required value: at least one instance type");
  }
  for (const auto& t : g.instance_types) {
    if (cloud.FindInstanceType(t) == nullptr) {
      std::string known;
      for (const auto& it : cloud.instance_types) known += (known.empty() ? "\"" : ", \"") + it.name + "\"";
      return node[type_field].Error("Not found: instance type \"" + t + "\" is not in cloud.instanceTypes" +
                                    (known.empty() ? std::string() : " (" + known + ")"));
    }
  }
  if (!node["zones"].Defined()) return node["zones"].Error("Required value: the zones the group's instances run in");
  KUBESIM_ASSIGN_OR_RETURN(g.zones, node["zones"].StringList());
  if (g.zones.empty()) return node["zones"].Error("Required value: a node group needs at least one zone");
  std::set<std::string> seen;
  for (const auto& z : g.zones) {
    if (std::find(cloud.zones.begin(), cloud.zones.end(), z) == cloud.zones.end()) {
      return node["zones"].Error("Invalid value: \"" + z + "\": not a zone of region " + cloud.region +
                                 " (cloud.zones)");
    }
    if (!seen.insert(z).second) return node["zones"].Error("Duplicate value: \"" + z + "\"");
  }
  for (const char* f : {"minSize", "maxSize"}) {
    if (!node[f].Defined()) return node[f].Error("Required value");
  }
  KUBESIM_ASSIGN_OR_RETURN(g.min_size, node["minSize"].Int32());
  KUBESIM_ASSIGN_OR_RETURN(g.max_size, node["maxSize"].Int32());
  if (g.min_size < 0) return node["minSize"].Error("Invalid value: must not be negative");
  if (g.max_size > 100'000) return node["maxSize"].Error("Invalid value: at most 100000 instances per node group");
  if (g.min_size > g.max_size) {
    return node["minSize"].Error("Invalid value: minSize " + std::to_string(g.min_size) + " is above maxSize " +
                                 std::to_string(g.max_size));
  }
  g.size = g.min_size;
  if (node["size"].Defined()) {
    KUBESIM_ASSIGN_OR_RETURN(g.size, node["size"].Int32());
    if (g.size < g.min_size || g.size > g.max_size) {
      return node["size"].Error("Invalid value: " + std::to_string(g.size) + ": must be between minSize " +
                                std::to_string(g.min_size) + " and maxSize " + std::to_string(g.max_size));
    }
  }
  if (node["capacityType"].Defined()) {
    KUBESIM_ASSIGN_OR_RETURN(std::string ct, node["capacityType"].String());
    if (ct == "OnDemand") {
      g.capacity_type = cloud::CapacityType::kOnDemand;
    } else if (ct == "Spot") {
      g.capacity_type = cloud::CapacityType::kSpot;
    } else {
      return node["capacityType"].Error("Unsupported value: \"" + ct + "\": supported values: \"OnDemand\", \"Spot\"");
    }
  }
  if (g.capacity_type == cloud::CapacityType::kSpot) {
    for (const auto& t : g.instance_types) {
      if (!cloud.FindInstanceType(t)->spot_price) {
        return node["capacityType"].Error("Invalid value: instance type \"" + t +
                                          "\" has no spotPrice, so it is not sold as Spot");
      }
    }
  }
  if (node["labels"].Defined()) {
    KUBESIM_ASSIGN_OR_RETURN(g.labels, node["labels"].StringMap());
  }
  if (node["taints"].Defined()) {
    KUBESIM_ASSIGN_OR_RETURN(g.taints, ParseTaints(node["taints"]));
  }
  return g;
}

}  // namespace

sim::StatusOr<std::optional<cloud::CloudConfig>> ParseCloudSettings(const YamlNode& node) {
  if (!node.Defined()) return std::optional<cloud::CloudConfig>();
  KUBESIM_RETURN_IF_ERROR(node.ExpectMap());
  KUBESIM_RETURN_IF_ERROR(node.CheckKeys({"region", "zones", "instanceTypes", "nodeGroups", "provisioningLatency",
                                          "terminationLatency", "spotInterruptionNotice", "apiRateLimit", "quotas",
                                          "loadBalancerProvisioningLatency", "routes", "disks"}));
  cloud::CloudConfig c;
  c.provisioning_latency = apiserver::LatencyModel{kDefaultProvisioningMedian, kDefaultProvisioningP99};
  c.spot_interruption_notice = kDefaultSpotInterruptionNotice;
  c.load_balancer_provisioning_latency = apiserver::LatencyModel{kDefaultLoadBalancerMedian, kDefaultLoadBalancerP99};
  c.disks.create_latency = apiserver::LatencyModel::Fixed(kDefaultDiskCreate);
  c.disks.attach_latency = apiserver::LatencyModel::Fixed(kDefaultDiskAttach);
  c.disks.detach_latency = apiserver::LatencyModel::Fixed(kDefaultDiskAttach);
  c.api_rate_limit = cloud::ApiRateLimit{kDefaultLaunchRefillPerSecond, kDefaultLaunchBucket};
  if (!node["region"].Defined()) return node["region"].Error("Required value: the cloud region, e.g. us-east-1");
  KUBESIM_ASSIGN_OR_RETURN(c.region, node["region"].String());
  if (c.region.empty()) return node["region"].Error("Required value");
  if (!node["zones"].Defined()) return node["zones"].Error("Required value: the region's zones");
  KUBESIM_ASSIGN_OR_RETURN(c.zones, node["zones"].StringList());
  if (c.zones.empty()) return node["zones"].Error("Required value: at least one zone");
  std::set<std::string> zones;
  for (const auto& z : c.zones) {
    // A zone is named after its region (us-east-1a in us-east-1, europe-west1-b in europe-west1).
    if (z.size() <= c.region.size() || z.compare(0, c.region.size(), c.region) != 0) {
      return node["zones"].Error("Invalid value: \"" + z + "\": zone is outside region \"" + c.region +
                                 "\" (a zone's name starts with its region's)");
    }
    if (!zones.insert(z).second) return node["zones"].Error("Duplicate value: \"" + z + "\"");
  }
  if (!node["instanceTypes"].Defined())
    return node["instanceTypes"].Error("Required value: at least one instance type");
  KUBESIM_ASSIGN_OR_RETURN(auto types, node["instanceTypes"].Items());
  std::set<std::string> type_names;
  for (const auto& t : types) {
    KUBESIM_ASSIGN_OR_RETURN(cloud::InstanceType it, ParseInstanceType(t));
    if (!type_names.insert(it.name).second) return t["name"].Error("Duplicate value: \"" + it.name + "\"");
    c.instance_types.push_back(std::move(it));
  }
  if (node["provisioningLatency"].Defined()) {
    KUBESIM_ASSIGN_OR_RETURN(c.provisioning_latency, ParseLatency(node["provisioningLatency"]));
  }
  if (node["loadBalancerProvisioningLatency"].Defined()) {
    KUBESIM_ASSIGN_OR_RETURN(c.load_balancer_provisioning_latency,
                             ParseLatency(node["loadBalancerProvisioningLatency"]));
  }
  for (auto [field, out] : {std::pair{"terminationLatency", &c.termination_latency},
                            std::pair{"spotInterruptionNotice", &c.spot_interruption_notice}}) {
    if (!node[field].Defined()) continue;
    KUBESIM_ASSIGN_OR_RETURN(*out, node[field].ToDuration());
    if (*out < sim::Duration::Zero()) return node[field].Error("Invalid value: must not be negative");
  }
  if (node["apiRateLimit"].Defined()) {
    YamlNode rl = node["apiRateLimit"];
    KUBESIM_RETURN_IF_ERROR(rl.ExpectMap());
    KUBESIM_RETURN_IF_ERROR(rl.CheckKeys({"launchesPerSecond", "burst"}));
    if (rl["launchesPerSecond"].Defined()) {
      KUBESIM_ASSIGN_OR_RETURN(c.api_rate_limit.qps, rl["launchesPerSecond"].Number());
      if (c.api_rate_limit.qps < 0) return rl["launchesPerSecond"].Error("Invalid value: must not be negative");
    }
    if (rl["burst"].Defined()) {
      KUBESIM_ASSIGN_OR_RETURN(c.api_rate_limit.burst, rl["burst"].Int32());
      if (c.api_rate_limit.burst < 1) return rl["burst"].Error("Invalid value: must be at least 1");
    }
  }
  if (node["disks"].Defined()) {
    YamlNode d = node["disks"];
    KUBESIM_RETURN_IF_ERROR(d.ExpectMap());
    KUBESIM_RETURN_IF_ERROR(d.CheckKeys({"createLatency", "attachLatency", "detachLatency", "maxVolumesPerInstance"}));
    for (auto [field, out] :
         {std::pair{"createLatency", &c.disks.create_latency}, std::pair{"attachLatency", &c.disks.attach_latency},
          std::pair{"detachLatency", &c.disks.detach_latency}}) {
      if (!d[field].Defined()) continue;
      KUBESIM_ASSIGN_OR_RETURN(*out, ParseLatency(d[field]));
    }
    if (d["maxVolumesPerInstance"].Defined()) {
      KUBESIM_ASSIGN_OR_RETURN(c.disks.max_volumes_per_instance, d["maxVolumesPerInstance"].Int32());
      if (c.disks.max_volumes_per_instance < 1)
        return d["maxVolumesPerInstance"].Error("Invalid value: must be at least 1");
    }
  }
  if (node.Has("routes")) {
    // Present (even bare): a routes-based network, the route controller runs.
    c.routes.emplace();
    YamlNode r = node["routes"];
    if (r.Defined()) {
      KUBESIM_RETURN_IF_ERROR(r.ExpectMap());
      KUBESIM_RETURN_IF_ERROR(r.CheckKeys({"tableLimit"}));
      if (r["tableLimit"].Defined()) {
        KUBESIM_ASSIGN_OR_RETURN(c.routes->table_limit, r["tableLimit"].Int32());
        if (c.routes->table_limit < 1) return r["tableLimit"].Error("Invalid value: must be at least 1");
      }
    }
  }
  if (node["quotas"].Defined()) {
    YamlNode q = node["quotas"];
    KUBESIM_RETURN_IF_ERROR(q.ExpectMap());
    KUBESIM_RETURN_IF_ERROR(q.CheckKeys({"vcpu", "vcpuPerFamily"}));
    if (q["vcpu"].Defined()) {
      KUBESIM_ASSIGN_OR_RETURN(c.total_vcpu_quota, q["vcpu"].Int());
      if (c.total_vcpu_quota < 1) return q["vcpu"].Error("Invalid value: must be at least 1");
    }
    if (q["vcpuPerFamily"].Defined()) {
      KUBESIM_ASSIGN_OR_RETURN(auto entries, q["vcpuPerFamily"].Entries());
      for (const auto& [family, v] : entries) {
        KUBESIM_ASSIGN_OR_RETURN(int64_t n, v.Int());
        if (n < 0) return v.Error("Invalid value: must not be negative");
        c.family_vcpu_quota[family] = n;
      }
    }
  }
  if (!node["nodeGroups"].Defined()) return node["nodeGroups"].Error("Required value: at least one node group");
  KUBESIM_ASSIGN_OR_RETURN(auto groups, node["nodeGroups"].Items());
  std::set<std::string> group_names;
  for (const auto& g : groups) {
    KUBESIM_ASSIGN_OR_RETURN(cloud::NodeGroupConfig ng, ParseNodeGroup(g, c));
    if (!group_names.insert(ng.name).second) return g["name"].Error("Duplicate value: \"" + ng.name + "\"");
    c.node_groups.push_back(std::move(ng));
  }
  return std::optional<cloud::CloudConfig>(std::move(c));
}

}  // namespace kubesim::scenario
