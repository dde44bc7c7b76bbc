#include "models/scheduler/plugins/matching_pod_counts.h"

#include <string>

#include "models/scheduler/plugins/topology_spread_common.h"

namespace kubesim::scheduler {
namespace {

// Length-prefixed, so that no two different selectors (or namespaces) give the same key.
void Append(std::string& key, const std::string& s) {
  key += std::to_string(s.size());
  key += ':';
  key += s;
}

std::string TableKey(const std::string& ns, const std::optional<api::LabelSelector>& selector) {
  std::string key;
  Append(key, ns);
  if (!selector.has_value()) return key + "N";
  key += 'L';
  for (const auto& [k, v] : selector->match_labels) {
    Append(key, k);
    Append(key, v);
  }
  key += 'E';
  for (const auto& r : selector->match_expressions) {
    Append(key, r.key);
    key += std::to_string(static_cast<int>(r.op));
    key += '(';
    for (const auto& v : r.values) Append(key, v);
    key += ')';
  }
  return key;
}

}  // namespace

int64_t MatchingPodCounts::Table::Count(const NodeInfo& node) {
  if (!selector_.has_value() || selector_->Empty()) return 0;
  auto [it, inserted] = by_generation_.try_emplace(node.generation(), 0);
  if (inserted) it->second = CountPodsMatchSelector(node.pods(), selector_, ns_);
  return it->second;
}

std::shared_ptr<MatchingPodCounts::Table> MatchingPodCounts::For(const std::string& ns,
                                                                 const std::optional<api::LabelSelector>& selector,
                                                                 size_t nodes) {
  std::string key = TableKey(ns, selector);
  auto it = tables_.find(key);
  if (it == tables_.end()) {
    if (tables_.size() >= kMaxTables) {
      auto oldest = tables_.begin();
      for (auto t = tables_.begin(); t != tables_.end(); ++t) {
        if (t->second->last_used_ < oldest->second->last_used_) oldest = t;
      }
      tables_.erase(oldest);
    }
    it = tables_.emplace(std::move(key), std::make_shared<Table>(ns, selector)).first;
  }
  Table& table = *it->second;
  table.last_used_ = ++clock_;
  if (table.by_generation_.size() > 2 * nodes + 1024) table.by_generation_.clear();
  return it->second;
}

}  // namespace kubesim::scheduler
