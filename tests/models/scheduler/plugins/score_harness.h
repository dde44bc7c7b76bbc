// Runs a score plugin the way upstream's unit tests do (spec D.0): PreScore over all nodes, Score
// per node, NormalizeScore when the plugin has one. Returns the final per-plugin scores.
#pragma once

#include <vector>

#include <catch2/catch.hpp>

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

}  // namespace kubesim::testing
