// The non-cryptographic hashes kubesim's stable formats are built on, each defined once here:
// FNV-1a (Fowler–Noll–Vo) in its 32- and 64-bit forms, with the standard offset bases and primes
// (those of Go's hash/fnv New32a and New64a, which upstream's controller.ComputeHash uses), and
// the SplitMix64 finaliser.
//
// Users and the formats that depend on them (changing either changes every pinned value):
// Fingerprint (sim/fingerprint.h), StreamSeed (sim/random.h), the Deployment pod-template-hash
// (models/controllers/deployment.h) and the stand-in signature of legacy service-account tokens
// (models/controllers/legacy_token.h).
#pragma once

#include <cstdint>
#include <string_view>

namespace kubesim::sim {

// Incremental FNV-1a: for each byte, state = (state ^ byte) * prime. Bytes go in as unsigned.
template <typename U, U kOffsetBasisValue, U kPrimeValue>
class BasicFnv1a {
 public:
  static constexpr U kOffsetBasis = kOffsetBasisValue;
  static constexpr U kPrime = kPrimeValue;

  constexpr BasicFnv1a() = default;
  // Starts from `state` instead of the offset basis (a seeded variant, or a saved state).
  constexpr explicit BasicFnv1a(U state) : state_(state) {}

  constexpr BasicFnv1a& AddByte(uint8_t b) {
    state_ = static_cast<U>((state_ ^ b) * kPrime);
    return *this;
  }
  constexpr BasicFnv1a& Add(std::string_view bytes) {
    for (const char c : bytes) AddByte(static_cast<uint8_t>(c));
    return *this;
  }
  // The 8 bytes of v, least significant first.
  constexpr BasicFnv1a& AddLittleEndian64(uint64_t v) {
    for (int i = 0; i < 8; ++i) AddByte(static_cast<uint8_t>(v >> (8 * i)));
    return *this;
  }

  constexpr U value() const { return state_; }

 private:
  U state_ = kOffsetBasis;
};

using Fnv1a32 = BasicFnv1a<uint32_t, 0x811c9dc5u, 0x01000193u>;                 // 2166136261, 16777619
using Fnv1a64 = BasicFnv1a<uint64_t, 0xcbf29ce484222325ull, 0x100000001b3ull>;  // 14695981039346656037

// SplitMix64's output function (Steele, Lea & Flood 2014; Stafford's Mix13 constants): xor-shift-
// multiply by (30, 0xbf58476d1ce4e5b9), (27, 0x94d049bb133111eb), then xor-shift 31. A bijection
// of 64-bit values in which nearby inputs give unrelated outputs.
constexpr uint64_t SplitMix64Finalize(uint64_t z) {
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

}  // namespace kubesim::sim
