#include "models/scheduler/plugins/matching_pod_counts.h"

#include <algorithm>
#include <string>

#include "models/scheduler/plugins/topology_spread_common.h"
#include "sim/hash.h"

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

MatchingPodCounts::Table::Table(std::string ns, std::optional<api::LabelSelector> selector)
    : ns_(std::move(ns)), ns_hash_(sim::Fnv1a64().Add(ns_).value()), selector_(std::move(selector)) {}

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
      // Another namespace's pod (most changes, with a namespace per workload) is passed by hash.
      if (log[i].namespace_hash == ns_hash_ && PodCountsForSelector(*log[i].pod->pod, *selector_, ns_)) {
        e.count += log[i].sign;
      }
    }
  } else {
    // CountPodsMatchSelector, passing other namespaces' pods by hash.
    int32_t count = 0;
    for (const auto& p : node.pods()) {
      count += p->namespace_hash == ns_hash_ && PodCountsForSelector(*p->pod, *selector_, ns_) ? 1 : 0;
    }
    e.count = count;
  }
  e.epoch = node.pod_changes_epoch();
  e.pos = static_cast<uint32_t>(log.size());
  e.last_id = log.empty() ? 0 : log.back().id;
  return e.count;
}

const MatchingPodCounts::DomainCounts* MatchingPodCounts::Table::ByDomain(const std::vector<const NodeInfo*>& nodes,
                                                                          const std::string& topology_key,
                                                                          const std::vector<std::string>& required_keys,
                                                                          const NodeChangeLog* changes) {
  std::string key;
  Append(key, topology_key);
  for (const auto& k : required_keys) Append(key, k);
  auto& d = domains_[key];
  if (d == nullptr) d = std::make_unique<DomainCounts>(topology_key, required_keys);
  return d->Update(*this, nodes, changes) ? d.get() : nullptr;
}

bool MatchingPodCounts::DomainCounts::Update(Table& table, const std::vector<const NodeInfo*>& nodes,
                                             const NodeChangeLog* changes) {
  if (changes != nullptr && changes == log_ && changes->list_epoch() == log_list_epoch_ &&
      nodes.size() == log_list_size_ && log_pos_ >= changes->base()) {
    // The same node list as the last full pass: only the nodes changed since need a look. A slot
    // that pass did not see is not in the list (a node-less NodeInfo).
    for (uint64_t pos = log_pos_; pos < changes->end(); ++pos) {
      const uint32_t slot = changes->at(pos);
      if (slot >= by_slot_.size() || by_slot_[slot].pass != pass_) continue;
      Slot& s = by_slot_[slot];
      Recount(table, s, *s.info);
    }
    log_pos_ = changes->end();
    return true;
  }
  log_ = nullptr;
  if (!Pass(table, nodes)) {
    // A node counted before is gone from the list (removed, or a list of other nodes): its slot
    // still holds a contribution nobody visits, so the totals start over.
    Reset();
    if (!Pass(table, nodes)) return false;
  }
  if (changes != nullptr) {
    log_ = changes;
    log_list_epoch_ = changes->list_epoch();
    log_pos_ = changes->end();
    log_list_size_ = nodes.size();
  }
  return true;
}

bool MatchingPodCounts::DomainCounts::Pass(Table& table, const std::vector<const NodeInfo*>& nodes) {
  if (++pass_ == 0) {
    Reset();
    pass_ = 1;
  }
  size_t counted_seen = 0;
  for (const NodeInfo* ni : nodes) {
    const uint32_t slot = ni->slot();
    if (slot >= by_slot_.size()) by_slot_.resize(slot + 1);
    Slot& s = by_slot_[slot];
    if (s.pass == pass_) {
      // Two nodes of one list in one slot: nothing kept by slot can follow them.
      Reset();
      return false;
    }
    s.pass = pass_;
    s.info = ni;
    Recount(table, s, *ni);
    if (s.domain != nullptr) ++counted_seen;
  }
  return counted_seen == counted_;
}

void MatchingPodCounts::DomainCounts::Recount(Table& table, Slot& s, const NodeInfo& ni) {
  if (s.generation == ni.generation()) return;
  // Generations are unique per state of a NodeInfo (and shared by a copy until either changes), so
  // an equal one means the same node, labels and pods as counted; an equal node generation, the
  // same Node object (labels) with other pods: only the count is redone.
  static const std::string kNoDomain;
  Domain* domain = s.domain;
  if (s.node_generation == 0 || s.node_generation != ni.node_generation()) {
    const api::StringMap& labels = ni.node()->metadata.labels;
    bool counts = true;
    for (const auto& k : required_keys_) counts = counts && labels.count(k) > 0;
    domain = nullptr;
    if (counts) {
      auto it = labels.find(topology_key_);
      domain = &*totals_.try_emplace(it == labels.end() ? kNoDomain : it->second).first;
    }
    s.node_generation = ni.node_generation();
  }
  if (s.domain != nullptr) {
    --s.domain->second.nodes;
    s.domain->second.pods -= s.count;
    --counted_;
  }
  s.domain = domain;
  if (domain != nullptr) {
    s.count = static_cast<int32_t>(table.Count(ni));
    ++domain->second.nodes;
    domain->second.pods += s.count;
    ++counted_;
  }
  s.generation = ni.generation();
}

void MatchingPodCounts::DomainCounts::Reset() {
  totals_.clear();
  by_slot_.clear();
  counted_ = 0;
  log_ = nullptr;
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
