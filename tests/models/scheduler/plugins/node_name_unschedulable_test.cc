// NodeName and NodeUnschedulable filters (kubernetes/kubernetes pkg/scheduler/framework/plugins/
// nodename/node_name.go and nodeunschedulable/node_unschedulable.go @ v1.32).
#include <catch2/catch.hpp>

#include "models/scheduler/plugins/node_name.h"
#include "models/scheduler/plugins/node_unschedulable.h"
#include "tests/support/builders.h"

namespace kubesim::scheduler {
namespace {

using testing::MakeNodeInfo;
using testing::NodeBuilder;
using testing::PodBuilder;

TEST_CASE("NodeName filter", "[scheduler][plugin]") {
  NodeName plugin;
  CycleState state;
  NodeInfo n1 = MakeNodeInfo(NodeBuilder("n1").Cap({{"cpu", "1"}}));
  CHECK(plugin.Filter(state, PodBuilder().pod(), n1).IsSuccess());
  CHECK(plugin.Filter(state, PodBuilder().Node("n1").pod(), n1).IsSuccess());
  Status s = plugin.Filter(state, PodBuilder().Node("n2").pod(), n1);
  CHECK(s.code() == Code::kUnschedulableAndUnresolvable);
  CHECK(s.Message() == "node(s) didn't match the requested node name");
}

TEST_CASE("NodeUnschedulable filter", "[scheduler][plugin]") {
  NodeUnschedulable plugin;
  CycleState state;
  NodeInfo cordoned = MakeNodeInfo(NodeBuilder("n1").Cap({{"cpu", "1"}}).Unschedulable());
  NodeInfo open = MakeNodeInfo(NodeBuilder("n2").Cap({{"cpu", "1"}}));
  CHECK(plugin.Filter(state, PodBuilder().pod(), open).IsSuccess());
  Status s = plugin.Filter(state, PodBuilder().pod(), cordoned);
  CHECK(s.code() == Code::kUnschedulableAndUnresolvable);
  CHECK(s.Message() == "node(s) were unschedulable");
  auto tolerant = PodBuilder().Toleration("node.kubernetes.io/unschedulable", "Exists", "", "NoSchedule");
  CHECK(plugin.Filter(state, tolerant.pod(), cordoned).IsSuccess());
  // A NoExecute-only toleration does not tolerate the NoSchedule taint.
  auto wrong = PodBuilder().Toleration("node.kubernetes.io/unschedulable", "Exists", "", "NoExecute");
  CHECK_FALSE(plugin.Filter(state, wrong.pod(), cordoned).IsSuccess());
}

}  // namespace
}  // namespace kubesim::scheduler
