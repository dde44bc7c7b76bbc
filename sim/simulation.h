// Simulation: one discrete-event run — the clock, the event queue, the named random streams and the
// fingerprint (docs/architecture.md). Knows nothing of Kubernetes.
//
// Ownership: a Simulation owns its pending callbacks; destroying it destroys them without running
// them. Components schedule through a sim::Owner (sim/owner.h), which keeps their events from
// running once they are gone. There is no global state, so any number of Simulations may live
// in one process (Python runs many).
//
// Determinism rule, kept by this loop: events run strictly in (time, phase, seq) order; Now() only moves
// forward; scheduling into the past is a bug and aborts with the simulated time and event sequence.
// Nothing here reads the wall clock or draws randomness except through named streams.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "sim/check.h"
#include "sim/event_queue.h"
#include "sim/fingerprint.h"
#include "sim/random.h"
#include "sim/time.h"

namespace kubesim::sim {

class Simulation {
 public:
  explicit Simulation(uint64_t seed);
  Simulation(const Simulation&) = delete;
  Simulation& operator=(const Simulation&) = delete;

  Time Now() const { return now_; }
  // Phase and seq of the event being run (of the last one run, between events).
  Phase current_phase() const { return current_phase_; }
  uint64_t current_seq() const { return current_seq_; }

  // Schedules cb at t. REQUIRES: t >= Now().
  EventId At(Time t, EventQueue::Callback cb, Phase phase = Phase::kWork);
  // Schedules cb at Now() + d. REQUIRES: d >= 0.
  EventId After(Duration d, EventQueue::Callback cb, Phase phase = Phase::kWork);
  // True if the event was pending (see EventQueue::Cancel).
  bool Cancel(EventId id) { return queue_.Cancel(id); }

  // Runs the next event; false if none is pending.
  bool Step();
  // Runs every event with time <= t, then advances Now() to t if it is later. If Stop() is called
  // during the run, returns after that event and leaves Now() at that event's time.
  void RunUntil(Time t);
  // Runs until no event is pending or Stop() is called.
  void Run();
  // Makes the current Run/RunUntil return after the current event. A later Run/RunUntil resumes.
  void Stop() { stop_requested_ = true; }

  uint64_t events_processed() const { return events_processed_; }
  size_t pending() const { return queue_.size(); }
  // Time of the next pending event, if any (so a caller stepping one event can stop at a horizon).
  std::optional<Time> NextEventTime() const {
    return queue_.empty() ? std::nullopt : std::optional<Time>(queue_.NextTime());
  }

  RandomStreams& random() { return random_; }
  Rng& Stream(std::string_view name) { return random_.Stream(name); }
  Fingerprint& fingerprint() { return fingerprint_; }

  // Prints file:line, simulated time and event seq, the message, and aborts. Use KUBESIM_SIM_CHECK.
  [[noreturn]] void CheckFailed(const char* file, int line, const std::string& msg) const;

 private:
  EventQueue queue_;
  Time now_;
  Phase current_phase_ = Phase::kInput;
  uint64_t current_seq_ = 0;
  uint64_t events_processed_ = 0;
  bool stop_requested_ = false;
  RandomStreams random_;
  Fingerprint fingerprint_;
};

}  // namespace kubesim::sim

// KUBESIM_CHECK that also prints the simulated time and event seq of `sim`.
#define KUBESIM_SIM_CHECK(sim, cond, msg)           \
  do {                                              \
    if (!(cond)) [[unlikely]] {                     \
      (sim).CheckFailed(__FILE__, __LINE__, (msg)); \
    }                                               \
  } while (0)
