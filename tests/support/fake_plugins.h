// Test plugins shaped like upstream's (kubernetes/kubernetes pkg/scheduler/testing/framework
// fake_plugins.go and schedule_one_test.go @ v1.32: TrueFilter, FalseFilter, MatchFilter,
// NoPodsFilter, FakeFilter, EqualPrioritizerPlugin, NumericMap, ReverseNumericMap), and a way to
// build a profile of them, so the cycle's tests read like upstream's tables.
#pragma once

#include <algorithm>
#include <catch2/catch.hpp>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "models/scheduler/profile.h"
#include "models/scheduler/registry.h"

namespace kubesim::testing {

using scheduler::Code;
using scheduler::CycleState;
using scheduler::NodeInfo;
using scheduler::Status;

inline constexpr const char* kErrReasonFake = "Nodes failed the fake plugin";

class TrueFilter : public scheduler::FilterPlugin {
 public:
  std::string Name() const override { return "TrueFilter"; }
  Status Filter(const CycleState&, const api::Pod&, const NodeInfo&) const override { return Status::Success(); }
};

class FalseFilter : public scheduler::FilterPlugin {
 public:
  std::string Name() const override { return "FalseFilter"; }
  Status Filter(const CycleState&, const api::Pod&, const NodeInfo&) const override {
    return Status::Unschedulable(kErrReasonFake);
  }
};

// Passes only the node named as the pod.
class MatchFilter : public scheduler::FilterPlugin {
 public:
  std::string Name() const override { return "MatchFilter"; }
  Status Filter(const CycleState&, const api::Pod& pod, const NodeInfo& node) const override {
    return node.name() == pod.metadata.name ? Status::Success() : Status::Unschedulable(kErrReasonFake);
  }
};

// Passes only nodes without pods.
class NoPodsFilter : public scheduler::FilterPlugin {
 public:
  std::string Name() const override { return "NoPodsFilter"; }
  Status Filter(const CycleState&, const api::Pod&, const NodeInfo& node) const override {
    return node.pods().empty() ? Status::Success() : Status::Unschedulable(kErrReasonFake);
  }
};

// Counts its calls; fails the nodes of `codes` with their code (upstream FakeFilterPlugin).
class FakeFilter : public scheduler::FilterPlugin {
 public:
  explicit FakeFilter(std::map<std::string, Code> codes = {}) : codes_(std::move(codes)) {}
  std::string Name() const override { return "FakeFilter"; }
  Status Filter(const CycleState&, const api::Pod& pod, const NodeInfo& node) const override {
    ++calls;
    auto it = codes_.find(node.name());
    if (it == codes_.end()) return Status::Success();
    return Status(it->second, {"injecting failure for pod " + pod.metadata.name});
  }
  mutable int calls = 0;

 private:
  std::map<std::string, Code> codes_;
};

class EqualPrioritizer : public scheduler::ScorePlugin {
 public:
  std::string Name() const override { return "EqualPrioritizerPlugin"; }
  Status Score(const CycleState&, const api::Pod&, const NodeInfo&, int64_t* score) const override {
    *score = 1;
    return Status::Success();
  }
};

// Scores a node by its name read as a number.
class NumericMap : public scheduler::ScorePlugin {
 public:
  std::string Name() const override { return "NumericMap"; }
  Status Score(const CycleState&, const api::Pod&, const NodeInfo& node, int64_t* score) const override {
    *score = std::stoll(node.name());
    return Status::Success();
  }
};

// As NumericMap, normalised to max + min − score: the lowest name scores highest.
class ReverseNumericMap : public scheduler::ScorePlugin {
 public:
  std::string Name() const override { return "ReverseNumericMap"; }
  Status Score(const CycleState&, const api::Pod&, const NodeInfo& node, int64_t* score) const override {
    *score = std::stoll(node.name());
    return Status::Success();
  }
  bool HasNormalize() const override { return true; }
  Status NormalizeScore(const CycleState&, const api::Pod&, scheduler::NodeScoreList& scores) const override {
    if (scores.empty()) return Status::Success();
    int64_t lo = scores[0].score, hi = scores[0].score;
    for (const auto& s : scores) {
      lo = std::min(lo, s.score);
      hi = std::max(hi, s.score);
    }
    for (auto& s : scores) s.score = hi + lo - s.score;
    return Status::Success();
  }
};

// A plugin set for one test: each plugin is registered under its name as this very instance, so
// a test can read its counters after the cycle.
struct TestPlugin {
  std::shared_ptr<scheduler::Plugin> plugin;
  int64_t weight = 0;  // score weight; 0 → 1
};

// A profile of PrioritySort, `plugins` in order, and DefaultBinder (without an API server).
inline std::unique_ptr<scheduler::Profile> MakeTestProfile(const std::vector<TestPlugin>& plugins,
                                                           std::optional<int32_t> percentage = std::nullopt) {
  scheduler::Registry registry = scheduler::Registry::InTree();
  scheduler::ProfileConfig config;
  config.multi_point.enabled.push_back({"PrioritySort", 0});
  for (const auto& p : plugins) {
    auto instance = p.plugin;
    REQUIRE(registry
                .Register(instance->Name(),
                          [instance](const scheduler::PluginContext&, const api::YamlNode*)
                              -> sim::StatusOr<std::shared_ptr<scheduler::Plugin>> { return instance; })
                .ok());
    config.multi_point.enabled.push_back({instance->Name(), p.weight});
  }
  config.multi_point.enabled.push_back({"DefaultBinder", 0});
  config.percentage_of_nodes_to_score = percentage;
  auto profile = scheduler::Profile::Build(config, registry, scheduler::PluginContext{});
  INFO((profile.ok() ? std::string() : profile.status().message()));
  REQUIRE(profile.ok());
  return std::move(profile).value();
}

}  // namespace kubesim::testing
