#include "sim/task.h"

#include <cstdio>
#include <cstdlib>
#include <exception>

#include "sim/simulation.h"

namespace kubesim::sim {
namespace detail {

void ScheduleResume(Simulation& sim, std::coroutine_handle<> h) {
  // Never resume inline: the setter may be in the middle of its own state change.
  sim.At(
      sim.Now(), [h] { h.resume(); }, Phase::kWork);
}

void ScheduleResumeAt(Simulation& sim, Time t, std::coroutine_handle<> h) {
  sim.At(
      t, [h] { h.resume(); }, Phase::kWork);
}

void ForgetProcess(Simulation& sim, uint64_t id) { sim.processes_.erase(id); }

void ProcessThrew() {
  const char* what = "unknown exception";
  try {
    throw;
  } catch (const std::exception& e) {
    what = e.what();
    std::fprintf(stderr, "kubesim: unhandled exception in a simulated process: %s\n", what);
  } catch (...) {
    std::fprintf(stderr, "kubesim: unhandled exception in a simulated process: %s\n", what);
  }
  std::fflush(stderr);
  std::abort();
}

}  // namespace detail

SleepAwaiter Sleep(Simulation& sim, Duration d) { return sim.Sleep(d); }

}  // namespace kubesim::sim
