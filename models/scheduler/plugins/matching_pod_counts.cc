#include "models/scheduler/plugins/matching_pod_counts.h"

#include <algorithm>
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
  // A slot another cache also uses (a NodeInfo of `kubesim explain`, a test's) holds another
  // generation, so it is recounted, never confused.
  const size_t slot = node.slot();
  if (slot >= by_slot_.size()) by_slot_.resize(slot + 1);
  Entry& e = by_slot_[slot];
  const std::vector<NodeInfo::PodChange>& log = node.pod_changes();
  // The entry continues this node's history if it was taken in the same epoch, at a position the
  // log has reached, after the very change now at that position (a diverged copy has other ids).
  const bool continues =
      e.epoch == node.pod_changes_epoch() && e.pos <= log.size() && (e.pos == 0 || log[e.pos - 1].id == e.last_id);
  // Replaying is never dearer than a recount.
  if (continues && log.size() - e.pos <= node.pods().size()) {
    for (size_t i = e.pos; i < log.size(); ++i) {
      if (PodCountsForSelector(*log[i].pod->pod, *selector_, ns_)) e.count += log[i].sign;
    }
  } else {
    e.count = static_cast<int32_t>(CountPodsMatchSelector(node.pods(), selector_, ns_));
  }
  e.epoch = node.pod_changes_epoch();
  e.pos = static_cast<uint32_t>(log.size());
  e.last_id = log.empty() ? 0 : log.back().id;
  return e.count;
}

std::shared_ptr<MatchingPodCounts::Table> MatchingPodCounts::For(const std::string& ns,
                                                                 const std::optional<api::LabelSelector>& selector,
                                                                 size_t nodes) {
  std::string key = TableKey(ns, selector);
  auto it = tables_.find(key);
  if (it == tables_.end()) {
    const size_t max_tables = std::max(kMinTables, max_entries_ / std::max<size_t>(nodes, 1));
    while (tables_.size() >= max_tables) {
      auto oldest = tables_.begin();
      for (auto t = tables_.begin(); t != tables_.end(); ++t) {
        if (t->second->last_used_ < oldest->second->last_used_) oldest = t;
      }
      tables_.erase(oldest);
    }
    it = tables_.emplace(std::move(key), std::make_shared<Table>(ns, selector)).first;
  }
  it->second->last_used_ = ++clock_;
  return it->second;
}

}  // namespace kubesim::scheduler
