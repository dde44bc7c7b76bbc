// `kubesim compare` as CI calls it: exit 1 and a JUnit <failure> when the candidate regresses,
// exit 0 when nothing does, exit 2 with a FILE:LINE:COL message for bad input.
#include <sys/wait.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <regex>
#include <string>

#include "tests/support/cli.h"
#include "tests/support/temp_dir.h"

namespace kubesim {
namespace {

using testing::ReadFile;
using testing::TempDir;

using testing::Kubesim;
using Result = testing::CliResult;

using testing::Src;

size_t Occurrences(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t pos = text.find(what); pos != std::string::npos; pos = text.find(what, pos + 1)) ++n;
  return n;
}

TEST_CASE("CLI compare: a broken candidate policy is a regression with exit 1", "[compare]") {
  TempDir dir;
  std::string args = "compare --baseline " + Src("scenarios/policies/default.yaml") + " --candidate " +
                     Src("scenarios/policies/broken-no-fit.yaml") + " " + Src("scenarios/regression/bin-packing.yaml") +
                     " --seeds 3 --junit " + (dir / "r/junit.xml") + " --markdown " + (dir / "r/report.md");
  Result r = Kubesim(args, dir);
  INFO(r.out << r.err);
  CHECK(r.exit_code == 1);
  CHECK(r.out.find("REGRESSED") != std::string::npos);
  CHECK(r.out.find("REGRESSION") != std::string::npos);
  std::string junit = ReadFile(dir / "r/junit.xml");
  CHECK(junit.rfind("<?xml", 0) == 0);
  CHECK(Occurrences(junit, "<testsuite ") == 1);
  CHECK(junit.find("<testcase classname=\"kubesim.compare.bin-packing\" name=\"nodes_overcommitted\">\n      "
                   "<failure") != std::string::npos);
  CHECK(Occurrences(junit, "<failure") >= 1);
  std::string md = ReadFile(dir / "r/report.md");
  CHECK(md.find("| nodes_overcommitted | lower |") != std::string::npos);
  CHECK(md.find("**regressed**") != std::string::npos);

  // Reruns give the same bytes: the verdicts are stable.
  Result again = Kubesim(args, dir);
  CHECK(again.exit_code == 1);
  CHECK(again.out == r.out);
  CHECK(ReadFile(dir / "r/junit.xml") == junit);
}

TEST_CASE("CLI compare: no regression exits 0", "[compare]") {
  TempDir dir;
  Result r = Kubesim("compare --baseline " + Src("scenarios/policies/default.yaml") + " --candidate " +
                         Src("scenarios/policies/least-allocated.yaml") + " --seeds 1 " +
                         Src("scenarios/regression/preemption-storm.yaml") + " --junit " + (dir / "j.xml"),
                     dir);
  INFO(r.out << r.err);
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("no regression") != std::string::npos);
  CHECK(ReadFile(dir / "j.xml").find("<failure") == std::string::npos);
}

TEST_CASE("CLI compare: bad input exits 2 with an editor-style location", "[compare]") {
  TempDir dir;
  const std::regex located(R"(^[^:\n]+:[0-9]+:[0-9]+: [^\n]+\n$)");
  const std::string good_policy = Src("scenarios/policies/default.yaml");
  const std::string good_scenario = Src("scenarios/regression/bin-packing.yaml");
  std::string bad_policy = dir.Write("bad-policy.yaml",
                                     "apiVersion: kubescheduler.config.k8s.io/v1\n"
                                     "kind: KubeSchedulerConfiguration\n"
                                     "profiles:\n"
                                     "  - schedulerName: default-scheduler\n"
                                     "    plugins: {score: {enabled: [{name: NoSuchPlugin}]}}\n");
  std::string bad_metric = dir.Write("bad-metric.yaml",
                                     "apiVersion: kubesim.io/v1alpha1\n"
                                     "kind: Scenario\n"
                                     "spec:\n"
                                     "  compare:\n"
                                     "    tolerances: {node_used: {absolute: 1}}\n");
  std::string bad_scenario =
      dir.Write("bad-scenario.yaml", "apiVersion: kubesim.io/v1alpha1\nkind: Scenario\nspec: {duration: 5x}\n");
  struct Row {
    const char* what;
    std::string args;
    std::string file;  // the file the message must start with; empty: any location
  };
  std::vector<Row> rows = {
      {"missing scenario", "--baseline " + good_policy + " --candidate " + good_policy + " " + (dir / "nope.yaml"),
       dir / "nope.yaml"},
      {"missing baseline", "--baseline " + (dir / "none.yaml") + " --candidate " + good_policy + " " + good_scenario,
       dir / "none.yaml"},
      {"bad candidate", "--baseline " + good_policy + " --candidate " + bad_policy + " " + good_scenario, bad_policy},
      {"bad scenario", "--baseline " + good_policy + " --candidate " + good_policy + " " + bad_scenario, bad_scenario},
      {"unknown metric", "--baseline " + good_policy + " --candidate " + good_policy + " " + bad_metric, bad_metric},
      {"bad after good",
       "--baseline " + good_policy + " --candidate " + good_policy + " " + good_scenario + " " + bad_scenario,
       bad_scenario},
  };
  for (const auto& r : rows) {
    INFO(r.what);
    Result res = Kubesim("compare " + r.args, dir);
    INFO(res.err);
    CHECK(res.exit_code == 2);
    CHECK(std::regex_match(res.err, located));
    CHECK(res.err.rfind(r.file + ":", 0) == 0);
    CHECK(res.out.empty());  // nothing ran
  }
  // `kubesim validate` knows the metric names too.
  Result validate = Kubesim("validate " + bad_metric, dir);
  CHECK(validate.exit_code == 2);
  CHECK(validate.err.rfind(bad_metric + ":5:", 0) == 0);
  CHECK(validate.err.find("Unsupported value: \"node_used\"") != std::string::npos);
  CHECK(
      Kubesim("compare --baseline " + good_policy + " --candidate " + good_policy + " --seeds 0 " + good_scenario, dir)
          .exit_code == 2);
  // Nothing to compare, or a malformed parameter pair; a lone --candidate is compared with the
  // scenario's own settings (not bad input).
  CHECK(Kubesim("compare " + good_scenario, dir).exit_code == 2);
  CHECK(Kubesim("compare --baseline-set expander " + good_scenario, dir).exit_code == 2);
  CHECK(Kubesim("compare --baseline-set a=1 --baseline-set a=2 " + good_scenario, dir).exit_code == 2);
  CHECK(Kubesim("compare --baseline " + good_policy + " --candidate " + good_policy, dir).exit_code == 2);
}

}  // namespace
}  // namespace kubesim
