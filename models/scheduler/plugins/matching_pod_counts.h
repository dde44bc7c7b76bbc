// MatchingPodCounts: how many of a node's pods a (namespace, label selector) matches, as
// CountPodsMatchSelector computes it, kept from one scheduling cycle to the next.
//
// PodTopologySpread's PreFilter and PreScore count the matching pods of every node in the cluster
// for each pod they schedule (kubernetes/kubernetes pkg/scheduler/framework/plugins/
// podtopologyspread/scoring.go @ v1.32, PreScore; filtering.go, calPreFilterState), which makes a
// Deployment's rollout cost nodes × pods per node per pod. Between two cycles a node changes only
// by the pods it received or lost, so a count is kept per node together with the position in the
// node's pod change log (NodeInfo::pod_changes) it was counted at, and brought up to date by
// testing only the pods added or removed since: a status update of a pod (a remove and an add of
// the same labels) costs two label matches, a new pod one, instead of a recount of every pod on
// the node. A history the entry cannot continue (another epoch, a diverged copy) is recounted. The
// result is the count CountPodsMatchSelector gives, exactly
// (tests/models/scheduler/plugins/matching_pod_counts_test.cc compares both on random clusters
// under random changes, and on copies that diverge).
//
// Memory: one 24-byte entry per node and selector, and one of 32 bytes per node for each topology key
// summed by domain (DomainCounts); the least recently used selectors are
// forgotten beyond `max_entries` (tables × nodes). A Table handed out stays valid while the caller
// holds it, even once forgotten. Not thread-safe (a scheduler runs its cycles one at a time).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "models/api/labels.h"
#include "models/scheduler/node_info.h"

namespace kubesim::scheduler {

class MatchingPodCounts {
 public:
  class Table;

  // Matching pods per topology domain over every node of a snapshot, as PodTopologySpread sums
  // them before scoring and filtering (upstream PreScore's loop over allNodes adding each node's
  // countPodsMatchSelector into topologyPairToPodCounts; calPreFilterState's into
  // TpValueToMatchNum), kept between cycles. Upstream's sum visits every node with string-keyed
  // label reads for each pod scheduled, which at 5,000 nodes was most of a Deployment rollout's
  // time. Here each node's contribution (its domain and its count) is remembered with the node's
  // generation, so a cycle re-reads only the nodes that changed since the last one and compares
  // one integer for the rest; the totals are the same sums, exactly
  // (tests/models/scheduler/plugins/matching_pod_counts_test.cc compares PodTopologySpread with
  // and without them on random clusters).
  //
  // A node counts when it carries every key of `required_keys`; its domain is its value of
  // `topology_key`, "" when it has none (only reachable with an empty `required_keys`, as under
  // System defaulting). The node inclusion policies are the caller's: it uses these totals only
  // for pods they include every node for.
  class DomainCounts {
   public:
    struct Total {
      int64_t nodes = 0;  // nodes counted in the domain
      int64_t pods = 0;   // matching pods on them
    };
    DomainCounts(std::string topology_key, std::vector<std::string> required_keys)
        : topology_key_(std::move(topology_key)), required_keys_(std::move(required_keys)) {}
    // Brings the totals up to `nodes` (every node of the snapshot, as the lister lists them).
    // With the cache's change log (`changes`, may be null), only the nodes changed since the last
    // Update are visited while the list stays the same; otherwise every node's generation is.
    // False when the list cannot be followed by slot (two nodes share a slot: NodeInfos from
    // outside one Cache); the caller then sums itself.
    bool Update(Table& table, const std::vector<const NodeInfo*>& nodes, const NodeChangeLog* changes);
    using Domain = std::map<std::string, Total>::value_type;
    // Every domain seen, by name; those with nodes == 0 have no node counted now.
    const std::map<std::string, Total>& totals() const { return totals_; }
    // The domain `node` (one of the last Update's nodes) is counted in, null when it is not
    // counted (it lacks a required key). False when `node` is not what the last Update counted.
    bool DomainOf(const NodeInfo& node, const Domain** domain) const {
      if (node.slot() >= by_slot_.size() || by_slot_[node.slot()].generation != node.generation()) return false;
      *domain = by_slot_[node.slot()].domain;
      return true;
    }

   private:
    struct Slot {
      uint64_t generation = 0;         // NodeInfo::generation() counted; 0: never
      uint64_t node_generation = 0;    // NodeInfo::node_generation() the domain was read at
      Domain* domain = nullptr;        // null: the node is not counted
      const NodeInfo* info = nullptr;  // the node the last full pass saw in this slot
      int32_t count = 0;
      uint32_t pass = 0;  // the full pass that last saw this slot
    };
    bool Pass(Table& table, const std::vector<const NodeInfo*>& nodes);
    // Brings one slot up to its node's generation.
    void Recount(Table& table, Slot& s, const NodeInfo& ni);
    void Reset();

    std::string topology_key_;
    std::vector<std::string> required_keys_;
    std::map<std::string, Total> totals_;  // entries never move, so slots point into it
    std::vector<Slot> by_slot_;
    size_t counted_ = 0;  // slots whose domain is set
    uint32_t pass_ = 0;
    // Where the totals stand in the cache's change log: which log, which node list, how far.
    const NodeChangeLog* log_ = nullptr;
    uint64_t log_list_epoch_ = 0;
    uint64_t log_pos_ = 0;
    size_t log_list_size_ = 0;
  };

  // 8 M entries (192 MiB): 1,600 selectors on 5,000 nodes, 120 on 65,000.
  static constexpr size_t kDefaultMaxEntries = size_t{8} << 20;
  // At least this many selectors are kept however large the cluster.
  static constexpr size_t kMinTables = 16;

  // The counts for one namespace and selector.
  class Table {
   public:
    Table(std::string ns, std::optional<api::LabelSelector> selector);
    // CountPodsMatchSelector(node.pods(), selector, ns), from the memo when `node` has not
    // changed since it was last counted.
    int64_t Count(const NodeInfo& node);
    // The domain totals of this selector for (`topology_key`, `required_keys`), brought up to
    // `nodes`; null when `nodes` cannot be followed (see DomainCounts::Update).
    const DomainCounts* ByDomain(const std::vector<const NodeInfo*>& nodes, const std::string& topology_key,
                                 const std::vector<std::string>& required_keys, const NodeChangeLog* changes = nullptr);

   private:
    friend class MatchingPodCounts;
    // The count after the first `pos` changes of the node's pod log of epoch `epoch` (epochs
    // start at 1: 0 is "never counted"); `last_id` names the change at pos - 1.
    struct Entry {
      uint64_t epoch = 0;
      uint64_t last_id = 0;
      uint32_t pos = 0;
      int32_t count = 0;  // at most the node's pods
    };
    std::string ns_;
    uint64_t ns_hash_;  // PodInfo::namespace_hash of ns_
    std::optional<api::LabelSelector> selector_;
    std::vector<Entry> by_slot_;                                    // indexed by NodeInfo::slot()
    std::map<std::string, std::unique_ptr<DomainCounts>> domains_;  // by topology and required keys
    uint64_t last_used_ = 0;
  };

  explicit MatchingPodCounts(size_t max_entries = kDefaultMaxEntries) : max_entries_(max_entries) {}

  // The table of (`ns`, `selector`) in a cluster of `nodes` nodes.
  std::shared_ptr<Table> For(const std::string& ns, const std::optional<api::LabelSelector>& selector, size_t nodes);

  size_t tables() const { return tables_.size(); }

 private:
  size_t max_entries_;
  std::map<std::string, std::shared_ptr<Table>> tables_;
  uint64_t clock_ = 0;
};

}  // namespace kubesim::scheduler
