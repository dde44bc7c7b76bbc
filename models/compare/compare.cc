#include "models/compare/compare.h"

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <thread>
#include <utility>

#include "models/cluster/cluster.h"
#include "models/scheduler/config.h"

namespace kubesim::compare {
namespace {

// The policy replaces the scenario's: a fresh v1-defaulted configuration decoded from the file,
// keeping only the simulated control plane's cycle latency from the scenario.
sim::StatusOr<scheduler::SchedulerConfig> LoadPolicy(const std::string& path, const scenario::Scenario& sc,
                                                     const scheduler::Registry& registry) {
  scheduler::SchedulerConfig base;
  base.cycle_latency = sc.settings.scheduler.cycle_latency;
  return scheduler::LoadKubeSchedulerConfiguration(path, registry, std::move(base));
}

}  // namespace

sim::StatusOr<std::vector<MetricPlan>> PlanMetrics(const scenario::CompareSettings& settings) {
  std::vector<MetricPlan> plan;
  // Worded as upstream's field.NotSupported, as the scenario's other enumerations are.
  auto unknown = [](const api::YamlNode& where, const std::string& name) {
    std::string supported;
    for (const auto& m : Metrics()) supported += (supported.empty() ? "\"" : ", \"") + std::string(m.name) + "\"";
    return where.Error("Unsupported value: \"" + name + "\": supported values: " + supported);
  };
  if (settings.metrics.empty()) {
    for (const auto& m : Metrics()) plan.push_back(MetricPlan{&m, m.tolerance, false});
  } else {
    // In table order whatever order the scenario lists them: reports of all scenarios line up.
    for (const auto& sel : settings.metrics) {
      if (FindMetric(sel.metric) == nullptr) return unknown(sel.where, sel.metric);
    }
    for (const auto& m : Metrics()) {
      for (const auto& sel : settings.metrics) {
        if (sel.metric == m.name) plan.push_back(MetricPlan{&m, m.tolerance, false});
      }
    }
  }
  for (const auto& t : settings.tolerances) {
    if (FindMetric(t.metric) == nullptr) return unknown(t.where, t.metric);
    MetricPlan* target = nullptr;
    for (auto& p : plan) {
      if (p.def->name == t.metric) target = &p;
    }
    // A tolerance for a metric the scenario left out of `metrics` would silently do nothing.
    if (target == nullptr) {
      return t.where.Error("Invalid value: \"" + t.metric + "\" is not among spec.compare.metrics");
    }
    // One half given: the other keeps its default, so `{relative: 0.1}` loosens only that part.
    if (t.relative) target->tolerance.relative = *t.relative;
    if (t.absolute) target->tolerance.absolute = *t.absolute;
    target->tolerance_overridden = true;
  }
  return plan;
}

sim::StatusOr<PreparedScenario> Prepare(const std::string& scenario_path, const std::string& baseline_config,
                                        const std::string& candidate_config, const scheduler::Registry& registry) {
  return Prepare(scenario_path, ComparisonInputs{baseline_config, candidate_config, {}, {}}, registry);
}

sim::StatusOr<PreparedScenario> Prepare(const std::string& scenario_path, const ComparisonInputs& inputs,
                                        const scheduler::Registry& registry) {
  PreparedScenario p;
  scenario::LoadOptions base{&registry, nullptr, inputs.baseline_parameters};
  scenario::LoadOptions cand{&registry, nullptr, inputs.candidate_parameters};
  KUBESIM_ASSIGN_OR_RETURN(p.scenario, scenario::LoadScenario(scenario_path, base));
  KUBESIM_ASSIGN_OR_RETURN(p.candidate_scenario, scenario::LoadScenario(scenario_path, cand));
  if (p.scenario.name.empty()) p.scenario.name = std::filesystem::path(scenario_path).stem().string();
  p.baseline = p.scenario.settings.scheduler;
  p.candidate = p.candidate_scenario.settings.scheduler;
  if (!inputs.baseline_config.empty()) {
    KUBESIM_ASSIGN_OR_RETURN(p.baseline, LoadPolicy(inputs.baseline_config, p.scenario, registry));
  }
  if (!inputs.candidate_config.empty()) {
    KUBESIM_ASSIGN_OR_RETURN(p.candidate, LoadPolicy(inputs.candidate_config, p.candidate_scenario, registry));
  }
  KUBESIM_ASSIGN_OR_RETURN(p.metrics, PlanMetrics(p.scenario.compare));
  return p;
}

sim::StatusOr<report::RunResults> RunOnce(const scenario::Scenario& sc, const scheduler::SchedulerConfig& config,
                                          uint64_t seed, const scheduler::Registry& registry) {
  // Cluster keeps a reference to its scenario: the copy outlives it. Objects are shared, immutable.
  scenario::Scenario with_policy = sc;
  with_policy.settings.scheduler = config;
  cluster::RunOptions opts;
  opts.seed = seed;
  opts.registry = &registry;
  cluster::Cluster c(with_policy, opts);
  KUBESIM_RETURN_IF_ERROR(c.Start());
  c.Run();
  return c.Results();
}

int ScenarioComparison::Count(Verdict v) const {
  int n = 0;
  for (const auto& m : metrics) n += m.available && m.verdict == v ? 1 : 0;
  return n;
}

int ComparisonReport::Count(Verdict v) const {
  int n = 0;
  for (const auto& s : scenarios) n += s.Count(v);
  return n;
}

std::vector<std::optional<double>> Extract(const PreparedScenario& p, const report::RunResults& r) {
  std::vector<std::optional<double>> out;
  for (const auto& plan : p.metrics) out.push_back(plan.def->extract(r));
  return out;
}

ScenarioComparison Judge(const PreparedScenario& p, const std::vector<uint64_t>& seeds, const RunValues& baseline,
                         const RunValues& candidate) {
  ScenarioComparison out;
  out.name = p.scenario.name;
  out.file = p.scenario.file;
  out.seeds = seeds;
  for (size_t k = 0; k < p.metrics.size(); ++k) {
    MetricResult m;
    m.plan = p.metrics[k];
    for (size_t i = 0; i < baseline.size() && i < candidate.size(); ++i) {
      const std::optional<double>& b = baseline[i][k];
      const std::optional<double>& c = candidate[i][k];
      if (!b || !c) {
        m.available = false;
        break;
      }
      m.baseline.push_back(*b);
      m.candidate.push_back(*c);
    }
    if (m.available && !m.baseline.empty()) {
      m.stats = Paired(m.baseline, m.candidate);
      m.allowed = m.plan.tolerance.Allowed(m.stats.baseline_mean);
      m.verdict = compare::Judge(m.stats, m.plan.def->direction, m.allowed);
    } else {
      m.available = false;
      m.baseline.clear();
      m.candidate.clear();
    }
    out.metrics.push_back(std::move(m));
  }
  return out;
}

sim::StatusOr<ScenarioComparison> RunComparison(const PreparedScenario& p, int seeds,
                                                const scheduler::Registry& registry, int jobs) {
  std::vector<uint64_t> seed_list;
  for (int i = 0; i < seeds; ++i) seed_list.push_back(p.scenario.seed + static_cast<uint64_t>(i));
  // Task 2i is the baseline with seed i, 2i+1 the candidate. Each task owns its result slot and
  // its own Cluster (no simulation state is shared: the scenario's objects are immutable and the
  // registry is only read), so the values do not depend on `jobs` or on which thread ran what.
  // Only the metric values are kept: a large run's pods and events are dropped as soon as read.
  const size_t tasks = 2 * seed_list.size();
  std::vector<std::vector<std::optional<double>>> values(tasks);
  std::vector<sim::Status> errors(tasks, sim::Status::Ok());
  std::atomic<size_t> next{0};
  auto worker = [&] {
    for (size_t t = next++; t < tasks; t = next++) {
      const scheduler::SchedulerConfig& config = t % 2 == 0 ? p.baseline : p.candidate;
      auto r = RunOnce(t % 2 == 0 ? p.scenario : p.candidate_scenario, config, seed_list[t / 2], registry);
      if (!r.ok()) {
        errors[t] = r.status();
        continue;
      }
      values[t] = Extract(p, *r);
    }
  };
  const int threads = std::max(1, std::min<int>(jobs, static_cast<int>(tasks)));
  if (threads == 1) {
    worker();
  } else {
    std::vector<std::thread> pool;
    for (int i = 0; i < threads; ++i) pool.emplace_back(worker);
    for (auto& th : pool) th.join();
  }
  // The first failure in task order, whichever thread met it first.
  for (const auto& e : errors) KUBESIM_RETURN_IF_ERROR(e);
  RunValues baseline, candidate;
  for (size_t t = 0; t < tasks; ++t) (t % 2 == 0 ? baseline : candidate).push_back(std::move(values[t]));
  return Judge(p, seed_list, baseline, candidate);
}

}  // namespace kubesim::compare
