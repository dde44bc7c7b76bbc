// The Node an instance's kubelet registers, and the Node the cloud-controller-manager turns it
// into: what a node group's launch template (the kubelet flags of its bootstrap script) and the
// provider's instance metadata say about a node.
#pragma once

#include <memory>
#include <string>

#include "models/api/node.h"
#include "models/cloud/cloud_config.h"

namespace kubesim::cloud {

// Upstream k8s.io/cloud-provider api/well_known_taints.go @ v0.32: the taint a kubelet started
// with --cloud-provider=external registers with, removed by the cloud node controller once it
// initialised the node; and the taint the cloud node lifecycle controller puts on a node whose
// instance is shut down.
inline constexpr const char* kTaintExternalCloudProviderUninitialized =
    "node.cloudprovider.kubernetes.io/uninitialized";
inline constexpr const char* kTaintNodeShutdown = "node.cloudprovider.kubernetes.io/shutdown";
// k8s.io/api core/v1 well_known_labels.go.
inline constexpr const char* kLabelInstanceTypeStable = "node.kubernetes.io/instance-type";
inline constexpr const char* kLabelInstanceTypeBeta = "beta.kubernetes.io/instance-type";
inline constexpr const char* kLabelZoneBeta = "failure-domain.beta.kubernetes.io/zone";
inline constexpr const char* kLabelRegionBeta = "failure-domain.beta.kubernetes.io/region";
// Not upstream: which node group (and capacity type) a Node's instance belongs to, as the
// providers' own labels say (eks.amazonaws.com/nodegroup, cloud.google.com/gke-nodepool,
// karpenter.sh/capacity-type).
inline constexpr const char* kLabelNodeGroup = "kubesim.io/node-group";
inline constexpr const char* kLabelCapacityType = "kubesim.io/capacity-type";

// What the provider knows of one instance (cloudprovider.InstanceMetadata).
struct InstanceMetadata {
  std::string provider_id;
  std::string instance_type;
  std::string zone;
  std::string region;
  std::string internal_ip;
};

// The Node a new instance's kubelet registers: the group's labels and taints, hostname/os/arch
// labels, the instance type's capacity, InternalIP and Hostname addresses (the bootstrap passes
// --node-ip), and the uninitialized taint.
std::shared_ptr<api::Node> RegisteredNode(const std::string& node_name, const NodeGroupConfig& group,
                                          const InstanceType& type, const InstanceMetadata& meta);

// What the cloud node controller adds once it initialised `node` (upstream
// getNodeModifiersFromCloudProvider): spec.providerID, the instance-type, zone and region labels
// (stable and beta), and the uninitialized taint removed.
void InitializeNode(api::Node& node, const InstanceMetadata& meta);

// The Node a new instance of the group would have in `zone` once initialised: what
// cluster-autoscaler's NodeGroup.TemplateNodeInfo returns, its name `name`.
std::shared_ptr<api::Node> TemplateNode(const std::string& name, const NodeGroupConfig& group, const InstanceType& type,
                                        const std::string& zone, const std::string& region);

}  // namespace kubesim::cloud
