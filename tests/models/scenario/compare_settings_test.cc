// spec.compare: tolerance overrides and the metric selection, and the FILE:LINE:COL errors for
// everything a user can get wrong in them (unknown metric names are reported by models/compare,
// at the name's own position).
#include <catch2/catch.hpp>

#include "models/compare/compare.h"
#include "models/scenario/scenario.h"

namespace kubesim::scenario {
namespace {

const char* kHead =
    "apiVersion: kubesim.io/v1alpha1\n"
    "kind: Scenario\n"
    "metadata: {name: t}\n"
    "spec:\n";

sim::StatusOr<std::vector<compare::MetricPlan>> Plan(const std::string& body) {
  KUBESIM_ASSIGN_OR_RETURN(Scenario sc, LoadScenarioFromString(kHead + body, "s.yaml"));
  return compare::PlanMetrics(sc.compare);
}

TEST_CASE("compare settings: defaults, overrides and a metric selection", "[scenario][compare]") {
  auto none = Plan("  seed: 1\n");
  REQUIRE(none.ok());
  CHECK(none->size() == compare::Metrics().size());

  auto some = Plan(
      "  compare:\n"
      "    metrics: [pods_unscheduled, nodes_used]\n"
      "    tolerances:\n"
      "      nodes_used: {relative: 0.25}\n"
      "      pods_unscheduled: {absolute: 3, relative: 0}\n");
  REQUIRE(some.ok());
  REQUIRE(some->size() == 2);
  // Table order, whatever order the scenario lists them in.
  CHECK((*some)[0].def->name == "pods_unscheduled");
  CHECK((*some)[0].tolerance.absolute == 3);
  CHECK((*some)[0].tolerance.relative == 0);
  CHECK((*some)[0].tolerance_overridden);
  CHECK((*some)[1].def->name == "nodes_used");
  CHECK((*some)[1].tolerance.relative == Approx(0.25));
  // The half not given keeps its default.
  CHECK((*some)[1].tolerance.absolute == compare::FindMetric("nodes_used")->tolerance.absolute);
}

TEST_CASE("compare settings: mistakes name file, line, column and field", "[scenario][compare]") {
  struct Row {
    const char* what;
    std::string body;
    std::string want;  // "s.yaml:LINE:COL: field: ..." prefix and a part of the message
    std::string text;
  };
  std::vector<Row> rows = {
      {"unknown key", "  compare: {tolerance: {}}\n", "s.yaml:5:", "unknown field \"tolerance\""},
      {"negative", "  compare:\n    tolerances:\n      nodes_used: {relative: -0.1}\n",
       "s.yaml:7:30: spec.compare.tolerances.nodes_used.relative", "must not be negative"},
      {"not a number", "  compare:\n    tolerances:\n      nodes_used: {absolute: lots}\n",
       "s.yaml:7:30: spec.compare.tolerances.nodes_used.absolute", "must be a number"},
      {"empty tolerance", "  compare:\n    tolerances:\n      nodes_used: {}\n",
       "s.yaml:7:19: spec.compare.tolerances.nodes_used", "Required value"},
      {"unknown tolerance key", "  compare:\n    tolerances:\n      nodes_used: {rel: 1}\n",
       "s.yaml:7:", "unknown field \"rel\""},
      {"unknown metric in tolerances", "  compare:\n    tolerances:\n      nodes_usd: {absolute: 1}\n",
       "s.yaml:7:18: spec.compare.tolerances.nodes_usd", "Unsupported value: \"nodes_usd\""},
      {"unknown metric in metrics", "  compare:\n    metrics: [nodes_used, latency]\n",
       "s.yaml:6:27: spec.compare.metrics[1]", "Unsupported value: \"latency\""},
      {"duplicate metric", "  compare:\n    metrics: [nodes_used, nodes_used]\n", "s.yaml:6:", "Duplicate value"},
      {"tolerance for an unselected metric",
       "  compare:\n    metrics: [nodes_used]\n    tolerances:\n      preemptions: {absolute: 1}\n",
       "s.yaml:8:20: spec.compare.tolerances.preemptions", "not among spec.compare.metrics"},
      {"empty metrics", "  compare:\n    metrics: []\n", "s.yaml:6:", "at least one metric"},
  };
  for (const auto& r : rows) {
    INFO(r.what);
    auto p = Plan(r.body);
    REQUIRE_FALSE(p.ok());
    INFO(p.status().message());
    CHECK(p.status().message().rfind(r.want, 0) == 0);
    CHECK(p.status().message().find(r.text) != std::string::npos);
  }
}

}  // namespace
}  // namespace kubesim::scenario
