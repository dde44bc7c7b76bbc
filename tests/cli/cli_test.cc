// The `kubesim` binary as users and CI call it: exit status 2 and `FILE:LINE:COL: field: what`
// for bad input, byte-identical result files for the same inputs.
#include "tests/support/cli.h"

#include <sys/wait.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <regex>
#include <string>

#include "tests/support/temp_dir.h"

namespace kubesim {
namespace {

using testing::ReadFile;
using testing::TempDir;

using testing::Kubesim;
using Result = testing::CliResult;

using testing::Src;

TEST_CASE("CLI: bad input exits 2 with an editor-style location", "[scenario]") {
  TempDir dir;
  const std::regex located(R"(^[^:\n]+:[0-9]+:[0-9]+: [^\n]+\n$)");
  struct Row {
    const char* what;
    std::string text;
  };
  std::vector<Row> rows = {
      {"malformed YAML", "apiVersion: kubesim.io/v1alpha1\nkind: Scenario\nspec: {seed: [1\n"},
      {"unknown field", "apiVersion: kubesim.io/v1alpha1\nkind: Scenario\nspec: {seeds: 1}\n"},
      {"invalid quantity",
       "apiVersion: kubesim.io/v1alpha1\nkind: Scenario\nspec:\n  objects:\n    - inline: {apiVersion: v1, kind: Pod, "
       "metadata: {name: p}, spec: {containers: [{name: c, resources: {requests: {cpu: 1x}}}]}}\n"},
      {"invalid duration", "apiVersion: kubesim.io/v1alpha1\nkind: Scenario\nspec: {duration: 5x}\n"},
      {"missing file", "apiVersion: kubesim.io/v1alpha1\nkind: Scenario\nspec: {objects: [{file: missing.yaml}]}\n"},
      {"pod without containers",
       "apiVersion: kubesim.io/v1alpha1\nkind: Scenario\nspec: {objects: [{inline: {apiVersion: v1, kind: Pod, "
       "metadata: "
       "{name: p}, spec: {}}}]}\n"},
  };
  for (const auto& r : rows) {
    INFO(r.what);
    std::string path = dir.Write("bad.yaml", r.text);
    for (std::string args : {"run " + path + " --out " + (dir / "out"), "validate " + path}) {
      Result res = Kubesim(args, dir);
      INFO(args << ": " << res.err);
      CHECK(res.exit_code == 2);
      CHECK(std::regex_match(res.err, located));
      CHECK(res.err.rfind(path + ":", 0) == 0);
    }
  }
  Result missing = Kubesim("run " + (dir / "nope.yaml"), dir);
  CHECK(missing.exit_code == 2);
  Result usage = Kubesim("run", dir);
  CHECK(usage.exit_code == 2);
  Result bad_until = Kubesim("run " + Src("scenarios/quickstart.yaml") + " --until 5x --out " + (dir / "o"), dir);
  CHECK(bad_until.exit_code == 2);
}

TEST_CASE("CLI: two runs of the same scenario write byte-identical files", "[golden]") {
  TempDir dir;
  Result a = Kubesim("run " + Src("scenarios/quickstart.yaml") + " --out " + (dir / "a"), dir);
  Result b = Kubesim("run " + Src("scenarios/quickstart.yaml") + " --out " + (dir / "b"), dir);
  REQUIRE(a.exit_code == 0);
  REQUIRE(b.exit_code == 0);
  // stderr is not a terminal here: no progress line, nothing at all on stderr.
  CHECK(a.err.empty());
  for (const char* f :
       {"summary.json", "pods.csv", "events.jsonl", "metrics.csv", "nodes.csv", "trace.json", "report.html"}) {
    INFO(f);
    std::string fa = ReadFile(dir / (std::string("a/") + f));
    CHECK_FALSE(fa.empty());
    CHECK(fa == ReadFile(dir / (std::string("b/") + f)));
  }
  CHECK_THAT(ReadFile(dir / "a/timing.json"), Catch::Contains("wall_seconds_run"));
  CHECK_THAT(ReadFile(dir / "a/metrics.csv"),
             Catch::StartsWith("time,\"scheduler_pending_pods{queue=\"\"active\"\"}\","));
  CHECK_THAT(ReadFile(dir / "a/nodes.csv"), Catch::StartsWith("time,node,zone,ready,cpu_allocatable,cpu_requested,"));
  CHECK_THAT(ReadFile(dir / "a/pods.csv"),
             Catch::StartsWith("namespace,name,node,created,scheduled,running,finished,deleted,phase,attempts"));
  CHECK_THAT(ReadFile(dir / "a/summary.json"), Catch::Contains("\"verdict\": \"pass\""));
  // Cut at 10 min, before the eviction the quickstart expects (~11 min): that expectation fails,
  // so the exit status is 1, and the results are still written.
  Result other = Kubesim("run " + Src("scenarios/quickstart.yaml") + " --seed 7 --until 10m --out " + (dir / "c"), dir);
  REQUIRE(other.exit_code == 1);
  CHECK_THAT(other.out, Catch::Contains("FAIL the stopped node is detected and its pods evicted"));
  CHECK_THAT(ReadFile(dir / "c/summary.json"), Catch::Contains("\"verdict\": \"fail\""));
  CHECK_THAT(ReadFile(dir / "c/summary.json"), Catch::Contains("\"simulated_seconds\": 600.0"));
  CHECK(ReadFile(dir / "c/summary.json") != ReadFile(dir / "a/summary.json"));
}

TEST_CASE("CLI: the node-failure timeline is printed and written identically twice", "[golden]") {
  TempDir dir;
  Result a = Kubesim("run " + Src("tests/scenarios/node-failure.yaml") + " --out " + (dir / "a"), dir);
  Result b = Kubesim("run " + Src("tests/scenarios/node-failure.yaml") + " --out " + (dir / "b"), dir);
  REQUIRE(a.exit_code == 0);
  REQUIRE(b.exit_code == 0);
  CHECK_THAT(a.out, Catch::Contains("node n1 failed at 600.000 s: Unknown at 650.010 s"));
  CHECK_THAT(a.out, Catch::Contains("detection delay 50.010 s, eviction delay 300.015 s"));
  std::string summary = ReadFile(dir / "a/summary.json");
  CHECK_THAT(summary, Catch::Contains("\"node_failures\": ["));
  CHECK(summary == ReadFile(dir / "b/summary.json"));
}

}  // namespace
}  // namespace kubesim
