#include "sim/simulation.h"

#include <cstdio>
#include <cstdlib>
#include <utility>

namespace kubesim::sim {

Simulation::Simulation(uint64_t seed) : random_(seed) {}

EventId Simulation::At(Time t, EventQueue::Callback cb, Phase phase) {
  KUBESIM_SIM_CHECK(*this, t >= now_,
                    "Simulation::At(" + t.ToString() + ") is in the past (Now() = " + now_.ToString() + ")");
  return queue_.Push(t, phase, std::move(cb));
}

EventId Simulation::After(Duration d, EventQueue::Callback cb, Phase phase) {
  KUBESIM_SIM_CHECK(*this, d >= Duration::Zero(), "Simulation::After(" + d.ToString() + "): negative delay");
  return queue_.Push(now_ + d, phase, std::move(cb));
}

bool Simulation::Step() {
  if (queue_.empty()) return false;
  EventQueue::Popped ev = queue_.Pop();
  now_ = ev.time;
  current_phase_ = ev.phase;
  current_seq_ = ev.seq;
  ++events_processed_;
  ev.cb();
  return true;
}

void Simulation::RunUntil(Time t) {
  stop_requested_ = false;
  while (!queue_.empty() && queue_.NextTime() <= t) {
    Step();
    if (stop_requested_) {
      stop_requested_ = false;
      return;
    }
  }
  if (t > now_) now_ = t;
}

void Simulation::Run() {
  stop_requested_ = false;
  while (Step()) {
    if (stop_requested_) break;
  }
  stop_requested_ = false;
}

void Simulation::CheckFailed(const char* file, int line, const std::string& msg) const {
  std::fprintf(stderr, "%s:%d: KUBESIM_CHECK failed at simulated time %s (%lld ns), event seq %llu: %s\n", file, line,
               now_.ToString().c_str(), static_cast<long long>(now_.nanos()),
               static_cast<unsigned long long>(current_seq_), msg.c_str());
  std::fflush(stderr);
  std::abort();
}

}  // namespace kubesim::sim
