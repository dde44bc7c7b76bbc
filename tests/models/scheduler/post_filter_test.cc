// Around a scheduling cycle (kubernetes/kubernetes pkg/scheduler/schedule_one.go @ v1.32:
// evaluateNominatedNode, findNodesThatFitPod, schedulingCycle): the default profile's PostFilter
// plugin, the nominated-node fast path, and a FitError marking the cycle for PostFilter.
#include <catch2/catch.hpp>

#include "models/scheduler/nominator.h"
#include "models/scheduler/profile.h"
#include "models/scheduler/schedule_one.h"
#include "tests/support/builders.h"
#include "tests/support/fake_lister.h"

namespace kubesim::scheduler {
namespace {

using testing::NodeBuilder;
using testing::PodBuilder;

TEST_CASE("Default profile: DefaultPreemption is the PostFilter plugin", "[scheduler]") {
  auto p = Profile::Build(DefaultProfileConfig(), Registry::Default(), PluginContext{});
  REQUIRE(p.ok());
  CHECK((*p)->PluginNames(ExtensionPoint::kPostFilter) == std::vector<std::string>{"DefaultPreemption"});
  CHECK((*p)->HasPostFilterPlugins());
  // Disabling it at the point leaves none.
  ProfileConfig c = DefaultProfileConfig();
  c.points[ExtensionPoint::kPostFilter].disabled = {"DefaultPreemption"};
  auto q = Profile::Build(c, Registry::Default(), PluginContext{});
  REQUIRE(q.ok());
  CHECK_FALSE((*q)->HasPostFilterPlugins());
}

TEST_CASE("Nominated node fast path: tried alone first, chosen without scoring", "[scheduler]") {
  std::vector<NodeInfo> nodes;
  nodes.emplace_back(NodeBuilder("n0").Cap({{"cpu", "8"}, {"memory", "32Gi"}}).Build());
  nodes.emplace_back(NodeBuilder("n1").Cap({{"cpu", "2"}, {"memory", "32Gi"}}).Build());
  nodes.emplace_back(NodeBuilder("n2").Cap({{"cpu", "8"}, {"memory", "32Gi"}}).Build());
  testing::FakeLister lister(nodes);
  auto profile = Profile::Build(DefaultProfileConfig(), Registry::Default(), PluginContext{nullptr, nullptr, &lister});
  REQUIRE(profile.ok());
  PodBuilder b("p");
  b.Req({{"cpu", "1"}});
  b.mutable_pod().status.nominated_node_name = "n1";
  size_t next = 2;
  CycleOptions opts;
  opts.next_start_node_index = &next;
  ScheduleResult r = SchedulePod(**profile, b.pod(), lister.Nodes(), opts);
  // n1 is the least attractive node by score, but it is nominated and fits.
  CHECK(r.selected == "n1");
  CHECK(r.evaluated == 1);
  CHECK(r.scores.empty());
  CHECK(next == 0);  // upstream's one-node findNodesThatPassFilters leaves the index at 0

  SECTION("a nominated node that no longer fits: the normal pass, which may pick it no more") {
    PodBuilder big("big");
    big.Req({{"cpu", "4"}});
    big.mutable_pod().status.nominated_node_name = "n1";
    next = 2;
    ScheduleResult r2 = SchedulePod(**profile, big.pod(), lister.Nodes(), opts);
    CHECK(r2.selected != "n1");
    CHECK_FALSE(r2.selected.empty());
    CHECK(r2.node_status.count("n1") == 1);
    CHECK(r2.evaluated == 3);
  }
  SECTION("a higher-priority pod nominated to the node keeps its room") {
    Nominator nominator;
    nominator.Add(PodBuilder("other").Priority(5).Req({{"cpu", "2"}}).Build(), std::string("n1"));
    opts.nominator = &nominator;
    next = 0;
    ScheduleResult r3 = SchedulePod(**profile, b.pod(), lister.Nodes(), opts);
    CHECK(r3.selected != "n1");
    CHECK(r3.node_status.at("n1").Message() == "Insufficient cpu");
  }
}

TEST_CASE("FitError: marks the cycle for PostFilter, a missing node list does not", "[scheduler]") {
  std::vector<NodeInfo> nodes;
  nodes.emplace_back(NodeBuilder("n0").Cap({{"cpu", "1"}, {"memory", "1Gi"}}).Build());
  testing::FakeLister lister(nodes);
  auto profile = Profile::Build(DefaultProfileConfig(), Registry::Default(), PluginContext{nullptr, nullptr, &lister});
  REQUIRE(profile.ok());
  auto pod = PodBuilder("p").Req({{"cpu", "2"}}).Build();
  ScheduleResult r = SchedulePod(**profile, *pod, lister.Nodes(), CycleOptions{});
  CHECK(r.fit_error);
  CHECK(r.message == "0/1 nodes are available: 1 Insufficient cpu.");
  ScheduleResult none = SchedulePod(**profile, *pod, {}, CycleOptions{});
  CHECK_FALSE(none.fit_error);
}

}  // namespace
}  // namespace kubesim::scheduler
