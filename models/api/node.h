// core/v1 Node: the fields kubesim simulates (labels, taints, unschedulable, capacity,
// allocatable, conditions, images).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "models/api/object.h"
#include "models/api/resources.h"

namespace kubesim::api {

inline constexpr const char* kTaintNoSchedule = "NoSchedule";
inline constexpr const char* kTaintPreferNoSchedule = "PreferNoSchedule";
inline constexpr const char* kTaintNoExecute = "NoExecute";
inline constexpr const char* kTaintNodeUnschedulable = "node.kubernetes.io/unschedulable";

inline constexpr const char* kLabelHostname = "kubernetes.io/hostname";
inline constexpr const char* kLabelZone = "topology.kubernetes.io/zone";
inline constexpr const char* kLabelRegion = "topology.kubernetes.io/region";

struct Taint {
  std::string key;
  std::string value;
  std::string effect;
  std::optional<sim::Time> time_added;  // NoExecute taints: when added (upstream TimeAdded)
  friend bool operator==(const Taint&, const Taint&) = default;
};

inline constexpr const char* kTaintNodeNotReady = "node.kubernetes.io/not-ready";
inline constexpr const char* kTaintNodeUnreachable = "node.kubernetes.io/unreachable";
// Non-graceful node shutdown (KEP-2268): an operator's statement that the node is gone.
inline constexpr const char* kTaintNodeOutOfService = "node.kubernetes.io/out-of-service";

struct NodeCondition {
  std::string type;    // Ready, MemoryPressure, ...
  std::string status;  // True, False, Unknown
  std::string reason;
  sim::Time last_heartbeat_time;
  sim::Time last_transition_time;
};

// core/v1 NodeAddress: InternalIP, ExternalIP, Hostname, ... (set by the cloud node controller
// when the kubelet runs with an external cloud provider).
struct NodeAddress {
  std::string type;
  std::string address;
  friend bool operator==(const NodeAddress&, const NodeAddress&) = default;
};

struct ContainerImage {
  std::vector<std::string> names;
  int64_t size_bytes = 0;
};

struct NodeSpec {
  bool unschedulable = false;
  std::vector<Taint> taints;
  std::string provider_id;
  std::string pod_cidr;  // spec.podCIDR (and the first of spec.podCIDRs), from node IPAM
};

struct NodeStatus {
  ResourceList capacity;
  ResourceList allocatable;  // defaults to capacity when a manifest gives none (as the kubelet does)
  std::vector<NodeCondition> conditions;
  std::vector<NodeAddress> addresses;
  std::vector<ContainerImage> images;
};

struct Node : ObjectOf<Node> {
  static constexpr const char* kKind = "Node";
  static constexpr const char* kAPIVersion = "v1";
  NodeSpec spec;
  NodeStatus status;

  const NodeCondition* FindCondition(std::string_view type) const;
};

}  // namespace kubesim::api
