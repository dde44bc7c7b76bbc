// Each metric row reads the figure it names from a RunResults (built by hand here, so every value
// is known).
#include "models/compare/metrics.h"

#include <catch2/catch.hpp>
#include <set>

namespace kubesim::compare {
namespace {

report::NodeRecord Node(const std::string& name, int64_t pods, int64_t requested_milli_cpu) {
  report::NodeRecord n;
  n.name = name;
  n.allocatable_milli_cpu = 4000;
  n.allocatable_memory = int64_t{16} << 30;
  n.allocatable_pods = 110;
  n.pods = pods;
  n.requested_milli_cpu = requested_milli_cpu;
  return n;
}

double Value(std::string_view metric, const report::RunResults& r) {
  const MetricDef* m = FindMetric(metric);
  REQUIRE(m != nullptr);
  std::optional<double> v = m->extract(r);
  REQUIRE(v.has_value());
  return *v;
}

TEST_CASE("compare: metric names are unique and every metric has a tolerance and a reader", "[compare]") {
  std::set<std::string_view> names;
  for (const auto& m : Metrics()) {
    INFO(m.name);
    CHECK(names.insert(m.name).second);
    CHECK(m.extract != nullptr);
    CHECK(m.tolerance.relative >= 0);
    CHECK(m.tolerance.absolute >= 0);
    CHECK(FindMetric(m.name) == &m);
  }
  CHECK(FindMetric("no_such_metric") == nullptr);
  CHECK(MetricNames().find("nodes_used, ") != std::string::npos);
}

TEST_CASE("compare: metrics read nodes, events, pods and series of a run", "[compare]") {
  report::RunResults r;
  r.nodes = {Node("a", 2, 2000), Node("b", 0, 0), Node("c", 3, 5000), Node("d", 1, 1000)};
  r.nodes[3].pods = 111;  // more pods than slots
  r.events = {{sim::Time(), "Normal", "Scheduled", "Pod/default/p", "", "default-scheduler"},
              {sim::Time(), "Normal", "Preempted", "Pod/default/v1", "", "default-scheduler"},
              {sim::Time(), "Normal", "Preempted", "Pod/default/v2", "", "default-scheduler"},
              {sim::Time(), "Warning", "FailedScheduling", "Pod/default/q", "", "default-scheduler"}};
  r.pods.resize(4);
  r.pods[0].attempts = 1;
  r.pods[1].attempts = 1;
  r.pods[2].attempts = 3;
  r.pods[3].attempts = 5;
  r.pods[3].phase = "Failed";
  r.Finalize();

  CHECK(Value("nodes_used", r) == 3);
  CHECK(Value("nodes_overcommitted", r) == 2);  // c over cpu, d over pods
  CHECK(Value("preemptions", r) == 2);
  CHECK(Value("scheduling_attempts_per_pod", r) == Approx(2.5));
  CHECK(Value("pods_failed", r) == 1);
  // (2000 + 5000 + 1000) / 4000 / 3 nodes used
  CHECK(Value("used_node_cpu_utilisation", r) == Approx(8.0 / 12.0));

  // A series the sampler did not record is not available, not zero.
  const MetricDef* peak = FindMetric("pending_pods_peak");
  REQUIRE(peak != nullptr);
  CHECK_FALSE(peak->extract(r).has_value());
  r.metrics.time = {0, 10, 20};
  r.metrics.names = {"scheduler_pending_pods{queue=\"active\"}", "scheduler_pending_pods{queue=\"unschedulable\"}"};
  r.metrics.columns = {{3, 7, 0}, {4, 1, 2}};
  CHECK(Value("pending_pods_peak", r) == 8);  // the queues summed at each sample
}

}  // namespace
}  // namespace kubesim::compare
