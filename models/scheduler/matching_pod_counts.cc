#include "models/scheduler/matching_pod_counts.h"

#include <algorithm>
#include <string>
#include <utility>

#include "sim/hash.h"

namespace kubesim::scheduler {
namespace {

// Length-prefixed, so that no two different selectors (or namespaces, or key lists) give one key.
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

template <typename T>
void EraseValue(std::vector<T>& v, const T& x) {
  v.erase(std::remove(v.begin(), v.end(), x), v.end());
}

}  // namespace

// ---- DomainCounts

int64_t MatchingPodCounts::DomainCounts::PodsIn(const std::string& name) const {
  auto it = keys_.ids.find(name);
  return it == keys_.ids.end() ? 0 : Pods(it->second);
}

void MatchingPodCounts::DomainCounts::Add(int32_t domain, int64_t pods) {
  if (domain < 0 || pods == 0) return;
  const size_t d = static_cast<size_t>(domain);
  if (d >= pods_.size()) pods_.resize(d + 1, 0);
  pods_[d] += pods;
}

// ---- Keys

int32_t MatchingPodCounts::Keys::DomainFor(const api::Node* node) {
  if (node == nullptr) return -1;
  const api::StringMap& labels = node->metadata.labels;
  for (const auto& k : required_keys) {
    if (labels.count(k) == 0) return -1;
  }
  auto it = labels.find(topology_key);
  static const std::string kNoDomain;
  const std::string& name = it == labels.end() ? kNoDomain : it->second;
  auto [id, added] = ids.try_emplace(name, static_cast<int32_t>(names.size()));
  if (added) {
    names.push_back(&id->first);
    nodes.push_back(0);
  }
  return id->second;
}

// ---- Table

MatchingPodCounts::Table::Table(MatchingPodCounts& owner, std::string ns, std::optional<api::LabelSelector> selector)
    : owner_(owner),
      ns_(std::move(ns)),
      ns_hash_(sim::Fnv1a64().Add(ns_).value()),
      selector_(std::move(selector)),
      counts_nothing_(!selector_.has_value() || selector_->Empty()) {}

bool MatchingPodCounts::Table::Counts(const PodInfo& pod) const {
  // Another namespace's pod (most, with a namespace per workload) is passed by hash.
  return !counts_nothing_ && pod.namespace_hash == ns_hash_ && PodCountsForSelector(*pod.pod, *selector_, ns_);
}

void MatchingPodCounts::Table::Apply(uint32_t slot, int sign) {
  auto [it, added] = by_slot_.try_emplace(slot, 0);
  it->second += sign;
  if (it->second == 0) by_slot_.erase(it);
  for (const auto& d : domains_) d->Add(d->keys_.DomainOfSlot(slot), sign);
}

int64_t MatchingPodCounts::Table::CountSlot(uint32_t slot) const {
  auto it = by_slot_.find(slot);
  return it == by_slot_.end() ? 0 : it->second;
}

const MatchingPodCounts::DomainCounts& MatchingPodCounts::Table::ByDomain(
    const std::string& topology_key, const std::vector<std::string>& required_keys) {
  Keys& keys = owner_.KeysFor(topology_key, required_keys);
  for (const auto& d : domains_) {
    if (&d->keys_ == &keys) return *d;
  }
  auto d = std::unique_ptr<DomainCounts>(new DomainCounts(keys, *this));
  // Integer sums: the order by_slot_ is visited in cannot show.
  for (const auto& [slot, count] : by_slot_) d->Add(keys.DomainOfSlot(slot), count);
  keys.sums.push_back(d.get());
  domains_.push_back(std::move(d));
  return *domains_.back();
}

// ---- MatchingPodCounts

uint64_t MatchingPodCounts::Bucket(uint64_t ns_hash, const std::string* key, const std::string* value) {
  sim::Fnv1a64 h;
  h.AddLittleEndian64(ns_hash);
  if (key != nullptr) {
    h.AddByte(1).Add(*key).AddByte(0).Add(*value);
  }
  return h.value();
}

MatchingPodCounts::Keys& MatchingPodCounts::KeysFor(const std::string& topology_key,
                                                    const std::vector<std::string>& required_keys) {
  std::string id;
  Append(id, topology_key);
  for (const auto& k : required_keys) Append(id, k);
  auto& keys = keys_[id];
  if (keys == nullptr) {
    keys = std::make_unique<Keys>();
    keys->topology_key = topology_key;
    keys->required_keys = required_keys;
    for (const auto& [name, info] : nodes_) {
      const int32_t d = keys->DomainFor(info.node());
      if (d < 0) continue;
      if (info.slot() >= keys->domain_of.size()) keys->domain_of.resize(info.slot() + 1, -1);
      keys->domain_of[info.slot()] = d;
      ++keys->nodes[static_cast<size_t>(d)];
    }
  }
  return *keys;
}

void MatchingPodCounts::PodChanged(uint32_t slot, const PodInfo& pod, int sign) {
  if (tables_.empty()) return;
  // A table is in one bucket: its namespace and first matchLabels pair, or its namespace alone
  // when it has none. A pod can match only tables in the buckets of its labels' pairs and of none.
  auto visit = [&](uint64_t bucket) {
    auto it = buckets_.find(bucket);
    if (it == buckets_.end()) return;
    for (Table* t : it->second) {
      if (t->Counts(pod)) t->Apply(slot, sign);
    }
  };
  visit(Bucket(pod.namespace_hash, nullptr, nullptr));
  for (const auto& [k, v] : pod.pod->metadata.labels) visit(Bucket(pod.namespace_hash, &k, &v));
}

void MatchingPodCounts::NodeChanged(uint32_t slot, const api::Node* node, bool has_pods) {
  for (auto& [id, keys] : keys_) {
    const int32_t now = keys->DomainFor(node);
    const int32_t before = keys->DomainOfSlot(slot);
    if (now == before) continue;
    if (slot >= keys->domain_of.size()) keys->domain_of.resize(slot + 1, -1);
    keys->domain_of[slot] = now;
    if (before >= 0) --keys->nodes[static_cast<size_t>(before)];
    if (now >= 0) ++keys->nodes[static_cast<size_t>(now)];
    // A slot without pods has no count in any table to move.
    if (!has_pods) continue;
    for (DomainCounts* d : keys->sums) {
      const int64_t count = d->table_.CountSlot(slot);
      d->Add(before, -count);
      d->Add(now, count);
    }
  }
}

std::shared_ptr<MatchingPodCounts::Table> MatchingPodCounts::For(const std::string& ns,
                                                                 const std::optional<api::LabelSelector>& selector) {
  std::string key = TableKey(ns, selector);
  auto it = tables_.find(key);
  if (it == tables_.end()) {
    while (tables_.size() >= max_tables_) {
      auto oldest = tables_.begin();
      for (auto t = tables_.begin(); t != tables_.end(); ++t) {
        if (t->second->last_used_ < oldest->second->last_used_) oldest = t;
      }
      Forget(*oldest->second);
      tables_.erase(oldest);
    }
    auto table = std::shared_ptr<Table>(new Table(*this, ns, selector));
    // A new table counts the cache's pods once; from then on the cache's changes keep it.
    if (!table->counts_nothing_) {
      for (const auto& [name, info] : nodes_) {
        for (const auto& p : info.pods()) {
          if (table->Counts(*p)) table->Apply(info.slot(), +1);
        }
      }
      const auto& labels = table->selector_->match_labels;
      table->bucket_ = labels.empty() ? Bucket(table->ns_hash_, nullptr, nullptr)
                                      : Bucket(table->ns_hash_, &labels.begin()->first, &labels.begin()->second);
      buckets_[table->bucket_].push_back(table.get());
    }
    it = tables_.emplace(std::move(key), std::move(table)).first;
  }
  it->second->last_used_ = ++clock_;
  return it->second;
}

void MatchingPodCounts::Forget(Table& table) {
  if (!table.counts_nothing_) {
    auto b = buckets_.find(table.bucket_);
    EraseValue(b->second, &table);
    if (b->second.empty()) buckets_.erase(b);
  }
  // Held by a cycle's state, the table stays readable; it stops following the cache.
  for (const auto& d : table.domains_) EraseValue(d->keys_.sums, d.get());
}

}  // namespace kubesim::scheduler
