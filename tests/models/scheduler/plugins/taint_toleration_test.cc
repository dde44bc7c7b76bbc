// Spec D.5: upstream taint_toleration_test.go vectors (Filter and Score).
#include <catch2/catch.hpp>

#include "models/scheduler/plugins/taint_toleration.h"
#include "tests/models/scheduler/plugins/score_harness.h"
#include "tests/support/builders.h"

namespace kubesim::scheduler {
namespace {

using testing::MakeNodeInfo;
using testing::NodeBuilder;
using testing::PodBuilder;
using testing::RunScore;

NodeBuilder Node(const char* name) { return NodeBuilder(name).Cap({{"cpu", "1"}}); }

TEST_CASE("TaintToleration Score: upstream vectors D.5", "[scheduler][plugin]") {
  TaintToleration plugin;
  SECTION("TT1") {
    auto pod = PodBuilder().Toleration("foo", "Equal", "bar", "PreferNoSchedule");
    std::vector<NodeInfo> nodes = {MakeNodeInfo(Node("A").Taint("foo", "bar", "PreferNoSchedule")),
                                   MakeNodeInfo(Node("B").Taint("foo", "blah", "PreferNoSchedule"))};
    CHECK(RunScore(plugin, pod.pod(), nodes) == std::vector<int64_t>{100, 0});
  }
  SECTION("TT2") {
    auto pod = PodBuilder()
                   .Toleration("cpu-type", "Equal", "arm64", "PreferNoSchedule")
                   .Toleration("disk-type", "Equal", "ssd", "PreferNoSchedule");
    std::vector<NodeInfo> nodes = {
        MakeNodeInfo(Node("A")), MakeNodeInfo(Node("B").Taint("cpu-type", "arm64", "PreferNoSchedule")),
        MakeNodeInfo(Node("C").Taint("cpu-type", "arm64", "PreferNoSchedule").Taint("disk-type", "ssd", "PreferNoSchedule"))};
    CHECK(RunScore(plugin, pod.pod(), nodes) == std::vector<int64_t>{100, 100, 100});
  }
  SECTION("TT5") {
    std::vector<NodeInfo> nodes = {MakeNodeInfo(Node("A")), MakeNodeInfo(Node("B").Taint("cpu-type", "arm64", "PreferNoSchedule"))};
    CHECK(RunScore(plugin, PodBuilder().pod(), nodes) == std::vector<int64_t>{100, 0});
  }
  SECTION("NoSchedule taints and NoSchedule-only tolerations do not enter the score") {
    auto pod = PodBuilder().Toleration("foo", "Equal", "bar", "NoSchedule");
    std::vector<NodeInfo> nodes = {MakeNodeInfo(Node("A").Taint("foo", "bar", "PreferNoSchedule")),
                                   MakeNodeInfo(Node("B").Taint("x", "y", "NoSchedule"))};
    CHECK(RunScore(plugin, pod.pod(), nodes) == std::vector<int64_t>{0, 100});
  }
}

TEST_CASE("TaintToleration Filter: upstream vectors D.5", "[scheduler][plugin]") {
  struct Row {
    const char* id;
    PodBuilder pod;
    NodeBuilder node;
    Code want;
  };
  std::vector<Row> rows = {
      {"TF1", PodBuilder(), Node("n").Taint("dedicated", "user1", "NoSchedule"), Code::kUnschedulableAndUnresolvable},
      {"TF2", PodBuilder().Toleration("dedicated", "", "user1", "NoSchedule"), Node("n").Taint("dedicated", "user1", "NoSchedule"),
       Code::kSuccess},
      {"TF3", PodBuilder().Toleration("dedicated", "Equal", "user2", "NoSchedule"),
       Node("n").Taint("dedicated", "user1", "NoSchedule"), Code::kUnschedulableAndUnresolvable},
      {"TF4", PodBuilder().Toleration("foo", "Exists", "", "NoSchedule"), Node("n").Taint("foo", "bar", "NoSchedule"),
       Code::kSuccess},
      {"TF5",
       PodBuilder().Toleration("dedicated", "Equal", "user2", "NoSchedule").Toleration("foo", "Exists", "", "NoSchedule"),
       Node("n").Taint("dedicated", "user2", "NoSchedule").Taint("foo", "bar", "NoSchedule"), Code::kSuccess},
      {"TF6", PodBuilder().Toleration("foo", "Equal", "bar", "PreferNoSchedule"), Node("n").Taint("foo", "bar", "NoSchedule"),
       Code::kUnschedulableAndUnresolvable},
      {"TF7", PodBuilder().Toleration("foo", "Equal", "bar", ""), Node("n").Taint("foo", "bar", "NoSchedule"), Code::kSuccess},
      {"TF8", PodBuilder().Toleration("dedicated", "Equal", "user2", "NoSchedule"),
       Node("n").Taint("dedicated", "user1", "PreferNoSchedule"), Code::kSuccess},
      {"TF9", PodBuilder(), Node("n").Taint("dedicated", "user1", "PreferNoSchedule"), Code::kSuccess},
      {"NoExecute", PodBuilder(), Node("n").Taint("node.kubernetes.io/not-ready", "", "NoExecute"),
       Code::kUnschedulableAndUnresolvable},
      {"empty key Exists tolerates all", PodBuilder().Toleration("", "Exists", "", ""),
       Node("n").Taint("a", "b", "NoSchedule").Taint("c", "", "NoExecute"), Code::kSuccess},
  };
  TaintToleration plugin;
  for (const auto& r : rows) {
    INFO(r.id);
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
