// CloudConfig: the scenario's `spec.cloud` — a region with zones, the instance types it sells, and
// the node groups (an AWS Auto Scaling group, a GCE managed instance group, an Azure scale set)
// whose instances become the cluster's Nodes. Parsed and validated by
// models/scenario/cloud_settings.cc; run by CloudProvider (cloud_provider.h).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "models/api/node.h"
#include "models/api/object.h"
#include "models/api/resources.h"
#include "models/apiserver/latency.h"
#include "sim/time.h"

namespace kubesim::cloud {

struct InstanceType {
  std::string name;
  // What the instance offers a kubelet: cpu, memory, pods and any extended resource (GPUs as
  // nvidia.com/gpu). The kubelet reports it as capacity and allocatable.
  api::ResourceList capacity;
  double price = 0;                  // USD per hour, on demand
  std::optional<double> spot_price;  // USD per hour as spot; unset: not sold as spot
  // The family a per-family quota counts against: the name up to its first '.' ("m5" for
  // "m5.xlarge"), as AWS and GCE name their families, unless the scenario says otherwise.
  std::string family;
  int64_t MilliCPU() const;
};

enum class CapacityType { kOnDemand, kSpot };
const char* CapacityTypeName(CapacityType t);

struct NodeGroupConfig {
  std::string name;
  // One instance type, or several (a mixed-instances group): a launch takes the first one that is
  // in stock and within quota in the chosen zone, in this order.
  std::vector<std::string> instance_types;
  std::vector<std::string> zones;  // instances spread over them, fewest first
  int32_t min_size = 0;
  int32_t max_size = 0;
  int32_t size = 0;  // instances at the start of the run
  CapacityType capacity_type = CapacityType::kOnDemand;
  api::StringMap labels;
  std::vector<api::Taint> taints;
  api::SourceRef source;
};

// The cloud API's own limits: a token bucket on mutating calls (launch, terminate, resize).
struct ApiRateLimit {
  double qps = 0;  // 0: unlimited
  int32_t burst = 0;
};

// spec.cloud.routes: the cloud routes pod traffic to each node's podCIDR (a routes-based network,
// as GKE's and kOps' clusters without an overlay); the cloud-controller-manager's route controller
// runs. The route table holds `table_limit` routes: AWS's default quota is 50 routes per VPC route
// table (docs.aws.amazon.com/vpc/latest/userguide/amazon-vpc-limits.html).
struct RoutesConfig {
  int32_t table_limit = 50;
};

// The cloud's block storage (spec.cloud.disks), for the volume work that uses it (docs/cloud.md).
struct DiskConfig {
  apiserver::LatencyModel create_latency;  // CreateDisk → available
  apiserver::LatencyModel attach_latency;  // AttachDisk → in use on the instance
  apiserver::LatencyModel detach_latency;  // DetachDisk → available again
  int32_t max_volumes_per_instance = 39;   // attach limit per instance
};

struct CloudConfig {
  std::string region;
  std::vector<std::string> zones;
  std::vector<InstanceType> instance_types;  // as listed
  std::vector<NodeGroupConfig> node_groups;  // as listed
  // Instance request → its Node registered by the kubelet.
  apiserver::LatencyModel provisioning_latency;
  // Terminate call → the instance is gone (the machine stops at once; the provider takes this long
  // to report it gone).
  sim::Duration termination_latency;
  // Spot interruption notice → termination.
  sim::Duration spot_interruption_notice;
  // A LoadBalancer Service's load balancer: create call → it serves (its ingress address).
  apiserver::LatencyModel load_balancer_provisioning_latency;
  ApiRateLimit api_rate_limit;
  std::optional<RoutesConfig> routes;
  DiskConfig disks;
  // vCPU quotas: per family (absent: unlimited) and over every instance (0: unlimited).
  std::map<std::string, int64_t> family_vcpu_quota;
  int64_t total_vcpu_quota = 0;

  const InstanceType* FindInstanceType(const std::string& name) const;
  const NodeGroupConfig* FindNodeGroup(const std::string& name) const;
  // A name of the form GROUP-N for one of the node groups: a Node one of their instances may have.
  bool IsNodeGroupNodeName(const std::string& node) const;
};

}  // namespace kubesim::cloud
