// Node-pressure eviction by memory: threshold, ranking, messages, admission, the pressure
// condition and its taint.
#include "tests/models/kubelet/kubelet_harness.h"

namespace kubesim::kubelet {
namespace {

using namespace harness;  // NOLINT: the test harness

const char* kSmallNode =
    R"({capacity: {cpu: "8", memory: 4Gi, pods: "110"}, images: [{names: ["busybox:1.36"], sizeBytes: 1000000}]})";

std::string MemPod(const std::string& name, const std::string& usage, const std::string& request,
                   const std::string& priority_class = "") {
  return "{apiVersion: v1, kind: Pod, metadata: {name: " + name + ", annotations: {kubesim.io/memory-usage: " + usage +
         "}}, spec: {nodeName: n0" + (priority_class.empty() ? "" : ", priorityClassName: " + priority_class) +
         ", containers: [{name: c, image: \"busybox:1.36\"" +
         (request.empty() ? "" : ", resources: {requests: {memory: " + request + "}}") + "}]}}";
}

bool HasTaint(const api::Node& node, const std::string& key) {
  for (const auto& t : node.spec.taints) {
    if (t.key == key && t.effect == "NoSchedule") return true;
  }
  return false;
}

TEST_CASE("Memory pressure: the pod most over its request goes first, Failed with reason Evicted", "[kubelet]") {
  std::string yaml =
      Scenario("8m",
               {
                   R"({apiVersion: scheduling.k8s.io/v1, kind: PriorityClass, metadata: {name: ten}, value: 10})",
                   MemPod("hog", "3Gi", "1Gi"),
                   MemPod("within", "900Mi", "1Gi"),
                   MemPod("besteffort", "200Mi", "", "ten"),
               },
               kSmallNode);
  Run run(yaml);
  // 4096Mi − (3072 + 900 + 200)Mi = −76Mi < 100Mi. hog and besteffort exceed their requests; of
  // those, hog has the lower priority. The first eviction check is 10 s after the kubelet starts.
  run.Until(Duration::Seconds(11));
  auto hog = run.Pod("hog");
  CHECK(hog->status.phase == "Failed");
  CHECK(hog->status.reason == "Evicted");
  CHECK(hog->status.message ==
        "The node was low on resource: memory. Threshold quantity: 100Mi, available: -76Mi. Container c was using "
        "3Gi, request is 1Gi, has larger consumption of memory. ");
  REQUIRE(hog->FindCondition("DisruptionTarget"));
  CHECK(hog->FindCondition("DisruptionTarget")->reason == "TerminationByKubelet");
  CHECK(run.EventMessages("Evicted").size() == 1);
  // One pod was enough: the others keep running.
  run.Until(Duration::Seconds(60));
  CHECK(run.EventMessages("Evicted").size() == 1);
  CHECK(run.Pod("within")->status.phase == "Running");
  CHECK(run.Pod("besteffort")->status.phase == "Running");
  // The kubelet reported MemoryPressure at its next status update; the node lifecycle controller
  // tainted the node.
  auto node = api::As<api::Node>(run.c->store().Get("/registry/nodes/n0"));
  REQUIRE(node->FindCondition("MemoryPressure"));
  CHECK(node->FindCondition("MemoryPressure")->status == "True");
  CHECK(HasTaint(*node, "node.kubernetes.io/memory-pressure"));
  // evictionPressureTransitionPeriod: the condition clears 5 min after the threshold was last
  // met (~10 s), then the taint goes.
  run.Until(Duration::Seconds(305));
  CHECK(api::As<api::Node>(run.c->store().Get("/registry/nodes/n0"))->FindCondition("MemoryPressure")->status ==
        "True");
  run.Until(Duration::Seconds(330));
  node = api::As<api::Node>(run.c->store().Get("/registry/nodes/n0"));
  CHECK(node->FindCondition("MemoryPressure")->status == "False");
  CHECK_FALSE(HasTaint(*node, "node.kubernetes.io/memory-pressure"));
}

TEST_CASE("Memory pressure: a BestEffort pod is rejected at admission, a Burstable one admitted", "[kubelet]") {
  std::string yaml = Scenario("2m", {MemPod("hog", "4Gi", "1Gi")}, kSmallNode);
  yaml +=
      "  timeline:\n    - at: 30s\n      create:\n        inline: " + MemPod("late-besteffort", "10Mi", "") +
      "\n    - at: 30s\n      create:\n        inline: " + MemPod("late-burstable", "10Mi", "10Mi") +
      "\n    - at: 30s\n      create:\n        inline: {apiVersion: v1, kind: Pod, metadata: {name: tolerant}, spec: "
      "{nodeName: n0, tolerations: [{key: node.kubernetes.io/memory-pressure, operator: Exists, effect: NoSchedule}], "
      "containers: [{name: c, image: \"busybox:1.36\"}]}}\n";
  Run run(yaml);
  // hog is evicted at ~10 s; the pressure condition holds for 5 min after.
  run.Until(Duration::Seconds(40));
  CHECK(run.Pod("hog")->status.reason == "Evicted");
  auto rejected = run.Pod("late-besteffort");
  REQUIRE(rejected);
  CHECK(rejected->status.phase == "Failed");
  CHECK(rejected->status.reason == "Evicted");
  CHECK(rejected->status.message == "The node had condition: [MemoryPressure]. ");
  CHECK_FALSE(rejected->FindCondition("DisruptionTarget"));
  CHECK(run.Pod("late-burstable")->status.phase == "Running");
  CHECK(run.Pod("tolerant")->status.phase == "Running");
}

TEST_CASE("Memory pressure ranking: priority before usage, then usage above request", "[kubelet]") {
  std::string yaml =
      Scenario("1m",
               {
                   R"({apiVersion: scheduling.k8s.io/v1, kind: PriorityClass, metadata: {name: ten}, value: 10})",
                   // All three exceed their requests: the two of priority 0 come first, the larger excess first.
                   MemPod("big-excess", "1500Mi", "100Mi"),
                   MemPod("small-excess", "1500Mi", "1Gi"),
                   MemPod("important", "1500Mi", "10Mi", "ten"),
               },
               kSmallNode);
  Run run(yaml);
  run.Until(Duration::Seconds(35));
  // 4096 − 4500 → evict big-excess (10 s); 4096 − 3000 = 1096Mi available: done.
  CHECK(run.Pod("big-excess")->status.reason == "Evicted");
  CHECK(run.Pod("small-excess")->status.phase == "Running");
  CHECK(run.Pod("important")->status.phase == "Running");
}

}  // namespace
}  // namespace kubesim::kubelet
