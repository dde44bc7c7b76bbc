// Owner: the one way a simulated component keeps work pending on the clock.
//
// A component (a controller, a kubelet, an informer, a queue) holds an Owner and schedules every
// timer through it (After, At, Every — upstream's wait.Until), and wraps with Bind() every callback
// it hands to another component (an API response, a watch handler). When the Owner is destroyed
// with its component, or Reset() (a kubelet that crashed forgets what it was doing), none of them
// runs any more. This is ns-3's rule that a component cancels its pending events when it is
// disposed, kept in one place instead of in every class.
//
// How: every scheduled event and bound callback holds a weak reference to the Owner's token and
// does nothing once the token is gone. Cancellation is lazy: a pending event of a gone owner stays
// in the queue until its time and is then dropped, so destroying a component is O(1) and the key
// (time, phase, seq) of every other event is exactly what it would have been — an event's key is
// taken when it is scheduled. Use Cancel() on the returned EventId to cancel one event for real.
//
// What a bound callback guards is the component's own state: the request or write it answers has
// happened regardless, as when a real process dies while its request is in flight.
//
// Ownership: the Owner owns only its token; the Simulation owns the pending events. An Owner must
// be destroyed before its Simulation; it is not copyable or movable (events refer to its token).
#pragma once

#include <functional>
#include <memory>
#include <utility>

#include "sim/simulation.h"

namespace kubesim::sim {

class Owner {
 public:
  explicit Owner(Simulation& sim) : sim_(&sim) {}
  Owner(const Owner&) = delete;
  Owner& operator=(const Owner&) = delete;

  Simulation& simulation() const { return *sim_; }
  Time Now() const { return sim_->Now(); }

  // `fn` at Now() + d, unless the owner has gone by then. REQUIRES: d >= 0.
  template <typename F>
  EventId After(Duration d, F fn, Phase phase = Phase::kWork) {
    return sim_->After(d, Guard(std::move(fn)), phase);
  }
  // `fn` at t, unless the owner has gone by then. REQUIRES: t >= Now().
  template <typename F>
  EventId At(Time t, F fn, Phase phase = Phase::kWork) {
    return sim_->At(t, Guard(std::move(fn)), phase);
  }
  // `fn` every `period`, the first time one period from now, for as long as the owner lives
  // (upstream wait.Until with the first run deferred, as every periodic loop kubesim models).
  void Every(Duration period, std::function<void()> fn, Phase phase = Phase::kWork) {
    EveryFrom(token_, *sim_, period, std::make_shared<const std::function<void()>>(std::move(fn)), phase);
  }
  // True if the event was pending (see Simulation::Cancel).
  bool Cancel(EventId id) const { return sim_->Cancel(id); }

  // `fn`, made to do nothing once the owner has gone: for a callback another component will call
  // (an API response, a watch handler). The result takes the same arguments as `fn`.
  template <typename F>
  auto Bind(F fn) const {
    return [alive = std::weak_ptr<const bool>(token_), fn = std::move(fn)](auto&&... args) mutable {
      if (!alive.expired()) fn(std::forward<decltype(args)>(args)...);
    };
  }

  // Cuts off everything scheduled or bound so far, as destruction would, and keeps the owner
  // usable for new work (a crashed kubelet's timers and in-flight requests are forgotten).
  void Reset() { token_ = std::make_shared<const bool>(true); }

 private:
  // The guard is captured beside the callable, in the one event callback (no second wrapper).
  template <typename F>
  auto Guard(F fn) const {
    return [alive = std::weak_ptr<const bool>(token_), fn = std::move(fn)]() mutable {
      if (!alive.expired()) fn();
    };
  }
  static void EveryFrom(const std::shared_ptr<const bool>& token, Simulation& sim, Duration period,
                        std::shared_ptr<const std::function<void()>> fn, Phase phase) {
    sim.After(
        period,
        [alive = std::weak_ptr<const bool>(token), &sim, period, fn = std::move(fn), phase]() {
          auto live = alive.lock();
          if (!live) return;
          (*fn)();
          EveryFrom(live, sim, period, fn, phase);
        },
        phase);
  }

  Simulation* sim_;
  std::shared_ptr<const bool> token_ = std::make_shared<const bool>(true);
};

}  // namespace kubesim::sim
