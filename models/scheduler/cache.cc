#include "models/scheduler/cache.h"

#include <algorithm>

namespace kubesim::scheduler {

std::string Cache::ZoneKey(const api::Node& node) {
  // Upstream utilnode.GetZoneKey: "region:\x00:zone", empty when neither label is set.
  const auto& l = node.metadata.labels;
  auto region = l.find(api::kLabelRegion);
  auto zone = l.find(api::kLabelZone);
  std::string r = region == l.end() ? "" : region->second;
  std::string z = zone == l.end() ? "" : zone->second;
  if (r.empty() && z.empty()) return "";
  return r + ":\x00:" + z;
}

NodeInfo& Cache::NodeInfoFor(const std::string& name) {
  auto [it, inserted] = nodes_.try_emplace(name);
  if (inserted) it->second.set_slot(next_slot_++);
  return it->second;
}

void Cache::SetNode(NodeInfo& info, std::shared_ptr<const api::Node> node) {
  info.SetNode(std::move(node));
  matching_pods_.NodeChanged(info.slot(), info.node(), !info.pods().empty());
}

void Cache::PutPod(NodeInfo& info, std::shared_ptr<const api::Pod> pod) {
  auto pi = std::make_shared<const PodInfo>(std::move(pod));
  matching_pods_.PodChanged(info.slot(), *pi, +1);
  info.AddPod(std::move(pi));
}

void Cache::TakePod(NodeInfo& info, const std::string& uid) {
  if (PodInfoPtr pi = info.RemovePod(uid)) matching_pods_.PodChanged(info.slot(), *pi, -1);
}

void Cache::PodsChangedOn(const std::string& node) {
  auto it = nodes_.find(node);
  bool affinity = it != nodes_.end() && !it->second.pods_with_affinity().empty();
  bool anti = it != nodes_.end() && !it->second.pods_with_required_anti_affinity().empty();
  bool changed = (affinity ? affinity_nodes_.insert(node).second : affinity_nodes_.erase(node) > 0);
  changed = (anti ? anti_affinity_nodes_.insert(node).second : anti_affinity_nodes_.erase(node) > 0) || changed;
  if (changed) affinity_dirty_ = true;
}

void Cache::CountImages(const api::Node& node, int64_t delta) {
  std::set<std::string> names;  // a node counts once per name
  for (const auto& image : node.status.images) names.insert(image.names.begin(), image.names.end());
  for (const auto& name : names) {
    int64_t& n = image_nodes_[name];
    n += delta;
    if (n == 0) image_nodes_.erase(name);
  }
}

int64_t Cache::ImageNodeCount(const std::string& name) const {
  auto it = image_nodes_.find(name);
  return it == image_nodes_.end() ? 0 : it->second;
}

const std::vector<const NodeInfo*>& Cache::Filtered(const std::set<std::string>& names,
                                                    std::vector<const NodeInfo*>* out) {
  out->clear();
  for (const NodeInfo* n : NodeList()) {
    if (names.count(n->name())) out->push_back(n);
  }
  return *out;
}

const std::vector<const NodeInfo*>& Cache::NodesWithAffinityPods() {
  if (affinity_dirty_ || list_dirty_) {
    Filtered(affinity_nodes_, &affinity_list_);
    Filtered(anti_affinity_nodes_, &anti_affinity_list_);
    affinity_dirty_ = false;
  }
  return affinity_list_;
}

const std::vector<const NodeInfo*>& Cache::NodesWithRequiredAntiAffinityPods() {
  NodesWithAffinityPods();
  return anti_affinity_list_;
}

void Cache::AddToTree(const api::Node& node) {
  std::string zone = ZoneKey(node);
  auto& names = tree_[zone];
  if (names.empty() && std::find(zones_.begin(), zones_.end(), zone) == zones_.end()) zones_.push_back(zone);
  names.push_back(node.metadata.name);
  zone_of_[node.metadata.name] = zone;
  ++node_names_in_tree_;
  list_dirty_ = true;
}

void Cache::RemoveFromTree(const std::string& name) {
  auto z = zone_of_.find(name);
  if (z == zone_of_.end()) return;
  auto& names = tree_[z->second];
  names.erase(std::find(names.begin(), names.end(), name));
  if (names.empty()) {
    tree_.erase(z->second);
    zones_.erase(std::find(zones_.begin(), zones_.end(), z->second));
  }
  zone_of_.erase(z);
  --node_names_in_tree_;
  list_dirty_ = true;
}

void Cache::AddNode(std::shared_ptr<const api::Node> node) {
  std::string name = node->metadata.name;
  if (zone_of_.count(name)) {
    UpdateNode(std::move(node));
    return;
  }
  AddToTree(*node);
  CountImages(*node, +1);
  SetNode(NodeInfoFor(name), std::move(node));
}

void Cache::UpdateNode(std::shared_ptr<const api::Node> node) {
  std::string name = node->metadata.name;
  auto z = zone_of_.find(name);
  if (z == zone_of_.end()) {
    AddNode(std::move(node));
    return;
  }
  if (z->second != ZoneKey(*node)) {
    RemoveFromTree(name);
    AddToTree(*node);
  }
  NodeInfo& info = NodeInfoFor(name);
  if (info.node() != nullptr) CountImages(*info.node(), -1);
  CountImages(*node, +1);
  SetNode(info, std::move(node));
}

void Cache::RemoveNode(const std::string& name) {
  RemoveFromTree(name);
  auto it = nodes_.find(name);
  if (it == nodes_.end()) return;
  if (it->second.node() != nullptr) CountImages(*it->second.node(), -1);
  // Pods still bound to a deleted node stay counted until they are deleted, as upstream keeps a
  // node-less NodeInfo for them.
  const bool empty = it->second.pods().empty();
  SetNode(it->second, nullptr);
  if (empty) nodes_.erase(it);
}

void Cache::AddPod(std::shared_ptr<const api::Pod> pod) {
  const std::string& uid = pod->metadata.uid;
  auto it = pods_.find(uid);
  if (it != pods_.end()) {
    // Confirms an assumed pod (or re-adds a known one): replace its entry with the stored object.
    TakePod(NodeInfoFor(it->second.node), uid);
  }
  std::string old_node = it != pods_.end() ? it->second.node : "";
  std::string node = pod->spec.node_name;
  pods_[uid] = PodState{node, false};
  PutPod(NodeInfoFor(node), std::move(pod));
  if (!old_node.empty() && old_node != node) PodsChangedOn(old_node);
  PodsChangedOn(node);
}

void Cache::UpdatePod(std::shared_ptr<const api::Pod> pod) { AddPod(std::move(pod)); }

void Cache::RemovePod(const api::Pod& pod) {
  auto it = pods_.find(pod.metadata.uid);
  if (it == pods_.end()) return;
  auto n = nodes_.find(it->second.node);
  std::string node = it->second.node;
  if (n != nodes_.end()) {
    TakePod(n->second, pod.metadata.uid);
    if (n->second.node() == nullptr && n->second.pods().empty()) nodes_.erase(n);
  }
  pods_.erase(it);
  PodsChangedOn(node);
}

void Cache::AssumePod(std::shared_ptr<const api::Pod> pod) {
  std::string node = pod->spec.node_name;
  pods_[pod->metadata.uid] = PodState{node, true};
  PutPod(NodeInfoFor(node), std::move(pod));
  PodsChangedOn(node);
}

void Cache::ForgetPod(const std::string& uid) {
  auto it = pods_.find(uid);
  if (it == pods_.end() || !it->second.assumed) return;
  std::string node = it->second.node;
  TakePod(NodeInfoFor(node), uid);
  pods_.erase(it);
  PodsChangedOn(node);
}

bool Cache::IsAssumed(const std::string& uid) const {
  auto it = pods_.find(uid);
  return it != pods_.end() && it->second.assumed;
}

const std::vector<const NodeInfo*>& Cache::NodeList() {
  if (!list_dirty_) return list_;
  list_.clear();
  list_.reserve(node_names_in_tree_);
  // Upstream nodeTree.list(): one node from each zone in turn until every zone is exhausted.
  std::vector<size_t> next(zones_.size(), 0);
  size_t added = 0;
  while (added < node_names_in_tree_) {
    for (size_t z = 0; z < zones_.size(); ++z) {
      const auto& names = tree_[zones_[z]];
      if (next[z] >= names.size()) continue;
      list_.push_back(&nodes_.at(names[next[z]++]));
      ++added;
    }
  }
  list_dirty_ = false;
  return list_;
}

const NodeInfo* Cache::GetNode(const std::string& name) const {
  auto it = nodes_.find(name);
  return it == nodes_.end() ? nullptr : &it->second;
}

}  // namespace kubesim::scheduler
