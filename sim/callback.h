// Callback: a copyable `void()` callable with inline storage, the type of every scheduled event.
//
// Why not std::function: libstdc++ stores only 16 bytes inline, so a lambda capturing three pointers
// (the common `[this, obj, req]`) allocates on every schedule. Callback stores callables of up to
// kInlineSize bytes (alignment <= 8) inline and larger ones on the heap; trivially copyable inline
// callables are moved with memcpy. Semantics otherwise follow std::function: the callable must be
// copy-constructible, an empty Callback is falsy, and calling an empty one is a bug (checked).
// Ownership: a Callback owns its callable; moved-from Callbacks are empty.
#pragma once

#include <cstddef>
#include <cstring>
#include <new>
#include <type_traits>
#include <utility>

#include "sim/check.h"

namespace kubesim::sim {

class Callback {
 public:
  static constexpr size_t kInlineSize = 32;

  Callback() = default;
  Callback(std::nullptr_t) {}  // NOLINT: like std::function

  template <typename F, typename D = std::decay_t<F>,
            typename = std::enable_if_t<!std::is_same_v<D, Callback> && std::is_invocable_r_v<void, D&>>>
  Callback(F&& f) {  // NOLINT: implicit, like std::function
    if constexpr (std::is_pointer_v<D> || std::is_member_pointer_v<D>) {
      if (f == nullptr) return;
    }
    if constexpr (kFitsInline<D>) {
      ::new (static_cast<void*>(buf_)) D(std::forward<F>(f));
    } else {
      D* p = new D(std::forward<F>(f));
      std::memcpy(buf_, &p, sizeof(p));
    }
    ops_ = &kOps<D>;
  }

  Callback(const Callback& o) : ops_(o.ops_) {
    if (ops_ != nullptr) ops_->copy(buf_, o.buf_);
  }
  Callback(Callback&& o) noexcept : ops_(o.ops_) {
    if (ops_ != nullptr) {
      ops_->move(buf_, o.buf_);
      o.ops_ = nullptr;
    }
  }
  Callback& operator=(const Callback& o) {
    if (this != &o) {
      Callback tmp(o);
      *this = std::move(tmp);
    }
    return *this;
  }
  Callback& operator=(Callback&& o) noexcept {
    if (this != &o) {
      Reset();
      ops_ = o.ops_;
      if (ops_ != nullptr) {
        ops_->move(buf_, o.buf_);
        o.ops_ = nullptr;
      }
    }
    return *this;
  }
  Callback& operator=(std::nullptr_t) {
    Reset();
    return *this;
  }
  ~Callback() { Reset(); }

  explicit operator bool() const { return ops_ != nullptr; }

  void operator()() {
    KUBESIM_CHECK(ops_ != nullptr, "call of an empty sim::Callback");
    ops_->invoke(buf_);
  }

 private:
  struct Ops {
    void (*invoke)(void* self);
    void (*copy)(void* dst, const void* src);
    void (*move)(void* dst, void* src);  // move-constructs dst and destroys src
    void (*destroy)(void* self);         // nullptr when trivially destructible and inline
  };

  template <typename D>
  static constexpr bool kFitsInline = sizeof(D) <= kInlineSize &&
                                      alignof(D) <= alignof(void*) && std::is_nothrow_move_constructible_v<D>;

  template <typename D>
  static D* Get(void* buf) {
    if constexpr (kFitsInline<D>) {
      return std::launder(static_cast<D*>(buf));
    } else {
      D* p;
      std::memcpy(&p, buf, sizeof(p));
      return p;
    }
  }

  template <typename D>
  static constexpr Ops MakeOps() {
    Ops ops{};
    ops.invoke = [](void* self) { (*Get<D>(self))(); };
    if constexpr (kFitsInline<D>) {
      ops.copy = [](void* dst, const void* src) { ::new (dst) D(*Get<D>(const_cast<void*>(src))); };
      if constexpr (std::is_trivially_copyable_v<D>) {
        ops.move = [](void* dst, void* src) { std::memcpy(dst, src, kInlineSize); };
        ops.destroy = nullptr;
      } else {
        ops.move = [](void* dst, void* src) {
          D* s = Get<D>(src);
          ::new (dst) D(std::move(*s));
          s->~D();
        };
        ops.destroy = [](void* self) { Get<D>(self)->~D(); };
      }
    } else {
      ops.copy = [](void* dst, const void* src) {
        D* p = new D(*Get<D>(const_cast<void*>(src)));
        std::memcpy(dst, &p, sizeof(p));
      };
      ops.move = [](void* dst, void* src) { std::memcpy(dst, src, sizeof(D*)); };
      ops.destroy = [](void* self) { delete Get<D>(self); };
    }
    return ops;
  }

  template <typename D>
  static constexpr Ops kOps = MakeOps<D>();

  void Reset() {
    if (ops_ != nullptr) {
      if (ops_->destroy != nullptr) ops_->destroy(buf_);
      ops_ = nullptr;
    }
  }

  alignas(void*) unsigned char buf_[kInlineSize];
  const Ops* ops_ = nullptr;
};

}  // namespace kubesim::sim
