// The metrics sampler (models/cluster/metrics_sampler.h): sampling never changes a run, and the
// sampled columns agree with what the run's own results say.
#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>

#include "models/cluster/components.h"
#include "models/report/writers.h"
#include "models/scenario/scenario.h"

namespace kubesim::cluster {
namespace {

std::string Src(const std::string& rel) { return std::string(KUBESIM_SOURCE_DIR) + "/" + rel; }

scenario::Scenario Load(const std::string& rel) {
  auto sc = scenario::LoadScenario(Src(rel));
  INFO((sc.ok() ? "" : sc.status().message()));
  REQUIRE(sc.ok());
  return std::move(sc).value();
}

// Runs to the end in the given slices (empty: one Run()).
report::RunResults RunSliced(const scenario::Scenario& sc, const std::vector<int64_t>& slice_ms = {}) {
  Cluster c(sc);
  REQUIRE(c.Start().ok());
  if (slice_ms.empty()) {
    c.Run();
  } else {
    sim::Time t = sim::Time::Zero();
    size_t i = 0;
    while (t < c.end()) {
      t = t + sim::Duration::Milliseconds(slice_ms[i++ % slice_ms.size()]);
      c.RunUntil(t);
    }
  }
  return c.Results();
}

std::string Outputs(const report::RunResults& r) {
  return report::SummaryJson(r) + report::PodsCsv(r) + report::EventsJsonl(r);
}

TEST_CASE("Sampler: sampling adds no event and changes no result", "[metrics][golden]") {
  scenario::Scenario sc = Load("tests/scenarios/node-failure.yaml");
  sc.settings.output.interval = sim::Duration::Zero();
  report::RunResults off = RunSliced(sc);
  CHECK(off.metrics.time.empty());
  CHECK(off.node_series.time.empty());
  for (int64_t ms : {10'000, 7'000, 1'000}) {
    INFO("interval " << ms << " ms");
    sc.settings.output.interval = sim::Duration::Milliseconds(ms);
    report::RunResults on = RunSliced(sc);
    CHECK(on.fingerprint == off.fingerprint);
    CHECK(on.events_processed == off.events_processed);
    CHECK(Outputs(on) == Outputs(off));
    CHECK_FALSE(on.metrics.time.empty());
  }
}

TEST_CASE("Sampler: slicing the run elsewhere gives the same samples byte for byte", "[metrics][golden]") {
  scenario::Scenario sc = Load("tests/scenarios/node-failure.yaml");
  sc.settings.output.interval = sim::Duration::Seconds(10);
  report::RunResults whole = RunSliced(sc);
  // Slices that end on, before and after sample times.
  report::RunResults sliced = RunSliced(sc, {3'333, 10'000, 1, 45'678});
  CHECK(sliced.fingerprint == whole.fingerprint);
  CHECK(report::MetricsCsv(sliced) == report::MetricsCsv(whole));
  CHECK(report::NodesCsv(sliced) == report::NodesCsv(whole));
  CHECK(Outputs(sliced) == Outputs(whole));
}

TEST_CASE("Sampler: columns agree with the run's results", "[metrics]") {
  scenario::Scenario sc = Load("tests/scenarios/node-failure.yaml");
  sc.settings.output.interval = sim::Duration::Seconds(7);  // 20m is not a multiple of 7s
  report::RunResults r = RunSliced(sc);
  const report::MetricsTable& m = r.metrics;
  CHECK(m.interval_seconds == 7);
  // Samples at 0, 7, 14, ... and the end of the run.
  REQUIRE(m.time.size() == 1200 / 7 + 2);
  CHECK(m.time.front() == 0);
  CHECK(m.time[1] == 7);
  CHECK(m.time.back() == 1200);
  for (const auto& c : m.columns) CHECK(c.size() == m.time.size());
  auto col = [&](const std::string& name) {
    const std::vector<double>* c = m.Column(name);
    INFO(name);
    REQUIRE(c != nullptr);
    return *c;
  };
  // Three 4-CPU nodes; n1's kubelet stops at 10m and it goes Unknown 50 s later.
  auto ready = col("nodes_ready");
  CHECK(ready.front() == 3);
  CHECK(ready.back() == 2);
  CHECK(col("cluster_allocatable{resource=\"cpu\"}").front() == 12);
  CHECK(col("cluster_allocatable{resource=\"cpu\"}").back() == 8);
  // Counters are cumulative and end where the run's totals end.
  auto scheduled = col("scheduler_schedule_attempts_total{result=\"scheduled\"}");
  CHECK(std::is_sorted(scheduled.begin(), scheduled.end()));
  int64_t bound_by_scheduler = 0;
  for (const auto& e : r.events) bound_by_scheduler += e.reason == "Scheduled" ? 1 : 0;
  CHECK(scheduled.back() == bound_by_scheduler);
  CHECK(col("pods_running").back() == r.pods_running);
  // The end-of-run sample agrees with the per-node end state.
  double requested_cpu = 0;
  for (const auto& n : r.nodes) {
    if (n.ready) requested_cpu += static_cast<double>(n.requested_milli_cpu) / 1000;
  }
  CHECK(col("cluster_requested{resource=\"cpu\"}").back() == Approx(requested_cpu));
  auto util = col("cluster_utilisation{resource=\"cpu\"}");
  CHECK(util.back() == Approx(requested_cpu / 8));
  for (double u : util) CHECK((u >= 0 && u <= 1));
  for (double f : col("cluster_fragmentation{resource=\"cpu\"}")) CHECK((f >= 0 && f <= 1));
  // Quantiles only for intervals in which a pod was bound.
  auto p99 = col("scheduler_pod_scheduling_sli_duration_seconds{quantile=\"0.99\"}");
  CHECK(std::count_if(p99.begin(), p99.end(), [](double v) { return !std::isnan(v); }) > 0);
  CHECK(std::isnan(p99.back()));

  // nodes.csv rows: every node at every sample time.
  const report::NodeSeries& s = r.node_series;
  CHECK(s.resources == std::vector<std::string>{"cpu", "memory", "pods"});
  REQUIRE(s.time.size() == 3 * m.time.size());
  CHECK(s.NodeName(0) == "n0");
  CHECK(s.ZoneName(0) == "zone-0");
  CHECK(s.NodeName(1) == "n1");
  CHECK(s.ready[1] == 1);
  CHECK(s.ready[s.ready.size() - 2] == 0);  // n1 at the end
  CHECK(s.allocatable[0][0] == 4);
  CHECK(s.allocatable[1][0] == 16.0 * 1024 * 1024 * 1024);
  std::string csv = report::NodesCsv(r);
  CHECK(csv.substr(0, csv.find('\n')) ==
        "time,node,zone,ready,cpu_allocatable,cpu_requested,memory_allocatable,memory_requested,pods_allocatable,"
        "pods_requested");
}

TEST_CASE("Sampler: a tiny interval over a long run is widened with a warning", "[metrics]") {
  scenario::Scenario sc = Load("tests/scenarios/preemption.yaml");
  sc.settings.output.interval = sim::Duration::Milliseconds(1);  // 3m: 180001 samples
  report::RunResults r = RunSliced(sc);
  CHECK(static_cast<int64_t>(r.metrics.time.size()) <= scenario::kMaxSamples + 1);
  CHECK(r.metrics.interval_seconds > 0.001);
  REQUIRE_FALSE(r.warnings.empty());
  CHECK_THAT(r.warnings.back(), Catch::Contains("spec.output.interval"));
}

}  // namespace
}  // namespace kubesim::cluster
