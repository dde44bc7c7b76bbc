#include "sim/event_queue.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <map>
#include <memory>
#include <tuple>
#include <vector>

#include "sim/random.h"

namespace kubesim::sim {
namespace {

Time T(int64_t ns) { return Time::FromNanos(ns); }

TEST_CASE("EventQueue orders by time, then phase, then insertion", "[sim]") {
  EventQueue q;
  std::vector<int> order;
  auto rec = [&order](int v) { return [&order, v] { order.push_back(v); }; };
  q.Push(T(20), Phase::kWork, rec(5));
  q.Push(T(10), Phase::kObserve, rec(4));
  q.Push(T(10), Phase::kWork, rec(2));
  q.Push(T(10), Phase::kInput, rec(0));
  q.Push(T(10), Phase::kWork, rec(3));
  q.Push(T(10), Phase::kDelivery, rec(1));
  q.Push(T(30), Phase::kInput, rec(6));
  REQUIRE(q.size() == 7);
  CHECK(q.NextTime() == T(10));
  std::vector<uint64_t> seqs;
  while (!q.empty()) {
    auto p = q.Pop();
    seqs.push_back(p.seq);
    p.cb();
  }
  CHECK(order == std::vector<int>{0, 1, 2, 3, 4, 5, 6});
  CHECK(seqs == std::vector<uint64_t>{3, 5, 2, 4, 1, 0, 6});
}

TEST_CASE("EventQueue Pop reports time and phase", "[sim]") {
  EventQueue q;
  q.Push(T(7), Phase::kDelivery, [] {});
  auto p = q.Pop();
  CHECK(p.time == T(7));
  CHECK(p.phase == Phase::kDelivery);
  CHECK(p.seq == 0);
  CHECK(static_cast<bool>(p.cb));
  CHECK(q.empty());
}

TEST_CASE("EventQueue cancel before and after run", "[sim]") {
  EventQueue q;
  int ran = 0;
  const EventId a = q.Push(T(1), Phase::kWork, [&ran] { ran += 1; });
  const EventId b = q.Push(T(2), Phase::kWork, [&ran] { ran += 10; });
  const EventId c = q.Push(T(3), Phase::kWork, [&ran] { ran += 100; });
  CHECK(a.valid());
  CHECK_FALSE(a == b);
  CHECK_FALSE(EventId().valid());
  CHECK_FALSE(q.Cancel(EventId()));

  CHECK(q.Cancel(b));
  CHECK_FALSE(q.Cancel(b));  // twice
  CHECK(q.size() == 2);
  q.Pop().cb();              // a
  CHECK_FALSE(q.Cancel(a));  // already ran
  CHECK(q.size() == 1);
  CHECK(q.NextTime() == T(3));
  // The freed slot of `a` is reused; a stale id must not cancel the new event.
  const EventId d = q.Push(T(4), Phase::kWork, [&ran] { ran += 1000; });
  CHECK_FALSE(q.Cancel(a));
  CHECK_FALSE(q.Cancel(b));
  CHECK(q.size() == 2);
  CHECK(q.Cancel(c));
  CHECK(q.NextTime() == T(4));
  q.Pop().cb();
  CHECK(q.empty());
  CHECK(ran == 1001);
  CHECK_FALSE(q.Cancel(d));
}

TEST_CASE("EventQueue cancel releases captured state at once", "[sim]") {
  EventQueue q;
  auto token = std::make_shared<int>(1);
  q.Push(T(1), Phase::kWork, [] {});
  const EventId id = q.Push(T(5), Phase::kWork, [token] {});
  CHECK(token.use_count() == 2);
  q.Cancel(id);
  CHECK(token.use_count() == 1);
}

TEST_CASE("EventQueue cancelling the top keeps NextTime exact", "[sim]") {
  EventQueue q;
  const EventId a = q.Push(T(1), Phase::kWork, [] {});
  q.Push(T(2), Phase::kWork, [] {});
  CHECK(q.Cancel(a));
  CHECK(q.NextTime() == T(2));
  q.Pop();
  CHECK(q.empty());
}

TEST_CASE("EventQueue mass cancel compacts and keeps order", "[sim]") {
  EventQueue q;
  std::vector<EventId> ids;
  // Many equal times, so FIFO among equal keys must survive the heap rebuilds.
  for (int i = 0; i < 10000; ++i) {
    const int64_t t = (i * 7919) % 101;
    ids.push_back(q.Push(T(t), static_cast<Phase>(i % 4), [] {}));
  }
  for (int i = 0; i < 10000; ++i) {
    if (i % 10 != 0) CHECK(q.Cancel(ids[i]));
  }
  CHECK(q.size() == 1000);
  std::vector<std::tuple<int64_t, int, uint64_t>> popped;
  while (!q.empty()) {
    const auto p = q.Pop();
    popped.emplace_back(p.time.nanos(), static_cast<int>(p.phase), p.seq);
    CHECK(p.seq % 10 == 0);
  }
  CHECK(popped.size() == 1000);
  CHECK(std::adjacent_find(popped.begin(), popped.end(), [](const auto& a, const auto& b) { return !(a < b); }) ==
        popped.end());
}

TEST_CASE("EventQueue matches a multimap reference under random operations", "[sim]") {
  Rng rng(42);
  EventQueue q;
  // Reference: key (time, phase, seq) -> tag; ids by tag for cancellation.
  std::map<std::tuple<int64_t, int, uint64_t>, int> ref;
  std::map<int, std::pair<EventId, std::tuple<int64_t, int, uint64_t>>> live;
  uint64_t seq = 0;
  int next_tag = 0;
  int64_t now = 0;
  for (int step = 0; step < 200000; ++step) {
    const uint64_t op = rng.UniformInt(10);
    if (op < 5) {
      const int64_t t = now + static_cast<int64_t>(rng.UniformInt(50));
      const int phase = static_cast<int>(rng.UniformInt(4));
      const int tag = next_tag++;
      const EventId id = q.Push(T(t), static_cast<Phase>(phase), [tag] { (void)tag; });
      const auto key = std::make_tuple(t, phase, seq++);
      ref.emplace(key, tag);
      live.emplace(tag, std::make_pair(id, key));
    } else if (op < 8) {
      if (ref.empty()) {
        REQUIRE(q.empty());
        continue;
      }
      auto it = ref.begin();
      auto p = q.Pop();
      REQUIRE(p.time.nanos() == std::get<0>(it->first));
      REQUIRE(static_cast<int>(p.phase) == std::get<1>(it->first));
      REQUIRE(p.seq == std::get<2>(it->first));
      now = p.time.nanos();
      live.erase(it->second);
      ref.erase(it);
    } else if (!live.empty()) {
      // Cancel a live event, or try a stale id (must fail).
      auto it = live.lower_bound(static_cast<int>(rng.UniformInt(static_cast<uint64_t>(next_tag))));
      if (it == live.end()) {
        CHECK_FALSE(q.Cancel(EventId()));
        continue;
      }
      REQUIRE(q.Cancel(it->second.first));
      REQUIRE_FALSE(q.Cancel(it->second.first));
      ref.erase(it->second.second);
      live.erase(it);
    }
    REQUIRE(q.size() == ref.size());
    if (!ref.empty()) REQUIRE(q.NextTime().nanos() == std::get<0>(ref.begin()->first));
  }
}

}  // namespace
}  // namespace kubesim::sim
