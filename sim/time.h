// Simulated time: `Duration` (a signed span) and `Time` (an instant since the start of the
// simulation), both strong types over int64 nanoseconds (docs/architecture.md).
//
// Invariants: no floating point in time or ordering. Conversions from floating point exist only for
// the edges (Python floats, random distributions) and round explicitly to the nearest nanosecond.
// Arithmetic does not saturate: overflowing int64 is a bug (REQUIRES no overflow), except in the
// explicitly saturating conversions. Text form and parsing follow Go's time.Duration so that
// durations in scenarios read exactly like Kubernetes flags ("1h30m", "250ms").
#pragma once

#include <compare>
#include <cstdint>
#include <iosfwd>
#include <limits>
#include <string>
#include <string_view>

#include "sim/status.h"

namespace kubesim::sim {

class Duration {
 public:
  constexpr Duration() = default;

  static constexpr Duration Nanoseconds(int64_t n) { return Duration(n); }
  static constexpr Duration Microseconds(int64_t n) { return Duration(n * 1000); }
  static constexpr Duration Milliseconds(int64_t n) { return Duration(n * 1000 * 1000); }
  static constexpr Duration Seconds(int64_t n) { return Duration(n * 1000 * 1000 * 1000); }
  static constexpr Duration Minutes(int64_t n) { return Seconds(n * 60); }
  static constexpr Duration Hours(int64_t n) { return Seconds(n * 3600); }
  static constexpr Duration Zero() { return Duration(0); }
  static constexpr Duration Max() { return Duration(std::numeric_limits<int64_t>::max()); }

  // Rounds to the nearest nanosecond (ties away from zero); saturates at Max()/-Max().
  // REQUIRES: s is not NaN.
  static Duration FromSecondsRounded(double s);
  // Same, from a count of nanoseconds (used by distributions that work in ns).
  static Duration FromNanosRounded(double ns);

  constexpr int64_t nanos() const { return ns_; }
  double ToSeconds() const { return static_cast<double>(ns_) / 1e9; }
  // Go time.Duration.String(): "1h30m0s", "250ms", "1.5s", "0s", "-2m3s", "1µs".
  std::string ToString() const;

  constexpr auto operator<=>(const Duration&) const = default;

  constexpr Duration operator-() const { return Duration(-ns_); }
  constexpr Duration operator+(Duration o) const { return Duration(ns_ + o.ns_); }
  constexpr Duration operator-(Duration o) const { return Duration(ns_ - o.ns_); }
  constexpr Duration operator*(int64_t k) const { return Duration(ns_ * k); }
  constexpr Duration operator/(int64_t k) const { return Duration(ns_ / k); }
  constexpr int64_t operator/(Duration o) const { return ns_ / o.ns_; }
  constexpr Duration operator%(Duration o) const { return Duration(ns_ % o.ns_); }
  constexpr Duration& operator+=(Duration o) {
    ns_ += o.ns_;
    return *this;
  }
  constexpr Duration& operator-=(Duration o) {
    ns_ -= o.ns_;
    return *this;
  }
  constexpr Duration& operator*=(int64_t k) {
    ns_ *= k;
    return *this;
  }
  constexpr Duration& operator/=(int64_t k) {
    ns_ /= k;
    return *this;
  }

 private:
  constexpr explicit Duration(int64_t ns) : ns_(ns) {}
  int64_t ns_ = 0;
};

constexpr Duration operator*(int64_t k, Duration d) { return d * k; }

class Time {
 public:
  constexpr Time() = default;  // the epoch: start of the simulation

  static constexpr Time FromNanos(int64_t ns) { return Time(ns); }
  static constexpr Time Zero() { return Time(0); }
  static constexpr Time Max() { return Time(std::numeric_limits<int64_t>::max()); }

  constexpr int64_t nanos() const { return ns_; }
  double ToSeconds() const { return static_cast<double>(ns_) / 1e9; }
  // The span since the epoch in Duration form, e.g. "1h0m0.5s"; for logs and check messages.
  std::string ToString() const { return (*this - Time()).ToString(); }

  constexpr auto operator<=>(const Time&) const = default;

  constexpr Time operator+(Duration d) const { return Time(ns_ + d.nanos()); }
  constexpr Time operator-(Duration d) const { return Time(ns_ - d.nanos()); }
  constexpr Duration operator-(Time o) const { return Duration::Nanoseconds(ns_ - o.ns_); }
  constexpr Time& operator+=(Duration d) {
    ns_ += d.nanos();
    return *this;
  }
  constexpr Time& operator-=(Duration d) {
    ns_ -= d.nanos();
    return *this;
  }

 private:
  constexpr explicit Time(int64_t ns) : ns_(ns) {}
  int64_t ns_ = 0;
};

constexpr Time operator+(Duration d, Time t) { return t + d; }

// Go time.ParseDuration: a signed sequence of decimal numbers, each with optional fraction and a
// unit suffix (ns, us, µs, μs, ms, s, m, h); "0" needs no unit. Fractions are exact (integer
// arithmetic, truncated toward zero like Go); digits past the 18th fractional digit are ignored.
// Errors: `invalid duration "5x": unknown unit "x" (valid units: ns, us, ms, s, m, h)`.
StatusOr<Duration> ParseDuration(std::string_view s);

// For test failure messages and logs.
std::ostream& operator<<(std::ostream& os, Duration d);
std::ostream& operator<<(std::ostream& os, Time t);

}  // namespace kubesim::sim
