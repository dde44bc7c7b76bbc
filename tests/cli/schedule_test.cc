// `kubesim schedule`: upstream plugin test cases through the command line's JSON interface, and
// upstream's message for a pod that fits nowhere.
#include <sys/wait.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <string>

#include "tests/support/temp_dir.h"

namespace kubesim {
namespace {

using testing::ReadFile;
using testing::TempDir;

std::string Fixture(const std::string& name) {
  return std::string(KUBESIM_SOURCE_DIR) + "/tests/fixtures/schedule/" + name;
}

struct Result {
  int exit_code;
  std::string out;
  std::string err;
};

Result Schedule(const std::string& args) {
  TempDir dir;
  std::string cmd = std::string(KUBESIM_BINARY) + " schedule " + args + " >" + (dir / "out") + " 2>" + (dir / "err");
  int status = std::system(cmd.c_str());
  REQUIRE(WIFEXITED(status));
  return Result{WEXITSTATUS(status), ReadFile(dir / "out"), ReadFile(dir / "err")};
}

// Cases of kubernetes/kubernetes pkg/scheduler/framework/plugins/noderesources/least_allocated_test.go
// (TestLeastAllocatedScoringStrategy) and most_allocated_test.go (TestMostAllocatedScoringStrategy)
// @ v1.32, named by the upstream cases' `name:`; the same cases are in
// tests/models/scheduler/plugins/node_resources_fit_test.cc.
TEST_CASE("kubesim schedule: upstream NodeResourcesFit scoring cases through the JSON output", "[scheduler][plugin]") {
  struct Row {
    const char* name;
    const char* config;
    int64_t n1, n2;
  };
  std::vector<Row> rows = {
      // TestLeastAllocatedScoringStrategy.
      {"nothing scheduled, resources requested, differently sized nodes", "fit-only.yaml", 37, 50},
      // TestMostAllocatedScoringStrategy (the same name as the row above, another strategy).
      {"nothing scheduled, resources requested, differently sized nodes", "fit-most-allocated.yaml", 62, 50},
      // TestLeastAllocatedScoringStrategy.
      {"nothing scheduled, resources requested with different weight on CPU and memory, differently sized nodes",
       "fit-memory-weighted.yaml", 41, 50},
  };
  for (const auto& r : rows) {
    INFO(r.name << " (" << r.config << ")");
    Result res = Schedule("--cluster " + Fixture("nodes-la.yaml") + " --pod " + Fixture("pod-two-containers.yaml") +
                          " --config " + Fixture(r.config) + " --output json");
    INFO(res.err);
    REQUIRE(res.exit_code == 0);
    auto j = nlohmann::json::parse(res.out);
    CHECK(j["nodes"]["n1"]["filter"]["code"] == "Success");
    CHECK(j["nodes"]["n1"]["scores"]["NodeResourcesFit"]["raw"] == r.n1);
    CHECK(j["nodes"]["n1"]["scores"]["NodeResourcesFit"]["normalized"] == r.n1);
    CHECK(j["nodes"]["n1"]["total"] == r.n1);
    CHECK(j["nodes"]["n2"]["scores"]["NodeResourcesFit"]["weighted"] == r.n2);
    CHECK(j["selected"] == (r.n1 > r.n2 ? "n1" : "n2"));
    CHECK(j["victims"].is_array());
  }
}

TEST_CASE("kubesim schedule: default profile weights add up per node", "[scheduler]") {
  Result res =
      Schedule("--cluster " + Fixture("nodes-la.yaml") + " --pod " + Fixture("pod-two-containers.yaml") + " -o json");
  REQUIRE(res.exit_code == 0);
  auto j = nlohmann::json::parse(res.out);
  for (const auto& name : {"n1", "n2"}) {
    int64_t sum = 0;
    for (const auto& [plugin, s] : j["nodes"][name]["scores"].items()) sum += s["weighted"].get<int64_t>();
    CHECK(j["nodes"][name]["total"] == sum);
  }
  // TaintToleration (weight 3, no taints → 100) and BalancedAllocation as upstream's
  // balanced_allocation_test.go case "nothing scheduled, resources requested, differently sized nodes"
  // (87, 100).
  CHECK(j["nodes"]["n1"]["scores"]["TaintToleration"]["weighted"] == 300);
  CHECK(j["nodes"]["n1"]["scores"]["NodeResourcesBalancedAllocation"]["raw"] == 87);
  CHECK(j["nodes"]["n2"]["scores"]["NodeResourcesBalancedAllocation"]["raw"] == 100);
}

TEST_CASE("kubesim schedule: a pod that fits nowhere gets upstream's message", "[scheduler]") {
  Result text = Schedule("--cluster " + Fixture("five-nodes.yaml") + " --pod " + Fixture("pod-two-cpus.yaml"));
  REQUIRE(text.exit_code == 0);
  // As the FailedScheduling event of a run: the filter reasons, then DefaultPreemption's.
  const std::string want =
      "0/5 nodes are available: 2 node(s) had untolerated taint {nvidia.com/gpu: present}, 3 Insufficient cpu. "
      "preemption: 0/5 nodes are available: 2 Preemption is not helpful for scheduling, 3 No preemption victims "
      "found for incoming pod.\n";
  REQUIRE(text.out.size() > want.size());
  CHECK(text.out.substr(text.out.size() - want.size()) == want);
  Result json =
      Schedule("--cluster " + Fixture("five-nodes.yaml") + " --pod " + Fixture("pod-two-cpus.yaml") + " -o json");
  auto j = nlohmann::json::parse(json.out);
  CHECK(j["selected"].is_null());
  CHECK(j["message"] == want.substr(0, want.size() - 1));
  CHECK(j["nodes"]["gpu-0"]["filter"]["code"] == "UnschedulableAndUnresolvable");
  CHECK(j["nodes"]["gpu-0"]["filter"]["plugin"] == "TaintToleration");
  CHECK(j["nodes"]["small-0"]["filter"] ==
        nlohmann::json::parse(
            R"({"code": "Unschedulable", "plugin": "NodeResourcesFit", "reasons": ["Insufficient cpu"]})"));
  CHECK_FALSE(j["nodes"]["small-0"].contains("scores"));
}

TEST_CASE("kubesim schedule: preemption victims when PostFilter ran, and a PDB changing them", "[scheduler]") {
  Result plain =
      Schedule("--cluster " + Fixture("preemption-cluster.yaml") + " --pod " + Fixture("pod-high.yaml") + " -o json");
  REQUIRE(plain.exit_code == 0);
  auto j = nlohmann::json::parse(plain.out);
  CHECK(j["selected"].is_null());
  CHECK(j["message"] == "0/2 nodes are available: 2 Insufficient cpu.");
  // The lowest-priority victim (priority 0 on n0, not the priority-500 pod on n1).
  CHECK(j["victims"] == nlohmann::json::parse(R"(["default/low"])"));
  CHECK(j["nominatedNode"] == "n0");
  Result pdb = Schedule("--cluster " + Fixture("preemption-cluster.yaml") + " --cluster " +
                        Fixture("preemption-pdb.yaml") + " --pod " + Fixture("pod-high.yaml") + " -o json");
  REQUIRE(pdb.exit_code == 0);
  auto k = nlohmann::json::parse(pdb.out);
  // Fewest PDB violations comes first in upstream's node choice: n1 is chosen instead.
  CHECK(k["victims"] == nlohmann::json::parse(R"(["default/middle"])"));
  CHECK(k["nominatedNode"] == "n1");
  Result text = Schedule("--cluster " + Fixture("preemption-cluster.yaml") + " --pod " + Fixture("pod-high.yaml"));
  CHECK_THAT(text.out, Catch::Contains("preemption would nominate n0, evicting default/low\n") &&
                           Catch::EndsWith("0/2 nodes are available: 2 Insufficient cpu.\n"));
}

TEST_CASE("kubesim schedule: bad input exits 2 with a location", "[scheduler]") {
  Result not_a_pod = Schedule("--cluster " + Fixture("nodes-la.yaml") + " --pod " + Fixture("nodes-la.yaml"));
  CHECK(not_a_pod.exit_code == 2);
  CHECK_THAT(not_a_pod.err,
             Catch::Contains("nodes-la.yaml:1:1: --pod takes a file with exactly one Pod, found 2 objects"));
  Result bad_config = Schedule("--cluster " + Fixture("nodes-la.yaml") + " --pod " + Fixture("pod-two-cpus.yaml") +
                               " --config " + Fixture("nodes-la.yaml"));
  CHECK(bad_config.exit_code == 2);
  Result bad_output =
      Schedule("--cluster " + Fixture("nodes-la.yaml") + " --pod " + Fixture("pod-two-cpus.yaml") + " -o yaml");
  CHECK(bad_output.exit_code == 2);
}

}  // namespace
}  // namespace kubesim
