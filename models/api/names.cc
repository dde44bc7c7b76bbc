#include "models/api/names.h"

#include "sim/check.h"

namespace kubesim::api {

std::string RandomString(sim::Rng& rng, int n) {
  std::string out;
  out.reserve(static_cast<size_t>(n));
  for (int i = 0; i < n; ++i) out += kAlphanums[rng.UniformInt(kAlphanums.size())];
  return out;
}

std::string SafeEncodeDigits(std::string_view digits) {
  std::string out;
  out.reserve(digits.size());
  for (const char d : digits) {
    KUBESIM_CHECK(d >= '0' && d <= '9', "SafeEncodeDigits: not a decimal digit in \"" + std::string(digits) + "\"");
    out += kAlphanums[static_cast<size_t>(d - '0')];
  }
  return out;
}

bool IsDnsSubdomain(std::string_view s) {
  if (s.empty() || s.size() > 253) return false;
  auto alnum = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); };
  if (!alnum(s.front()) || !alnum(s.back())) return false;
  for (const char c : s) {
    if (!alnum(c) && c != '-' && c != '.') return false;
  }
  return true;
}

}  // namespace kubesim::api
