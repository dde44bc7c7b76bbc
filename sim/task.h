// Simulated processes as C++20 coroutines (docs/architecture.md): component logic can `co_await` a
// sleep or a reply and read like the upstream Go loop it re-implements.
//
//   sim::Task Worker(sim::Simulation& sim) {
//     for (;;) { co_await sim.Sleep(Duration::Seconds(1)); ... }
//   }
//   sim.Spawn(Worker(sim));
//
// Ownership: a Task owns its coroutine frame until it is handed to Simulation::Spawn; from then on
// the Simulation owns it. The frame is destroyed when the coroutine finishes, or, if it is still
// suspended, when the Simulation is destroyed (locals' destructors run then; they must not schedule
// events). Every resumption happens from an event callback, never re-entrantly inside the code that
// caused it, so process steps are ordered by the event key like everything else. An exception that
// escapes a process is a bug: it aborts with its message.
//
// Completion<T>: a one-shot value set by one side (usually a callback) and awaited by at most one
// process. Typical ownership: `auto c = std::make_shared<Completion<T>>(sim);` captured by the
// callback that will Set() it, while the process does `T v = co_await *c;`. If it is already set,
// co_await does not suspend; otherwise Set() moves the value into the waiting process's frame and
// schedules its resumption at Now() (phase kWork). Either side may be destroyed first: the Completion
// after Set() (the value already lives in the frame), the frame while waiting (it unregisters itself).
#pragma once

#include <coroutine>
#include <cstdint>
#include <optional>
#include <type_traits>
#include <utility>

#include "sim/check.h"
#include "sim/time.h"

namespace kubesim::sim {

class Simulation;

namespace detail {
// Defined in task.cc, where Simulation is complete; keeps this header free of simulation.h.
void ScheduleResume(Simulation& sim, std::coroutine_handle<> h);
void ScheduleResumeAt(Simulation& sim, Time t, std::coroutine_handle<> h);
void ForgetProcess(Simulation& sim, uint64_t id);
[[noreturn]] void ProcessThrew();
}  // namespace detail

class [[nodiscard]] Task {
 public:
  struct promise_type {
    Simulation* sim = nullptr;  // set by Simulation::Spawn
    uint64_t id = 0;

    Task get_return_object() { return Task(std::coroutine_handle<promise_type>::from_promise(*this)); }
    std::suspend_always initial_suspend() noexcept { return {}; }
    // The frame frees itself after return_void() told the Simulation to forget it.
    std::suspend_never final_suspend() noexcept { return {}; }
    void return_void() {
      if (sim != nullptr) detail::ForgetProcess(*sim, id);
    }
    void unhandled_exception() { detail::ProcessThrew(); }
  };
  using Handle = std::coroutine_handle<promise_type>;

  Task(Task&& o) noexcept : handle_(std::exchange(o.handle_, nullptr)) {}
  Task& operator=(Task&& o) noexcept {
    if (this != &o) {
      if (handle_) handle_.destroy();
      handle_ = std::exchange(o.handle_, nullptr);
    }
    return *this;
  }
  Task(const Task&) = delete;
  Task& operator=(const Task&) = delete;
  ~Task() {
    if (handle_) handle_.destroy();  // never spawned: nothing ran, nothing else refers to it
  }

  // Hands the frame over (Simulation::Spawn).
  Handle Release() { return std::exchange(handle_, nullptr); }

 private:
  explicit Task(Handle h) : handle_(h) {}
  Handle handle_;
};

// co_await Sleep(sim, d) (or sim.Sleep(d)) resumes the process at Now() + d (phase kWork); d == 0 yields to every
// event already scheduled for this instant and phase.
class SleepAwaiter {
 public:
  SleepAwaiter(Simulation& sim, Time wake) : sim_(&sim), wake_(wake) {}
  bool await_ready() const noexcept { return false; }
  void await_suspend(std::coroutine_handle<> h) { detail::ScheduleResumeAt(*sim_, wake_, h); }
  void await_resume() const noexcept {}

 private:
  Simulation* sim_;
  Time wake_;
};

// Free-function form of Simulation::Sleep.
SleepAwaiter Sleep(Simulation& sim, Duration d);

namespace detail {
struct Unit {};

// Shared machinery of Completion<T> and Completion<void>; V is the stored value type.
template <typename V>
class CompletionBase {
 public:
  explicit CompletionBase(Simulation& sim) : sim_(&sim) {}
  CompletionBase(const CompletionBase&) = delete;
  CompletionBase& operator=(const CompletionBase&) = delete;
  ~CompletionBase() {
    if (waiter_ != nullptr) waiter_->completion = nullptr;
  }

  bool is_set() const { return set_; }

 protected:
  // The part of an awaiter the Completion talks to; lives in the waiting process's frame.
  struct WaiterCore {
    CompletionBase* completion = nullptr;
    std::coroutine_handle<> handle;
    std::optional<V> value;
  };

  // R is what co_await yields: T, or void for Completion<void>.
  template <typename R>
  class Awaiter : private WaiterCore {
   public:
    explicit Awaiter(CompletionBase* c) { this->completion = c; }
    Awaiter(const Awaiter&) = delete;
    Awaiter& operator=(const Awaiter&) = delete;
    ~Awaiter() {
      if (this->completion != nullptr && this->completion->waiter_ == this) {
        this->completion->waiter_ = nullptr;
      }
    }
    bool await_ready() const {
      KUBESIM_CHECK(!this->completion->taken_, "Completion awaited after its value was taken");
      return this->completion->set_;
    }
    void await_suspend(std::coroutine_handle<> h) {
      KUBESIM_CHECK(this->completion->waiter_ == nullptr, "two processes await one Completion");
      this->handle = h;
      this->completion->waiter_ = this;
    }
    R await_resume() {
      if (!this->value.has_value()) {  // set before the await: take the value from the Completion
        CompletionBase* c = this->completion;
        KUBESIM_CHECK(c != nullptr && c->value_.has_value(), "Completion resumed without a value");
        this->value = std::move(c->value_);
        c->value_.reset();
        c->taken_ = true;
      }
      if constexpr (!std::is_void_v<R>) return std::move(*this->value);
    }
  };

  void SetValue(V v) {
    KUBESIM_CHECK(!set_, "Completion set twice");
    set_ = true;
    if (waiter_ == nullptr) {
      value_.emplace(std::move(v));
      return;
    }
    WaiterCore* w = std::exchange(waiter_, nullptr);
    w->completion = nullptr;
    w->value.emplace(std::move(v));
    taken_ = true;
    ScheduleResume(*sim_, w->handle);
  }

 private:
  Simulation* sim_;
  bool set_ = false;
  bool taken_ = false;            // the value went to a process; a second co_await would wait forever
  std::optional<V> value_;        // set but not yet awaited
  WaiterCore* waiter_ = nullptr;  // not owned: in the waiting process's frame
};

}  // namespace detail

template <typename T>
class Completion : public detail::CompletionBase<T> {
 public:
  explicit Completion(Simulation& sim) : detail::CompletionBase<T>(sim) {}
  // REQUIRES: not set yet.
  void Set(T value) { this->SetValue(std::move(value)); }
  typename detail::CompletionBase<T>::template Awaiter<T> operator co_await() & {
    return typename detail::CompletionBase<T>::template Awaiter<T>(this);
  }
};

template <>
class Completion<void> : public detail::CompletionBase<detail::Unit> {
 public:
  explicit Completion(Simulation& sim) : detail::CompletionBase<detail::Unit>(sim) {}
  // REQUIRES: not set yet.
  void Set() { this->SetValue(detail::Unit{}); }
  Awaiter<void> operator co_await() & { return Awaiter<void>(this); }
};

}  // namespace kubesim::sim
