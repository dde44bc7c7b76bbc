// CompareSettings: the scenario's optional `spec.compare` block, read by `kubesim compare`
// (models/compare, docs/compare.md). It overrides the built-in per-metric tolerances and may pick
// the metrics a scenario is judged on:
//
//   compare:
//     metrics: [pods_unscheduled, nodes_used]          # optional; default: every metric
//     tolerances:
//       nodes_used: {relative: 0.05, absolute: 2}      # either or both; non-negative numbers
//
// This layer checks the shape and the numbers. Metric names are defined one layer up
// (models/compare/metrics.h, where adding a metric is one table row), so each name keeps its
// YamlNode and models/compare reports an unknown one at its FILE:LINE:COL.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "models/api/yaml_node.h"
#include "sim/status.h"

namespace kubesim::scenario {

struct ToleranceOverride {
  std::string metric;
  api::YamlNode where;             // the metric's key in the document, for errors about its name
  std::optional<double> relative;  // fraction of the baseline mean, e.g. 0.05
  std::optional<double> absolute;  // in the metric's own unit
};

struct MetricSelection {
  std::string metric;
  api::YamlNode where;
};

struct CompareSettings {
  bool present = false;                       // the scenario has a `spec.compare` block
  std::vector<MetricSelection> metrics;       // empty: every metric
  std::vector<ToleranceOverride> tolerances;  // in document order
};

// `node` is `spec.compare`; an undefined node gives the defaults.
sim::StatusOr<CompareSettings> ParseCompareSettings(const api::YamlNode& node);

}  // namespace kubesim::scenario
