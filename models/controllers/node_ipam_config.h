// Node IPAM settings (kube-controller-manager --allocate-node-cidrs, --cluster-cidr,
// --node-cidr-mask-size; kubernetes/kubernetes pkg/controller/nodeipam/config/types.go @ v1.32),
// apart from the controller so that scenario settings can name them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace kubesim::controllers {

struct NodeIpamConfig {
  uint32_t cluster_base = 0;  // the cluster CIDR's network address, host order
  int cluster_prefix = 16;
  int node_mask_size = 24;   // --node-cidr-mask-size default for IPv4
  std::string cluster_cidr;  // as written
};

// "a.b.c.d/n" → base and prefix; nullopt when malformed (host bits set are cleared, as
// net.ParseCIDR's network does).
std::optional<NodeIpamConfig> ParseClusterCIDR(const std::string& cidr);
std::string FormatCIDR(uint32_t base, int prefix);

}  // namespace kubesim::controllers
