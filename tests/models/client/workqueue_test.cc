#include "models/client/workqueue.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <optional>
#include <string>
#include <vector>

namespace kubesim::client {
namespace {

using sim::Duration;
using sim::Time;

TEST_CASE("WorkQueue: a queued key is not queued twice and keys leave in FIFO order", "[client]") {
  sim::Simulation sim(1);
  WorkQueue q(sim);
  q.Add("a");
  q.Add("b");
  q.Add("a");
  CHECK(q.Len() == 2);
  CHECK(q.Get() == std::optional<std::string>("a"));
  CHECK(q.Get() == std::optional<std::string>("b"));
  CHECK(q.Get() == std::nullopt);
  CHECK(q.Len() == 0);
  q.Done("a");
  q.Done("b");
  CHECK(q.Len() == 0);  // Done without a new Add does not re-queue
}

TEST_CASE("WorkQueue: a key added while processing is re-queued once on Done", "[client]") {
  sim::Simulation sim(1);
  WorkQueue q(sim);
  int ready = 0;
  q.SetOnReady([&] { ++ready; });
  q.Add("a");
  CHECK(ready == 1);
  REQUIRE(q.Get() == std::optional<std::string>("a"));
  q.Add("a");
  q.Add("a");
  CHECK(q.Len() == 0);  // never handed to a second worker while processing
  CHECK(q.Get() == std::nullopt);
  CHECK(ready == 1);
  q.Add("b");
  CHECK(ready == 2);
  q.Done("a");
  CHECK(ready == 3);
  CHECK(q.Len() == 2);
  CHECK(q.Get() == std::optional<std::string>("b"));
  CHECK(q.Get() == std::optional<std::string>("a"));
  q.Done("a");
  CHECK(q.Len() == 0);
}

TEST_CASE("WorkQueue: AddAfter makes the key available after the delay", "[client]") {
  sim::Simulation sim(1);
  WorkQueue q(sim);
  std::vector<Time> ready_at;
  q.SetOnReady([&] { ready_at.push_back(sim.Now()); });
  q.AddAfter("a", Duration::Milliseconds(100));
  q.AddAfter("now", Duration::Zero());
  q.AddAfter("neg", -Duration::Seconds(1));
  CHECK(q.Len() == 2);  // d <= 0 is Add
  sim.RunUntil(Time() + Duration::Milliseconds(99));
  CHECK(q.Len() == 2);
  sim.RunUntil(Time() + Duration::Milliseconds(100));
  CHECK(q.Len() == 3);
  CHECK(ready_at == std::vector<Time>{Time(), Time(), Time() + Duration::Milliseconds(100)});
  CHECK(q.Get() == std::optional<std::string>("now"));
  CHECK(q.Get() == std::optional<std::string>("neg"));
  CHECK(q.Get() == std::optional<std::string>("a"));
}

TEST_CASE("WorkQueue: AddRateLimited waits 5ms * 2^failures, capped at 1000 s", "[client]") {
  sim::Simulation sim(1);
  WorkQueue q(sim);
  bool ready = false;
  q.SetOnReady([&] { ready = true; });
  auto delay_of_next = [&](const std::string& key) {
    ready = false;
    Time start = sim.Now();
    q.AddRateLimited(key);
    while (!ready && sim.Step()) {
    }
    REQUIRE(ready);
    REQUIRE(q.Get() == std::optional<std::string>(key));
    q.Done(key);
    return sim.Now() - start;
  };
  for (int i = 0; i < 20; ++i) {
    INFO("failure " << i);
    int64_t want_ms = std::min<int64_t>(int64_t{5} << i, 1'000'000);
    CHECK(delay_of_next("x") == Duration::Milliseconds(want_ms));
    CHECK(q.NumRequeues("x") == i + 1);
  }
  CHECK(q.NumRequeues("y") == 0);
  q.Forget("x");
  CHECK(q.NumRequeues("x") == 0);
  CHECK(delay_of_next("x") == Duration::Milliseconds(5));
  CHECK(delay_of_next("x") == Duration::Milliseconds(10));
  CHECK(delay_of_next("y") == Duration::Milliseconds(5));  // failures are per key
}

TEST_CASE("WorkQueue: over all keys, rate-limited requeues are held to 10 per second after a burst of 100",
          "[client]") {
  sim::Simulation sim(1);
  WorkQueue q(sim);
  // 130 keys failing once each at the same instant: the first 100 wait their per-item 5 ms, the
  // next 30 the overall bucket's 100 ms per token.
  for (int i = 0; i < 130; ++i) q.AddRateLimited("k" + std::to_string(i));
  sim.RunUntil(Time::Zero() + Duration::Milliseconds(5));
  CHECK(q.Len() == 100);
  sim.RunUntil(Time::Zero() + Duration::Milliseconds(1000));
  CHECK(q.Len() == 110);
  sim.RunUntil(Time::Zero() + Duration::Milliseconds(3000));
  CHECK(q.Len() == 130);
}

TEST_CASE("WorkQueue: a destroyed queue ignores its pending AddAfter", "[client]") {
  sim::Simulation sim(1);
  {
    WorkQueue q(sim);
    q.AddAfter("a", Duration::Seconds(1));
  }
  sim.RunUntil(Time() + Duration::Seconds(2));  // must not touch the destroyed queue
  CHECK(sim.pending() == 0);
}

// kubernetes/client-go util/workqueue/delaying_queue.go @ v0.32: a second AddAfter for an item
// already waiting only moves it earlier. kubesim arms a second timer, so the item comes back again
// at 2 s after it was already processed at 1 s.
TEST_CASE("WorkQueue: a later AddAfter of a waiting key does not add it twice", "[client]") {
  sim::Simulation sim(1);
  WorkQueue q(sim);
  q.AddAfter("a", Duration::Seconds(1));
  q.AddAfter("a", Duration::Seconds(2));
  sim.RunUntil(Time() + Duration::Seconds(1));
  REQUIRE(q.Get() == std::optional<std::string>("a"));
  q.Done("a");
  sim.RunUntil(Time() + Duration::Seconds(3));
  CHECK(q.Len() == 0);
}

}  // namespace
}  // namespace kubesim::client
