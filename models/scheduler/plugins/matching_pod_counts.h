// MatchingPodCounts: how many of a node's pods a (namespace, label selector) matches, as
// CountPodsMatchSelector computes it, kept from one scheduling cycle to the next.
//
// PodTopologySpread's PreFilter and PreScore count the matching pods of every node in the cluster
// for each pod they schedule (kubernetes/kubernetes pkg/scheduler/framework/plugins/
// podtopologyspread/scoring.go @ v1.32, PreScore; filtering.go, calPreFilterState), which makes a
// Deployment's rollout cost nodes × pods per node per pod. Between two cycles only the nodes that
// received or lost a pod change, so a count is kept per NodeInfo generation (upstream
// NodeInfo.Generation, renewed by every change to the node or its pods) and recomputed only for a
// node whose generation moved. The result is the count CountPodsMatchSelector gives, exactly: the
// memo never answers for a generation it did not count (tests/models/scheduler/plugins/
// matching_pod_counts_test.cc compares both on random clusters under random changes).
//
// Owns the tables; a Table handed out stays valid while the caller holds it, even if evicted.
// Not thread-safe (a scheduler runs its cycles one at a time).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>

#include "models/api/labels.h"
#include "models/scheduler/node_info.h"

namespace kubesim::scheduler {

class MatchingPodCounts {
 public:
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
    std::string ns_;
    std::optional<api::LabelSelector> selector_;
    // generation → count. Lookups only; never iterated, so its order cannot leak into results.
    std::unordered_map<uint64_t, int64_t> by_generation_;
    uint64_t last_used_ = 0;
  };

  // The table of (`ns`, `selector`). `nodes` is the cluster's node count: a table holding many
  // more generations than nodes is mostly stale entries and is emptied.
  std::shared_ptr<Table> For(const std::string& ns, const std::optional<api::LabelSelector>& selector, size_t nodes);

  size_t tables() const { return tables_.size(); }

 private:
  // At most this many selectors are remembered (the least recently used one goes first): pods of
  // one Deployment arrive together, so a few tables serve nearly every cycle.
  static constexpr size_t kMaxTables = 64;

  std::map<std::string, std::shared_ptr<Table>> tables_;
  uint64_t clock_ = 0;
};

}  // namespace kubesim::scheduler
