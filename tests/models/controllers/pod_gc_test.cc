// The pod garbage collector through whole runs (upstream pkg/controller/podgc/gc_controller.go
// @ v1.32 and its gc_controller_test.go cases): terminated pods above the threshold go oldest first
// (then by name), orphans of a deleted node go after the 40 s quarantine, marked Failed with
// DisruptionTarget DeletionByPodGC, and terminating pods on an out-of-service node are forced out.
#include <catch2/catch.hpp>

#include "models/api/kinds.h"
#include "models/cluster/components.h"
#include "models/scenario/scenario.h"
#include "tests/support/scenario_run.h"

namespace kubesim::controllers {
namespace {

std::shared_ptr<const api::Pod> GetPod(const cluster::Cluster& c, const std::string& name) {
  return api::As<api::Pod>(c.store().Get("/registry/pods/default/" + name));
}

sim::Time At(double seconds) {
  return sim::Time::Zero() + sim::Duration::Milliseconds(static_cast<int64_t>(seconds * 1000));
}

// An `objects:` entry: a pod named `name` bound to `node` from the start (spec.nodeName), with
// `spec_extra` (whole YAML lines) added to its spec.
std::string BoundPod(const std::string& name, const std::string& node, const std::string& spec_extra = "") {
  return "    - inline:\n"
         "        apiVersion: v1\n"
         "        kind: Pod\n"
         "        metadata: {name: " +
         name +
         ", namespace: default}\n"
         "        spec:\n"
         "          nodeName: " +
         node + "\n" + spec_extra + "          containers: [{name: c, image: busybox}]\n";
}

// `count` pods p0… that run for 1 s and succeed.
std::string FinishingPods(int count) {
  return R"(    - count: )" + std::to_string(count) + R"(
      template:
        apiVersion: v1
        kind: Pod
        metadata: {name: "p{{i}}", namespace: default, annotations: {kubesim.io/run-duration: 1s}}
        spec:
          restartPolicy: Never
          containers: [{name: c, image: busybox}]
)";
}

TEST_CASE("Pod GC deletes terminated pods above the threshold, oldest first then by name", "[controller][podgc]") {
  std::string yaml = testing::ScenarioHead().Duration("2m").Nodes(2).Yaml();
  yaml.insert(yaml.find("  objects:"), "  controllerManager: {terminatedPodGCThreshold: 3}\n");
  yaml += FinishingPods(5) + R"(    - inline:
        apiVersion: v1
        kind: Pod
        metadata: {name: early, namespace: default, annotations: {kubesim.io/run-duration: 1s}}
        spec:
          restartPolicy: Never
          containers: [{name: c, image: busybox}]
  timeline:
    - at: 5s
      create:
        inline:
          apiVersion: v1
          kind: Pod
          metadata: {name: a-late, namespace: default, annotations: {kubesim.io/run-duration: 1s}}
          spec:
            restartPolicy: Never
            containers: [{name: c, image: busybox}]
)";
  auto run = testing::StartScenario(yaml, "podgc-terminated.yaml");
  cluster::Cluster& c = *run.cluster;
  // Every pod has succeeded before the first gc (20 s): nothing is gone yet.
  c.RunUntil(At(19.9));
  for (const char* name : {"p0", "p1", "p2", "p3", "p4", "early", "a-late"}) {
    auto pod = GetPod(c, name);
    INFO(name);
    REQUIRE(pod);
    CHECK(pod->status.phase == api::kPodSucceeded);
  }
  c.RunUntil(At(21));
  // Seven terminated, threshold three: the four oldest go. The six objects created at t = 0 tie
  // on creation time and go by name ("early" < "p0" < …); "a-late", created last, stays although
  // its name sorts first.
  CHECK_FALSE(GetPod(c, "early"));
  CHECK_FALSE(GetPod(c, "p0"));
  CHECK_FALSE(GetPod(c, "p1"));
  CHECK_FALSE(GetPod(c, "p2"));
  CHECK(GetPod(c, "p3"));
  CHECK(GetPod(c, "p4"));
  CHECK(GetPod(c, "a-late"));
  // Deleted pods keep their result rows, with the time they left the store.
  c.RunUntil(At(60));
  report::RunResults r = c.Results();
  int deleted = 0;
  for (const auto& row : r.pods) deleted += row.deleted ? 1 : 0;
  CHECK(r.pods.size() == 7);
  CHECK(deleted == 4);
  CHECK(c.CheckInvariants().empty());
}

TEST_CASE("Pod GC keeps every terminated pod when the threshold is 0", "[controller][podgc]") {
  std::string yaml = testing::ScenarioHead().Duration("1m").Nodes(1).Yaml();
  yaml.insert(yaml.find("  objects:"), "  controllerManager: {terminatedPodGCThreshold: 0}\n");
  yaml += FinishingPods(4);
  auto run = testing::StartScenario(yaml, "podgc-off.yaml");
  run.cluster->RunUntil(At(60));
  for (const char* name : {"p0", "p1", "p2", "p3"}) CHECK(GetPod(*run.cluster, name));
}

TEST_CASE("Pod GC deletes the pods of a deleted node after the quarantine", "[controller][podgc]") {
  std::string yaml = testing::ScenarioHead().Duration("2m").Nodes(2).Yaml() + BoundPod("bound", "n0") +
                     BoundPod("elsewhere", "n1") + R"(  timeline:
    - at: 10s
      delete: {kind: Node, name: n0}
)";
  auto run = testing::StartScenario(yaml, "podgc-orphans.yaml");
  cluster::Cluster& c = *run.cluster;
  c.RunUntil(At(11));
  REQUIRE_FALSE(c.store().Get("/registry/nodes/n0"));
  // gc at 20 s first sees the node missing: quarantine until 60 s; at 40 s it still waits.
  c.RunUntil(At(59.9));
  auto pod = GetPod(c, "bound");
  REQUIRE(pod);
  CHECK(pod->status.phase == api::kPodRunning);
  c.RunUntil(At(61));
  CHECK_FALSE(GetPod(c, "bound"));
  CHECK(GetPod(c, "elsewhere"));
  // The pod was written Failed, with upstream's condition, before it was deleted.
  report::RunResults r = c.Results();
  bool found = false;
  for (const auto& row : r.pods) {
    if (row.name != "bound") continue;
    found = true;
    CHECK(row.phase == api::kPodFailed);
    REQUIRE(row.deleted);
    CHECK(*row.deleted >= At(60));
  }
  CHECK(found);
}

TEST_CASE("Pod GC does not delete pods of a node that comes back within the quarantine", "[controller][podgc]") {
  // The kubelet registers its Node again when it restarts (upstream registerWithAPIServer), 20 s
  // after the Node was deleted: within the 40 s quarantine, so its pod stays.
  std::string yaml = testing::ScenarioHead().Duration("2m").Nodes(1).Yaml() + BoundPod("bound", "n0") + R"(  timeline:
    - at: 5s
      stopKubelet: {node: n0}
    - at: 10s
      delete: {kind: Node, name: n0}
    - at: 30s
      restartKubelet: {node: n0}
)";
  auto run = testing::StartScenario(yaml, "podgc-back.yaml");
  run.cluster->RunUntil(At(120));
  CHECK(GetPod(*run.cluster, "bound"));
}

TEST_CASE("Pod GC forces out terminating pods of a not-Ready node tainted out-of-service", "[controller][podgc]") {
  // The kubelet of n0 stops, so the pod's graceful deletion never completes; once the node is
  // NotReady and an operator adds node.kubernetes.io/out-of-service (non-graceful node shutdown,
  // KEP-2268), gcTerminating deletes it with grace period 0.
  std::string yaml = testing::ScenarioHead().Duration("10m").Nodes(2).Yaml() +
                     BoundPod("stuck", "n0", "          tolerations: [{operator: Exists}]\n") + R"(  timeline:
    - at: 10s
      stopKubelet: {node: n0}
    - at: 20s
      delete: {kind: Pod, namespace: default, name: stuck}
)";
  auto run = testing::StartScenario(yaml, "podgc-out-of-service.yaml");
  cluster::Cluster& c = *run.cluster;
  c.RunUntil(At(180));
  auto pod = GetPod(c, "stuck");
  REQUIRE(pod);
  REQUIRE(pod->metadata.deletion_timestamp);
  auto node = api::As<api::Node>(c.store().Get("/registry/nodes/n0"));
  REQUIRE(node);
  const api::NodeCondition* ready = node->FindCondition("Ready");
  REQUIRE(ready);
  REQUIRE(ready->status != "True");
  auto copy = node->DeepCopy();
  copy->spec.taints.push_back(
      api::Taint{api::kTaintNodeOutOfService, "nodeshutdown", api::kTaintNoExecute, std::nullopt});
  c.components().api_server().Update(copy, nullptr);
  // At most one gc period (20 s) later the pod is gone.
  c.RunUntil(At(201));
  CHECK_FALSE(GetPod(c, "stuck"));
}

}  // namespace
}  // namespace kubesim::controllers
