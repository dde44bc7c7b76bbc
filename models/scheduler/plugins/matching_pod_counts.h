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
// Memory: one 24-byte entry per node and selector; the least recently used selectors are
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
  // 8 M entries (192 MiB): 1,600 selectors on 5,000 nodes, 120 on 65,000.
  static constexpr size_t kDefaultMaxEntries = size_t{8} << 20;
  // At least this many selectors are kept however large the cluster.
  static constexpr size_t kMinTables = 16;

  // The counts for one namespace and selector.
  class Table {
   public:
    Table(std::string ns, std::optional<api::LabelSelector> selector)
        : ns_(std::move(ns)), selector_(std::move(selector)) {}
    // CountPodsMatchSelector(node.pods(), selector, ns), from the memo when `node` has not
    // changed since it was last counted.
    int64_t Count(const NodeInfo& node);

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
    std::optional<api::LabelSelector> selector_;
    std::vector<Entry> by_slot_;  // indexed by NodeInfo::slot()
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
