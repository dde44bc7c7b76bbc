#include "sim/random.h"

#include <cmath>
#include <numbers>
#include <string>

#include "sim/check.h"
#include "sim/hash.h"

namespace kubesim::sim {
namespace {

__extension__ using U128 = unsigned __int128;

uint64_t SplitMix64Mix(uint64_t z) { return SplitMix64Finalize(z + 0x9e3779b97f4a7c15ull); }

uint64_t Rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

}  // namespace

Rng::Rng(uint64_t seed) {
  // SplitMix64 as a sequence generator: state advances by the golden gamma, each output mixed. Its
  // outputs are distinct for four consecutive states, so the xoshiro state is never all zero.
  for (int i = 0; i < 4; ++i) {
    s_[i] = SplitMix64Mix(seed);
    seed += 0x9e3779b97f4a7c15ull;
  }
}

uint64_t Rng::NextU64() {
  const uint64_t result = Rotl(s_[1] * 5, 7) * 9;
  const uint64_t t = s_[1] << 17;
  s_[2] ^= s_[0];
  s_[3] ^= s_[1];
  s_[1] ^= s_[2];
  s_[0] ^= s_[3];
  s_[2] ^= t;
  s_[3] = Rotl(s_[3], 45);
  return result;
}

uint64_t Rng::UniformInt(uint64_t n) {
  KUBESIM_CHECK(n > 0, "Rng::UniformInt(0)");
  // Lemire, "Fast Random Integer Generation in an Interval" (2019).
  U128 m = static_cast<U128>(NextU64()) * n;
  auto low = static_cast<uint64_t>(m);
  if (low < n) {
    const uint64_t threshold = (0 - n) % n;
    while (low < threshold) {
      m = static_cast<U128>(NextU64()) * n;
      low = static_cast<uint64_t>(m);
    }
  }
  return static_cast<uint64_t>(m >> 64);
}

int64_t Rng::UniformIntRange(int64_t lo, int64_t hi) {
  KUBESIM_CHECK(lo <= hi, "Rng::UniformIntRange(" + std::to_string(lo) + ", " + std::to_string(hi) + ")");
  const uint64_t span = static_cast<uint64_t>(hi) - static_cast<uint64_t>(lo) + 1;
  if (span == 0) return static_cast<int64_t>(NextU64());  // the whole int64 range
  return static_cast<int64_t>(static_cast<uint64_t>(lo) + UniformInt(span));
}

double Rng::Uniform01() { return static_cast<double>(NextU64() >> 11) * 0x1.0p-53; }

double Rng::Uniform(double a, double b) { return a + (b - a) * Uniform01(); }

double Rng::Exponential(double rate) {
  KUBESIM_CHECK(rate > 0, "Rng::Exponential needs rate > 0");
  // 1 - u is in (0, 1], so the log is finite.
  return -std::log1p(-Uniform01()) / rate;
}

double Rng::Normal(double mean, double stddev) {
  const double u1 = Uniform01();
  const double u2 = Uniform01();
  const double r = std::sqrt(-2.0 * std::log1p(-u1));
  return mean + stddev * r * std::cos(2.0 * std::numbers::pi * u2);
}

double Rng::LogNormal(double mu, double sigma) { return std::exp(Normal(mu, sigma)); }

Duration Rng::ExponentialDuration(Duration mean) {
  KUBESIM_CHECK(mean >= Duration::Zero(), "Rng::ExponentialDuration needs mean >= 0");
  const double e = -std::log1p(-Uniform01());
  return Duration::FromNanosRounded(static_cast<double>(mean.nanos()) * e);
}

Duration Rng::LogNormalDuration(Duration median, double sigma) {
  const double factor = std::exp(Normal(0.0, sigma));
  return Duration::FromNanosRounded(static_cast<double>(median.nanos()) * factor);
}

bool Rng::Bernoulli(double p) { return Uniform01() < p; }

uint64_t StreamSeed(uint64_t master_seed, std::string_view name) {
  return SplitMix64Mix(SplitMix64Mix(master_seed) ^ Fnv1a64().Add(name).value());
}

Rng& RandomStreams::Stream(std::string_view name) {
  auto it = streams_.find(name);
  if (it == streams_.end()) {
    it = streams_.emplace(std::string(name), std::make_unique<Rng>(StreamSeed(master_seed_, name))).first;
  }
  return *it->second;
}

}  // namespace kubesim::sim
