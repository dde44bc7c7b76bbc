// Fingerprint: a running 64-bit hash over the committed event stream of one run (OMNeT++-style), so
// two runs can be compared by one number and golden scenarios can pin it (docs/architecture.md).
//
// Order-sensitive and platform-independent: every field is encoded as a one-byte type tag followed by
// its little-endian 8-byte value (strings: tag, little-endian 8-byte length, bytes), then fed to
// FNV-1a 64. The tags and length prefixes keep field boundaries unambiguous (Add("ab"), Add("c")
// differs from Add("a"), Add("bc"); Add(int64_t{1}) differs from Add(uint64_t{1})). value() applies
// the SplitMix64 finaliser to the FNV state, so nearby streams give unrelated values (both hashes:
// sim/hash.h). This encoding is a stable format: changing it invalidates every pinned golden
// fingerprint.
#pragma once

#include <concepts>
#include <cstdint>
#include <string>
#include <string_view>

#include "sim/hash.h"
#include "sim/time.h"

namespace kubesim::sim {

class Fingerprint {
 public:
  void Add(std::string_view bytes);
  void Add(int64_t v);
  void Add(uint64_t v);
  void Add(Time t);
  void Add(Duration d);
  // Other integer types (int, unsigned, bool, ...) widen to the 64-bit encoding of their signedness;
  // without these a plain `Add(5)` would be ambiguous.
  template <std::signed_integral I>
  void Add(I v) {
    Add(static_cast<int64_t>(v));
  }
  template <std::unsigned_integral U>
  void Add(U v) {
    Add(static_cast<uint64_t>(v));
  }

  uint64_t value() const;
  std::string ToHex() const;  // 16 lowercase hex digits of value()

 private:
  void Mix(unsigned char tag, uint64_t v);
  Fnv1a64 state_;
};

}  // namespace kubesim::sim
