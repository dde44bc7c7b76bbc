#include "models/scheduler/nominator.h"

#include <algorithm>

namespace kubesim::scheduler {

void Nominator::Add(std::shared_ptr<const api::Pod> pod, const std::optional<std::string>& node_override) {
  Delete(pod->metadata.uid);
  std::string node = node_override ? *node_override : pod->status.nominated_node_name;
  if (node.empty()) return;
  node_of_[pod->metadata.uid] = node;
  by_node_[node].push_back(std::move(pod));
}

void Nominator::Update(const api::Pod& old_pod, std::shared_ptr<const api::Pod> pod) {
  std::optional<std::string> keep;
  if (old_pod.status.nominated_node_name.empty() && pod->status.nominated_node_name.empty()) {
    auto it = node_of_.find(old_pod.metadata.uid);
    if (it != node_of_.end()) keep = it->second;
  }
  Delete(old_pod.metadata.uid);
  Add(std::move(pod), keep);
}

void Nominator::Delete(const std::string& uid) {
  auto it = node_of_.find(uid);
  if (it == node_of_.end()) return;
  auto& pods = by_node_[it->second];
  pods.erase(std::remove_if(pods.begin(), pods.end(), [&](const auto& p) { return p->metadata.uid == uid; }),
             pods.end());
  if (pods.empty()) by_node_.erase(it->second);
  node_of_.erase(it);
}

std::vector<std::shared_ptr<const api::Pod>> Nominator::PodsForNode(const std::string& node) const {
  auto it = by_node_.find(node);
  return it == by_node_.end() ? std::vector<std::shared_ptr<const api::Pod>>{} : it->second;
}

std::string Nominator::NodeOf(const std::string& uid) const {
  auto it = node_of_.find(uid);
  return it == node_of_.end() ? "" : it->second;
}

}  // namespace kubesim::scheduler
