// MatchingPodCounts: for each (namespace, label selector) PodTopologySpread has asked about, how
// many pods on each node it matches and their sums per topology domain, kept up to date from the
// scheduler cache's changes instead of recounted for every pod scheduled.
//
// Upstream's PreFilter and PreScore count the matching pods of every node for each pod they
// schedule (kubernetes/kubernetes pkg/scheduler/framework/plugins/podtopologyspread/filtering.go
// calPreFilterState and scoring.go PreScore @ v1.32, through countPodsMatchSelector), so a rollout
// costs nodes × pods per node for every pod: at tens of thousands of nodes, most of a run. Here the
// cache reports every pod it puts on or takes off a node and every change of a Node (PodChanged,
// NodeChanged), and each selector asked about once is kept by applying them: a pod change costs a
// label match for each kept selector of its namespace that could match it (selectors are indexed
// by namespace and one of their matchLabels), a read costs a lookup. Memory grows with the nodes
// that hold matching pods and with the domains, not with selectors × nodes. The counts are the
// ones upstream's loops compute, exactly (tests/models/scheduler/matching_pod_counts_test.cc
// compares both on random clusters under random changes, and PodTopologySpread's filter codes and
// scores with and without them).
//
// What counts (upstream countPodsMatchSelector): a pod of the namespace, not terminating
// (kubernetes #87621), that a non-empty selector matches; a null selector (labels.Nothing) and an
// empty one count 0. Per topology key, a node counts in the sums when it is in the cache's node
// list (it has a Node object) and carries every required key; its domain is its value of the key,
// "" when it has none (reachable only without required keys, as under System defaulting).
//
// Not thread-safe: the scheduler runs one cycle at a time, and nothing changes the cache mid-cycle.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "models/api/labels.h"
#include "models/api/node.h"
#include "models/api/pod.h"
#include "models/scheduler/node_info.h"

namespace kubesim::scheduler {

// Whether countPodsMatchSelector counts `pod`: in namespace `ns`, not terminating (upstream
// #87621), matching a non-empty `selector`.
inline bool PodCountsForSelector(const api::Pod& pod, const api::LabelSelector& selector, const std::string& ns) {
  return !pod.metadata.deletion_timestamp.has_value() && pod.metadata.namespace_ == ns &&
         selector.Matches(pod.metadata.labels);
}

class MatchingPodCounts {
 private:
  struct Keys;

 public:
  class Table;

  // Which nodes count for one (topology key, required keys), and in which domain: what the sums
  // over those keys read, without a table's counts. Default-constructed: none (valid() false).
  class Domains {
   public:
    Domains() = default;
    bool valid() const { return keys_ != nullptr; }
    // The domain `node` (a NodeInfo of the cache) counts in; -1 when it does not count.
    int32_t DomainOf(const NodeInfo& node) const { return keys_->DomainOfSlot(node.slot()); }
    const std::string& Name(int32_t domain) const { return *keys_->names[static_cast<size_t>(domain)]; }

   protected:
    friend class MatchingPodCounts;
    explicit Domains(const Keys* keys) : keys_(keys) {}

   private:
    const Keys* keys_ = nullptr;
  };

  // The sums of one Table per domain of one (topology key, required keys).
  class DomainCounts : public Domains {
   public:
    // Calls f(name, matching pods) for every domain with a counted node, in name order.
    template <typename F>
    void ForEachDomain(F f) const;
    int64_t Pods(int32_t domain) const {
      return static_cast<size_t>(domain) < pods_.size() ? pods_[static_cast<size_t>(domain)] : 0;
    }
    // The matching pods of the domain named `name`; 0 for one no node has counted in.
    int64_t PodsIn(const std::string& name) const;

   private:
    friend class MatchingPodCounts;
    DomainCounts(Keys& keys, Table& table) : Domains(&keys), keys_(keys), table_(table) {}
    void Add(int32_t domain, int64_t pods);

    Keys& keys_;  // the same as Domains', which this registers with
    Table& table_;
    std::vector<int64_t> pods_;  // by domain id
  };

  // The counts of one namespace and selector.
  class Table {
   public:
    // countPodsMatchSelector over the pods of `node` (a NodeInfo of the cache).
    int64_t Count(const NodeInfo& node) const { return CountSlot(node.slot()); }
    // The sums by domain of `topology_key` over the nodes that carry every `required_keys`.
    const DomainCounts& ByDomain(const std::string& topology_key, const std::vector<std::string>& required_keys);

   private:
    friend class MatchingPodCounts;
    Table(MatchingPodCounts& owner, std::string ns, std::optional<api::LabelSelector> selector);
    bool Counts(const PodInfo& pod) const;
    int64_t CountSlot(uint32_t slot) const;
    void Apply(uint32_t slot, int sign);

    MatchingPodCounts& owner_;
    std::string ns_;
    uint64_t ns_hash_;  // PodInfo::namespace_hash of ns_
    std::optional<api::LabelSelector> selector_;
    bool counts_nothing_;  // a null or empty selector
    uint64_t bucket_ = 0;
    // Matching pods by NodeInfo slot, only slots with some. Never iterated where order could show:
    // it is summed into integers.
    std::unordered_map<uint32_t, int32_t> by_slot_;
    std::vector<std::unique_ptr<DomainCounts>> domains_;
    uint64_t last_used_ = 0;
  };

  // At most this many selectors are kept; the least recently used are forgotten beyond it.
  static constexpr size_t kDefaultMaxTables = size_t{1} << 16;

  // `nodes`: every NodeInfo of the cache the counts follow (new tables start from them).
  explicit MatchingPodCounts(const std::map<std::string, NodeInfo>& nodes, size_t max_tables = kDefaultMaxTables)
      : nodes_(nodes), max_tables_(max_tables) {}
  MatchingPodCounts(const MatchingPodCounts&) = delete;
  MatchingPodCounts& operator=(const MatchingPodCounts&) = delete;

  // The cache's changes. `pod` was put on (sign +1) or taken off (-1) the NodeInfo of `slot`.
  void PodChanged(uint32_t slot, const PodInfo& pod, int sign);
  // The Node of `slot` was set or changed (`node`), or left the node list (null); `has_pods`
  // whether the slot's NodeInfo holds pods.
  void NodeChanged(uint32_t slot, const api::Node* node, bool has_pods);

  // The table of (`ns`, `selector`). A table handed out stays readable while the caller holds it
  // (within a cycle, as a cycle's state does), but once forgotten (beyond max_tables) it no longer
  // follows the cache.
  std::shared_ptr<Table> For(const std::string& ns, const std::optional<api::LabelSelector>& selector);
  // The domains of (`topology_key`, `required_keys`); valid while this object lives.
  Domains DomainsOf(const std::string& topology_key, const std::vector<std::string>& required_keys) {
    return Domains(&KeysFor(topology_key, required_keys));
  }

  size_t tables() const { return tables_.size(); }

 private:
  // One (topology key, required keys): the domain of every slot, and the nodes counted per domain.
  struct Keys {
    std::string topology_key;
    std::vector<std::string> required_keys;
    std::vector<int32_t> domain_of;         // by slot; -1: not counted
    std::map<std::string, int32_t> ids;     // domain name → id, in name order
    std::vector<const std::string*> names;  // by id (keys of `ids`, which never move)
    std::vector<int64_t> nodes;             // nodes counted, by id
    std::vector<DomainCounts*> sums;        // every table's sums over these keys
    int32_t DomainFor(const api::Node* node);
    int32_t DomainOfSlot(uint32_t slot) const { return slot < domain_of.size() ? domain_of[slot] : -1; }
  };

  Keys& KeysFor(const std::string& topology_key, const std::vector<std::string>& required_keys);
  void Forget(Table& table);
  static uint64_t Bucket(uint64_t ns_hash, const std::string* key, const std::string* value);

  const std::map<std::string, NodeInfo>& nodes_;
  size_t max_tables_;
  std::map<std::string, std::shared_ptr<Table>> tables_;  // by namespace and selector
  // Tables by namespace and their first matchLabels pair (or none): the only ones a pod can match.
  std::unordered_map<uint64_t, std::vector<Table*>> buckets_;
  std::map<std::string, std::unique_ptr<Keys>> keys_;
  uint64_t clock_ = 0;
};

template <typename F>
void MatchingPodCounts::DomainCounts::ForEachDomain(F f) const {
  for (const auto& [name, id] : keys_.ids) {
    if (keys_.nodes[static_cast<size_t>(id)] > 0) f(name, Pods(id));
  }
}

}  // namespace kubesim::scheduler
