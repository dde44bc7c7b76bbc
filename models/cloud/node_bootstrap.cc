#include "models/cloud/node_bootstrap.h"

#include <algorithm>

namespace kubesim::cloud {

std::shared_ptr<api::Node> RegisteredNode(const std::string& node_name, const NodeGroupConfig& group,
                                          const InstanceType& type, const InstanceMetadata& meta) {
  auto node = std::make_shared<api::Node>();
  node->api_version = api::Node::kAPIVersion;
  node->kind = api::Node::kKind;
  node->metadata.name = node_name;
  node->metadata.labels = group.labels;
  // The labels the kubelet sets itself (pkg/kubelet/kubelet_node_status.go initialNode).
  node->metadata.labels[api::kLabelHostname] = node_name;
  node->metadata.labels["kubernetes.io/os"] = "linux";
  node->metadata.labels["kubernetes.io/arch"] = "amd64";
  node->metadata.labels[kLabelNodeGroup] = group.name;
  node->metadata.labels[kLabelCapacityType] = CapacityTypeName(group.capacity_type);
  node->spec.taints = group.taints;
  node->spec.taints.push_back(api::Taint{kTaintExternalCloudProviderUninitialized, "true", api::kTaintNoSchedule, {}});
  node->status.capacity = type.capacity;
  node->status.allocatable = type.capacity;
  node->status.addresses = {{"InternalIP", meta.internal_ip}, {"Hostname", node_name}};
  return node;
}

void InitializeNode(api::Node& node, const InstanceMetadata& meta) {
  node.spec.provider_id = meta.provider_id;
  auto& labels = node.metadata.labels;
  labels[kLabelInstanceTypeStable] = meta.instance_type;
  labels[kLabelInstanceTypeBeta] = meta.instance_type;
  labels[api::kLabelZone] = meta.zone;
  labels[kLabelZoneBeta] = meta.zone;
  labels[api::kLabelRegion] = meta.region;
  labels[kLabelRegionBeta] = meta.region;
  auto& taints = node.spec.taints;
  taints.erase(std::remove_if(taints.begin(), taints.end(),
                              [](const api::Taint& t) { return t.key == kTaintExternalCloudProviderUninitialized; }),
               taints.end());
}

std::shared_ptr<api::Node> TemplateNode(const std::string& name, const NodeGroupConfig& group, const InstanceType& type,
                                        const std::string& zone, const std::string& region) {
  InstanceMetadata meta{"", type.name, zone, region, ""};
  auto node = RegisteredNode(name, group, type, meta);
  InitializeNode(*node, meta);
  node->status.addresses.clear();
  node->status.conditions = {api::NodeCondition{"Ready", "True", "KubeletReady", {}, {}}};
  return node;
}

}  // namespace kubesim::cloud
