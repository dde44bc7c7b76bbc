// NodeResourcesFit scoring cases from kubernetes/kubernetes
// pkg/scheduler/framework/plugins/noderesources/least_allocated_test.go, most_allocated_test.go and
// requested_to_capacity_ratio_test.go, plus the Filter rules of fit.go. Rows carry the upstream
// case's `name:` so it can be searched for upstream; the version read is given above each table.
#include "models/scheduler/plugins/node_resources_fit.h"

#include <catch2/catch.hpp>

#include "tests/models/scheduler/plugins/score_harness.h"
#include "tests/support/builders.h"

namespace kubesim::scheduler {
namespace {

using testing::MakeNodeInfo;
using testing::NodeBuilder;
using testing::PodBuilder;
using testing::RunScore;

const std::vector<ResourceSpec> kDefault = {{"cpu", 1}, {"memory", 1}};
const std::vector<ResourceSpec> kExtended = {{"cpu", 1}, {"memory", 1}, {"abc.com/xyz", 1}};

PodBuilder TwoContainers() {
  return PodBuilder().Req({{"cpu", "1000"}, {"memory", "2000"}}).Req({{"cpu", "2000"}, {"memory", "3000"}});
}
NodeBuilder N(const char* name, const char* cpu, const char* mem) {
  return NodeBuilder(name).Cap({{"cpu", cpu}, {"memory", mem}});
}
NodeBuilder NX(const char* name, const char* cpu, const char* mem, const char* xyz) {
  return NodeBuilder(name).Cap({{"cpu", cpu}, {"memory", mem}, {"abc.com/xyz", xyz}});
}

struct Case {
  const char* name;
  PodBuilder pod;
  std::vector<NodeInfo> nodes;
  std::vector<ResourceSpec> resources;
  std::vector<int64_t> want;
};

std::vector<int64_t> Score(ScoringStrategyType type, const Case& c, std::vector<UtilizationShapePoint> shape = {}) {
  NodeResourcesFitArgs args;
  args.type = type;
  args.resources = c.resources;
  args.shape = std::move(shape);
  REQUIRE(ValidateNodeResourcesFitArgs(args).ok());
  NodeResourcesFit plugin(args);
  return RunScore(plugin, c.pod.pod(), c.nodes);
}

// Upstream: kubernetes/kubernetes pkg/scheduler/framework/plugins/noderesources/least_allocated_test.go
// TestLeastAllocatedScoringStrategy @ v1.32 (read at commit 8519d3399f10; the names are the same on
// master at 008b3652959c). Upstream's error and weight-validation cases are covered below by
// "NodeResourcesFitArgs validation rejects weights outside 1..100".
TEST_CASE("LeastAllocated: upstream TestLeastAllocatedScoringStrategy cases", "[scheduler][plugin]") {
  std::vector<Case> cases = {
      {"nothing scheduled, nothing requested",
       PodBuilder(),
       {MakeNodeInfo(N("n1", "4000", "10000")), MakeNodeInfo(N("n2", "4000", "10000"))},
       kDefault,
       {100, 100}},
      {"nothing scheduled, resources requested, differently sized nodes",
       TwoContainers(),
       {MakeNodeInfo(N("n1", "4000", "10000")), MakeNodeInfo(N("n2", "6000", "10000"))},
       kDefault,
       {37, 50}},
      {"no resources requested, pods scheduled",
       PodBuilder(),
       {MakeNodeInfo(N("n1", "4000", "10000"), {PodBuilder("a"), PodBuilder("b")}),
        MakeNodeInfo(N("n2", "4000", "10000"), {PodBuilder("c"), PodBuilder("d")})},
       kDefault,
       {100, 100}},
      {"zero node resources, pods scheduled with resources",
       PodBuilder(),
       {MakeNodeInfo(NodeBuilder("n1"), {PodBuilder("a").Req({{"cpu", "3000"}, {"memory", "0"}})}),
        MakeNodeInfo(NodeBuilder("n2"), {PodBuilder("b").Req({{"cpu", "3000"}, {"memory", "5000"}})})},
       kDefault,
       {0, 0}},
      {"nothing scheduled, resources requested with different weight on CPU and memory, differently sized nodes",
       TwoContainers(),
       {MakeNodeInfo(N("n1", "4000", "10000")), MakeNodeInfo(N("n2", "6000", "10000"))},
       {{"memory", 2}, {"cpu", 1}},
       {41, 50}},
      {"bypass extended resource if the pod does not request",
       TwoContainers(),
       {MakeNodeInfo(N("n1", "6000", "10000")), MakeNodeInfo(NX("n2", "6000", "10000", "4"))},
       kExtended,
       {50, 50}},
      {"honor extended resource if the pod requests",
       PodBuilder().Req({{"cpu", "3000"}, {"memory", "5000"}, {"abc.com/xyz", "2"}}),
       {MakeNodeInfo(NX("n1", "6000", "10000", "4")), MakeNodeInfo(NX("n2", "6000", "10000", "10"))},
       kExtended,
       {50, 60}},
      {"if the node doesn't have a resource",
       PodBuilder().Req({{"cpu", "3000"}, {"memory", "4000"}}),
       {MakeNodeInfo(N("n1", "6000", "10000")), MakeNodeInfo(NX("n2", "6000", "10000", "4"))},
       {{"abc.com/xyz", 2}, {"cpu", 1}, {"memory", 1}},
       {55, 55}},
  };
  for (const auto& c : cases) {
    INFO(c.name);
    CHECK(Score(ScoringStrategyType::kLeastAllocated, c) == c.want);
  }
}

// Upstream: kubernetes/kubernetes pkg/scheduler/framework/plugins/noderesources/most_allocated_test.go
// TestMostAllocatedScoringStrategy @ v1.32 (read in a v1.32-era copy and on master at 030880a5dc54;
// the names are the same). Upstream uses one name for two cases; the second carries the
// memory-weighted resources.
TEST_CASE("MostAllocated: upstream TestMostAllocatedScoringStrategy cases", "[scheduler][plugin]") {
  std::vector<Case> cases = {
      {"nothing scheduled, nothing requested",
       PodBuilder(),
       {MakeNodeInfo(N("n1", "4000", "10000")), MakeNodeInfo(N("n2", "4000", "10000"))},
       kDefault,
       {0, 0}},
      {"nothing scheduled, resources requested, differently sized nodes",
       TwoContainers(),
       {MakeNodeInfo(N("n1", "4000", "10000")), MakeNodeInfo(N("n2", "6000", "10000"))},
       kDefault,
       {62, 50}},
      {"no resources requested, pods scheduled with resources",
       PodBuilder(),
       {MakeNodeInfo(N("n1", "10000", "20000"), {PodBuilder("a").Req({{"cpu", "3000"}, {"memory", "0"}}),
                                                 PodBuilder("b").Req({{"cpu", "3000"}, {"memory", "0"}})}),
        MakeNodeInfo(N("n2", "10000", "20000"), {PodBuilder("c").Req({{"cpu", "3000"}, {"memory", "0"}}),
                                                 PodBuilder("d").Req({{"cpu", "3000"}, {"memory", "5000"}})})},
       kDefault,
       {30, 42}},
      {"resources requested, pods scheduled with resources",
       TwoContainers(),
       {MakeNodeInfo(N("n1", "10000", "20000"), {PodBuilder("a").Req({{"cpu", "3000"}, {"memory", "0"}})}),
        MakeNodeInfo(N("n2", "10000", "20000"), {PodBuilder("b").Req({{"cpu", "3000"}, {"memory", "5000"}})})},
       kDefault,
       {42, 55}},
      {"nothing scheduled, resources requested, differently sized nodes",
       TwoContainers(),
       {MakeNodeInfo(N("n1", "4000", "10000")), MakeNodeInfo(N("n2", "6000", "10000"))},
       {{"memory", 2}, {"cpu", 1}},
       {58, 50}},
      {"bypass extended resource if the pod does not request",
       TwoContainers(),
       {MakeNodeInfo(N("n1", "6000", "10000")), MakeNodeInfo(NX("n2", "6000", "10000", "4"))},
       kExtended,
       {50, 50}},
      {"honor extended resource if the pod request",
       PodBuilder().Req({{"cpu", "3000"}, {"memory", "5000"}, {"abc.com/xyz", "2"}}),
       {MakeNodeInfo(NX("n1", "6000", "10000", "4")), MakeNodeInfo(NX("n2", "6000", "10000", "10"))},
       kExtended,
       {50, 40}},
      {"if the node doesn't have a resource",
       PodBuilder().Req({{"cpu", "3000"}, {"memory", "4000"}}),
       {MakeNodeInfo(N("n1", "6000", "10000")), MakeNodeInfo(NX("n2", "6000", "10000", "4"))},
       {{"abc.com/xyz", 2}, {"cpu", 1}, {"memory", 1}},
       {45, 45}},
  };
  for (const auto& c : cases) {
    INFO(c.name);
    CHECK(Score(ScoringStrategyType::kMostAllocated, c) == c.want);
  }
}

// Upstream: kubernetes/kubernetes pkg/scheduler/framework/plugins/noderesources/
// requested_to_capacity_ratio_test.go @ v1.32 (read at commit 8519d3399f10): the three tables below
// are TestRequestedToCapacityRatioScoringStrategy, TestResourceBinPackingSingleExtended and
// TestResourceBinPackingMultipleExtended.
TEST_CASE("RequestedToCapacityRatio: upstream scoring-strategy and bin-packing cases", "[scheduler][plugin]") {
  const std::vector<UtilizationShapePoint> shape_a = {{0, 10}, {100, 0}};
  std::vector<Case> a = {
      {"nothing scheduled, nothing requested (default - least requested nodes have priority)",
       PodBuilder(),
       {MakeNodeInfo(N("n1", "4000", "10000"), {PodBuilder("a"), PodBuilder("b")}),
        MakeNodeInfo(N("n2", "4000", "10000"))},
       kDefault,
       {100, 100}},
      {"nothing scheduled, resources requested, differently sized nodes (default - least requested nodes have "
       "priority)",
       TwoContainers(),
       {MakeNodeInfo(N("n1", "4000", "10000"), {PodBuilder("a"), PodBuilder("b")}),
        MakeNodeInfo(N("n2", "6000", "10000"))},
       kDefault,
       {38, 50}},
      {"no resources requested, pods scheduled with resources (default - least requested nodes have priority)",
       PodBuilder(),
       {MakeNodeInfo(N("n1", "4000", "10000"), {PodBuilder("a").Req({{"cpu", "3000"}, {"memory", "5000"}})}),
        MakeNodeInfo(N("n2", "6000", "10000"), {PodBuilder("b").Req({{"cpu", "3000"}, {"memory", "5000"}})})},
       kDefault,
       {38, 50}},
  };
  for (const auto& c : a) {
    INFO(c.name);
    CHECK(Score(ScoringStrategyType::kRequestedToCapacityRatio, c, shape_a) == c.want);
  }

  const std::vector<UtilizationShapePoint> shape_b = {{0, 0}, {100, 1}};
  auto foo_node = [](const char* name, const char* foo) {
    return NodeBuilder(name).Cap({{"cpu", "4000m"}, {"memory", "10000Mi"}, {"intel.com/foo", foo}});
  };
  const std::vector<ResourceSpec> foo = {{"intel.com/foo", 1}};
  // TestResourceBinPackingSingleExtended; upstream's third name ends with a space.
  std::vector<Case> b = {
      {"nothing scheduled, nothing requested",
       PodBuilder(),
       {MakeNodeInfo(foo_node("n1", "8")), MakeNodeInfo(foo_node("n2", "4"))},
       foo,
       {0, 0}},
      {"resources requested, pods scheduled with less resources",
       PodBuilder().Req({{"intel.com/foo", "2"}}),
       {MakeNodeInfo(foo_node("n1", "8"), {PodBuilder("a")}), MakeNodeInfo(foo_node("n2", "4"))},
       foo,
       {2, 5}},
      {"resources requested, pods scheduled with resources, on node with existing pod running ",
       PodBuilder().Req({{"intel.com/foo", "2"}}),
       {MakeNodeInfo(foo_node("n1", "8")),
        MakeNodeInfo(foo_node("n2", "4"), {PodBuilder("a").Req({{"intel.com/foo", "2"}})})},
       foo,
       {2, 10}},
      {"resources requested, pods scheduled with more resources",
       PodBuilder().Req({{"intel.com/foo", "4"}}),
       {MakeNodeInfo(foo_node("n1", "8"), {PodBuilder("a")}), MakeNodeInfo(foo_node("n2", "4"))},
       foo,
       {5, 10}},
  };
  for (const auto& c : b) {
    INFO(c.name);
    CHECK(Score(ScoringStrategyType::kRequestedToCapacityRatio, c, shape_b) == c.want);
  }

  auto foobar = [](const char* name, const char* f, const char* b2) {
    return NodeBuilder(name).Cap({{"intel.com/foo", f}, {"intel.com/bar", b2}});
  };
  const std::vector<ResourceSpec> two = {{"intel.com/foo", 3}, {"intel.com/bar", 5}};
  // TestResourceBinPackingMultipleExtended, its first two cases.
  std::vector<Case> c2 = {
      {"nothing scheduled, nothing requested",
       PodBuilder(),
       {MakeNodeInfo(foobar("n1", "8", "4")), MakeNodeInfo(foobar("n2", "4", "8"))},
       two,
       {0, 0}},
      {"resources requested, pods scheduled with less resources",
       PodBuilder().Req({{"intel.com/foo", "2"}, {"intel.com/bar", "2"}}),
       {MakeNodeInfo(foobar("n1", "8", "4")), MakeNodeInfo(foobar("n2", "4", "8"))},
       two,
       {4, 3}},
  };
  for (const auto& c : c2) {
    INFO(c.name);
    CHECK(Score(ScoringStrategyType::kRequestedToCapacityRatio, c, shape_b) == c.want);
  }
}

// Upstream: requested_to_capacity_ratio_test.go TestBrokenLinearFunction @ v1.32 (its cases
// case_0, case_1, case_2, in order).
TEST_CASE("BrokenLinear: upstream TestBrokenLinearFunction", "[scheduler][plugin]") {
  struct Row {
    std::vector<UtilizationShapePoint> shape;
    std::vector<std::pair<int64_t, int64_t>> points;
  };
  std::vector<Row> rows = {
      {{{10, 1}, {90, 9}},
       {{-10, 1}, {0, 1}, {9, 1}, {10, 1}, {15, 1}, {19, 1}, {20, 2}, {89, 8}, {90, 9}, {99, 9}, {100, 9}, {110, 9}}},
      {{{0, 2}, {40, 10}, {100, 0}}, {{-10, 2}, {0, 2}, {20, 6}, {30, 8}, {40, 10}, {70, 5}, {100, 0}, {110, 0}}},
      {{{0, 2}, {40, 2}, {100, 2}}, {{-10, 2}, {0, 2}, {20, 2}, {30, 2}, {40, 2}, {70, 2}, {100, 2}, {110, 2}}},
  };
  for (const auto& r : rows) {
    for (const auto& [p, want] : r.points) {
      INFO("p=" << p);
      CHECK(BrokenLinear(r.shape, p) == want);
    }
  }
}

// Upstream least_allocated_test.go / most_allocated_test.go cases "resource with negative weight",
// "resource with zero weight" and "resource weight larger than MaxNodeScore" (error on field
// scoringStrategy.resources[i].weight); the shape check is kubesim's own, after upstream
// ValidateNodeResourcesFitArgs (pkg/scheduler/apis/config/validation/validation_pluginargs.go).
TEST_CASE("NodeResourcesFitArgs validation rejects weights outside 1..100", "[scheduler][plugin]") {
  for (int64_t w : {-1, 0, 101}) {
    NodeResourcesFitArgs args;
    args.resources = {{"cpu", w}};
    sim::Status s = ValidateNodeResourcesFitArgs(args);
    INFO(w);
    REQUIRE_FALSE(s.ok());
    CHECK_THAT(s.message(), Catch::Contains("scoringStrategy.resources[0].weight"));
  }
  NodeResourcesFitArgs ok;
  ok.resources = {{"cpu", 1}, {"memory", 100}};
  CHECK(ValidateNodeResourcesFitArgs(ok).ok());
  NodeResourcesFitArgs bad_shape;
  bad_shape.type = ScoringStrategyType::kRequestedToCapacityRatio;
  bad_shape.shape = {{50, 1}, {40, 2}};
  CHECK_FALSE(ValidateNodeResourcesFitArgs(bad_shape).ok());
}

Status Filter(const PodBuilder& pod, const NodeInfo& node, NodeResourcesFitArgs args = {}) {
  NodeResourcesFit plugin(std::move(args));
  CycleState state;
  REQUIRE(plugin.PreFilter(state, pod.pod(), {&node}).IsSuccess());
  return plugin.Filter(state, pod.pod(), node);
}

// kubesim's own cases for the rules of upstream fit.go fitsRequest (kubernetes/kubernetes
// pkg/scheduler/framework/plugins/noderesources/fit.go @ v1.32; upstream's table is TestEnoughRequests
// in fit_test.go).
TEST_CASE("NodeResourcesFit Filter: insufficient resources, ignored resources, pod count", "[scheduler][plugin]") {
  NodeInfo node =
      MakeNodeInfo(NodeBuilder("n").Cap({{"cpu", "4"}, {"memory", "8Gi"}, {"pods", "2"}, {"example.com/foo", "1"}}),
                   {PodBuilder("a").Req({{"cpu", "3"}, {"memory", "2Gi"}})});
  CHECK(Filter(PodBuilder().Req({{"cpu", "1"}, {"memory", "6Gi"}}), node).IsSuccess());
  Status s = Filter(PodBuilder().Req({{"cpu", "1500m"}, {"memory", "7Gi"}}), node);
  CHECK(s.code() == Code::kUnschedulable);
  CHECK(s.reasons() == std::vector<std::string>{"Insufficient cpu", "Insufficient memory"});
  CHECK(Filter(PodBuilder().Req({{"example.com/foo", "2"}}), node).reasons() ==
        std::vector<std::string>{"Insufficient example.com/foo"});
  NodeResourcesFitArgs ignore;
  ignore.ignored_resources = {"example.com/foo"};
  CHECK(Filter(PodBuilder().Req({{"example.com/foo", "2"}}), node, ignore).IsSuccess());
  NodeResourcesFitArgs ignore_group;
  ignore_group.ignored_resource_groups = {"example.com"};
  CHECK(Filter(PodBuilder().Req({{"example.com/foo", "2"}}), node, ignore_group).IsSuccess());

  NodeInfo full =
      MakeNodeInfo(NodeBuilder("n").Cap({{"cpu", "4"}, {"memory", "8Gi"}, {"pods", "1"}}), {PodBuilder("a")});
  // The pod count is checked even for a pod that requests nothing.
  CHECK(Filter(PodBuilder(), full).reasons() == std::vector<std::string>{"Too many pods"});
}

// kubesim's own cases for the request arithmetic of kubernetes/kubernetes
// staging/src/k8s.io/component-helpers/resource/helpers.go PodRequests (init containers, restartable
// sidecars, overhead) and the non-zero cpu/memory defaults of pkg/scheduler/util/pod_resources.go @ v1.32.
TEST_CASE("Pod requests: init containers, sidecars, overhead", "[scheduler][plugin]") {
  auto pod = std::make_shared<api::Pod>(PodBuilder().Req({{"cpu", "1"}, {"memory", "1Gi"}}).pod());
  api::Container init;
  init.name = "init";
  init.requests = testing::Resources({{"cpu", "3"}});
  pod->spec.init_containers.push_back(init);
  CHECK(ComputePodRequests(*pod, false).milli_cpu == 3000);  // max(app 1, init 3)
  api::Container sidecar;
  sidecar.name = "sidecar";
  sidecar.restart_policy = "Always";
  sidecar.requests = testing::Resources({{"cpu", "500m"}});
  pod->spec.init_containers.insert(pod->spec.init_containers.begin(), sidecar);
  // The sidecar runs beside the later init container (3.5) and beside the app (1.5).
  CHECK(ComputePodRequests(*pod, false).milli_cpu == 3500);
  pod->spec.overhead = testing::Resources({{"cpu", "250m"}});
  CHECK(ComputePodRequests(*pod, false).milli_cpu == 3750);
  // Non-zero defaults apply only to containers that give no request.
  auto bare = PodBuilder().Container().pod();
  CHECK(ComputePodRequests(bare, true).milli_cpu == kDefaultMilliCPURequest);
  CHECK(ComputePodRequests(bare, true).memory == kDefaultMemoryRequest);
  CHECK(ComputePodRequests(bare, false).milli_cpu == 0);
  CHECK(ComputePodRequests(PodBuilder().pod(), true).milli_cpu == 0);  // no containers: no default
}

}  // namespace
}  // namespace kubesim::scheduler
