// The three renderings of a comparison, on a hand-built report: JUnit counts, failures, skips and
// escaping; the Markdown table; the summary line; number formatting.
#include "models/compare/writers.h"

#include <catch2/catch.hpp>

namespace kubesim::compare {
namespace {

MetricResult Result(std::string_view metric, std::vector<double> baseline, std::vector<double> candidate) {
  MetricResult m;
  m.plan = MetricPlan{FindMetric(metric), FindMetric(metric)->tolerance, false};
  m.baseline = std::move(baseline);
  m.candidate = std::move(candidate);
  m.stats = Paired(m.baseline, m.candidate);
  m.allowed = m.plan.tolerance.Allowed(m.stats.baseline_mean);
  m.verdict = Judge(m.stats, m.plan.def->direction, m.allowed);
  return m;
}

ComparisonReport Report() {
  ScenarioComparison s;
  s.name = "a<b>&\"c\"";
  s.file = "scenarios/x.yaml";
  s.seeds = {1, 2, 3};
  s.metrics.push_back(Result("nodes_overcommitted", {0, 0, 0}, {3, 4, 5}));  // regressed
  s.metrics.push_back(Result("nodes_used", {10, 12, 14}, {6, 8, 10}));       // improved
  MetricResult na;
  na.plan = MetricPlan{FindMetric("pending_pods_peak"), FindMetric("pending_pods_peak")->tolerance, true};
  na.available = false;
  s.metrics.push_back(na);
  ComparisonReport r;
  r.baseline_config = "base.yaml";
  r.candidate_config = "cand.yaml";
  r.seeds = 3;
  r.scenarios.push_back(s);
  return r;
}

TEST_CASE("compare writers: JUnit has one suite per scenario and a failure per regression", "[compare]") {
  ComparisonReport r = Report();
  REQUIRE(r.Count(Verdict::kRegressed) == 1);
  REQUIRE(r.Count(Verdict::kImproved) == 1);
  std::string x = JUnitXml(r);
  CHECK(x.find("<testsuites name=\"kubesim compare\" tests=\"3\" failures=\"1\">") != std::string::npos);
  CHECK(x.find("<testsuite name=\"a&lt;b&gt;&amp;&quot;c&quot;\" tests=\"3\" failures=\"1\" errors=\"0\" "
               "skipped=\"1\" file=\"scenarios/x.yaml\">") != std::string::npos);
  CHECK(x.find("<property name=\"seeds\" value=\"1..3\"/>") != std::string::npos);
  CHECK(x.find("<failure type=\"regression\" message=\"nodes_overcommitted (lower is better): baseline 0, "
               "candidate 4, diff +4") != std::string::npos);
  CHECK(x.find(">baseline [0, 0, 0], candidate [3, 4, 5]</failure>") != std::string::npos);
  CHECK(x.find("name=\"pending_pods_peak\">\n      <skipped") != std::string::npos);
  CHECK(x.find("<failure", x.find("name=\"nodes_used\"")) == std::string::npos);  // only the first fails
  CHECK(x.find("a<b>") == std::string::npos);                                     // the raw name never appears
}

TEST_CASE("compare writers: Markdown and text tables carry the verdicts", "[compare]") {
  ComparisonReport r = Report();
  std::string md = MarkdownReport(r);
  CHECK(md.rfind("## kubesim compare: regression\n", 0) == 0);
  CHECK(md.find("1 regressed, 1 improved, 0 unchanged, 1 not available") != std::string::npos);
  // d = {3, 4, 5}: mean 4, sd 1, half width 4.303 / sqrt(3) = 2.484.
  CHECK(md.find("| nodes_overcommitted | lower | 0 | 4 | +4 [+1.516, +6.484] | ±0 (rel 0%, abs 0) | **regressed** |") !=
        std::string::npos);
  CHECK(md.find("| nodes_used | lower | 12 | 8 | -4 [-4, -4] | ±1 (rel 2%, abs 1) | improved |") != std::string::npos);
  CHECK(md.find("| pending_pods_peak | lower | n/a | n/a | n/a | rel 10%, abs 1, scenario | n/a |") !=
        std::string::npos);
  std::string text = TextReport(r);
  CHECK(text.find("REGRESSED") != std::string::npos);
  CHECK(text.substr(text.rfind('\n', text.size() - 2) + 1) ==
        "1 regressed, 1 improved, 0 unchanged, 1 not available: REGRESSION\n");
}

TEST_CASE("compare writers: numbers print as integers or with three decimals", "[compare]") {
  CHECK(FormatNumber(0) == "0");
  CHECK(FormatNumber(-0.0) == "0");
  CHECK(FormatNumber(20) == "20");
  CHECK(FormatNumber(-3) == "-3");
  CHECK(FormatNumber(0.1234) == "0.123");
  CHECK(FormatNumber(1045.6667) == "1045.667");
  CHECK(FormatNumber(-0.0001) == "0.000");
}

}  // namespace
}  // namespace kubesim::compare
