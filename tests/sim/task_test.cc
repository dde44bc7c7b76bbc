#include "sim/task.h"

#include <catch2/catch.hpp>
#include <memory>
#include <string>
#include <vector>

#include "sim/simulation.h"

namespace kubesim::sim {
namespace {

Task Sleeper(Simulation& sim, std::vector<Time>* seen) {
  seen->push_back(sim.Now());
  co_await sim.Sleep(Duration::Seconds(1));
  seen->push_back(sim.Now());
  co_await Sleep(sim, Duration::Milliseconds(500));
  seen->push_back(sim.Now());
  co_await sim.SleepUntil(Time() + Duration::Seconds(10));
  seen->push_back(sim.Now());
}

TEST_CASE("A process sleeps and observes Now", "[sim]") {
  Simulation sim(1);
  std::vector<Time> seen;
  sim.After(Duration::Seconds(3), [&] { sim.Spawn(Sleeper(sim, &seen)); });
  sim.Run();
  CHECK(seen == std::vector<Time>{Time() + Duration::Seconds(3), Time() + Duration::Seconds(4),
                                  Time() + Duration::Milliseconds(4500), Time() + Duration::Seconds(10)});
  CHECK(sim.live_processes() == 0);
}

TEST_CASE("A spawned process does not run until its event", "[sim]") {
  Simulation sim(1);
  std::vector<Time> seen;
  sim.Spawn(Sleeper(sim, &seen));
  CHECK(seen.empty());
  CHECK(sim.live_processes() == 1);
  sim.Step();
  CHECK(seen.size() == 1);
  sim.Run();
  CHECK(seen.size() == 4);
  CHECK(sim.live_processes() == 0);
}

Task Ticker(Simulation& sim, std::string name, Duration period, int n, std::vector<std::string>* log) {
  for (int i = 0; i < n; ++i) {
    log->push_back(name + "@" + sim.Now().ToString());
    co_await sim.Sleep(period);
  }
}

TEST_CASE("Two processes interleave deterministically", "[sim]") {
  auto run = [] {
    Simulation sim(1);
    std::vector<std::string> log;
    sim.Spawn(Ticker(sim, "a", Duration::Seconds(2), 3, &log));
    sim.Spawn(Ticker(sim, "b", Duration::Seconds(3), 3, &log));
    sim.Run();
    return log;
  };
  const auto log = run();
  // At 6s both wake; a slept first (at 4s) so its wake-up was scheduled first: FIFO.
  CHECK(log == std::vector<std::string>{"a@0s", "b@0s", "a@2s", "b@3s", "a@4s", "b@6s"});
  CHECK(run() == log);
}

Task Awaiter(Simulation& sim, std::shared_ptr<Completion<int>> c, std::vector<std::string>* log) {
  log->push_back("wait@" + sim.Now().ToString());
  const int v = co_await *c;
  log->push_back("got " + std::to_string(v) + "@" + sim.Now().ToString());
}

TEST_CASE("Completion set after the await resumes the process in a later event", "[sim]") {
  Simulation sim(1);
  std::vector<std::string> log;
  auto c = std::make_shared<Completion<int>>(sim);
  sim.Spawn(Awaiter(sim, c, &log));
  sim.After(Duration::Seconds(5), [c, &log] {
    c->Set(42);
    log.push_back("set");  // runs before the process resumes: no re-entrant resumption
  });
  c.reset();  // only the process frame and the callback hold it now
  sim.Run();
  CHECK(log == std::vector<std::string>{"wait@0s", "set", "got 42@5s"});
}

TEST_CASE("Completion set before the await does not suspend", "[sim]") {
  Simulation sim(1);
  std::vector<std::string> log;
  auto c = std::make_shared<Completion<int>>(sim);
  c->Set(7);
  CHECK(c->is_set());
  sim.After(Duration::Seconds(1), [&] { sim.Spawn(Awaiter(sim, c, &log)); });
  sim.Run();
  CHECK(log == std::vector<std::string>{"wait@1s", "got 7@1s"});
  // Resuming without suspension means no extra event: spawn callback + first resumption only.
  CHECK(sim.events_processed() == 2);
}

Task MoveOnlyAwaiter(std::shared_ptr<Completion<std::unique_ptr<int>>> c, int* out) {
  std::unique_ptr<int> p = co_await *c;
  *out = *p;
}

TEST_CASE("Completion carries move-only values and may die right after Set", "[sim]") {
  Simulation sim(1);
  int out = 0;
  {
    auto c = std::make_shared<Completion<std::unique_ptr<int>>>(sim);
    sim.Spawn(MoveOnlyAwaiter(c, &out));
    sim.Step();  // the process is now waiting
    c->Set(std::make_unique<int>(9));
  }
  sim.Run();
  CHECK(out == 9);
}

Task RawCompletionAwaiter(Completion<int>* c, int* out) { *out = co_await *c; }

TEST_CASE("Completion destroyed right after Set, value already in the frame", "[sim]") {
  Simulation sim(1);
  int out = 0;
  auto c = std::make_unique<Completion<int>>(sim);
  sim.Spawn(RawCompletionAwaiter(c.get(), &out));
  sim.Step();
  c->Set(5);
  c.reset();
  sim.Run();
  CHECK(out == 5);
}

Task VoidAwaiter(Simulation& sim, std::shared_ptr<Completion<void>> c, Time* woke) {
  co_await *c;
  *woke = sim.Now();
}

TEST_CASE("Completion<void>", "[sim]") {
  Simulation sim(1);
  Time woke;
  auto c = std::make_shared<Completion<void>>(sim);
  sim.Spawn(VoidAwaiter(sim, c, &woke));
  sim.After(Duration::Milliseconds(250), [c] { c->Set(); });
  sim.Run();
  CHECK(woke == Time() + Duration::Milliseconds(250));

  auto pre = std::make_shared<Completion<void>>(sim);
  pre->Set();
  Time woke2;
  sim.Spawn(VoidAwaiter(sim, pre, &woke2));
  sim.Run();
  CHECK(woke2 == Time() + Duration::Milliseconds(250));
}

struct DestructionFlag {
  bool* flag;
  ~DestructionFlag() { *flag = true; }
};

Task WaitsForever(std::shared_ptr<Completion<int>> c, std::shared_ptr<int> payload, bool* destroyed) {
  DestructionFlag guard{destroyed};
  (void)payload;
  co_await *c;
}

TEST_CASE("Destroying the Simulation frees processes still waiting", "[sim]") {
  bool destroyed = false;
  auto payload = std::make_shared<int>(1);
  std::shared_ptr<Completion<int>> c;  // outlives the Simulation and its waiting frame
  {
    Simulation sim(1);
    c = std::make_shared<Completion<int>>(sim);
    sim.Spawn(WaitsForever(c, payload, &destroyed));
    sim.Spawn(WaitsForever(std::make_shared<Completion<int>>(sim), payload, &destroyed));
    sim.Spawn(Ticker(sim, "never-started", Duration::Seconds(1), 1, nullptr));  // never resumed
    sim.Step();
    sim.Step();
    CHECK(payload.use_count() == 3);
    CHECK(sim.live_processes() == 3);
  }
  CHECK(destroyed);
  CHECK(payload.use_count() == 1);
  // The waiter unregistered itself: the surviving Completion no longer points into a dead frame.
  c.reset();
}

TEST_CASE("Destroying the Simulation with a resumption pending", "[sim]") {
  bool destroyed = false;
  auto payload = std::make_shared<int>(1);
  {
    Simulation sim(1);
    auto c = std::make_shared<Completion<int>>(sim);
    sim.Spawn(WaitsForever(c, payload, &destroyed));
    sim.Step();
    c->Set(1);  // schedules the resumption, which never runs
    CHECK(sim.pending() == 1);
  }
  CHECK(destroyed);
  CHECK(payload.use_count() == 1);
}

TEST_CASE("An unspawned Task frees its frame", "[sim]") {
  Simulation sim(1);
  auto payload = std::make_shared<int>(1);
  bool destroyed = false;
  {
    Task t = WaitsForever(std::make_shared<Completion<int>>(sim), payload, &destroyed);
    CHECK(payload.use_count() == 2);
  }
  CHECK(payload.use_count() == 1);
  CHECK_FALSE(destroyed);  // the body never started, so the guard was never constructed
}

}  // namespace
}  // namespace kubesim::sim
