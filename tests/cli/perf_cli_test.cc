// `kubesim perf` as users and CI call it: exit 2 and FILE:LINE:COL for bad input, byte-identical
// JSON for the same inputs.
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

const std::string kConfig = std::string(KUBESIM_SOURCE_DIR) + "/tests/data/perf/performance-config.yaml";

TEST_CASE("CLI perf: bad input exits 2 with an editor-style location", "[perf]") {
  TempDir dir;
  const std::regex located(R"(^[^:\n]+:[0-9]+:[0-9]+: [^\n]+\n$)");
  struct Row {
    const char* what;
    std::string text;
    std::string needle;
  };
  std::vector<Row> rows = {
      {"unknown opcode", "- name: T\n  workloadTemplate:\n  - opcode: deleteNodes\n  workloads:\n  - name: w\n",
       ":3:13: [0].workloadTemplate[0].opcode: Unsupported value: unknown opcode \"deleteNodes\""},
      {"missing param",
       "- name: T\n  workloadTemplate:\n  - opcode: createPods\n    countParam: $measurePods\n  workloads:\n  - name: "
       "w\n",
       ":4:17: [0].workloadTemplate[0].countParam: parameter measurePods is undefined in workload w"},
      {"bad template path",
       "- name: T\n  workloadTemplate:\n  - opcode: createNodes\n    count: 1\n    nodeTemplatePath: missing.yaml\n"
       "  workloads:\n  - name: w\n",
       ":5:23: [0].workloadTemplate[0].nodeTemplatePath: file not found: missing.yaml"},
      {"malformed YAML", "- name: T\n  workloadTemplate: [\n", "bad.yaml:"},
  };
  for (const auto& r : rows) {
    INFO(r.what);
    std::string path = dir.Write("bad.yaml", r.text);
    Result res = Kubesim("perf " + path + " --out " + (dir / "out"), dir);
    INFO(res.err);
    CHECK(res.exit_code == 2);
    CHECK(std::regex_match(res.err, located));
    CHECK(res.err.find(r.needle) != std::string::npos);
  }
  Result unknown = Kubesim("perf " + kConfig + " --workload SchedulingBasic/5000Nodes --out " + (dir / "out"), dir);
  INFO(unknown.err);
  CHECK(unknown.exit_code == 2);
  CHECK(std::regex_match(unknown.err, located));
  CHECK(unknown.err.find("--workload: no test case or workload named \"SchedulingBasic/5000Nodes\"") !=
        std::string::npos);
}

TEST_CASE("CLI perf: a workload runs and writes the same JSON twice", "[perf][golden]") {
  TempDir dir;
  std::string files[2];
  for (int i = 0; i < 2; ++i) {
    std::string out = dir / ("out" + std::to_string(i));
    Result res = Kubesim("perf " + kConfig + " --workload SchedulingBasic/100Nodes --out " + out, dir);
    INFO(res.err);
    REQUIRE(res.exit_code == 0);
    CHECK(res.out.find("SchedulingThroughput") != std::string::npos);
    CHECK(res.out.find("pods/s wall") != std::string::npos);
    files[i] = ReadFile(out + "/SchedulingBasic_100Nodes.json");
  }
  CHECK(files[0].find("\"version\": \"v1\"") != std::string::npos);
  CHECK(files[0].find("\"Metric\": \"SchedulingThroughput\"") != std::string::npos);
  CHECK(files[0] == files[1]);
}

TEST_CASE("CLI perf: a missed threshold exits 1 and says why", "[perf]") {
  TempDir dir;
  Result res = Kubesim("perf " + kConfig + " --workload 100NodesHighThreshold --out " + (dir / "out"), dir);
  CHECK(res.exit_code == 1);
  CHECK(res.err.find("expected SchedulingThroughput Average to be higher") != std::string::npos);
}

}  // namespace
}  // namespace kubesim
