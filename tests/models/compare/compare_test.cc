// `kubesim compare` in-process: the bin-packing regression scenario tells MostAllocated from
// LeastAllocated, the GCDA-100 trace replay does too, and verdicts are the same on every rerun.
#include "models/compare/compare.h"

#include <catch2/catch.hpp>
#include <string>

#include "models/compare/writers.h"

namespace kubesim::compare {
namespace {

std::string Src(const std::string& rel) { return std::string(KUBESIM_SOURCE_DIR) + "/" + rel; }

const MetricResult& Metric(const ScenarioComparison& s, std::string_view name) {
  for (const auto& m : s.metrics) {
    if (m.plan.def->name == name) return m;
  }
  FAIL("no metric " << name);
  return s.metrics.front();
}

ComparisonReport CompareOne(const std::string& scenario, const std::string& baseline, const std::string& candidate,
                            int seeds, int jobs = 1) {
  const auto& registry = scheduler::Registry::Default();
  auto p = Prepare(Src(scenario), Src(baseline), Src(candidate), registry);
  REQUIRE(p.ok());
  auto s = RunComparison(*p, seeds, registry, jobs);
  REQUIRE(s.ok());
  ComparisonReport r;
  r.baseline_config = baseline;
  r.candidate_config = candidate;
  r.seeds = seeds;
  r.scenarios.push_back(std::move(s).value());
  return r;
}

TEST_CASE("compare: scenario parameters on each side gate an expander change by its cost", "[compare][cloud]") {
  const auto& registry = scheduler::Registry::Default();
  ComparisonInputs inputs;
  inputs.baseline_parameters = {{"expander", "least-waste"}};
  inputs.candidate_parameters = {{"expander", "price"}};
  auto p = Prepare(Src("scenarios/cloud/expanders.yaml"), inputs, registry);
  REQUIRE(p.ok());
  auto s = RunComparison(*p, 2, registry, 1);
  REQUIRE(s.ok());
  const MetricResult& cost = Metric(*s, "cloud_cost_usd");
  REQUIRE(cost.available);
  // The price expander buys the cheapest instances per hour, which on this workload means more of
  // the small memory-optimised ones: more instances, more dollars.
  CHECK(cost.verdict == Verdict::kRegressed);
  CHECK(Metric(*s, "cloud_instances_launched").verdict == Verdict::kRegressed);
  CHECK(Metric(*s, "cluster_autoscaler_failed_scale_ups").available);
  // A scenario without a cloud has no cloud metrics: n/a, never a regression.
  auto q = Prepare(Src("scenarios/regression/bin-packing.yaml"), Src("scenarios/policies/least-allocated.yaml"),
                   Src("scenarios/policies/most-allocated.yaml"), registry);
  REQUIRE(q.ok());
  auto t = RunComparison(*q, 1, registry, 1);
  REQUIRE(t.ok());
  CHECK_FALSE(Metric(*t, "cloud_cost_usd").available);
}

TEST_CASE("compare: MostAllocated packs the bin-packing scenario, LeastAllocated spreads it", "[compare]") {
  ComparisonReport r = CompareOne("scenarios/regression/bin-packing.yaml", "scenarios/policies/least-allocated.yaml",
                                  "scenarios/policies/most-allocated.yaml", 3);
  const ScenarioComparison& s = r.scenarios.front();
  CHECK(s.seeds == std::vector<uint64_t>{1, 2, 3});
  const MetricResult& nodes = Metric(s, "nodes_used");
  INFO(TextReport(r));
  // Spreading puts 40 one-CPU pods two per node on all 20 nodes, leaving no room for the eight
  // four-CPU pods; packing fills 10 nodes with them and gives each large pod an empty node.
  CHECK(nodes.stats.baseline_mean == 20);
  CHECK(nodes.stats.candidate_mean == 18);
  CHECK(nodes.verdict == Verdict::kImproved);
  const MetricResult& unscheduled = Metric(s, "pods_unscheduled");
  CHECK(unscheduled.stats.baseline_mean == 8);
  CHECK(unscheduled.stats.candidate_mean == 0);
  CHECK(unscheduled.verdict == Verdict::kImproved);
  CHECK(Metric(s, "pods_scheduled").verdict == Verdict::kImproved);
  CHECK(Metric(s, "nodes_overcommitted").verdict == Verdict::kUnchanged);

  // The reverse comparison regresses, and reruns give the same bytes.
  ComparisonReport back = CompareOne("scenarios/regression/bin-packing.yaml", "scenarios/policies/most-allocated.yaml",
                                     "scenarios/policies/least-allocated.yaml", 3);
  CHECK(Metric(back.scenarios.front(), "pods_unscheduled").verdict == Verdict::kRegressed);
  ComparisonReport again =
      CompareOne("scenarios/regression/bin-packing.yaml", "scenarios/policies/least-allocated.yaml",
                 "scenarios/policies/most-allocated.yaml", 3);
  CHECK(TextReport(again) == TextReport(r));
  CHECK(JUnitXml(again) == JUnitXml(r));
  // Runs on two threads give the same report: no run shares mutable state with another.
  ComparisonReport threaded =
      CompareOne("scenarios/regression/bin-packing.yaml", "scenarios/policies/least-allocated.yaml",
                 "scenarios/policies/most-allocated.yaml", 3, 2);
  CHECK(MarkdownReport(threaded) == MarkdownReport(r));
}

TEST_CASE("compare: the broken policy overcommits nodes on the GCDA-100 trace and is flagged", "[compare]") {
  ComparisonReport r = CompareOne("scenarios/regression/gcda-100.yaml", "scenarios/policies/default.yaml",
                                  "scenarios/policies/broken-no-fit.yaml", 3);
  INFO(TextReport(r));
  const ScenarioComparison& s = r.scenarios.front();
  // Three seeds: with two, t(0.975, 1) = 12.7 makes the interval of a 3-or-4 overcommit straddle 0.
  const MetricResult& over = Metric(s, "nodes_overcommitted");
  CHECK(over.stats.baseline_mean == 0);
  CHECK(over.stats.candidate_mean > 0);
  CHECK(over.verdict == Verdict::kRegressed);
  CHECK(r.Count(Verdict::kRegressed) >= 1);
}

TEST_CASE("compare: a policy compared with itself changes nothing", "[compare]") {
  ComparisonReport r = CompareOne("scenarios/regression/preemption-storm.yaml", "scenarios/policies/default.yaml",
                                  "scenarios/policies/least-allocated.yaml", 2);
  INFO(TextReport(r));
  // The storm does storm: the high-priority burst preempts (the Preempted events are counted).
  CHECK(Metric(r.scenarios.front(), "preemptions").stats.baseline_mean >= 10);
  for (const auto& m : r.scenarios.front().metrics) {
    INFO(m.plan.def->name);
    if (!m.available) continue;
    CHECK(m.verdict == Verdict::kUnchanged);
    CHECK(m.stats.diff_mean == 0);
  }
}

}  // namespace
}  // namespace kubesim::compare
