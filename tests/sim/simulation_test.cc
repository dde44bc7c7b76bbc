#include "sim/simulation.h"

#include <catch2/catch.hpp>
#include <functional>
#include <string>
#include <vector>

namespace kubesim::sim {
namespace {

TEST_CASE("Simulation starts at the epoch with nothing pending", "[sim]") {
  Simulation sim(1);
  CHECK(sim.Now() == Time());
  CHECK(sim.pending() == 0);
  CHECK_FALSE(sim.Step());
  CHECK(sim.events_processed() == 0);
  CHECK(sim.random().master_seed() == 1);
}

TEST_CASE("Step runs one event and advances Now", "[sim]") {
  Simulation sim(1);
  std::vector<Time> seen;
  sim.At(Time() + Duration::Seconds(2), [&] { seen.push_back(sim.Now()); });
  sim.After(Duration::Seconds(1), [&] { seen.push_back(sim.Now()); });
  CHECK(sim.pending() == 2);
  REQUIRE(sim.Step());
  CHECK(sim.Now() == Time() + Duration::Seconds(1));
  REQUIRE(sim.Step());
  CHECK(sim.Now() == Time() + Duration::Seconds(2));
  CHECK_FALSE(sim.Step());
  CHECK(seen == std::vector<Time>{Time() + Duration::Seconds(1), Time() + Duration::Seconds(2)});
  CHECK(sim.events_processed() == 2);
}

TEST_CASE("RunUntil runs events up to and including t, then sets Now", "[sim]") {
  Simulation sim(1);
  std::vector<int> ran;
  for (int i = 1; i <= 5; ++i) sim.At(Time() + Duration::Seconds(i), [&ran, i] { ran.push_back(i); });
  sim.RunUntil(Time() + Duration::Seconds(3));
  CHECK(ran == std::vector<int>{1, 2, 3});
  CHECK(sim.Now() == Time() + Duration::Seconds(3));
  sim.RunUntil(Time() + Duration::Milliseconds(3500));
  CHECK(sim.Now() == Time() + Duration::Milliseconds(3500));
  CHECK(sim.pending() == 2);
  // An earlier target never moves time backwards.
  sim.RunUntil(Time() + Duration::Seconds(1));
  CHECK(sim.Now() == Time() + Duration::Milliseconds(3500));
  sim.Run();
  CHECK(ran == std::vector<int>{1, 2, 3, 4, 5});
  CHECK(sim.Now() == Time() + Duration::Seconds(5));
}

TEST_CASE("Events scheduled by events run in key order", "[sim]") {
  Simulation sim(1);
  std::vector<std::string> log;
  sim.At(Time() + Duration::Seconds(1), [&] {
    log.push_back("work");
    sim.After(
        Duration::Zero(), [&] { log.push_back("observe"); }, Phase::kObserve);
    sim.After(Duration::Zero(), [&] { log.push_back("work-2"); });
    sim.After(
        Duration::Zero(), [&] { log.push_back("delivery-late"); }, Phase::kDelivery);
  });
  sim.At(
      Time() + Duration::Seconds(1), [&] { log.push_back("input"); }, Phase::kInput);
  sim.Run();
  // delivery-late was scheduled below the running phase: it is the smallest key left, so it runs next.
  CHECK(log == std::vector<std::string>{"input", "work", "delivery-late", "work-2", "observe"});
}

TEST_CASE("Cancel through the Simulation", "[sim]") {
  Simulation sim(1);
  int ran = 0;
  const EventId id = sim.After(Duration::Seconds(1), [&] { ++ran; });
  sim.After(Duration::Seconds(2), [&] { ++ran; });
  CHECK(sim.Cancel(id));
  CHECK(sim.pending() == 1);
  sim.Run();
  CHECK(ran == 1);
  CHECK_FALSE(sim.Cancel(id));
}

TEST_CASE("Stop makes Run and RunUntil return after the current event", "[sim]") {
  Simulation sim(1);
  int ran = 0;
  for (int i = 1; i <= 6; ++i) {
    sim.At(Time() + Duration::Seconds(i), [&sim, &ran, i] {
      ++ran;
      if (i == 2 || i == 4) sim.Stop();
    });
  }
  sim.Run();
  CHECK(ran == 2);
  CHECK(sim.Now() == Time() + Duration::Seconds(2));
  sim.RunUntil(Time() + Duration::Seconds(10));
  CHECK(ran == 4);
  CHECK(sim.Now() == Time() + Duration::Seconds(4));  // stopped: Now() stays at the event
  sim.Run();
  CHECK(ran == 6);
}

TEST_CASE("A self-rescheduling timer ticks deterministically", "[sim]") {
  auto run = [](uint64_t seed) {
    Simulation sim(seed);
    Rng& rng = sim.Stream("timer");
    std::function<void()> tick = [&] {
      sim.fingerprint().Add(sim.Now());
      if (sim.events_processed() < 1000) sim.After(rng.ExponentialDuration(Duration::Seconds(1)), tick);
    };
    sim.After(Duration::Zero(), tick);
    sim.Run();
    return sim.fingerprint().ToHex();
  };
  CHECK(run(1) == run(1));
  CHECK(run(1) != run(2));
}

TEST_CASE("Several Simulations coexist independently", "[sim]") {
  Simulation a(1);
  Simulation b(1);
  int ran_a = 0;
  a.After(Duration::Seconds(1), [&] { ++ran_a; });
  b.After(Duration::Seconds(5), [] {});
  a.Run();
  CHECK(ran_a == 1);
  CHECK(a.Now() == Time() + Duration::Seconds(1));
  CHECK(b.Now() == Time());
  CHECK(b.pending() == 1);
  CHECK(a.Stream("x").NextU64() == b.Stream("x").NextU64());
}

}  // namespace
}  // namespace kubesim::sim
