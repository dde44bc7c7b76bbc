#include "sim/random.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <string>
#include <vector>

namespace kubesim::sim {
namespace {

std::vector<uint64_t> Draw(Rng& rng, int n) {
  std::vector<uint64_t> out;
  for (int i = 0; i < n; ++i) out.push_back(rng.NextU64());
  return out;
}

struct Moments {
  double mean;
  double stddev;
};

template <typename F>
Moments Sample(int n, F draw) {
  double sum = 0;
  double sum_sq = 0;
  for (int i = 0; i < n; ++i) {
    const double x = draw();
    sum += x;
    sum_sq += x * x;
  }
  const double mean = sum / n;
  return {mean, std::sqrt(sum_sq / n - mean * mean)};
}

TEST_CASE("Rng is reproducible from its seed", "[sim]") {
  Rng a(7);
  Rng b(7);
  Rng c(8);
  const auto da = Draw(a, 100);
  CHECK(da == Draw(b, 100));
  CHECK(da != Draw(c, 100));
}

TEST_CASE("Named streams are independent and stable", "[sim]") {
  RandomStreams s1(1);
  RandomStreams s2(1);
  CHECK(s1.master_seed() == 1);
  CHECK(Draw(s1.Stream("a"), 10) == Draw(s2.Stream("a"), 10));

  RandomStreams s3(1);
  CHECK(Draw(s3.Stream("a"), 10) != Draw(s3.Stream("b"), 10));

  // Creating and drawing from other streams never shifts "a".
  RandomStreams plain(99);
  RandomStreams busy(99);
  busy.Stream("scheduler/default-scheduler/tiebreak").NextU64();
  Rng& a_busy = busy.Stream("a");
  busy.Stream("kubelet/node-17/image-pull").NextU64();
  CHECK(Draw(plain.Stream("a"), 20) == Draw(a_busy, 20));

  // Stable reference across later insertions.
  Rng* first = &busy.Stream("a");
  for (int i = 0; i < 100; ++i) busy.Stream("s" + std::to_string(i));
  CHECK(first == &busy.Stream("a"));

  CHECK(StreamSeed(1, "a") != StreamSeed(2, "a"));
  CHECK(StreamSeed(1, "a") != StreamSeed(1, "b"));
}

TEST_CASE("Golden values of stream a for seed 1", "[sim]") {
  // Pinned: golden fingerprints depend on StreamSeed and xoshiro256** seeding. Do not regenerate
  // without a reason in the commit.
  RandomStreams streams(1);
  Rng& a = streams.Stream("a");
  CHECK(StreamSeed(1, "a") == 0x1e294378b45c3f93ull);
  CHECK(a.NextU64() == 0x466222fdb63fb790ull);
  CHECK(a.NextU64() == 0xd4c5fc66ebc50e59ull);
  CHECK(a.NextU64() == 0xe463619c7a29741dull);
}

TEST_CASE("xoshiro256** matches the reference implementation", "[sim]") {
  // Value computed by an independent transcription of Vigna's splitmix64.c and
  // xoshiro256starstar.c (state = four SplitMix64 outputs from seed 0).
  Rng rng(0);
  CHECK(rng.NextU64() == 0x99ec5f36cb75f2b4ull);
}

TEST_CASE("UniformInt stays in bounds and is roughly uniform", "[sim]") {
  Rng rng(3);
  constexpr int kBuckets = 10;
  constexpr int kDraws = 100000;
  int counts[kBuckets] = {};
  for (int i = 0; i < kDraws; ++i) {
    const uint64_t v = rng.UniformInt(kBuckets);
    REQUIRE(v < kBuckets);
    ++counts[v];
  }
  for (const int c : counts) {
    CHECK(c > kDraws / kBuckets * 0.95);
    CHECK(c < kDraws / kBuckets * 1.05);
  }
  for (int i = 0; i < 1000; ++i) CHECK(rng.UniformInt(1) == 0);
  const uint64_t big = (uint64_t{1} << 63) + 12345;
  for (int i = 0; i < 1000; ++i) CHECK(rng.UniformInt(big) < big);

  bool saw_lo = false;
  bool saw_hi = false;
  for (int i = 0; i < 10000; ++i) {
    const int64_t v = rng.UniformIntRange(-3, 3);
    REQUIRE(v >= -3);
    REQUIRE(v <= 3);
    saw_lo = saw_lo || v == -3;
    saw_hi = saw_hi || v == 3;
  }
  CHECK(saw_lo);
  CHECK(saw_hi);
  rng.UniformIntRange(INT64_MIN, INT64_MAX);  // full range must not divide by zero
}

TEST_CASE("Uniform01 lies in the half-open unit interval", "[sim]") {
  Rng rng(4);
  const Moments m = Sample(200000, [&rng] {
    const double u = rng.Uniform01();
    REQUIRE(u >= 0.0);
    REQUIRE(u < 1.0);
    return u;
  });
  CHECK(m.mean == Approx(0.5).margin(0.005));
  CHECK(m.stddev == Approx(std::sqrt(1.0 / 12)).margin(0.005));
  const double x = rng.Uniform(2.0, 3.0);
  CHECK(x >= 2.0);
  CHECK(x < 3.0);
}

TEST_CASE("Distributions have the right moments", "[sim]") {
  Rng rng(5);
  constexpr int kN = 200000;
  const Moments e = Sample(kN, [&rng] { return rng.Exponential(4.0); });
  CHECK(e.mean == Approx(0.25).epsilon(0.02));
  CHECK(e.stddev == Approx(0.25).epsilon(0.02));

  const Moments n = Sample(kN, [&rng] { return rng.Normal(10.0, 2.0); });
  CHECK(n.mean == Approx(10.0).margin(0.02));
  CHECK(n.stddev == Approx(2.0).epsilon(0.02));

  // LogNormal(mu, sigma): mean exp(mu + sigma^2/2), var (exp(sigma^2) - 1) exp(2 mu + sigma^2).
  const double mu = 0.5;
  const double sigma = 0.4;
  const Moments l = Sample(kN, [&] { return rng.LogNormal(mu, sigma); });
  CHECK(l.mean == Approx(std::exp(mu + sigma * sigma / 2)).epsilon(0.02));
  CHECK(l.stddev == Approx(std::sqrt((std::exp(sigma * sigma) - 1) * std::exp(2 * mu + sigma * sigma))).epsilon(0.03));

  const Moments ed = Sample(kN, [&rng] { return rng.ExponentialDuration(Duration::Milliseconds(100)).ToSeconds(); });
  CHECK(ed.mean == Approx(0.1).epsilon(0.02));

  std::vector<int64_t> lnd;
  for (int i = 0; i < 20001; ++i) lnd.push_back(rng.LogNormalDuration(Duration::Seconds(2), 0.5).nanos());
  std::nth_element(lnd.begin(), lnd.begin() + 10000, lnd.end());
  CHECK(static_cast<double>(lnd[10000]) == Approx(2e9).epsilon(0.03));

  int heads = 0;
  for (int i = 0; i < kN; ++i) heads += rng.Bernoulli(0.3) ? 1 : 0;
  CHECK(heads / static_cast<double>(kN) == Approx(0.3).margin(0.005));
}

TEST_CASE("Each draw consumes a fixed number of NextU64 calls", "[sim]") {
  Rng a(11);
  Rng b(11);
  a.Normal(0, 1);
  b.NextU64();
  b.NextU64();
  a.Exponential(1);
  b.NextU64();
  a.Bernoulli(2.0);
  b.NextU64();
  a.LogNormalDuration(Duration::Seconds(1), 1.0);
  b.NextU64();
  b.NextU64();
  CHECK(a.NextU64() == b.NextU64());
}

}  // namespace
}  // namespace kubesim::sim
