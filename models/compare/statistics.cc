#include "models/compare/statistics.h"

#include <cmath>
#include <cstddef>

namespace kubesim::compare {

double TQuantile975(int df) {
  // Student t, two-sided 95% (one-sided 0.975), df = 1..30.
  static constexpr double kSmall[] = {12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
                                      2.201,  2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086,
                                      2.080,  2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042};
  if (df < 1) df = 1;
  if (df <= 30) return kSmall[df - 1];
  if (df < 40) return kSmall[29];
  if (df < 60) return 2.021;
  if (df < 120) return 2.000;
  if (df < 1000) return 1.980;
  return 1.960;
}

PairedStats Paired(const std::vector<double>& baseline, const std::vector<double>& candidate) {
  PairedStats s;
  const size_t n = baseline.size();
  s.n = static_cast<int>(n);
  if (n == 0 || candidate.size() != n) return s;
  double sb = 0, sc = 0, sd = 0;
  for (size_t i = 0; i < n; ++i) {
    sb += baseline[i];
    sc += candidate[i];
    sd += candidate[i] - baseline[i];
  }
  const double dn = static_cast<double>(n);
  s.baseline_mean = sb / dn;
  s.candidate_mean = sc / dn;
  s.diff_mean = sd / dn;
  s.ci_low = s.ci_high = s.diff_mean;
  if (n == 1) return s;
  double ss = 0;
  for (size_t i = 0; i < n; ++i) {
    const double e = (candidate[i] - baseline[i]) - s.diff_mean;
    ss += e * e;
  }
  const double half = TQuantile975(s.n - 1) * std::sqrt(ss / (dn - 1)) / std::sqrt(dn);
  s.ci_low = s.diff_mean - half;
  s.ci_high = s.diff_mean + half;
  return s;
}

std::string_view VerdictName(Verdict v) {
  switch (v) {
    case Verdict::kRegressed:
      return "regressed";
    case Verdict::kImproved:
      return "improved";
    case Verdict::kUnchanged:
      break;
  }
  return "unchanged";
}

Verdict Judge(const PairedStats& s, Direction direction, double allowed) {
  // worse_low/high: the interval of "how much worse", positive = worse.
  double worse_low = s.ci_low, worse_high = s.ci_high;
  if (direction == Direction::kHigherIsBetter) {
    worse_low = -s.ci_high;
    worse_high = -s.ci_low;
  }
  if (worse_low > allowed) return Verdict::kRegressed;
  if (worse_high < -allowed) return Verdict::kImproved;
  return Verdict::kUnchanged;
}

}  // namespace kubesim::compare
