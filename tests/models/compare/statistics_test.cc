// The paired-difference interval and the verdict rule of docs/compare.md, on hand-checked numbers.
#include "models/compare/statistics.h"

#include <catch2/catch.hpp>

namespace kubesim::compare {
namespace {

TEST_CASE("compare: t quantiles come from the table and shrink towards the normal", "[compare]") {
  CHECK(TQuantile975(1) == Approx(12.706));
  CHECK(TQuantile975(4) == Approx(2.776));
  CHECK(TQuantile975(30) == Approx(2.042));
  CHECK(TQuantile975(35) == Approx(2.042));  // between rows: the conservative (larger) value
  CHECK(TQuantile975(100000) == Approx(1.960));
  for (int df = 1; df < 200; ++df) CHECK(TQuantile975(df + 1) <= TQuantile975(df));
}

TEST_CASE("compare: paired statistics give the mean difference and a Student-t interval", "[compare]") {
  // d = {1, 2, 3, 4, 5}: mean 3, sd sqrt(2.5), half width 2.776 * sqrt(2.5) / sqrt(5) = 1.96292.
  PairedStats s = Paired({10, 10, 10, 10, 10}, {11, 12, 13, 14, 15});
  CHECK(s.n == 5);
  CHECK(s.baseline_mean == Approx(10));
  CHECK(s.candidate_mean == Approx(13));
  CHECK(s.diff_mean == Approx(3));
  CHECK(s.ci_low == Approx(3 - 1.962920));
  CHECK(s.ci_high == Approx(3 + 1.962920));

  // Pairing cancels the seed's effect: the baselines vary, the differences do not.
  PairedStats same = Paired({5, 50, 500}, {7, 52, 502});
  CHECK(same.diff_mean == Approx(2));
  CHECK(same.ci_low == Approx(2));
  CHECK(same.ci_high == Approx(2));

  // One seed: the interval is the point difference.
  PairedStats one = Paired({4}, {9});
  CHECK(one.ci_low == 5);
  CHECK(one.ci_high == 5);
}

TEST_CASE("compare: the verdict needs the whole interval beyond the tolerance", "[compare]") {
  auto stats = [](double lo, double hi) {
    PairedStats s;
    s.n = 5;
    s.ci_low = lo;
    s.ci_high = hi;
    s.diff_mean = (lo + hi) / 2;
    return s;
  };
  struct Row {
    double lo, hi;
    Direction dir;
    double allowed;
    Verdict want;
  };
  const Direction kLower = Direction::kLowerIsBetter, kHigher = Direction::kHigherIsBetter;
  std::vector<Row> rows = {
      {2, 4, kLower, 1, Verdict::kRegressed},     // candidate higher, lower is better, beyond 1
      {0.5, 4, kLower, 1, Verdict::kUnchanged},   // could be within tolerance: not proven
      {1, 4, kLower, 1, Verdict::kUnchanged},     // bound exactly at the tolerance is tolerated
      {-4, -2, kLower, 1, Verdict::kImproved},    // candidate lower by more than 1
      {-4, -2, kHigher, 1, Verdict::kRegressed},  // candidate lower, higher is better
      {2, 4, kHigher, 1, Verdict::kImproved},         {-0.5, 0.5, kLower, 0, Verdict::kUnchanged},  // noise around zero
      {0.001, 0.002, kLower, 0, Verdict::kRegressed},  // zero tolerance: any proven worsening
  };
  for (const auto& r : rows) {
    INFO(r.lo << " " << r.hi << " allowed " << r.allowed);
    CHECK(Judge(stats(r.lo, r.hi), r.dir, r.allowed) == r.want);
  }
  CHECK(VerdictName(Verdict::kRegressed) == "regressed");
  CHECK(VerdictName(Verdict::kImproved) == "improved");
  CHECK(VerdictName(Verdict::kUnchanged) == "unchanged");
}

TEST_CASE("compare: the tolerance is the larger of its absolute and relative parts", "[compare]") {
  Tolerance t{0.05, 2};
  CHECK(t.Allowed(10) == Approx(2));    // 5% of 10 is 0.5 < 2
  CHECK(t.Allowed(100) == Approx(5));   // 5% of 100
  CHECK(t.Allowed(-100) == Approx(5));  // magnitude
  CHECK(Tolerance{0, 0}.Allowed(1000) == 0);
}

}  // namespace
}  // namespace kubesim::compare
