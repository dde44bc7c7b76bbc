// Every: a periodic loop (upstream components' wait.Until): runs `fn` every `period`, the first
// time one period from now, for as long as `alive` is held by its owner. Owners keep a
// shared_ptr<bool> and drop it when they go, so a loop never outlives what it calls into.
#pragma once

#include <functional>
#include <memory>

#include "sim/simulation.h"

namespace kubesim::sim {

inline void Every(Simulation& sim, std::weak_ptr<bool> alive, Duration period, std::function<void()> fn,
                  Phase phase = Phase::kWork) {
  sim.After(
      period,
      [&sim, alive, period, fn = std::move(fn), phase]() {
        if (!alive.lock()) return;
        fn();
        Every(sim, alive, period, fn, phase);
      },
      phase);
}

}  // namespace kubesim::sim
