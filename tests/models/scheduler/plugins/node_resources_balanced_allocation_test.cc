// NodeResourcesBalancedAllocation: cases from kubernetes/kubernetes
// pkg/scheduler/framework/plugins/noderesources/balanced_allocation_test.go
// TestNodeResourcesBalancedAllocation (v1.32 behaviour for best-effort pods). SECTION names are the
// upstream cases' `name:`. Read in a v1.32-era copy (pkg/scheduler/backend/cache, Score by node
// name) and on master at 00fdb4ffc649; see each SECTION for the version that has the case.
#include "models/scheduler/plugins/node_resources_balanced_allocation.h"

#include <catch2/catch.hpp>

#include "tests/models/scheduler/plugins/score_harness.h"
#include "tests/support/builders.h"

namespace kubesim::scheduler {
namespace {

using testing::MakeNodeInfo;
using testing::NodeBuilder;
using testing::PodBuilder;
using testing::RunScore;

TEST_CASE("BalancedAllocation: upstream TestNodeResourcesBalancedAllocation cases", "[scheduler][plugin]") {
  PodBuilder cpu_and_memory =
      PodBuilder().Req({{"cpu", "1000m"}, {"memory", "2000"}}).Req({{"cpu", "2000m"}, {"memory", "3000"}});
  // v1.32's name and expectation; from v1.33 (kubernetes/kubernetes #130260) the case is
  // "nothing scheduled, nothing requested, skip in PreScore" and PreScore returns Skip.
  SECTION("nothing scheduled, nothing requested") {
    NodeResourcesBalancedAllocation plugin;
    std::vector<NodeInfo> nodes = {MakeNodeInfo(NodeBuilder("n1").Cap({{"cpu", "4000m"}, {"memory", "10000"}})),
                                   MakeNodeInfo(NodeBuilder("n2").Cap({{"cpu", "4000m"}, {"memory", "10000"}}))};
    CHECK(RunScore(plugin, PodBuilder().pod(), nodes) == std::vector<int64_t>{100, 100});
  }
  SECTION("nothing scheduled, resources requested, differently sized nodes") {
    NodeResourcesBalancedAllocation plugin;
    std::vector<NodeInfo> nodes = {MakeNodeInfo(NodeBuilder("n1").Cap({{"cpu", "4000m"}, {"memory", "10000"}})),
                                   MakeNodeInfo(NodeBuilder("n2").Cap({{"cpu", "6000m"}, {"memory", "10000"}}))};
    CHECK(RunScore(plugin, cpu_and_memory.pod(), nodes) == std::vector<int64_t>{87, 100});
  }
  // This case is in later copies (e.g. master 00fdb4ffc649), not in the v1.32-era one read, which has
  // "node without the scalar resource results to a higher score" instead. The expectation holds for
  // v1.32 too: a scalar resource the pod does not request is skipped.
  SECTION("node without the scalar resource should skip the scalar resource") {
    NodeResourcesBalancedAllocation plugin({{{"cpu", 1}, {"memory", 1}, {"nvidia.com/gpu", 1}}});
    std::vector<NodeInfo> nodes = {
        MakeNodeInfo(NodeBuilder("n1").Cap({{"cpu", "3500m"}, {"memory", "40000"}, {"nvidia.com/gpu", "8"}})),
        MakeNodeInfo(NodeBuilder("n2").Cap({{"cpu", "3500m"}, {"memory", "40000"}}))};
    CHECK(RunScore(plugin, cpu_and_memory.pod(), nodes) == std::vector<int64_t>{63, 63});
  }
  // kubesim's own case, after upstream's "requested resources at node capacity".
  SECTION("existing pods count with their real requests, fractions cap at 1") {
    NodeResourcesBalancedAllocation plugin;
    std::vector<NodeInfo> nodes = {MakeNodeInfo(NodeBuilder("n1").Cap({{"cpu", "4000m"}, {"memory", "10000"}}),
                                                {PodBuilder("a").Req({{"cpu", "2000m"}, {"memory", "0"}})}),
                                   MakeNodeInfo(NodeBuilder("n2").Cap({{"cpu", "4000m"}, {"memory", "10000"}}),
                                                {PodBuilder("b").Req({{"cpu", "9000m"}, {"memory", "10000"}})})};
    // n1: cpu 5000/4000 → 1, memory 0.5 → std 0.25 → 75; n2: both capped at 1 → 100.
    CHECK(RunScore(plugin, cpu_and_memory.pod(), nodes) == std::vector<int64_t>{75, 100});
  }
}

}  // namespace
}  // namespace kubesim::scheduler
