// Scheduler core (kubernetes/kubernetes pkg/scheduler/schedule_one.go, backend/queue and
// backend/cache @ v1.32): node sampling, backoff, normalisation, the FitError message, the
// zone-interleaved node order, and queue order.
#include <catch2/catch.hpp>

#include "models/scheduler/cache.h"
#include "models/scheduler/plugins/priority_sort.h"
#include "models/scheduler/scheduler.h"
#include "models/scheduler/scheduling_queue.h"
#include "tests/support/builders.h"

namespace kubesim::scheduler {
namespace {

using testing::NodeBuilder;
using testing::PodBuilder;

// kubesim's own vectors, derived from upstream schedule_one.go numFeasibleNodesToFind
// (minFeasibleNodesToFind 100, adaptive percentage 50 − N/125, at least 5 %).
TEST_CASE("numFeasibleNodesToFind: adaptive and configured percentages", "[scheduler]") {
  std::vector<std::pair<int32_t, int32_t>> rows = {{50, 50},    {99, 99},    {100, 100},  {200, 100},
                                                   {1000, 420}, {5000, 500}, {5625, 281}, {10000, 500}};
  for (auto [n, want] : rows) {
    INFO("N=" << n);
    CHECK(NumFeasibleNodesToFind(0, n) == want);
  }
  CHECK(NumFeasibleNodesToFind(30, 1000) == 300);
  CHECK(NumFeasibleNodesToFind(1, 1000) == 100);  // never below 100
  CHECK(NumFeasibleNodesToFind(100, 50) == 50);
}

// kubesim's own vectors, derived from upstream backend/queue/scheduling_queue.go
// calculateBackoffDuration with the v1 defaults (podInitialBackoffSeconds 1, podMaxBackoffSeconds 10).
TEST_CASE("Pod backoff: 1 s doubling per attempt, capped at 10 s", "[scheduler]") {
  sim::Simulation sim(1);
  PrioritySort sort;
  SchedulingQueue q(sim, sort, QueueConfig{});
  CHECK(q.BackoffDuration(0) == sim::Duration::Zero());
  CHECK(q.BackoffDuration(1) == sim::Duration::Seconds(1));
  CHECK(q.BackoffDuration(2) == sim::Duration::Seconds(2));
  CHECK(q.BackoffDuration(3) == sim::Duration::Seconds(4));
  CHECK(q.BackoffDuration(4) == sim::Duration::Seconds(8));
  CHECK(q.BackoffDuration(5) == sim::Duration::Seconds(10));
  CHECK(q.BackoffDuration(60) == sim::Duration::Seconds(10));
}

// kubesim's own vectors, derived from upstream pkg/scheduler/framework/plugins/helper/normalize_score.go
// DefaultNormalizeScore as TaintToleration (reverse) and NodeAffinity use it.
TEST_CASE("DefaultNormalizeScore: reversed and plain", "[scheduler]") {
  NodeScoreList taint = {{"a", 0}, {"b", 1}, {"c", 2}};
  DefaultNormalizeScore(100, true, taint);
  CHECK(std::vector<int64_t>{taint[0].score, taint[1].score, taint[2].score} == std::vector<int64_t>{100, 50, 0});
  NodeScoreList zeros = {{"a", 0}, {"b", 0}};
  DefaultNormalizeScore(100, true, zeros);
  CHECK((zeros[0].score == 100 && zeros[1].score == 100));
  NodeScoreList affinity = {{"a", 2}, {"b", 11}, {"c", 4}};
  DefaultNormalizeScore(100, false, affinity);
  CHECK(std::vector<int64_t>{affinity[0].score, affinity[1].score, affinity[2].score} ==
        std::vector<int64_t>{18, 100, 36});
}

TEST_CASE("FitError message: upstream format, reasons sorted as strings", "[scheduler]") {
  std::map<std::string, Status> statuses = {
      {"n1", Status::Unschedulable("Insufficient cpu")},
      {"n2", Status::Unschedulable("Insufficient cpu")},
      {"n3", Status::Unschedulable("Insufficient cpu")},
      {"n4", Status::Unresolvable("node(s) had untolerated taint {a: b}")},
      {"n5", Status(Code::kUnschedulable, {"Insufficient cpu", "Insufficient memory"})},
  };
  CHECK(FitErrorMessage(5, statuses) ==
        "0/5 nodes are available: 1 Insufficient memory, 1 node(s) had untolerated taint {a: b}, 4 Insufficient cpu.");
  CHECK(FitErrorMessage(3, {}, "pod has unbound immediate PersistentVolumeClaims") ==
        "0/3 nodes are available: pod has unbound immediate PersistentVolumeClaims.");
}

TEST_CASE("Cache: NodeTree interleaves zones in order of appearance", "[scheduler]") {
  Cache cache;
  auto zoned = [](const char* name, const char* zone) {
    return NodeBuilder(name).Cap({{"cpu", "1"}}).Label(api::kLabelRegion, "r").Label(api::kLabelZone, zone).Build();
  };
  cache.AddNode(zoned("a1", "a"));
  cache.AddNode(zoned("a2", "a"));
  cache.AddNode(zoned("a3", "a"));
  cache.AddNode(zoned("b1", "b"));
  cache.AddNode(zoned("c1", "c"));
  cache.AddNode(zoned("c2", "c"));
  std::vector<std::string> names;
  for (const NodeInfo* n : cache.NodeList()) names.push_back(n->name());
  CHECK(names == std::vector<std::string>{"a1", "b1", "c1", "a2", "c2", "a3"});
  cache.RemoveNode("b1");
  names.clear();
  for (const NodeInfo* n : cache.NodeList()) names.push_back(n->name());
  CHECK(names == std::vector<std::string>{"a1", "c1", "a2", "c2", "a3"});
}

TEST_CASE("Cache: assumed pods count until forgotten or confirmed", "[scheduler]") {
  Cache cache;
  cache.AddNode(NodeBuilder("n1").Cap({{"cpu", "4"}, {"memory", "4Gi"}}).Build());
  auto pod = PodBuilder("p").Req({{"cpu", "1"}}).Node("n1").Build();
  cache.AssumePod(pod);
  CHECK(cache.IsAssumed("uid-p"));
  CHECK(cache.GetNode("n1")->requested().milli_cpu == 1000);
  cache.AddPod(pod);  // the informer confirms the binding: counted once
  CHECK_FALSE(cache.IsAssumed("uid-p"));
  CHECK(cache.GetNode("n1")->requested().milli_cpu == 1000);
  CHECK(cache.GetNode("n1")->pods().size() == 1);
  cache.RemovePod(*pod);
  CHECK(cache.GetNode("n1")->requested().milli_cpu == 0);
  auto other = PodBuilder("q").Req({{"cpu", "2"}}).Node("n1").Build();
  cache.AssumePod(other);
  cache.ForgetPod("uid-q");
  CHECK(cache.GetNode("n1")->requested().milli_cpu == 0);
}

TEST_CASE("SchedulingQueue: priority first, then queue time, and unschedulable pods wait for events", "[scheduler]") {
  sim::Simulation sim(1);
  PrioritySort sort;
  SchedulingQueue q(sim, sort, QueueConfig{});
  q.Add(PodBuilder("low").Priority(0).Build());
  q.Add(PodBuilder("high").Priority(100).Build());
  q.Add(PodBuilder("low2").Priority(0).Build());
  auto first = q.Pop();
  REQUIRE(first);
  CHECK(first->pod->metadata.name == "high");
  CHECK(first->attempts == 1);
  CHECK(q.Pop()->pod->metadata.name == "low");
  auto third = q.Pop();
  CHECK(third->pod->metadata.name == "low2");
  CHECK_FALSE(q.Pop());

  // low2 fails; no event came during its cycle → unschedulable pool.
  third->unschedulable_plugins = {"NodeResourcesFit"};
  third->requeue_events = kEventNodeAdd | kEventAssignedPodDelete;
  q.AddUnschedulableIfNotPresent(*third, q.scheduling_cycle());
  CHECK(q.unschedulable_size() == 1);
  q.MoveAllToActiveOrBackoffQueue(kEventAssignedPodUpdate);  // not registered: stays
  CHECK(q.unschedulable_size() == 1);
  q.MoveAllToActiveOrBackoffQueue(kEventNodeAdd);  // still backing off (1 s) → backoffQ
  CHECK(q.unschedulable_size() == 0);
  CHECK(q.backoff_size() == 1);
  q.Run();
  sim.RunUntil(sim::Time::Zero() + sim::Duration::Seconds(1));
  CHECK(q.active_size() == 1);  // flushed by the 1 s loop once the backoff expired
  CHECK(q.Pop()->attempts == 2);
}

}  // namespace
}  // namespace kubesim::scheduler
