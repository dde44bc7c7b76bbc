// Runs a score plugin the way upstream's unit tests do (e.g. kubernetes/kubernetes
// pkg/scheduler/framework/plugins/noderesources/least_allocated_test.go and
// tainttoleration/taint_toleration_test.go): PreScore over all nodes, Score per node, NormalizeScore
// when the plugin has one. Returns the final per-plugin scores (before the plugin weight).
#pragma once

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "models/scheduler/framework.h"

namespace kubesim::testing {

template <typename P>
std::vector<int64_t> RunScore(P& plugin, const api::Pod& pod, const std::vector<scheduler::NodeInfo>& nodes) {
  scheduler::CycleState state;
  std::vector<const scheduler::NodeInfo*> ptrs;
  for (const auto& n : nodes) ptrs.push_back(&n);
  if constexpr (std::is_base_of_v<scheduler::PreScorePlugin, P>) {
    REQUIRE(plugin.PreScore(state, pod, ptrs).IsSuccess());
  }
  scheduler::NodeScoreList list;
  for (const auto* n : ptrs) {
    int64_t s = -1;
    REQUIRE(plugin.Score(state, pod, *n, &s).IsSuccess());
    list.push_back({n->name(), s});
  }
  if (plugin.HasNormalize()) REQUIRE(plugin.NormalizeScore(state, pod, list).IsSuccess());
  std::vector<int64_t> out;
  for (const auto& s : list) out.push_back(s.score);
  return out;
}

// PreFilter over all `nodes`, then Filter on each: the code per node (kSkip for every node
// when PreFilter skipped), and optionally each node's first reason.
template <typename P>
std::vector<scheduler::Code> RunFilterAll(P& plugin, const api::Pod& pod, const std::vector<scheduler::NodeInfo>& nodes,
                                          std::vector<std::string>* reasons = nullptr) {
  scheduler::CycleState state;
  std::vector<const scheduler::NodeInfo*> ptrs;
  for (const auto& n : nodes) ptrs.push_back(&n);
  scheduler::Status pre = plugin.PreFilter(state, pod, ptrs);
  std::vector<scheduler::Code> out;
  for (const auto& n : nodes) {
    if (pre.IsSkip()) {
      out.push_back(scheduler::Code::kSkip);
      continue;
    }
    REQUIRE(pre.IsSuccess());
    scheduler::Status st = plugin.Filter(state, pod, n);
    out.push_back(st.code());
    if (reasons != nullptr) reasons->push_back(st.reasons().empty() ? "" : st.reasons()[0]);
  }
  return out;
}

}  // namespace kubesim::testing
