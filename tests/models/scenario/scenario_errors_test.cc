// Bad input gets `FILE:LINE:COL: field: what is wrong`, never a crash or a silent skip
// (docs/scenarios.md, Validation). Each row is one kind of mistake a user makes.
#include <catch2/catch.hpp>

#include "models/scenario/scenario.h"
#include "tests/support/temp_dir.h"

namespace kubesim::scenario {
namespace {

using testing::TempDir;

const char* kHead =
    "apiVersion: kubesim.io/v1alpha1\n"
    "kind: Scenario\n"
    "metadata: {name: t}\n"
    "spec:\n";

struct Row {
  const char* what;
  std::string body;                  // after kHead (which is 4 lines)
  std::string want_location;         // "LINE:COL: field"
  std::string want_text;             // part of the message
  std::string extra_file_name = "";  // written beside the scenario
  std::string extra_file = "";
};

TEST_CASE("Scenario errors name file, line, column and field", "[scenario]") {
  std::string pod_header =
      "  objects:\n"
      "    - inline:\n"
      "        apiVersion: v1\n"
      "        kind: Pod\n"
      "        metadata: {name: p}\n";
  std::vector<Row> rows = {
      {"unknown field in spec", "  seed: 1\n  sed: 2\n", "6:3: spec.sed", "unknown field \"sed\""},
      {"invalid duration", "  duration: 5x\n", "5:13: spec.duration", "unknown unit \"x\""},
      {"negative seed", "  seed: -4\n", "5:9: spec.seed", "non-negative"},
      {"invalid quantity",
       pod_header + "        spec:\n          containers:\n            - name: c\n              resources: {requests: "
                    "{cpu: abc}}\n",
       "13:43: spec.objects[0].inline.spec.containers[0].resources.requests.cpu", "must match the regular expression"},
      {"pod without containers", pod_header + "        spec: {containers: []}\n",
       "10:28: spec.objects[0].inline.spec.containers", "a Pod needs at least one container"},
      {"pod without spec", pod_header, "7:9: spec.objects[0].inline.spec", "Required value"},
      {"duplicate object",
       "  objects:\n"
       "    - count: 2\n"
       "      template: {apiVersion: v1, kind: Namespace, metadata: {name: same}}\n",
       "7:68: spec.objects[0].template.metadata.name", "Duplicate value: Namespace/same is already defined at"},
      {"missing file", "  objects:\n    - file: nope.yaml\n", "6:13: spec.objects[0].file", "does not exist"},
      {"entry that is neither file, inline nor count", "  objects:\n    - {apiVersion: v1, kind: Pod}\n", "6:7",
       "must be given as `inline:"},
      {"count out of range",
       "  objects:\n    - count: 100000000\n      template: {apiVersion: v1, kind: Namespace, metadata: {name: "
       "\"n{{i}}\"}}\n",
       "6:14: spec.objects[0].count", "must be between 0 and 1000000"},
      {"unknown timeline action", "  timeline:\n    - at: 1m\n      explode: {}\n", "7:7: spec.timeline[0].explode",
       "unknown field \"explode\""},
      {"timeline entry without at", "  timeline:\n    - stopKubelet: {node: n}\n", "6:7: spec.timeline[0].at",
       "Required value"},
      {"stopKubelet of a node that does not exist", "  timeline:\n    - at: 1m\n      stopKubelet: {node: ghost}\n",
       "7:27: spec.timeline[0].stopKubelet.node", "no Node \"ghost\""},
      {"stopKubelet of a zone no node is in", "  timeline:\n    - at: 1m\n      stopKubelet: {zone: ghost}\n",
       "7:27: spec.timeline[0].stopKubelet.zone", "no Node labelled topology.kubernetes.io/zone=ghost"},
      {"stopKubelet with an empty selector", "  timeline:\n    - at: 1m\n      stopKubelet: {selector: {}}\n",
       "7:31: spec.timeline[0].stopKubelet.selector", "at least one label"},
      {"crashNode of a node that does not exist", "  timeline:\n    - at: 1m\n      crashNode: {node: ghost}\n",
       "7:25: spec.timeline[0].crashNode.node", "no Node \"ghost\""},
      {"restartKubelet with an unknown field",
       "  timeline:\n    - at: 1m\n      restartKubelet: {node: n, when: now}\n",
       "7:33: spec.timeline[0].restartKubelet.when", "unknown field \"when\""},
      {"imagePullBandwidth of zero", "  kubelet: {imagePullBandwidth: \"0\"}\n",
       "5:33: spec.kubelet.imagePullBandwidth", "must be greater than 0"},
      {"delete of an object that does not exist", "  timeline:\n    - at: 1m\n      delete: {kind: Pod, name: ghost}\n",
       "7:33: spec.timeline[0].delete.name", "no Pod \"default/ghost\""},
      {"error inside a referenced manifest file", "  objects:\n    - file: pods.yaml\n",
       "4:62: spec.containers[0].resources.requests.memory", "must match the regular expression", "pods.yaml",
       "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {containers: [{name: c, resources: {requests: {memory: "
       "12MB}}}]}\n"},
      {"priority beyond int32", pod_header + "        spec: {priority: 99999999999, containers: [{name: c}]}\n",
       "10:26: spec.objects[0].inline.spec.priority", "must fit in a 32-bit integer"},
      {"invalid run-duration annotation",
       "  objects:\n    - inline:\n        apiVersion: v1\n        kind: Pod\n"
       "        metadata: {name: p, annotations: {kubesim.io/run-duration: soon}}\n"
       "        spec: {containers: [{name: c}]}\n",
       "9:68: spec.objects[0].inline.metadata.annotations.kubesim.io/run-duration", "invalid duration \"soon\""},
  };
  for (const auto& r : rows) {
    INFO(r.what);
    TempDir dir;
    if (!r.extra_file_name.empty()) dir.Write(r.extra_file_name, r.extra_file);
    std::string path = dir.Write("s.yaml", std::string(kHead) + r.body);
    auto sc = LoadScenario(path);
    REQUIRE_FALSE(sc.ok());
    const std::string msg = sc.status().message();
    INFO(msg);
    std::string file = r.extra_file_name.empty() ? path : dir / r.extra_file_name;
    CHECK(msg.rfind(file + ":" + r.want_location, 0) == 0);
    CHECK_THAT(msg, Catch::Contains(r.want_text));
  }
}

TEST_CASE("Scenario: malformed and hostile YAML is rejected, not crashed on", "[scenario]") {
  TempDir dir;
  SECTION("malformed YAML") {
    auto sc = LoadScenarioFromString(std::string(kHead) + "  objects: [1, 2\n", "bad.yaml");
    REQUIRE_FALSE(sc.ok());
    CHECK_THAT(sc.status().message(), Catch::StartsWith("bad.yaml:") && Catch::Contains("malformed YAML"));
  }
  SECTION("a scenario that is not a mapping") {
    auto sc = LoadScenarioFromString("- 1\n- 2\n", "list.yaml");
    REQUIRE_FALSE(sc.ok());
    CHECK(sc.status().message() == "list.yaml:1:1: expected a mapping");
  }
  SECTION("billion laughs") {
    std::string text = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n";
    for (int i = 1; i <= 9; ++i) {
      std::string prev = "*a" + std::to_string(i - 1);
      text += "a" + std::to_string(i) + ": &a" + std::to_string(i) + " [" + prev;
      for (int k = 0; k < 9; ++k) text += ", " + prev;
      text += "]\n";
    }
    auto sc = LoadScenarioFromString(text, "bomb.yaml");
    REQUIRE_FALSE(sc.ok());
    CHECK_THAT(sc.status().message(), Catch::StartsWith("bomb.yaml:8:10: ") && Catch::Contains("alias expansion"));
  }
  SECTION("deep nesting") {
    std::string text = std::string(kHead) + "  objects: " + std::string(100000, '[') + std::string(100000, ']') + "\n";
    auto sc = LoadScenarioFromString(text, "deep.yaml");
    REQUIRE_FALSE(sc.ok());
    CHECK_THAT(sc.status().message(), Catch::StartsWith("deep.yaml:"));
  }
  SECTION("two documents") {
    auto sc = LoadScenarioFromString(std::string(kHead) + "  seed: 1\n---\nfoo: 1\n", "two.yaml");
    REQUIRE_FALSE(sc.ok());
    CHECK_THAT(sc.status().message(), Catch::Contains("exactly one YAML document, found 2"));
  }
  SECTION("wrong apiVersion") {
    auto sc = LoadScenarioFromString("apiVersion: kubesim.io/v2\nkind: Scenario\nspec: {}\n", "v.yaml");
    REQUIRE_FALSE(sc.ok());
    CHECK(sc.status().message().rfind("v.yaml:1:13: apiVersion: Unsupported value", 0) == 0);
  }
}

TEST_CASE("Scenario: a valid scenario loads objects, templates and a sorted timeline", "[scenario]") {
  TempDir dir;
  dir.Write(
      "nodes.yaml",
      "apiVersion: v1\nkind: Node\nmetadata: {name: n0}\nstatus: {capacity: {cpu: '2', memory: 4Gi, pods: '10'}}\n"
      "---\n---\n"
      "apiVersion: v1\nkind: Node\nmetadata: {name: n1}\nstatus: {capacity: {cpu: '2', memory: 4Gi, pods: '10'}}\n");
  std::string path = dir.Write(
      "s.yaml", std::string(kHead) +
                    "  seed: 7\n  duration: 1h30m\n"
                    "  objects:\n"
                    "    - file: nodes.yaml\n"
                    "    - count: 3\n"
                    "      template: {apiVersion: v1, kind: Pod, metadata: {name: 'p-{{i}}', labels: {idx: '{{i}}'}},"
                    " spec: {containers: [{name: c}]}}\n"
                    "    - inline: {apiVersion: storage.k8s.io/v1, kind: StorageClass, metadata: {name: fast}}\n"
                    "  timeline:\n"
                    "    - at: 10m\n      stopKubelet: {node: n1}\n"
                    "    - at: 5m\n      delete: {kind: Pod, name: p-2}\n");
  auto sc = LoadScenario(path);
  REQUIRE(sc.ok());
  CHECK(sc->seed == 7);
  CHECK(sc->duration == sim::Duration::Minutes(90));
  REQUIRE(sc->objects.size() == 6);
  CHECK(sc->objects[3]->metadata.name == "p-1");
  CHECK(sc->objects[4]->metadata.labels.at("idx") == "2");
  CHECK(sc->objects[5]->kind == "StorageClass");
  CHECK(sc->not_simulated_kinds == std::map<std::string, int>{{"StorageClass", 1}});
  REQUIRE(sc->timeline.size() == 2);
  CHECK(sc->timeline[0].action == "delete");  // sorted by time
  CHECK(sc->timeline[1].action == "stopKubelet");
}

}  // namespace
}  // namespace kubesim::scenario
