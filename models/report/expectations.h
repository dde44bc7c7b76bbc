// Expectations: the scenario's `expect:` assertions, evaluated over a finished run's results.
// They decide the run's verdict (summary.json, report.html, the CLI's exit status 1).
//
// An expectation reads one metric over an optional window of simulated time, reduces it with an
// aggregation and compares the result with a threshold. Metrics come in four families:
//   - time series: any column of metrics.csv (MetricsTable), e.g. scheduler_pending_pods{queue="active"};
//     samples whose time lies in the window; aggregations min, max, mean, first, last, p50, p90,
//     p95, p99, count.
//   - per-pod distributions: pod_scheduling_latency_seconds (created → bound) and
//     pod_startup_latency_seconds (created → Running), over the pods created in the window;
//     aggregations as above (count = how many pods).
//   - events: events_total{reason="X"} (optionally type="Warning"): the events recorded in the
//     window; aggregation count (the default).
//   - run totals at the end: pods_scheduled, pods_unscheduled, pods_running, pods_succeeded,
//     pods_failed, pods_deleted, nodes_total, nodes_ready, nodes_used, scheduling_attempts,
//     node_failures; aggregation value (the default); no window.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "models/report/results.h"

namespace kubesim::report {

enum class MetricFamily { kSeries, kDistribution, kEvents, kTotal };

struct Expectation {
  std::string name;  // given, or derived from the expression
  std::string metric;
  // Decided when parsing (nodes_used is both a total and a series); unset: FamilyOf(metric).
  std::optional<MetricFamily> family;
  std::string aggregate;  // see above
  std::optional<double> from_seconds, to_seconds;
  std::string comparator;  // <, <=, >, >=, ==, !=
  double threshold = 0;
  std::string source;  // FILE:LINE:COL
};

// The family of a metric name, judged by its name alone (series are everything else).
MetricFamily FamilyOf(const std::string& metric);
// Aggregations allowed for a family, and the default (empty when one must be given).
std::vector<std::string> AggregatesFor(MetricFamily family);
std::string DefaultAggregate(MetricFamily family);
// The run totals' names, for messages and the JSON Schema.
const std::vector<std::string>& TotalMetricNames();
// The names (without labels) of the series the sampler writes to metrics.csv
// (models/cluster/metrics_sampler.cc; a test keeps the two in step).
const std::vector<std::string>& SeriesBaseNames();
// The etcd series every run samples after the scheduler's and the cluster's (models/cluster/
// components.cc, SampleControlPlane), in column order.
const std::vector<std::string>& ControlPlaneSeriesNames();
// "scheduler_pending_pods" of `scheduler_pending_pods{queue="active"}`.
std::string BaseName(const std::string& metric);
// "max(scheduler_pending_pods) over [5m, 30m] <= 5".
std::string ExpressionOf(const Expectation& e);

std::vector<Verdict> EvaluateExpectations(const std::vector<Expectation>& expectations, const RunResults& results);

}  // namespace kubesim::report
