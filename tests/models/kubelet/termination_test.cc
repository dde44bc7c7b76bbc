// Graceful termination: preStop hooks, SIGTERM exit time, SIGKILL at the grace deadline.
#include "tests/models/kubelet/kubelet_harness.h"

namespace kubesim::kubelet {
namespace {

using namespace harness;  // NOLINT: the test harness

std::string DeleteAt(const std::string& at, const std::string& name) {
  return "  timeline:\n    - at: " + at + "\n      delete: {kind: Pod, name: " + name + "}\n";
}

// Seconds from the delete at 60 s to the pod's removal.
double SecondsToRemoval(Run& run, const std::string& name) {
  for (const auto& p : run.c->Results().pods) {
    if (p.name == name && p.deleted) return (*p.deleted - sim::Time::Zero() - Duration::Seconds(60)).ToSeconds();
  }
  return -1;
}

TEST_CASE("Graceful termination: preStop hooks, SIGTERM exit time and the grace deadline", "[kubelet]") {
  std::string yaml = Scenario(
      "3m",
      {
          // Exits on SIGTERM at once: gone as soon as the kubelet saw the delete.
          R"({apiVersion: v1, kind: Pod, metadata: {name: quick}, spec: {nodeName: n0, containers: [{name: c, )"
          R"(image: busybox:1.36}]}})",
          // preStop sleep 5 s, then 3 s to exit after SIGTERM.
          R"({apiVersion: v1, kind: Pod, metadata: {name: hook, annotations: {kubesim.io/sigterm-exit-after: 3s}}, )"
          R"(spec: {nodeName: n0, containers: [{name: c, image: busybox:1.36, )"
          R"(lifecycle: {preStop: {sleep: {seconds: 5}}}}]}})",
          // An exec hook of 40 s is cut at the 30 s grace period; then the 2 s minimum before SIGKILL.
          R"({apiVersion: v1, kind: Pod, metadata: {name: slow-hook, annotations: {kubesim.io/prestop-duration: 40s, )"
          R"(kubesim.io/sigterm-exit-after: 1h}}, spec: {nodeName: n0, containers: [{name: c, image: busybox:1.36, )"
          R"(lifecycle: {preStop: {exec: {command: [sleep, "40"]}}}}]}})",
          // Ignores SIGTERM: killed at terminationGracePeriodSeconds.
          R"({apiVersion: v1, kind: Pod, metadata: {name: stubborn, )"
          R"(annotations: {kubesim.io/sigterm-exit-after: 1h}}, )"
          R"(spec: {nodeName: n0, terminationGracePeriodSeconds: 10, containers: [{name: c, image: busybox:1.36}]}})",
      });
  yaml += DeleteAt("60s", "quick") + "    - at: 60s\n      delete: {kind: Pod, name: hook}\n" +
          "    - at: 60s\n      delete: {kind: Pod, name: slow-hook}\n    - at: 60s\n      delete: {kind: Pod, name: "
          "stubborn}\n";
  Run run(yaml);
  run.Until(Duration::Minutes(3));
  // Each interval adds the delete's and the final delete's API round trips and the watch delays
  // (10 ms requests, 5 ms watch), so allow 100 ms.
  CHECK(SecondsToRemoval(run, "quick") == Approx(0).margin(0.1));
  CHECK(SecondsToRemoval(run, "hook") == Approx(8).margin(0.1));
  CHECK(SecondsToRemoval(run, "slow-hook") == Approx(32).margin(0.1));
  CHECK(SecondsToRemoval(run, "stubborn") == Approx(10).margin(0.1));
  std::vector<std::string> killing = run.EventMessages("Killing");
  CHECK(killing == std::vector<std::string>(4, "Stopping container c"));
}

TEST_CASE("A pod whose process ignores SIGTERM stays terminating until its grace deadline", "[kubelet]") {
  std::string yaml = Scenario(
      "3m", {
                R"({apiVersion: v1, kind: Pod, metadata: {name: a, annotations: {kubesim.io/sigterm-exit-after: 1h}}, )"
                R"(spec: {nodeName: n0, containers: [{name: c, image: busybox:1.36}]}})",
            });
  yaml += "  timeline:\n    - at: 60s\n      delete: {kind: Pod, name: a}\n";
  Run run(yaml);
  run.Until(Duration::Seconds(70));
  // Still terminating 10 s into its 30 s grace period.
  auto pod = run.Pod("a");
  REQUIRE(pod);
  CHECK(pod->metadata.deletion_timestamp);
  CHECK(pod->status.phase == "Running");
}

}  // namespace
}  // namespace kubesim::kubelet
