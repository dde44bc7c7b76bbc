// Paired comparison of two policies over the same seeds (docs/compare.md, Statistics).
//
// Run i of the baseline and run i of the candidate share seed i, so the seed's effect (tie-breaks,
// latencies drawn from the same streams) cancels in the difference d_i = candidate_i - baseline_i.
// The mean difference gets a two-sided 95% Student-t interval:
//   mean(d) ± t(0.975, n-1) · sd(d) / sqrt(n)          (sd with n-1 in the denominator)
// With one seed the interval is the point difference. Everything here is plain arithmetic in a
// fixed order, so the same runs give the same bytes.
#pragma once

#include <string_view>
#include <vector>

#include "models/compare/metrics.h"

namespace kubesim::compare {

// The 0.975 quantile of Student's t with `df` degrees of freedom (df ≥ 1), from a table (df 1–30
// exact to 3 decimals, then 40, 60, 120 and the normal 1.960; between rows the next smaller df's
// value, which is the larger, i.e. conservative, quantile).
double TQuantile975(int df);

struct PairedStats {
  int n = 0;
  double baseline_mean = 0;
  double candidate_mean = 0;
  double diff_mean = 0;  // mean of candidate - baseline
  double ci_low = 0;     // 95% interval of diff_mean
  double ci_high = 0;
};

// REQUIRES: baseline.size() == candidate.size() >= 1.
PairedStats Paired(const std::vector<double>& baseline, const std::vector<double>& candidate);

enum class Verdict { kUnchanged, kImproved, kRegressed };
std::string_view VerdictName(Verdict v);

// Orients the interval so that positive means worse (candidate above a lower-is-better baseline,
// or below a higher-is-better one), then:
//   regressed  when the whole interval lies above +allowed (its bound nearest zero exceeds the
//              tolerance: worse beyond tolerance with 95% confidence);
//   improved   when the whole interval lies below -allowed (better beyond tolerance, same rule);
//   unchanged  otherwise (within tolerance, or too noisy to say).
// `allowed` = tolerance.Allowed(baseline_mean), ≥ 0.
Verdict Judge(const PairedStats& s, Direction direction, double allowed);

}  // namespace kubesim::compare
