// Random numbers for the simulation: an in-house generator and named streams
// (docs/architecture.md).
//
// Rng is xoshiro256** (Blackman & Vigna) seeded by expanding a 64-bit seed through SplitMix64. Every
// distribution is implemented here from integer draws, so the sequence of NextU64() values is
// identical on every platform and standard library; std::*_distribution is banned because its
// algorithms differ between libraries. Floating-point results additionally depend on the C library's
// log/exp/sqrt/cos (glibc's are the reference for golden runs).
//
// Each draw consumes a fixed number of NextU64() calls, documented per function, so a stream's
// position never depends on the values drawn. Component code draws from a named stream
// (RandomStreams::Stream("scheduler/default-scheduler/tiebreak")); a stream's seed depends only on the
// master seed and its own name, so adding a component never shifts another's numbers.
//
// StreamSeed and the Rng seeding are a stable format: golden fingerprints depend on them.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "sim/time.h"

namespace kubesim::sim {

class Rng {
 public:
  explicit Rng(uint64_t seed);

  // One step of xoshiro256**.
  uint64_t NextU64();
  // Uniform in [0, n), unbiased (Lemire's multiply-and-reject): usually one NextU64, rarely more.
  // REQUIRES: n > 0.
  uint64_t UniformInt(uint64_t n);
  // Uniform in [lo, hi], inclusive. REQUIRES: lo <= hi.
  int64_t UniformIntRange(int64_t lo, int64_t hi);
  // [0, 1) from the top 53 bits of one NextU64.
  double Uniform01();
  // [a, b) from one Uniform01.
  double Uniform(double a, double b);
  // Mean 1/rate, by inverse transform -log1p(-u)/rate; one NextU64. REQUIRES: rate > 0.
  double Exponential(double rate);
  // Box–Muller, cosine branch only: exactly two NextU64 per draw. The sine partner is deliberately
  // not cached, so a draw never depends on whether the previous draw was a normal.
  double Normal(double mean, double stddev);
  // exp(Normal(mu, sigma)); two NextU64.
  double LogNormal(double mu, double sigma);
  // Exponential with the given mean, rounded to ns; one NextU64. REQUIRES: mean >= 0.
  Duration ExponentialDuration(Duration mean);
  // median * exp(Normal(0, sigma)), rounded to ns and saturating; two NextU64.
  Duration LogNormalDuration(Duration median, double sigma);
  // True with probability p; always exactly one NextU64, even for p <= 0 or p >= 1.
  bool Bernoulli(double p);

 private:
  uint64_t s_[4];
};

// Seed of the stream `name` under `master_seed`. Stable format:
//   h = FNV-1a-64(name bytes)   (offset 0xcbf29ce484222325, prime 0x100000001b3; sim/hash.h)
//   return SplitMix64Mix(SplitMix64Mix(master_seed) ^ h)
// where SplitMix64Mix(z) is one SplitMix64 output for state z: z += 0x9e3779b97f4a7c15, then the
// (30, 0xbf58476d1ce4e5b9), (27, 0x94d049bb133111eb), 31 xor-shift-multiply finaliser
// (SplitMix64Finalize, sim/hash.h).
uint64_t StreamSeed(uint64_t master_seed, std::string_view name);

// The named streams of one simulation. Owns its Rngs; references returned by Stream() stay valid for
// the lifetime of the RandomStreams (streams are never removed).
class RandomStreams {
 public:
  explicit RandomStreams(uint64_t master_seed) : master_seed_(master_seed) {}
  RandomStreams(const RandomStreams&) = delete;
  RandomStreams& operator=(const RandomStreams&) = delete;

  // Created on first use with seed StreamSeed(master_seed(), name).
  Rng& Stream(std::string_view name);
  uint64_t master_seed() const { return master_seed_; }

 private:
  uint64_t master_seed_;
  std::map<std::string, std::unique_ptr<Rng>, std::less<>> streams_;
};

}  // namespace kubesim::sim
