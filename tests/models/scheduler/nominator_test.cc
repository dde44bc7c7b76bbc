// The nominator against upstream's cases (kubernetes/kubernetes pkg/scheduler/backend/queue/
// scheduling_queue_test.go and pkg/scheduler/schedule_one_test.go @ v1.32), where upstream keeps
// the nominator inside the PriorityQueue. Each TEST_CASE is one upstream test function; sections
// carry upstream's `name:` strings.
//
// Not ported: the steps that nominate a pod missing from, or already bound in, the pod informer
// ("deleted pod shouldn't be added into PodNominator" and two steps of
// TestPriorityQueue_UpdateNominatedPodForNode). Upstream's nominator checks its pod lister there;
// kubesim's has none, and its scheduler only nominates pods it has just popped or seen in the
// informer.
#include "models/scheduler/nominator.h"

#include <catch2/catch.hpp>

#include "models/scheduler/schedule_one.h"
#include "tests/support/builders.h"
#include "tests/support/fake_plugins.h"

namespace kubesim::scheduler {
namespace {

using testing::PodBuilder;

constexpr int32_t kLowPriority = 0;
constexpr int32_t kMidPriority = 100;
constexpr int32_t kHighPriority = 1000;

// Upstream's fixtures: highPriorityPodInfo, highPriNominatedPodInfo, medPriorityPodInfo and
// unschedulablePodInfo (the last two nominated to node1).
std::shared_ptr<const api::Pod> Pod(const std::string& name, const std::string& ns, const std::string& uid,
                                    int32_t priority, const std::string& nominated = "") {
  PodBuilder b(name);
  b.Namespace(ns).Uid(uid).Priority(priority);
  b.mutable_pod().status.nominated_node_name = nominated;
  return b.Build();
}
std::shared_ptr<const api::Pod> High() { return Pod("hpp", "ns1", "hppns1", kHighPriority); }
std::shared_ptr<const api::Pod> HighNominated() { return Pod("hpp", "ns1", "hppns1", kHighPriority, "node1"); }
std::shared_ptr<const api::Pod> Med() {
  return Pod("mpp", "ns2", "mppns2", (kLowPriority + kHighPriority) / 2, "node1");
}
std::shared_ptr<const api::Pod> Unschedulable() { return Pod("up", "ns1", "upns1", kLowPriority, "node1"); }

std::vector<std::string> Uids(const std::vector<std::shared_ptr<const api::Pod>>& pods) {
  std::vector<std::string> out;
  for (const auto& p : pods) out.push_back(p->metadata.uid);
  return out;
}

TEST_CASE("TestPriorityQueue_NominatedPodsForNode", "[scheduler]") {
  Nominator n;
  n.Add(Med());
  n.Add(Unschedulable());
  n.Add(High());  // no nomination: not added
  CHECK(Uids(n.PodsForNode("node1")) == std::vector<std::string>{"mppns2", "upns1"});
  CHECK(n.PodsForNode("node2").empty());
  CHECK(n.size() == 2);
}

TEST_CASE("TestPriorityQueue_UpdateNominatedPodForNode", "[scheduler]") {
  Nominator n;
  n.Add(Med());
  // Nominated to a node other than the pod's own status says (ModeOverride).
  n.Add(Unschedulable(), std::string("node5"));
  n.Add(High(), std::string("node2"));
  CHECK(n.NodeOf("mppns2") == "node1");
  CHECK(n.NodeOf("hppns1") == "node2");
  CHECK(n.NodeOf("upns1") == "node5");
  CHECK(Uids(n.PodsForNode("node5")) == std::vector<std::string>{"upns1"});
  // Nominating again moves the pod.
  n.Add(High(), std::string("node4"));
  CHECK(n.NodeOf("hppns1") == "node4");
  CHECK(n.PodsForNode("node2").empty());
  CHECK(Uids(n.PodsForNode("node4")) == std::vector<std::string>{"hppns1"});
  // Delete a nominated pod that has no nominatedNodeName in its object.
  n.Delete("hppns1");
  CHECK(n.NodeOf("hppns1").empty());
  CHECK(n.size() == 2);
  CHECK(Uids(n.PodsForNode("node1")) == std::vector<std::string>{"mppns2"});
}

TEST_CASE("TestPriorityQueue_NominatedPodDeleted", "[scheduler]") {
  SECTION("alive pod gets added into PodNominator") {
    Nominator n;
    n.Add(Med());
    CHECK(n.PodsForNode("node1").size() == 1);
  }
  SECTION("pod without .status.nominatedPodName specified shouldn't be added into PodNominator") {
    Nominator n;
    n.Add(High());
    CHECK(n.PodsForNode("").empty());
    CHECK(n.size() == 0);
  }
}

TEST_CASE("TestPriorityQueue_Delete: the nominator half", "[scheduler]") {
  // The nominator half: an update that sets nominatedNodeName nominates the pod; deleting the
  // pod drops its nomination.
  Nominator n;
  n.Update(*High(), HighNominated());
  n.Add(Unschedulable());
  CHECK(n.size() == 2);
  n.Delete("hppns1");
  CHECK(n.size() == 1);
  CHECK(Uids(n.PodsForNode("node1")) == std::vector<std::string>{"upns1"});
  n.Delete("upns1");
  CHECK(n.size() == 0);
  CHECK(n.PodsForNode("node1").empty());
}

TEST_CASE("TestPriorityQueue_Update: the nominator half", "[scheduler]") {
  SECTION("Update highPriorityPodInfo and add a nominatedNodeName to it") {
    Nominator n;
    n.Update(*High(), HighNominated());
    CHECK(n.size() == 1);
    CHECK(n.NodeOf("hppns1") == "node1");
  }
  SECTION("an update carrying no nomination keeps the node reserved in memory") {
    // Upstream UpdateNominatedPod: the scheduler nominated the pod before its status write came
    // back through the informer.
    Nominator n;
    n.Add(High(), std::string("node1"));
    n.Update(*High(), High());
    CHECK(n.NodeOf("hppns1") == "node1");
    // An update that removes a nomination the object carried clears it.
    n.Add(HighNominated());
    n.Update(*HighNominated(), High());
    CHECK(n.NodeOf("hppns1").empty());
  }
}

TEST_CASE("TestFindFitPredicateCallCounts", "[scheduler]") {
  // A pod nominated to the node with at least the incoming pod's priority makes the filters run
  // twice: with the nominated pod added, then without (RunFilterPluginsWithNominatedPods).
  struct Row {
    const char* name;
    int32_t priority;
    int want_calls;
  };
  std::vector<Row> rows = {
      {"nominated pods have lower priority, predicate is called once", kHighPriority, 1},
      {"nominated pods have higher priority, predicate is called twice", kLowPriority, 2},
  };
  for (const auto& r : rows) {
    DYNAMIC_SECTION(r.name) {
      auto filter = std::make_shared<testing::FakeFilter>();
      auto profile = testing::MakeTestProfile({testing::TestPlugin{filter, 0}});
      std::vector<NodeInfo> infos;
      infos.emplace_back(testing::NodeBuilder("1").Build());
      std::vector<const NodeInfo*> nodes = {&infos[0]};
      Nominator nominator;
      nominator.Add(Pod("nominated", "default", "nominated", kMidPriority), std::string("1"));
      CycleOptions opts;
      opts.nominator = &nominator;
      auto pod = Pod("1", "default", "1", r.priority);
      ScheduleResult result = SchedulePod(*profile, *pod, nodes, opts);
      CHECK(result.selected == "1");
      CHECK(filter->calls == r.want_calls);
    }
  }
}

}  // namespace
}  // namespace kubesim::scheduler
