#include "models/scheduler/plugins/inter_pod_affinity_common.h"

#include <algorithm>

namespace kubesim::scheduler {

const api::StringMap* NamespaceLabelCache::Get(const std::string& ns) {
  auto it = cache_.find(ns);
  if (it != cache_.end()) return it->second;
  const api::StringMap* labels = nullptr;
  if (lister_ != nullptr) {
    if (auto obj = lister_->GetNamespace(ns)) {
      labels = &obj->metadata.labels;
      keep_[ns] = std::move(obj);
    }
  }
  cache_[ns] = labels;
  return labels;
}

namespace {

bool NamespaceMatches(const api::Pod& owner, const api::PodAffinityTerm& term, const api::Pod& target,
                      NamespaceLabelCache& namespaces, bool unknown_namespace_as_empty) {
  const std::string& ns = target.metadata.namespace_;
  // Upstream getNamespacesFromPodAffinityTerm.
  if (term.namespaces.empty() && !term.namespace_selector.has_value()) return ns == owner.metadata.namespace_;
  if (std::find(term.namespaces.begin(), term.namespaces.end(), ns) != term.namespaces.end()) return true;
  if (!term.namespace_selector.has_value()) return false;  // labels.Nothing()
  if (term.namespace_selector->Empty()) return true;       // labels.Everything()
  const api::StringMap* labels = namespaces.Get(ns);
  if (labels == nullptr) {
    if (!unknown_namespace_as_empty) return false;
    static const api::StringMap kNoLabels;
    labels = &kNoLabels;
  }
  return term.namespace_selector->Matches(*labels);
}

}  // namespace

bool AffinityTermMatches(const api::Pod& owner, const api::PodAffinityTerm& term, const api::Pod& target,
                         NamespaceLabelCache& namespaces, bool unknown_namespace_as_empty) {
  if (!term.label_selector.has_value()) return false;
  if (!NamespaceMatches(owner, term, target, namespaces, unknown_namespace_as_empty)) return false;
  const api::StringMap& labels = target.metadata.labels;
  if (!term.label_selector->Matches(labels)) return false;
  const api::StringMap& owner_labels = owner.metadata.labels;
  for (const auto& key : term.match_label_keys) {
    auto o = owner_labels.find(key);
    if (o == owner_labels.end()) continue;
    auto t = labels.find(key);
    if (t == labels.end() || t->second != o->second) return false;
  }
  for (const auto& key : term.mismatch_label_keys) {
    auto o = owner_labels.find(key);
    if (o == owner_labels.end()) continue;
    auto t = labels.find(key);
    if (t != labels.end() && t->second == o->second) return false;
  }
  return true;
}

bool UpdateTopologyCount(TopologyCounts& counts, const api::StringMap& node_labels, const std::string& key,
                         int64_t value) {
  auto it = node_labels.find(key);
  if (it == node_labels.end()) return false;
  auto& values = counts[key];
  int64_t& c = values[it->second];
  c += value;
  if (c == 0) {
    values.erase(it->second);
    if (values.empty()) counts.erase(key);
  }
  return true;
}

int64_t TopologyCount(const TopologyCounts& counts, const std::string& key, const std::string& value) {
  auto k = counts.find(key);
  if (k == counts.end()) return 0;
  auto v = k->second.find(value);
  return v == k->second.end() ? 0 : v->second;
}

}  // namespace kubesim::scheduler
