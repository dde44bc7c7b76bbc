// Event-queue throughput in the classic hold model: with N events pending, each step pops the next
// event and pushes one at (popped time + pseudo-random delay). Target: >= 5 M events/s at N = 100k.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <memory>

#include "sim/event_queue.h"
#include "sim/random.h"
#include "sim/simulation.h"

namespace kubesim::sim {
namespace {

constexpr int64_t kMaxDelayNs = 1'000'000'000;

void BM_EventQueueHold(benchmark::State& state) {
  const auto pending = static_cast<int64_t>(state.range(0));
  EventQueue q;
  Rng rng(1);
  uint64_t sink = 0;
  for (int64_t i = 0; i < pending; ++i) {
    q.Push(Time::FromNanos(static_cast<int64_t>(rng.UniformInt(kMaxDelayNs))), Phase::kWork,
           [&sink, i] { sink += static_cast<uint64_t>(i); });
  }
  for (auto _ : state) {
    EventQueue::Popped p = q.Pop();
    p.cb();
    const Time t = p.time + Duration::Nanoseconds(static_cast<int64_t>(rng.UniformInt(kMaxDelayNs)));
    q.Push(t, Phase::kWork, std::move(p.cb));
  }
  benchmark::DoNotOptimize(sink);
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_EventQueueHold)->Arg(1'000)->Arg(100'000)->Arg(1'000'000);

// Same hold model with a 3-pointer capture (the size std::function would heap-allocate).
void BM_EventQueueHoldThreePointerCapture(benchmark::State& state) {
  const auto pending = static_cast<int64_t>(state.range(0));
  EventQueue q;
  Rng rng(1);
  uint64_t a = 0;
  uint64_t b = 0;
  uint64_t c = 0;
  for (int64_t i = 0; i < pending; ++i) {
    q.Push(Time::FromNanos(static_cast<int64_t>(rng.UniformInt(kMaxDelayNs))), Phase::kWork,
           [pa = &a, pb = &b, pc = &c] {
             ++*pa;
             ++*pb;
             ++*pc;
           });
  }
  for (auto _ : state) {
    EventQueue::Popped p = q.Pop();
    p.cb();
    const Time t = p.time + Duration::Nanoseconds(static_cast<int64_t>(rng.UniformInt(kMaxDelayNs)));
    q.Push(t, Phase::kWork, [pa = &a, pb = &b, pc = &c] {
      ++*pa;
      ++*pb;
      ++*pc;
    });
  }
  benchmark::DoNotOptimize(a + b + c);
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_EventQueueHoldThreePointerCapture)->Arg(100'000);

// Through Simulation::Run: `pending` self-rescheduling timers; each event reschedules its own timer.
struct Timer {
  Simulation* sim;
  Rng* rng;
  int64_t* budget;
  void operator()() const {
    if (--*budget <= 0) return;
    sim->After(Duration::Nanoseconds(static_cast<int64_t>(rng->UniformInt(kMaxDelayNs))), *this);
  }
};

void BM_SimulationRunSelfRescheduling(benchmark::State& state) {
  const auto pending = static_cast<int64_t>(state.range(0));
  constexpr int64_t kEventsPerRun = 2'000'000;
  int64_t total = 0;
  for (auto _ : state) {
    state.PauseTiming();
    auto sim = std::make_unique<Simulation>(1);
    Rng& rng = sim->Stream("bench");
    int64_t budget = kEventsPerRun;
    for (int64_t i = 0; i < pending; ++i) {
      sim->After(Duration::Nanoseconds(static_cast<int64_t>(rng.UniformInt(kMaxDelayNs))),
                 Timer{sim.get(), &rng, &budget});
    }
    state.ResumeTiming();
    // Timers stop rescheduling once the budget is spent, so Run() drains the queue and returns.
    sim->Run();
    total += static_cast<int64_t>(sim->events_processed());
  }
  state.SetItemsProcessed(total);
}
BENCHMARK(BM_SimulationRunSelfRescheduling)->Arg(1'000)->Arg(100'000)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace kubesim::sim
