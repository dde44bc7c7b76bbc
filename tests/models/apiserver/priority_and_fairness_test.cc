#include "models/apiserver/priority_and_fairness.h"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

namespace kubesim::apiserver {
namespace {

TEST_CASE("APF: the v1.32 default priority levels share 600 seats as apf_controller computes", "[apiserver][apf]") {
  sim::Simulation sim(1);
  PriorityAndFairness apf(sim, 400 + 200);
  struct Row {
    PriorityLevel level;
    int nominal, minimum;
  };
  // NominalCL = ceil(600 × shares / 245); MinCL = NominalCL − round(NominalCL × lendable%).
  for (const Row& r : std::vector<Row>{{PriorityLevel::kSystem, 74, 50},
                                       {PriorityLevel::kNodeHigh, 98, 73},
                                       {PriorityLevel::kLeaderElection, 25, 25},
                                       {PriorityLevel::kWorkloadHigh, 98, 49},
                                       {PriorityLevel::kWorkloadLow, 245, 24},
                                       {PriorityLevel::kGlobalDefault, 49, 24},
                                       {PriorityLevel::kCatchAll, 13, 13}}) {
    INFO(PriorityLevelName(r.level));
    CHECK(apf.level(r.level).nominal == r.nominal);
    CHECK(apf.level(r.level).minimum == r.minimum);
  }
  CHECK(apf.level(PriorityLevel::kCatchAll).queues == 0);  // LimitResponse Reject
  CHECK(apf.level(PriorityLevel::kLeaderElection).hand_size == 4);
}

TEST_CASE("APF: requests are classified as the default FlowSchemas match them", "[apiserver][apf]") {
  CHECK(ClassifyClient("kubelet/node-1") == ClientClass::kNode);
  CHECK(ClassifyClient("kube-controller-manager/replicaset") == ClientClass::kControlPlane);
  CHECK(ClassifyClient("scheduler") == ClientClass::kControlPlane);
  CHECK(ClassifyClient("kube-proxy/node-1") == ClientClass::kKubeSystemAccount);
  CHECK(ClassifyClient("scenario") == ClientClass::kAdmin);
  CHECK(Classify(ClientClass::kAdmin, "Pod", false).level == PriorityLevel::kExempt);
  CHECK(ClassifyClient("apiserver-load") == ClientClass::kUser);
  CHECK(Classify(ClientClass::kNode, "Lease", false).level == PriorityLevel::kNodeHigh);
  CHECK(Classify(ClientClass::kNode, "Node", false).level == PriorityLevel::kNodeHigh);
  CHECK(std::string(Classify(ClientClass::kNode, "Pod", false).flow_schema) == "system-nodes");
  CHECK(Classify(ClientClass::kNode, "Pod", false).level == PriorityLevel::kSystem);
  CHECK(Classify(ClientClass::kControlPlane, "Lease", false).level == PriorityLevel::kLeaderElection);
  CHECK(Classify(ClientClass::kControlPlane, "Lease", true).level == PriorityLevel::kWorkloadHigh);
  CHECK(Classify(ClientClass::kControlPlane, "Pod", false).level == PriorityLevel::kWorkloadHigh);
  CHECK(Classify(ClientClass::kKubeSystemAccount, "Pod", true).level == PriorityLevel::kWorkloadHigh);
  CHECK(Classify(ClientClass::kUser, "ConfigMap", false).level == PriorityLevel::kGlobalDefault);
}

TEST_CASE("APF: a full level queues, rejects when the hand's queues are full, and times out after 15 s",
          "[apiserver][apf]") {
  sim::Simulation sim(1);
  // 30 seats: global-default nominal 3 (minimum 1); the other levels' minimums reserve 13.
  PriorityAndFairness apf(sim, 30);
  const PriorityLevel gd = PriorityLevel::kGlobalDefault;
  int seated = 0;
  while (apf.TryDispatch(gd)) ++seated;
  // Its own 3 seats, then borrowing while every other level keeps its minimum: 30 − 13.
  CHECK(seated == 17);
  std::vector<std::string> log;
  const uint64_t flow = FlowHash("apiserver-load");
  // One flow: a hand of 6 queues of 50 holds 300 requests; the 301st is rejected at once.
  for (int i = 0; i < 301; ++i) {
    apf.Wait(
        gd, flow, [&log]() { log.push_back("dispatched"); },
        [&log, &sim](int retry_after, const char* reason) {
          log.push_back(std::string(reason) + "@" + std::to_string(sim.Now().ToSeconds()) + " retry " +
                        std::to_string(retry_after));
        });
  }
  CHECK(apf.waiting(gd) == 300);
  sim.RunUntil(sim::Time::Zero() + sim::Duration::Seconds(1));
  REQUIRE(log.size() == 1);
  CHECK(log[0] == "queue-full@0.000000 retry 1");
  // A freed seat goes to the queue: one dispatch.
  apf.Finish(gd);
  sim.RunUntil(sim::Time::Zero() + sim::Duration::Seconds(2));
  REQUIRE(log.size() == 2);
  CHECK(log[1] == "dispatched");
  CHECK(apf.waiting(gd) == 299);
  // The rest wait out the 15 s limit and are rejected. The third drop within a second doubles
  // Retry-After (3 × retryAfter drops in the last retryAfter seconds); the next increase would
  // need retryAfter more seconds, so it stays at 2.
  sim.RunUntil(sim::Time::Zero() + sim::Duration::Seconds(20));
  REQUIRE(log.size() == 301);
  CHECK(log[2] == "time-out@15.000000 retry 1");
  CHECK(log[4] == "time-out@15.000000 retry 2");
  CHECK(log[300] == "time-out@15.000000 retry 2");
  CHECK(apf.waiting(gd) == 0);
  CHECK(apf.stats().rejected[static_cast<size_t>(gd)] == 300);
  CHECK(apf.stats().queued[static_cast<size_t>(gd)] == 300);
}

TEST_CASE("APF: catch-all rejects instead of queuing, the exempt level is never limited", "[apiserver][apf]") {
  sim::Simulation sim(1);
  PriorityAndFairness apf(sim, 600);
  int seated = 0;
  while (apf.TryDispatch(PriorityLevel::kCatchAll) && seated < 1000) ++seated;
  // Its 13 seats, then borrowing (catch-all lends nothing but, without a borrowing limit, may
  // borrow): 600 − the other levels' guaranteed 50 + 73 + 25 + 49 + 24 + 24.
  CHECK(seated == 355);
  std::string reason;
  apf.Wait(
      PriorityLevel::kCatchAll, 1, []() {}, [&reason](int, const char* r) { reason = r; });
  sim.RunUntil(sim::Time::Zero() + sim::Duration::Seconds(1));
  CHECK(reason == "concurrency-limit");
  for (int i = 0; i < 2000; ++i) REQUIRE(apf.TryDispatch(PriorityLevel::kExempt));
  // Exempt requests take none of the server's seats: another level still borrows as before.
  int workload = 0;
  while (apf.TryDispatch(PriorityLevel::kWorkloadLow) && workload < 1000) ++workload;
  CHECK(workload == 600 - 355 - (50 + 73 + 25 + 49 + 24));
}

}  // namespace
}  // namespace kubesim::apiserver
