#include "models/cloud/cloud_config.h"

namespace kubesim::cloud {

int64_t InstanceType::MilliCPU() const {
  auto it = capacity.find(api::kResourceCPU);
  return it == capacity.end() ? 0 : api::AmountOf(api::kResourceCPU, it->second);
}

const char* CapacityTypeName(CapacityType t) { return t == CapacityType::kSpot ? "Spot" : "OnDemand"; }

const InstanceType* CloudConfig::FindInstanceType(const std::string& name) const {
  for (const auto& t : instance_types) {
    if (t.name == name) return &t;
  }
  return nullptr;
}

const NodeGroupConfig* CloudConfig::FindNodeGroup(const std::string& name) const {
  for (const auto& g : node_groups) {
    if (g.name == name) return &g;
  }
  return nullptr;
}

bool CloudConfig::IsNodeGroupNodeName(const std::string& node) const {
  for (const auto& g : node_groups) {
    const std::string prefix = g.name + "-";
    if (node.size() > prefix.size() && node.compare(0, prefix.size(), prefix) == 0 &&
        node.find_first_not_of("0123456789", prefix.size()) == std::string::npos) {
      return true;
    }
  }
  return false;
}

}  // namespace kubesim::cloud
