#include "models/scheduler/shared_lister.h"

#include <algorithm>

namespace kubesim::scheduler {

std::shared_ptr<const api::ReplicaSet> SharedLister::GetReplicaSet(const std::string& ns, const std::string& name) {
  for (auto& rs : ReplicaSets(ns)) {
    if (rs->metadata.name == name) return rs;
  }
  return nullptr;
}

const std::vector<const NodeInfo*>& SharedLister::NodesWithAffinityPods() {
  scratch_affinity_.clear();
  for (const NodeInfo* n : Nodes()) {
    if (!n->pods_with_affinity().empty()) scratch_affinity_.push_back(n);
  }
  return scratch_affinity_;
}

const std::vector<const NodeInfo*>& SharedLister::NodesWithRequiredAntiAffinityPods() {
  scratch_anti_affinity_.clear();
  for (const NodeInfo* n : Nodes()) {
    if (!n->pods_with_required_anti_affinity().empty()) scratch_anti_affinity_.push_back(n);
  }
  return scratch_anti_affinity_;
}

int64_t SharedLister::ImageNodeCount(const std::string& name) {
  int64_t count = 0;
  for (const NodeInfo* n : Nodes()) {
    const auto& images = n->node()->status.images;
    count += std::any_of(images.begin(), images.end(), [&](const api::ContainerImage& image) {
      return std::find(image.names.begin(), image.names.end(), name) != image.names.end();
    });
  }
  return count;
}

}  // namespace kubesim::scheduler
