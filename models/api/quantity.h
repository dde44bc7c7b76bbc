// resource.Quantity as upstream k8s.io/apimachinery/pkg/api/resource defines it.
//
// A Quantity is an exact decimal or binary-SI number such as "100m", "0.5", "1Gi", "1G", "1e3".
// kubesim stores the value as a 128-bit count of nano-units, exact for every suffix upstream
// accepts (n u m "" k M G T P E, Ki..Ei, e/E exponents) down to 1n. Digits finer than 1n are
// rounded up, as upstream rounds up when it cannot represent a value at its scale.
// MilliValue() and Value() round up (toward +inf), as upstream's MilliValue/Value do, so "0.1m"
// of CPU is 1 millicore and "1.5" bytes are 2 bytes.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "sim/status.h"

namespace kubesim::api {

__extension__ using Int128 = __int128;  // GCC/Clang extension: exact to 1.7e38

class Quantity {
 public:
  Quantity() = default;
  static Quantity FromMilli(int64_t milli);
  static Quantity FromUnits(int64_t units);

  // Errors read like upstream's: `quantities must match the regular expression ...` or name
  // what is out of range.
  static sim::StatusOr<Quantity> Parse(std::string_view text);

  int64_t MilliValue() const;  // rounded away from zero; saturates at the int64 range
  int64_t Value() const;       // rounded away from zero; saturates at the int64 range
  bool IsZero() const { return nanos_ == 0; }
  bool IsNegative() const { return nanos_ < 0; }
  const std::string& text() const { return text_; }  // as written, for output

  friend bool operator==(const Quantity& a, const Quantity& b) { return a.nanos_ == b.nanos_; }

 private:
  Int128 nanos_ = 0;
  std::string text_ = "0";
};

}  // namespace kubesim::api
