#include "models/api/quantity.h"

#include <limits>

namespace kubesim::api {
namespace {

constexpr Int128 kNanosPerUnit = 1'000'000'000;
// Beyond this the value cannot be an int64 count of units, which every consumer of quantities in
// the simulator needs; upstream would accept it but no real resource gets near it.
constexpr Int128 kMaxNanos = static_cast<Int128>(std::numeric_limits<int64_t>::max()) * kNanosPerUnit;

sim::Status BadFormat(std::string_view text) {
  return sim::InvalidArgument("quantity \"" + std::string(text) +
                              "\" must match the regular expression "
                              "'^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'");
}

// Suffix → (base, exponent): value = number × base^exponent, as upstream's suffixer.
struct Scale {
  int base;  // 2 or 10
  int exp;
};

bool LookupSuffix(std::string_view s, Scale* out) {
  struct Entry {
    std::string_view name;
    Scale scale;
  };
  static constexpr Entry kTable[] = {
      {"", {10, 0}},   {"n", {10, -9}}, {"u", {10, -6}}, {"m", {10, -3}}, {"k", {10, 3}},  {"M", {10, 6}},
      {"G", {10, 9}},  {"T", {10, 12}}, {"P", {10, 15}}, {"E", {10, 18}}, {"Ki", {2, 10}}, {"Mi", {2, 20}},
      {"Gi", {2, 30}}, {"Ti", {2, 40}}, {"Pi", {2, 50}}, {"Ei", {2, 60}},
  };
  for (const Entry& e : kTable) {
    if (e.name == s) {
      *out = e.scale;
      return true;
    }
  }
  return false;
}

}  // namespace

Quantity Quantity::FromMilli(int64_t milli) {
  Quantity q;
  q.nanos_ = static_cast<Int128>(milli) * 1'000'000;
  q.text_ = std::to_string(milli) + "m";
  return q;
}

Quantity Quantity::FromUnits(int64_t units) {
  Quantity q;
  q.nanos_ = static_cast<Int128>(units) * kNanosPerUnit;
  q.text_ = std::to_string(units);
  return q;
}

sim::StatusOr<Quantity> Quantity::Parse(std::string_view text) {
  std::string_view s = text;
  if (s.empty()) return sim::InvalidArgument("quantity must not be empty");
  bool negative = false;
  if (s[0] == '+' || s[0] == '-') {
    negative = s[0] == '-';
    s.remove_prefix(1);
  }
  // Number part: digits with at most one '.', at least one digit.
  size_t i = 0;
  std::string int_digits, frac_digits;
  bool seen_dot = false;
  for (; i < s.size() && (s[i] == '.' || (s[i] >= '0' && s[i] <= '9')); ++i) {
    if (s[i] == '.') {
      if (seen_dot) return BadFormat(text);
      seen_dot = true;
    } else {
      (seen_dot ? frac_digits : int_digits).push_back(s[i]);
    }
  }
  if (int_digits.empty() && frac_digits.empty()) return BadFormat(text);
  std::string_view suffix = s.substr(i);

  Scale scale{10, 0};
  if (!LookupSuffix(suffix, &scale)) {
    // Decimal exponent form: e.g. "1e3", "5E-2".
    if (!suffix.empty() && (suffix[0] == 'e' || suffix[0] == 'E')) {
      std::string_view e = suffix.substr(1);
      bool eneg = false;
      if (!e.empty() && (e[0] == '+' || e[0] == '-')) {
        eneg = e[0] == '-';
        e.remove_prefix(1);
      }
      if (e.empty() || e.size() > 4) return BadFormat(text);
      int exp = 0;
      for (char c : e) {
        if (c < '0' || c > '9') return BadFormat(text);
        exp = exp * 10 + (c - '0');
      }
      scale = {10, eneg ? -exp : exp};
    } else {
      return BadFormat(text);
    }
  }

  // Strip leading zeros so huge zero-padded numbers do not look like overflow.
  size_t nz = int_digits.find_first_not_of('0');
  int_digits = nz == std::string::npos ? "" : int_digits.substr(nz);
  while (!frac_digits.empty() && frac_digits.back() == '0') frac_digits.pop_back();

  auto too_large = [&]() { return sim::InvalidArgument("quantity \"" + std::string(text) + "\" is too large"); };
  // mantissa × 10^(-frac_len) × base^exp, computed exactly in nano-units.
  // Decimal exponents fold into a single power of ten; binary ones multiply afterwards.
  int dec_exp = 9 - static_cast<int>(frac_digits.size()) + (scale.base == 10 ? scale.exp : 0);
  std::string digits = int_digits + frac_digits;
  if (digits.size() > 38) return too_large();
  Int128 mantissa = 0;
  for (char c : digits) mantissa = mantissa * 10 + (c - '0');
  Int128 value = mantissa;
  bool round_up = false;
  if (dec_exp >= 0) {
    for (int k = 0; k < dec_exp; ++k) {
      if (value > kMaxNanos) return too_large();
      value *= 10;
    }
  } else {
    for (int k = 0; k < -dec_exp && value != 0; ++k) {
      if (value % 10 != 0) round_up = true;
      value /= 10;
    }
    if (round_up) value += 1;  // finer than 1n: round up, never silently to zero
  }
  if (scale.base == 2) {
    for (int k = 0; k < scale.exp; ++k) {
      if (value > kMaxNanos) return too_large();
      value *= 2;
    }
  }
  if (value > kMaxNanos) return too_large();

  Quantity q;
  q.nanos_ = negative ? -value : value;
  q.text_ = std::string(text);
  return q;
}

namespace {
// Rounds an inexact quotient away from zero, as upstream's MilliValue/Value (negativeScaleInt64):
// "1.5" → 2 and "-1.5" → −2.
int64_t RoundAwayFromZero(Int128 v, Int128 d) {
  Int128 q = v / d;  // truncates toward zero
  if (v % d != 0) q += v > 0 ? 1 : -1;
  if (q > std::numeric_limits<int64_t>::max()) return std::numeric_limits<int64_t>::max();
  if (q < std::numeric_limits<int64_t>::min()) return std::numeric_limits<int64_t>::min();
  return static_cast<int64_t>(q);
}
}  // namespace

int64_t Quantity::MilliValue() const { return RoundAwayFromZero(nanos_, 1'000'000); }
int64_t Quantity::Value() const { return RoundAwayFromZero(nanos_, kNanosPerUnit); }

}  // namespace kubesim::api
