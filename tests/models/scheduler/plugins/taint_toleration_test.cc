// TaintToleration: cases from kubernetes/kubernetes
// pkg/scheduler/framework/plugins/tainttoleration/taint_toleration_test.go TestTaintTolerationScore and
// TestTaintTolerationFilter @ v1.32, named by the upstream cases' `name:` (read in a copy from before v1.32
// and on master at 04c0d74f8e8b; these names are the same in both). Cases not named after an upstream
// case are kubesim's own.
#include "models/scheduler/plugins/taint_toleration.h"

#include <catch2/catch.hpp>

#include "tests/models/scheduler/plugins/score_harness.h"
#include "tests/support/builders.h"

namespace kubesim::scheduler {
namespace {

using testing::MakeNodeInfo;
using testing::NodeBuilder;
using testing::PodBuilder;
using testing::RunScore;

NodeBuilder Node(const char* name) { return NodeBuilder(name).Cap({{"cpu", "1"}}); }

TEST_CASE("TaintToleration Score: upstream TestTaintTolerationScore cases", "[scheduler][plugin]") {
  TaintToleration plugin;
  SECTION("node with taints tolerated by the pod, gets a higher score than those node with intolerable taints") {
    auto pod = PodBuilder().Toleration("foo", "Equal", "bar", "PreferNoSchedule");
    std::vector<NodeInfo> nodes = {MakeNodeInfo(Node("A").Taint("foo", "bar", "PreferNoSchedule")),
                                   MakeNodeInfo(Node("B").Taint("foo", "blah", "PreferNoSchedule"))};
    CHECK(RunScore(plugin, pod.pod(), nodes) == std::vector<int64_t>{100, 0});
  }
  SECTION(
      "the nodes that all of their taints are tolerated by the pod, get the same score, no matter how many tolerable "
      "taints a node has") {
    auto pod = PodBuilder()
                   .Toleration("cpu-type", "Equal", "arm64", "PreferNoSchedule")
                   .Toleration("disk-type", "Equal", "ssd", "PreferNoSchedule");
    std::vector<NodeInfo> nodes = {
        MakeNodeInfo(Node("A")), MakeNodeInfo(Node("B").Taint("cpu-type", "arm64", "PreferNoSchedule")),
        MakeNodeInfo(
            Node("C").Taint("cpu-type", "arm64", "PreferNoSchedule").Taint("disk-type", "ssd", "PreferNoSchedule"))};
    CHECK(RunScore(plugin, pod.pod(), nodes) == std::vector<int64_t>{100, 100, 100});
  }
  SECTION("Default behaviour No taints and tolerations, lands on node with no taints") {
    std::vector<NodeInfo> nodes = {MakeNodeInfo(Node("A")),
                                   MakeNodeInfo(Node("B").Taint("cpu-type", "arm64", "PreferNoSchedule"))};
    CHECK(RunScore(plugin, PodBuilder().pod(), nodes) == std::vector<int64_t>{100, 0});
  }
  // kubesim's own, after upstream's "only taints and tolerations that have effect PreferNoSchedule are
  // checked by taints-tolerations priority function".
  SECTION("NoSchedule taints and NoSchedule-only tolerations do not enter the score") {
    auto pod = PodBuilder().Toleration("foo", "Equal", "bar", "NoSchedule");
    std::vector<NodeInfo> nodes = {MakeNodeInfo(Node("A").Taint("foo", "bar", "PreferNoSchedule")),
                                   MakeNodeInfo(Node("B").Taint("x", "y", "NoSchedule"))};
    CHECK(RunScore(plugin, pod.pod(), nodes) == std::vector<int64_t>{0, 100});
  }
}

TEST_CASE("TaintToleration Filter: upstream TestTaintTolerationFilter cases", "[scheduler][plugin]") {
  struct Row {
    const char* name;
    PodBuilder pod;
    NodeBuilder node;
    Code want;
  };
  std::vector<Row> rows = {
      {"A pod having no tolerations can't be scheduled onto a node with nonempty taints", PodBuilder(),
       Node("n").Taint("dedicated", "user1", "NoSchedule"), Code::kUnschedulableAndUnresolvable},
      {"A pod which can be scheduled on a dedicated node assigned to user1 with effect NoSchedule",
       PodBuilder().Toleration("dedicated", "", "user1", "NoSchedule"),
       Node("n").Taint("dedicated", "user1", "NoSchedule"), Code::kSuccess},
      {"A pod which can't be scheduled on a dedicated node assigned to user2 with effect NoSchedule",
       PodBuilder().Toleration("dedicated", "Equal", "user2", "NoSchedule"),
       Node("n").Taint("dedicated", "user1", "NoSchedule"), Code::kUnschedulableAndUnresolvable},
      {"A pod can be scheduled onto the node, with a toleration uses operator Exists that tolerates the taints on the "
       "node",
       PodBuilder().Toleration("foo", "Exists", "", "NoSchedule"), Node("n").Taint("foo", "bar", "NoSchedule"),
       Code::kSuccess},
      {"A pod has multiple tolerations, node has multiple taints, all the taints are tolerated, pod can be scheduled "
       "onto the node",
       PodBuilder()
           .Toleration("dedicated", "Equal", "user2", "NoSchedule")
           .Toleration("foo", "Exists", "", "NoSchedule"),
       Node("n").Taint("dedicated", "user2", "NoSchedule").Taint("foo", "bar", "NoSchedule"), Code::kSuccess},
      {"A pod has a toleration that keys and values match the taint on the node, but (non-empty) effect doesn't "
       "match, can't be scheduled onto the node",
       PodBuilder().Toleration("foo", "Equal", "bar", "PreferNoSchedule"), Node("n").Taint("foo", "bar", "NoSchedule"),
       Code::kUnschedulableAndUnresolvable},
      {"The pod has a toleration that keys and values match the taint on the node, the effect of toleration is "
       "empty, and the effect of taint is NoSchedule. Pod can be scheduled onto the node",
       PodBuilder().Toleration("foo", "Equal", "bar", ""), Node("n").Taint("foo", "bar", "NoSchedule"), Code::kSuccess},
      {"The pod has a toleration that key and value don't match the taint on the node, but the effect of taint on "
       "node is PreferNoSchedule. Pod can be scheduled onto the node",
       PodBuilder().Toleration("dedicated", "Equal", "user2", "NoSchedule"),
       Node("n").Taint("dedicated", "user1", "PreferNoSchedule"), Code::kSuccess},
      {"The pod has no toleration, but the effect of taint on node is PreferNoSchedule. Pod can be scheduled onto "
       "the node",
       PodBuilder(), Node("n").Taint("dedicated", "user1", "PreferNoSchedule"), Code::kSuccess},
      // kubesim's own cases.
      {"NoExecute", PodBuilder(), Node("n").Taint("node.kubernetes.io/not-ready", "", "NoExecute"),
       Code::kUnschedulableAndUnresolvable},
      {"empty key Exists tolerates all", PodBuilder().Toleration("", "Exists", "", ""),
       Node("n").Taint("a", "b", "NoSchedule").Taint("c", "", "NoExecute"), Code::kSuccess},
  };
  TaintToleration plugin;
  for (const auto& r : rows) {
    INFO(r.name);
    NodeInfo ni = MakeNodeInfo(r.node);
    CycleState state;
    Status s = plugin.Filter(state, r.pod.pod(), ni);
    CHECK(s.code() == r.want);
  }
  NodeInfo ni = MakeNodeInfo(Node("n").Taint("dedicated", "user1", "NoSchedule"));
  CycleState state;
  CHECK(plugin.Filter(state, PodBuilder().pod(), ni).reasons() ==
        std::vector<std::string>{"node(s) had untolerated taint {dedicated: user1}"});
}

}  // namespace
}  // namespace kubesim::scheduler
