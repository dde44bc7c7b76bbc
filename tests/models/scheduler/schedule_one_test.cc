// One scheduling cycle against upstream's cases (kubernetes/kubernetes pkg/scheduler/
// schedule_one_test.go @ v1.32): the result of schedulePod, how many nodes a cycle looks for,
// the rotating start index, the nominated-node fast path, and the error exits. Each TEST_CASE is
// one upstream test function; its sections carry upstream's `name:` strings.
#include "models/scheduler/schedule_one.h"

#include <catch2/catch.hpp>
#include <set>

#include "tests/support/builders.h"
#include "tests/support/fake_plugins.h"

namespace kubesim::scheduler {
namespace {

using testing::EqualPrioritizer;
using testing::FakeFilter;
using testing::FalseFilter;
using testing::kErrReasonFake;
using testing::MakeTestProfile;
using testing::MatchFilter;
using testing::NodeBuilder;
using testing::NoPodsFilter;
using testing::NumericMap;
using testing::PodBuilder;
using testing::ReverseNumericMap;
using testing::TestPlugin;
using testing::TrueFilter;

// Nodes named `names` (no capacity needed by these plugins), and pointers in that order.
struct Nodes {
  explicit Nodes(const std::vector<std::string>& names) {
    infos.reserve(names.size());
    for (const auto& n : names) infos.emplace_back(NodeBuilder(n).Build());
    for (const auto& ni : infos) list.push_back(&ni);
  }
  std::vector<NodeInfo> infos;
  std::vector<const NodeInfo*> list;
};

std::vector<std::string> Numbered(int n, const std::string& prefix = "") {
  std::vector<std::string> out;
  for (int i = 0; i < n; ++i) out.push_back(prefix + std::to_string(i));
  return out;
}

template <typename T>
TestPlugin P(int64_t weight = 0) {
  return TestPlugin{std::make_shared<T>(), weight};
}

TEST_CASE("TestSchedulerSchedulePod", "[scheduler]") {
  struct Want {
    std::string plugin;  // the plugin that rejected the node
  };
  struct Row {
    const char* name;
    std::vector<TestPlugin> plugins;
    std::vector<std::string> nodes;
    std::map<std::string, std::string> pods_on;  // existing pod name → its node
    std::string pod;
    std::set<std::string> want_nodes;         // empty: a FitError
    std::map<std::string, Want> want_status;  // per rejected node, on a FitError
  };
  std::vector<Row> rows = {
      {"test 1",
       {P<FalseFilter>()},
       {"node1", "node2"},
       {},
       "2",
       {},
       {{"node1", {"FalseFilter"}}, {"node2", {"FalseFilter"}}}},
      {"test 2", {P<TrueFilter>(), P<EqualPrioritizer>(1)}, {"node1", "node2"}, {}, "ignore", {"node1", "node2"}, {}},
      // Fits on a node where the pod ID matches the node name.
      {"test 3", {P<MatchFilter>()}, {"node1", "node2"}, {}, "node2", {"node2"}, {}},
      {"test 4", {P<TrueFilter>(), P<NumericMap>(1)}, {"3", "2", "1"}, {}, "ignore", {"3"}, {}},
      {"test 5", {P<MatchFilter>(), P<NumericMap>(1)}, {"3", "2", "1"}, {}, "2", {"2"}, {}},
      {"test 6", {P<TrueFilter>(), P<NumericMap>(1), P<ReverseNumericMap>(2)}, {"3", "2", "1"}, {}, "2", {"1"}, {}},
      {"test 7",
       {P<TrueFilter>(), P<FalseFilter>(), P<NumericMap>(1)},
       {"3", "2", "1"},
       {},
       "2",
       {},
       {{"3", {"FalseFilter"}}, {"2", {"FalseFilter"}}, {"1", {"FalseFilter"}}}},
      {"test 8",
       {P<NoPodsFilter>(), P<MatchFilter>(), P<NumericMap>(1)},
       {"1", "2"},
       {{"2", "2"}},
       "2",
       {},
       {{"1", {"MatchFilter"}}, {"2", {"NoPodsFilter"}}}},
  };
  for (const auto& r : rows) {
    DYNAMIC_SECTION(r.name) {
      auto profile = MakeTestProfile(r.plugins);
      Nodes nodes(r.nodes);
      for (const auto& [pod, node] : r.pods_on) {
        for (auto& ni : nodes.infos) {
          if (ni.name() == node) {
            ni.AddPod(std::make_shared<const PodInfo>(PodBuilder(pod).Uid("existing-" + pod).Node(node).Build()));
          }
        }
      }
      auto pod = PodBuilder(r.pod).Build();
      ScheduleResult result = SchedulePod(*profile, *pod, nodes.list, CycleOptions{});
      if (!r.want_nodes.empty()) {
        CHECK(result.status.IsSuccess());
        CHECK(r.want_nodes.count(result.selected) == 1);
        CHECK(result.evaluated == static_cast<int>(r.nodes.size()));
        continue;
      }
      // A FitError: every node rejected, each by its plugin, with the fake reason.
      CHECK(result.selected.empty());
      CHECK(result.fit_error);
      CHECK(result.status.code() == Code::kUnschedulable);
      REQUIRE(result.node_status.size() == r.want_status.size());
      for (const auto& [node, want] : r.want_status) {
        INFO("node " << node);
        REQUIRE(result.node_status.count(node) == 1);
        CHECK(result.node_status.at(node).plugin() == want.plugin);
        CHECK(result.node_status.at(node).code() == Code::kUnschedulable);
        CHECK(result.node_status.at(node).reasons() == std::vector<std::string>{kErrReasonFake});
      }
      CHECK(result.message == "0/" + std::to_string(r.nodes.size()) + " nodes are available: " +
                                  std::to_string(r.nodes.size()) + " " + kErrReasonFake + ".");
    }
  }
}

TEST_CASE("TestFindFitAllError", "[scheduler]") {
  auto profile = MakeTestProfile({P<TrueFilter>(), P<MatchFilter>()});
  Nodes nodes({"3", "2", "1"});
  auto pod = PodBuilder("").Uid("").Build();
  ScheduleResult result = SchedulePod(*profile, *pod, nodes.list, CycleOptions{});
  CHECK(result.fit_error);
  REQUIRE(result.node_status.size() == 3);
  for (const auto& [node, status] : result.node_status) {
    INFO("node " << node);
    CHECK(status.code() == Code::kUnschedulable);
    CHECK(status.plugin() == "MatchFilter");
    CHECK(status.reasons() == std::vector<std::string>{kErrReasonFake});
  }
}

TEST_CASE("TestFindFitSomeError", "[scheduler]") {
  auto profile = MakeTestProfile({P<TrueFilter>(), P<MatchFilter>()});
  Nodes nodes({"3", "2", "1"});
  auto pod = PodBuilder("1").Uid("1").Build();
  ScheduleResult result = SchedulePod(*profile, *pod, nodes.list, CycleOptions{});
  CHECK(result.selected == "1");
  CHECK(result.node_status.size() == 2);
  for (const auto& node : {"3", "2"}) {
    INFO("node " << node);
    REQUIRE(result.node_status.count(node) == 1);
    CHECK(result.node_status.at(node).plugin() == "MatchFilter");
    CHECK(result.node_status.at(node).reasons() == std::vector<std::string>{kErrReasonFake});
  }
}

TEST_CASE("TestNumFeasibleNodesToFind", "[scheduler]") {
  // Through a whole cycle: every node fits, so the cycle evaluates exactly as many nodes as it
  // looks for; the profile's percentage wins over the global one.
  struct Row {
    const char* name;
    int32_t global;
    std::optional<int32_t> profile;
    int32_t nodes;
    int want;
  };
  std::vector<Row> rows = {
      {"not set percentageOfNodesToScore and nodes number not more than 50", 0, std::nullopt, 10, 10},
      {"set profile percentageOfNodesToScore and nodes number not more than 50", 0, 40, 10, 10},
      {"not set percentageOfNodesToScore and nodes number more than 50", 0, std::nullopt, 1000, 420},
      {"set profile percentageOfNodesToScore and nodes number more than 50", 0, 40, 1000, 400},
      {"set global and profile percentageOfNodesToScore and nodes number more than 50", 100, 40, 1000, 400},
      {"set global percentageOfNodesToScore and nodes number more than 50", 40, std::nullopt, 1000, 400},
      {"not set profile percentageOfNodesToScore and nodes number more than 50*125", 0, std::nullopt, 6000, 300},
      {"set profile percentageOfNodesToScore and nodes number more than 50*125", 0, 40, 6000, 2400},
  };
  for (const auto& r : rows) {
    DYNAMIC_SECTION(r.name) {
      auto profile = MakeTestProfile({P<TrueFilter>(), P<EqualPrioritizer>(1)}, r.profile);
      Nodes nodes(Numbered(r.nodes, "n"));
      CycleOptions opts;
      opts.percentage_of_nodes_to_score = r.global;
      ScheduleResult result = SchedulePod(*profile, *PodBuilder("p").Build(), nodes.list, opts);
      CHECK(result.evaluated == r.want);
      CHECK(result.feasible.size() == static_cast<size_t>(r.want));
    }
  }
}

TEST_CASE("TestFairEvaluationForNodes", "[scheduler]") {
  // Consecutive cycles start where the previous one stopped, wrapping around the node list.
  const int num_all_nodes = 500;
  auto profile = MakeTestProfile({P<TrueFilter>(), P<EqualPrioritizer>(1)});
  Nodes nodes(Numbered(num_all_nodes));
  CycleOptions opts;
  opts.percentage_of_nodes_to_score = 30;  // so that num_all_nodes % nodes_to_find != 0
  size_t next_start = 0;
  opts.next_start_node_index = &next_start;
  const int nodes_to_find = NumFeasibleNodesToFind(30, num_all_nodes);
  REQUIRE(nodes_to_find == 150);
  for (int i = 0; i < 2 * (num_all_nodes / nodes_to_find + 1); ++i) {
    INFO("cycle " << i);
    ScheduleResult result = SchedulePod(*profile, *PodBuilder("p").Build(), nodes.list, opts);
    CHECK(result.feasible.size() == static_cast<size_t>(nodes_to_find));
    CHECK(next_start == static_cast<size_t>((i + 1) * nodes_to_find % num_all_nodes));
  }
}

TEST_CASE("TestPreferNominatedNodeFilterCallCounts", "[scheduler]") {
  struct Row {
    const char* name;
    std::string nominated;
    std::map<std::string, Code> codes;
    int want_calls;
  };
  std::vector<Row> rows = {
      {"pod has the nominated node set, filter is called only once", "node1", {}, 1},
      {"pod without the nominated pod, filter is called for each node", "", {}, 3},
      {"nominated pod cannot pass the filter, filter is called for each node",
       "node1",
       {{"node1", Code::kUnschedulable}},
       4},
  };
  for (const auto& r : rows) {
    DYNAMIC_SECTION(r.name) {
      auto filter = std::make_shared<FakeFilter>(r.codes);
      auto profile = MakeTestProfile({TestPlugin{filter, 0}, P<EqualPrioritizer>(1)});
      Nodes nodes({"node1", "node2", "node3"});
      PodBuilder pod(r.nominated.empty() ? "p_without_nominated_node" : "p_with_nominated_node");
      pod.Uid("p").Priority(1000);
      pod.mutable_pod().status.nominated_node_name = r.nominated;
      SchedulePod(*profile, pod.pod(), nodes.list, CycleOptions{});
      CHECK(filter->calls == r.want_calls);
    }
  }
}

TEST_CASE("schedulePod: ErrNoNodesAvailable", "[scheduler]") {
  // Upstream schedulePod returns ErrNoNodesAvailable before any plugin runs, and schedulingCycle
  // turns it into UnschedulableAndUnresolvable: no FitError, so no PostFilter.
  auto filter = std::make_shared<FakeFilter>();
  auto profile = MakeTestProfile({TestPlugin{filter, 0}});
  ScheduleResult result = SchedulePod(*profile, *PodBuilder("p").Build(), {}, CycleOptions{});
  CHECK(result.selected.empty());
  CHECK(result.status.code() == Code::kUnschedulableAndUnresolvable);
  CHECK(result.message == "no nodes available to schedule pods");
  CHECK_FALSE(result.fit_error);
  CHECK(filter->calls == 0);
}

TEST_CASE("TestSelectHost", "[scheduler]") {
  struct Row {
    const char* name;
    std::vector<std::string> nodes;
    std::vector<int64_t> scores;
    std::set<std::string> possible;
  };
  std::vector<Row> rows = {
      {"unique properly ordered scores", {"node1.1", "node2.1"}, {1, 2}, {"node2.1"}},
      {"equal scores", {"node1.1", "node1.2", "node1.3", "node2.1"}, {2, 2, 2, 1}, {"node1.1", "node1.2", "node1.3"}},
      {"out of order scores",
       {"node1.1", "node1.2", "node2.1", "node3.1", "node1.3"},
       {3, 3, 2, 1, 3},
       {"node1.1", "node1.2", "node1.3"}},
  };
  for (const auto& r : rows) {
    DYNAMIC_SECTION(r.name) {
      // Every top-scored node, and only those, is chosen for some tie-break stream.
      std::set<std::string> chosen;
      for (uint64_t seed = 1; seed <= 64; ++seed) {
        sim::Rng rng(seed);
        chosen.insert(SelectHost(r.nodes, r.scores, &rng));
      }
      CHECK(chosen == r.possible);
      CHECK(r.possible.count(SelectHost(r.nodes, r.scores, nullptr)) == 1);
    }
  }
}

}  // namespace
}  // namespace kubesim::scheduler
