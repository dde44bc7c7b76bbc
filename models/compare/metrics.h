// The metrics `kubesim compare` judges a scheduling policy on, one table row each: how the
// figure is read from one run's RunResults, which direction is better, and the default
// tolerance within which a worse candidate still counts as unchanged (docs/compare.md).
//
// Adding a metric is adding one row to the table in metrics.cc. A metric a run cannot provide
// (e.g. a time-series column the sampler did not record) yields no value and is reported as
// not available rather than as zero.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "models/report/results.h"

namespace kubesim::compare {

enum class Direction { kLowerIsBetter, kHigherIsBetter };

struct Tolerance {
  double relative = 0;  // fraction of the baseline mean's magnitude
  double absolute = 0;  // in the metric's unit
  // The worsening still tolerated: the larger of the two, so a small baseline (0 unscheduled
  // pods) is judged by the absolute part and a large one by the relative part.
  double Allowed(double baseline_mean) const;
};

struct MetricDef {
  std::string_view name;
  std::string_view unit;  // "pods", "s", ...; for the tables
  Direction direction;
  Tolerance tolerance;    // the built-in default
  std::string_view help;  // one line for docs and --help
  std::optional<double> (*extract)(const report::RunResults&);
};

// Every metric, in report order.
const std::vector<MetricDef>& Metrics();
// Null when `name` is not a metric.
const MetricDef* FindMetric(std::string_view name);
// "a, b, c": the names, for error messages.
std::string MetricNames();

}  // namespace kubesim::compare
