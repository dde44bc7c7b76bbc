#include "sim/time.h"

#include <cmath>
#include <ostream>

#include "sim/check.h"

namespace kubesim::sim {
namespace {

// Writes v's decimal digits leftwards ending just before buf[w]; returns the new start.
int FormatInt(char* buf, int w, uint64_t v) {
  if (v == 0) {
    buf[--w] = '0';
    return w;
  }
  while (v > 0) {
    buf[--w] = static_cast<char>('0' + v % 10);
    v /= 10;
  }
  return w;
}

// As Go's fmtFrac: writes the lowest `prec` digits of v as a fraction without trailing zeros
// (and omits the '.' if they are all zero), then drops them from v.
int FormatFrac(char* buf, int w, uint64_t* v, int prec) {
  bool print = false;
  for (int i = 0; i < prec; ++i) {
    const auto digit = static_cast<char>(*v % 10);
    print = print || digit != 0;
    if (print) buf[--w] = static_cast<char>('0' + digit);
    *v /= 10;
  }
  if (print) buf[--w] = '.';
  return w;
}

constexpr std::string_view kValidUnits = "(valid units: ns, us, ms, s, m, h)";

Status DurationError(std::string_view orig, std::string_view what) {
  std::string msg = "invalid duration \"";
  msg.append(orig);
  msg.append("\": ");
  msg.append(what);
  return InvalidArgument(std::move(msg));
}

// Returns ns per unit, or 0 if `unit` is not one of Go's units.
uint64_t UnitNanos(std::string_view unit) {
  if (unit == "ns") return 1;
  if (unit == "us" || unit == "\u00b5s" || unit == "\u03bcs") return 1000;
  if (unit == "ms") return 1000 * 1000;
  if (unit == "s") return 1000ull * 1000 * 1000;
  if (unit == "m") return 60ull * 1000 * 1000 * 1000;
  if (unit == "h") return 3600ull * 1000 * 1000 * 1000;
  return 0;
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

}  // namespace

Duration Duration::FromNanosRounded(double ns) {
  KUBESIM_CHECK(!std::isnan(ns), "Duration from NaN");
  // 2^63 is exactly representable; anything at or beyond it does not fit in int64.
  constexpr double kLimit = 9223372036854775808.0;
  if (ns >= kLimit) return Max();
  if (ns <= -kLimit) return -Max();
  return Duration(static_cast<int64_t>(std::llround(ns)));
}

Duration Duration::FromSecondsRounded(double s) {
  KUBESIM_CHECK(!std::isnan(s), "Duration::FromSecondsRounded(NaN)");
  return FromNanosRounded(s * 1e9);
}

std::string Duration::ToString() const {
  // Port of Go's Duration.format; 32 bytes hold the longest form "-2562047h47m16.854775808s".
  char buf[32];
  int w = sizeof(buf);
  const bool neg = ns_ < 0;
  uint64_t u = static_cast<uint64_t>(ns_);
  if (neg) u = 0 - u;
  constexpr uint64_t kSecond = 1000ull * 1000 * 1000;
  if (u < kSecond) {
    buf[--w] = 's';
    int prec = 0;
    if (u == 0) {
      return "0s";
    } else if (u < 1000) {
      buf[--w] = 'n';
    } else if (u < 1000 * 1000) {
      prec = 3;
      buf[--w] = '\xb5';  // U+00B5 MICRO SIGN in UTF-8, as Go prints it
      buf[--w] = '\xc2';
    } else {
      prec = 6;
      buf[--w] = 'm';
    }
    w = FormatFrac(buf, w, &u, prec);
    w = FormatInt(buf, w, u);
  } else {
    buf[--w] = 's';
    w = FormatFrac(buf, w, &u, 9);
    w = FormatInt(buf, w, u % 60);
    u /= 60;
    if (u > 0) {
      buf[--w] = 'm';
      w = FormatInt(buf, w, u % 60);
      u /= 60;
      if (u > 0) {
        buf[--w] = 'h';
        w = FormatInt(buf, w, u);
      }
    }
  }
  if (neg) buf[--w] = '-';
  return std::string(buf + w, sizeof(buf) - w);
}

StatusOr<Duration> ParseDuration(std::string_view orig) {
  std::string_view s = orig;
  bool neg = false;
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) {
    neg = s[0] == '-';
    s.remove_prefix(1);
  }
  if (s == "0") return Duration::Zero();
  if (s.empty()) return DurationError(orig, "empty");
  constexpr uint64_t kLimit = uint64_t{1} << 63;  // magnitude of the most negative int64
  uint64_t total = 0;
  while (!s.empty()) {
    if (!(s[0] == '.' || IsDigit(s[0]))) return DurationError(orig, "expected a number");
    // Integer part; anything past 2^63 overflows whatever the unit.
    uint64_t whole = 0;
    size_t i = 0;
    for (; i < s.size() && IsDigit(s[i]); ++i) {
      if (whole > (kLimit - (s[i] - '0')) / 10) return DurationError(orig, "overflows int64 nanoseconds");
      whole = whole * 10 + static_cast<uint64_t>(s[i] - '0');
    }
    const bool pre = i > 0;
    s.remove_prefix(i);
    // Fraction as an exact ratio frac / scale.
    uint64_t frac = 0;
    uint64_t scale = 1;
    bool post = false;
    if (!s.empty() && s[0] == '.') {
      s.remove_prefix(1);
      i = 0;
      for (; i < s.size() && IsDigit(s[i]); ++i) {
        if (scale < 1000000000000000000ull) {
          frac = frac * 10 + static_cast<uint64_t>(s[i] - '0');
          scale *= 10;
        }
      }
      post = i > 0;
      s.remove_prefix(i);
    }
    if (!pre && !post) return DurationError(orig, "expected digits around '.'");
    i = 0;
    while (i < s.size() && !(s[i] == '.' || IsDigit(s[i]))) ++i;
    if (i == 0) return DurationError(orig, std::string("missing unit ") + std::string(kValidUnits));
    const std::string_view unit = s.substr(0, i);
    s.remove_prefix(i);
    const uint64_t unit_ns = UnitNanos(unit);
    if (unit_ns == 0) {
      return DurationError(orig, "unknown unit \"" + std::string(unit) + "\" " + std::string(kValidUnits));
    }
    if (whole > kLimit / unit_ns) return DurationError(orig, "overflows int64 nanoseconds");
    uint64_t v = whole * unit_ns;
    // frac < 1e18 and unit_ns <= 3.6e12, so the product fits easily in 128 bits.
    __extension__ using U128 = unsigned __int128;
    v += static_cast<uint64_t>(static_cast<U128>(frac) * unit_ns / scale);
    if (v > kLimit) return DurationError(orig, "overflows int64 nanoseconds");
    total += v;
    if (total > kLimit) return DurationError(orig, "overflows int64 nanoseconds");
  }
  if (neg) return Duration::Nanoseconds(static_cast<int64_t>(0 - total));
  if (total > kLimit - 1) return DurationError(orig, "overflows int64 nanoseconds");
  return Duration::Nanoseconds(static_cast<int64_t>(total));
}

std::ostream& operator<<(std::ostream& os, Duration d) { return os << d.ToString(); }
std::ostream& operator<<(std::ostream& os, Time t) { return os << "T+" << t.ToString(); }

}  // namespace kubesim::sim
