#include "models/apiserver/priority_and_fairness.h"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "models/apiserver/flow_control_config.h"

namespace kubesim::apiserver {
namespace {

int Level(const PriorityAndFairness& apf, const char* name) {
  const int l = apf.LevelIndex(name);
  REQUIRE(l >= 0);
  return l;
}

TEST_CASE("APF: the v1.32 default priority levels share 600 seats as apf_controller computes", "[apiserver][apf]") {
  sim::Simulation sim(1);
  PriorityAndFairness apf(sim, 400 + 200, *FlowControlConfig::Default());
  struct Row {
    const char* level;
    int nominal, minimum;
  };
  // NominalCL = ceil(600 × shares / 245); MinCL = NominalCL − round(NominalCL × lendable%).
  for (const Row& r : std::vector<Row>{{"system", 74, 50},
                                       {"node-high", 98, 73},
                                       {"leader-election", 25, 25},
                                       {"workload-high", 98, 49},
                                       {"workload-low", 245, 24},
                                       {"global-default", 49, 24},
                                       {"catch-all", 13, 13}}) {
    INFO(r.level);
    CHECK(apf.level(Level(apf, r.level)).nominal == r.nominal);
    CHECK(apf.level(Level(apf, r.level)).minimum == r.minimum);
  }
  CHECK(apf.level(Level(apf, "catch-all")).queues == 0);  // LimitResponse Reject
  CHECK(apf.level(Level(apf, "leader-election")).hand_size == 4);
  CHECK(apf.level(Level(apf, "exempt")).exempt);
}

TEST_CASE("APF: a full level queues, rejects when the hand's queues are full, and times out after 15 s",
          "[apiserver][apf]") {
  sim::Simulation sim(1);
  // 30 seats: global-default nominal 3 (minimum 1); the other levels' minimums reserve 13.
  PriorityAndFairness apf(sim, 30, *FlowControlConfig::Default());
  const int gd = Level(apf, "global-default");
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
  CHECK(apf.stats(gd).rejected == 300);
  CHECK(apf.stats(gd).queued == 300);
}

TEST_CASE("APF: catch-all rejects instead of queuing, the exempt level is never limited", "[apiserver][apf]") {
  sim::Simulation sim(1);
  PriorityAndFairness apf(sim, 600, *FlowControlConfig::Default());
  const int catch_all = Level(apf, "catch-all");
  int seated = 0;
  while (apf.TryDispatch(catch_all) && seated < 1000) ++seated;
  // Its 13 seats, then borrowing (catch-all lends nothing but, without a borrowing limit, may
  // borrow): 600 − the other levels' guaranteed 50 + 73 + 25 + 49 + 24 + 24.
  CHECK(seated == 355);
  std::string reason;
  apf.Wait(
      catch_all, 1, []() {}, [&reason](int, const char* r) { reason = r; });
  sim.RunUntil(sim::Time::Zero() + sim::Duration::Seconds(1));
  CHECK(reason == "concurrency-limit");
  for (int i = 0; i < 2000; ++i) REQUIRE(apf.TryDispatch(Level(apf, "exempt")));
  // Exempt requests take none of the server's seats: another level still borrows as before.
  int workload = 0;
  while (apf.TryDispatch(Level(apf, "workload-low")) && workload < 1000) ++workload;
  CHECK(workload == 600 - 355 - (50 + 73 + 25 + 49 + 24));
}

TEST_CASE("APF: a new configuration keeps seats and queues of its levels, a removed level drains", "[apiserver][apf]") {
  sim::Simulation sim(1);
  auto bulk = std::make_shared<api::PriorityLevelConfiguration>();
  bulk->metadata.name = "bulk";
  bulk->nominal_concurrency_shares = 5;
  bulk->borrowing_limit_percent = 0;  // never more than its nominal share
  bulk->queues = 4;
  bulk->hand_size = 1;
  PriorityAndFairness apf(sim, 600, *FlowControlConfig::Build({}, {bulk}));
  const int b = Level(apf, "bulk");
  // ceil(600 × 5 / 250) = 12 seats and no borrowing.
  CHECK(apf.level(b).nominal == 12);
  int seated = 0;
  while (apf.TryDispatch(b) && seated < 100) ++seated;
  CHECK(seated == 12);
  int dispatched = 0;
  for (int i = 0; i < 3; ++i) {
    apf.Wait(
        b, 7, [&dispatched]() { ++dispatched; }, [](int, const char*) {});
  }
  CHECK(apf.waiting(b) == 3);
  // The level goes: its queued requests are dispatched as seats allow (it borrows freely now).
  apf.Reconfigure(*FlowControlConfig::Default());
  CHECK(apf.level(b).retired);
  CHECK(Level(apf, "bulk") == b);  // numbers stay
  sim.RunUntil(sim::Time::Zero() + sim::Duration::Seconds(1));
  CHECK(dispatched == 3);
  CHECK(apf.in_use(b) == 15);
  // Global-default's nominal share went back to ceil(600 × 20 / 245).
  CHECK(apf.level(Level(apf, "global-default")).nominal == 49);
}

TEST_CASE("APF: a level's max seats per request as apf_controller computes them", "[apiserver][apf]") {
  // Upstream's test vectors (apf_controller_test.go Test_GetMaxSeats): a level of 10,000 shares,
  // so that its nominal share is about the server's, and a hand size.
  struct Row {
    int nominal, hand_size, max_seats;
  };
  for (const Row& r : std::vector<Row>{{5, 6, 1},
                                       {10, 6, 1},
                                       {15, 6, 2},
                                       {20, 6, 3},
                                       {35, 6, 5},
                                       {100, 6, 15},
                                       {200, 6, 30},
                                       {10, 1, 2},
                                       {100, 20, 5}}) {
    auto pl = std::make_shared<api::PriorityLevelConfiguration>();
    pl->metadata.name = "test-pl";
    pl->nominal_concurrency_shares = 10000;
    pl->queues = 64;
    pl->hand_size = r.hand_size;
    auto config = FlowControlConfig::Build({}, {pl});
    // The server concurrency that gives the level exactly this nominal share beside the
    // bootstrap levels.
    sim::Simulation sim(1);
    const int index = config->LevelIndex("test-pl");
    int server = r.nominal;
    while (PriorityAndFairness(sim, server, *config).level(index).nominal < r.nominal) ++server;
    PriorityAndFairness apf(sim, server, *config);
    const PriorityAndFairness::Level& level = apf.level(index);
    INFO("nominal " << r.nominal << " handSize " << r.hand_size);
    REQUIRE(level.nominal == r.nominal);
    CHECK(level.max_seats == r.max_seats);
  }
}

TEST_CASE("APF: a request of several seats waits until they are all free", "[apiserver][apf]") {
  sim::Simulation sim(1);
  auto bulk = std::make_shared<api::PriorityLevelConfiguration>();
  bulk->metadata.name = "bulk";
  bulk->nominal_concurrency_shares = 5;
  bulk->borrowing_limit_percent = 0;
  bulk->queues = 4;
  bulk->hand_size = 1;
  PriorityAndFairness apf(sim, 600, *FlowControlConfig::Build({}, {bulk}));
  const int b = Level(apf, "bulk");
  REQUIRE(apf.level(b).nominal == 12);
  CHECK(apf.TryDispatch(b, 10));
  CHECK_FALSE(apf.TryDispatch(b, 3));  // 13 > 12
  std::vector<std::string> log;
  apf.Wait(
      b, 1, [&log]() { log.push_back("wide"); }, [](int, const char*) {}, 3);
  apf.Wait(
      b, 1, [&log]() { log.push_back("narrow"); }, [](int, const char*) {}, 1);
  CHECK(apf.TryDispatch(b, 1) == false);  // requests are waiting: new ones queue behind them
  // One seat frees: the 3-seat request at the head of its queue still does not fit, and the one
  // behind it waits with it.
  apf.Finish(b, 10);
  sim.RunUntil(sim::Time::Zero() + sim::Duration::Seconds(1));
  CHECK(log == std::vector<std::string>{"wide", "narrow"});
  CHECK(apf.in_use(b) == 4);
  CHECK(apf.stats(b).max_in_use == 10);
}

}  // namespace
}  // namespace kubesim::apiserver
