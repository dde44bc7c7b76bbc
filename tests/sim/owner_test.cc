#include "sim/owner.h"

#include <catch2/catch.hpp>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace kubesim::sim {
namespace {

Time At(int64_t s) { return Time() + Duration::Seconds(s); }

TEST_CASE("Owner: timers run while the owner lives, in the order they were scheduled", "[sim]") {
  Simulation sim(1);
  Owner owner(sim);
  std::vector<std::string> ran;
  owner.After(Duration::Seconds(2), [&] { ran.push_back("after 2s"); });
  owner.At(At(1), [&] { ran.push_back("at 1s"); });
  owner.After(Duration::Seconds(2), [&] { ran.push_back("after 2s, second"); });
  sim.Run();
  CHECK(ran == std::vector<std::string>{"at 1s", "after 2s", "after 2s, second"});
}

TEST_CASE("Owner: nothing it scheduled or bound runs after it is destroyed", "[sim]") {
  Simulation sim(1);
  std::vector<std::string> ran;
  std::function<void(int)> response;
  {
    Owner owner(sim);
    owner.After(Duration::Seconds(1), [&] { ran.push_back("timer"); });
    owner.Every(Duration::Seconds(1), [&] { ran.push_back("tick"); });
    response = owner.Bind([&](int code) { ran.push_back("response " + std::to_string(code)); });
    response(200);  // while it lives, a bound callback runs
  }
  sim.After(Duration::Seconds(1), [&] { ran.push_back("someone else"); });
  response(201);
  sim.RunUntil(At(10));
  CHECK(ran == std::vector<std::string>{"response 200", "someone else"});
}

TEST_CASE("Owner: Reset cuts off earlier work and keeps the owner usable", "[sim]") {
  Simulation sim(1);
  Owner owner(sim);
  std::vector<std::string> ran;
  owner.After(Duration::Seconds(1), [&] { ran.push_back("before reset"); });
  owner.Every(Duration::Seconds(1), [&] { ran.push_back("old tick"); });
  auto old_response = owner.Bind([&] { ran.push_back("old response"); });
  owner.Reset();
  owner.After(Duration::Seconds(2), [&] { ran.push_back("after reset"); });
  old_response();
  sim.RunUntil(At(5));
  CHECK(ran == std::vector<std::string>{"after reset"});
}

TEST_CASE("Owner: Every runs one period apart from the first period, until the owner goes", "[sim]") {
  Simulation sim(1);
  auto owner = std::make_unique<Owner>(sim);
  std::vector<Time> ticks;
  owner->Every(Duration::Seconds(10), [&] { ticks.push_back(sim.Now()); });
  sim.RunUntil(At(35));
  CHECK(ticks == std::vector<Time>{At(10), At(20), At(30)});
  owner.reset();
  sim.RunUntil(At(100));
  CHECK(ticks.size() == 3);
  CHECK(sim.pending() == 0);  // the stale tick was dropped at its time, and nothing rescheduled it
}

TEST_CASE("Owner: a gone owner's events do not change the order of anyone else's", "[sim]") {
  // The same pushes with and without the owner destroyed: the other events run in the same
  // (time, phase, seq) order, because an event's key is taken when it is scheduled.
  auto run = [](bool destroy) {
    Simulation sim(1);
    std::vector<uint64_t> seqs;
    auto owner = std::make_unique<Owner>(sim);
    for (int i = 0; i < 3; ++i) {
      owner->After(Duration::Seconds(1), [] {});
      sim.After(Duration::Seconds(1), [&] { seqs.push_back(sim.current_seq()); });
    }
    if (destroy) owner.reset();
    sim.Run();
    return seqs;
  };
  CHECK(run(false) == run(true));
  CHECK(run(true) == std::vector<uint64_t>{1, 3, 5});
}

TEST_CASE("Owner: Cancel removes one event for real", "[sim]") {
  Simulation sim(1);
  Owner owner(sim);
  bool ran = false;
  EventId id = owner.After(Duration::Seconds(1), [&] { ran = true; });
  CHECK(owner.Cancel(id));
  CHECK_FALSE(owner.Cancel(id));
  sim.Run();
  CHECK_FALSE(ran);
}

}  // namespace
}  // namespace kubesim::sim
