#include "models/controllers/node_ipam.h"

#include <cstdio>

#include "models/api/node.h"

namespace kubesim::controllers {

std::optional<NodeIpamConfig> ParseClusterCIDR(const std::string& cidr) {
  unsigned a = 0, b = 0, c = 0, d = 0;
  int prefix = 0;
  char tail = 0;
  if (std::sscanf(cidr.c_str(), "%u.%u.%u.%u/%d%c", &a, &b, &c, &d, &prefix, &tail) != 5) return std::nullopt;
  if (a > 255 || b > 255 || c > 255 || d > 255 || prefix < 0 || prefix > 32) return std::nullopt;
  uint32_t base = (a << 24) | (b << 16) | (c << 8) | d;
  if (prefix < 32) base &= prefix == 0 ? 0u : ~((uint32_t{1} << (32 - prefix)) - 1);
  NodeIpamConfig out;
  out.cluster_base = base;
  out.cluster_prefix = prefix;
  out.cluster_cidr = cidr;
  return out;
}

std::string FormatCIDR(uint32_t base, int prefix) {
  return std::to_string(base >> 24) + "." + std::to_string((base >> 16) & 0xff) + "." +
         std::to_string((base >> 8) & 0xff) + "." + std::to_string(base & 0xff) + "/" + std::to_string(prefix);
}

NodeIpamController::NodeIpamController(sim::Simulation& sim, apiserver::ApiServer& api,
                                       client::SharedInformerFactory& informers, client::EventRecorder recorder,
                                       NodeIpamConfig config)
    : sim_(sim),
      api_(sim, api, "kube-controller-manager/node-ipam-controller"),
      nodes_(informers.For(api::Node::kKind)),
      recorder_(std::move(recorder)),
      config_(config) {}

void NodeIpamController::Start() {
  nodes_.AddEventHandlers({[this](const api::ObjectPtr& o) { OnNode(o); },
                           [this](const api::ObjectPtr&, const api::ObjectPtr& o) { OnNode(o); },
                           [this](const api::ObjectPtr& o) { OnNodeDeleted(o); }});
  for (const auto& [key, obj] : nodes_.items()) OnNode(obj);
  nodes_.Start();
}

void NodeIpamController::OnNode(const api::ObjectPtr& obj) {
  auto node = api::As<api::Node>(obj);
  if (!node || node->metadata.deletion_timestamp) return;
  const std::string& name = node->metadata.name;
  if (!node->spec.pod_cidr.empty()) {
    // Occupy what the Node already has (a manifest's podCIDR, or an allocation now stored).
    if (used_.count(name)) return;
    auto parsed = ParseClusterCIDR(node->spec.pod_cidr);
    if (!parsed || parsed->cluster_prefix != config_.node_mask_size) return;
    int64_t index =
        static_cast<int64_t>((parsed->cluster_base - config_.cluster_base) >> (32 - config_.node_mask_size));
    used_[name] = index;
    taken_.insert(index);
    return;
  }
  if (!pending_.count(name)) Allocate(name);
}

void NodeIpamController::OnNodeDeleted(const api::ObjectPtr& obj) {
  auto node = api::As<api::Node>(obj);
  if (!node) return;
  auto it = used_.find(node->metadata.name);
  if (it == used_.end()) return;
  taken_.erase(it->second);
  used_.erase(it);
}

void NodeIpamController::Allocate(const std::string& name) {
  // cidrset.AllocateNext: the lowest free block.
  const int64_t blocks = int64_t{1} << (config_.node_mask_size - config_.cluster_prefix);
  int64_t index = 0;
  while (index < blocks && taken_.count(index)) ++index;
  auto node = api::As<api::Node>(nodes_.Get(name));
  if (!node) return;
  if (index >= blocks) {
    recorder_.Event(sim_.Now(), *node, "Normal", "CIDRNotAvailable",
                    "Node " + name + " status is now: CIDRNotAvailable");
    return;
  }
  taken_.insert(index);
  used_[name] = index;
  pending_.insert(name);
  auto updated = node->DeepCopy();
  uint32_t base = config_.cluster_base + static_cast<uint32_t>(index << (32 - config_.node_mask_size));
  updated->spec.pod_cidr = FormatCIDR(base, config_.node_mask_size);
  api_.Update(updated, owner_.Bind([this, name, index](const apiserver::Response& r) {
    pending_.erase(name);
    if (r.ok()) return;
    // A conflict or a gone Node: release and let the next event (the newer Node) try again.
    taken_.erase(index);
    used_.erase(name);
    if (r.code == apiserver::Code::kConflict) {
      owner_.After(sim::Duration::Milliseconds(100), [this, name]() {
        auto cur = api::As<api::Node>(nodes_.Get(name));
        if (cur && cur->spec.pod_cidr.empty() && !pending_.count(name)) Allocate(name);
      });
    }
  }));
}

}  // namespace kubesim::controllers
