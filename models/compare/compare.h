// Policy regression: every scenario run under a baseline and a candidate scheduler configuration
// over the same seeds, each metric of models/compare/metrics.h compared pairwise with a 95%
// interval and judged against its tolerance (statistics.h). The `kubesim compare` command
// (cli/compare.cc) is a thin shell over this; docs/compare.md is the user's view.
//
// The two KubeSchedulerConfiguration files replace the scenario's own `spec.scheduler` config;
// only kubesim's cycle-latency model (a property of the simulated control plane, not of the
// policy) is kept from the scenario. Seeds are the scenario's `spec.seed`, +1, ... +N-1, so with
// one seed the baseline run is exactly `kubesim run` of the scenario under that configuration.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "models/compare/metrics.h"
#include "models/compare/statistics.h"
#include "models/report/results.h"
#include "models/scenario/scenario.h"
#include "models/scheduler/registry.h"
#include "models/scheduler/scheduler.h"
#include "sim/status.h"

namespace kubesim::compare {

// A metric as one scenario judges it: the built-in definition with the scenario's tolerance.
struct MetricPlan {
  const MetricDef* def = nullptr;
  Tolerance tolerance;
  bool tolerance_overridden = false;  // from the scenario's spec.compare
};

// One scenario, loaded and checked, with both configurations decoded against it.
struct PreparedScenario {
  scenario::Scenario scenario;            // as the baseline runs it
  scenario::Scenario candidate_scenario;  // as the candidate runs it (other parameter values)
  scheduler::SchedulerConfig baseline;
  scheduler::SchedulerConfig candidate;
  std::vector<MetricPlan> metrics;
};

// What differs between the two sides: a KubeSchedulerConfiguration file each (empty: the
// scenario's own scheduler settings), and scenario parameter values each (`--set` NAME=VALUE,
// e.g. the cluster-autoscaler's expander or a node group's instance type).
struct ComparisonInputs {
  std::string baseline_config;
  std::string candidate_config;
  std::map<std::string, std::string> baseline_parameters;
  std::map<std::string, std::string> candidate_parameters;
};
sim::StatusOr<PreparedScenario> Prepare(const std::string& scenario_path, const ComparisonInputs& inputs,
                                        const scheduler::Registry& registry);

// Loads the scenario and both configurations; every error is the FILE:LINE:COL message `kubesim
// run` would give, including unknown metric names in spec.compare.
sim::StatusOr<PreparedScenario> Prepare(const std::string& scenario_path, const std::string& baseline_config,
                                        const std::string& candidate_config, const scheduler::Registry& registry);

// The metric plan for `settings` (unknown names are errors at their position).
sim::StatusOr<std::vector<MetricPlan>> PlanMetrics(const scenario::CompareSettings& settings);

struct MetricResult {
  MetricPlan plan;
  bool available = true;         // every run provided a value
  std::vector<double> baseline;  // per seed, in seed order
  std::vector<double> candidate;
  PairedStats stats;
  double allowed = 0;  // plan.tolerance.Allowed(stats.baseline_mean)
  Verdict verdict = Verdict::kUnchanged;
};

struct ScenarioComparison {
  std::string name;  // metadata.name, or the file's stem
  std::string file;
  std::vector<uint64_t> seeds;
  std::vector<MetricResult> metrics;
  // Metrics with this verdict; metrics not available count as none.
  int Count(Verdict v) const;
};

// One run's value of each planned metric, in plan order (none: the run could not provide it).
std::vector<std::optional<double>> Extract(const PreparedScenario& p, const report::RunResults& r);
using RunValues = std::vector<std::vector<std::optional<double>>>;  // [seed index][metric]

// Judges per-seed values (baseline[i] and candidate[i] ran with seeds[i]); no simulation. A
// metric missing from any run is reported as not available and never regresses.
ScenarioComparison Judge(const PreparedScenario& p, const std::vector<uint64_t>& seeds, const RunValues& baseline,
                         const RunValues& candidate);

// Runs `seeds` seeds of both policies (2·seeds runs, on up to `jobs` threads) and judges them.
// The result is the same for any `jobs`. Errors only when a cluster cannot start (an invalid
// profile); then the error of the first such run in seed order.
sim::StatusOr<ScenarioComparison> RunComparison(const PreparedScenario& p, int seeds,
                                                const scheduler::Registry& registry, int jobs = 1);

// One run of the prepared scenario under `config` with `seed`.
sim::StatusOr<report::RunResults> RunOnce(const scenario::Scenario& sc, const scheduler::SchedulerConfig& config,
                                          uint64_t seed, const scheduler::Registry& registry);

struct ComparisonReport {
  std::string baseline_config;
  std::string candidate_config;
  int seeds = 0;
  std::vector<ScenarioComparison> scenarios;
  int Count(Verdict v) const;
};

}  // namespace kubesim::compare
