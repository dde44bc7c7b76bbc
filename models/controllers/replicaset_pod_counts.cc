#include "models/controllers/replicaset_pod_counts.h"

#include "models/api/labels.h"
#include "models/controllers/controller_utils.h"

namespace kubesim::controllers {

void ReplicaSetPodCounts::Apply(const Kept& kept, const api::Pod& pod, int sign, ReplicaSetPodCountsValue& counts) {
  if (pod.metadata.namespace_ != kept.namespace_ || !IsPodActive(pod)) return;
  counts.active += sign;
  if (api::SetMatches(kept.template_labels, pod.metadata.labels)) counts.fully_labeled += sign;
  if (IsPodReady(pod)) counts.ready += sign;
}

ReplicaSetPodCountsValue ReplicaSetPodCounts::Count(const api::ReplicaSet& rs,
                                                    const std::vector<std::shared_ptr<const api::Pod>>& pods) {
  Kept kept{rs.metadata.namespace_, rs.pod_template.metadata.labels, {}};
  for (const auto& pod : pods) Apply(kept, *pod, +1, kept.counts);
  return kept.counts;
}

const ReplicaSetPodCountsValue& ReplicaSetPodCounts::For(const api::ReplicaSet& rs, const client::Indexer& pods) {
  auto [it, added] = kept_.try_emplace(rs.metadata.uid);
  Kept& kept = it->second;
  if (added || kept.template_labels != rs.pod_template.metadata.labels || kept.namespace_ != rs.metadata.namespace_) {
    kept.namespace_ = rs.metadata.namespace_;
    kept.template_labels = rs.pod_template.metadata.labels;
    kept.counts = Count(rs, FilterPodsByOwner(pods, rs.metadata, /*include_orphans=*/false));
  }
  return kept.counts;
}

void ReplicaSetPodCounts::PodChanged(const api::Pod* old_pod, const api::Pod* new_pod) {
  // An update may move a pod between owners (adoption, release): each side counts for its own.
  for (auto [pod, sign] : {std::pair{old_pod, -1}, std::pair{new_pod, +1}}) {
    if (pod == nullptr) continue;
    const api::OwnerReference* ref = ControllerRef(pod->metadata);
    if (ref == nullptr) continue;
    auto it = kept_.find(ref->uid);
    if (it != kept_.end()) Apply(it->second, *pod, sign, it->second.counts);
  }
}

}  // namespace kubesim::controllers
