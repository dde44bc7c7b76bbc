// Pod termination: preStop hooks, SIGTERM exit time, SIGKILL at the grace deadline, through whole
// runs and as killContainer's timing alone.
#include "models/kubelet/termination.h"

#include <map>
#include <string>

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

// ---- killContainer's timing alone (PlanContainerStop; kubernetes/kubernetes
// pkg/kubelet/kuberuntime/kuberuntime_container_test.go @ v1.32, TestKillContainerGracePeriod for
// the grace period and its 2 s minimum).

api::Pod PodWith(std::map<std::string, std::string> annotations) {
  api::Pod pod;
  pod.metadata.annotations = std::move(annotations);
  return pod;
}

TEST_CASE("PlanContainerStop: SIGTERM exit time, SIGKILL at the grace period and its 2 s minimum", "[kubelet]") {
  api::Container c;
  c.name = "c";
  // Exits on SIGTERM at once.
  ContainerStop quick = PlanContainerStop(c, PodWith({}), Duration::Seconds(30));
  CHECK(quick.exit_after == Duration::Zero());
  CHECK(quick.exit_code == 143);
  // Exits 3 s after SIGTERM.
  ContainerStop three = PlanContainerStop(c, PodWith({{"kubesim.io/sigterm-exit-after", "3s"}}), Duration::Seconds(30));
  CHECK(three.exit_after == Duration::Seconds(3));
  CHECK(three.exit_code == 143);
  // Ignores SIGTERM: killed when the pod's grace period runs out (use pod termination grace period).
  auto stubborn = PodWith({{"kubesim.io/sigterm-exit-after", "1h"}});
  ContainerStop sixty = PlanContainerStop(c, stubborn, Duration::Seconds(60));
  CHECK(sixty.exit_after == Duration::Seconds(60));
  CHECK(sixty.exit_code == 137);
  // No grace left: still minimumGracePeriodInSeconds (default termination grace period case).
  ContainerStop none = PlanContainerStop(c, stubborn, Duration::Zero());
  CHECK(none.exit_after == kMinimumGracePeriod);
  CHECK(none.exit_after == Duration::Seconds(2));
  CHECK(none.exit_code == 137);
  // Exits exactly at the timeout: SIGKILL comes first.
  ContainerStop tie = PlanContainerStop(c, PodWith({{"kubesim.io/sigterm-exit-after", "10s"}}), Duration::Seconds(10));
  CHECK(tie.exit_after == Duration::Seconds(10));
  CHECK(tie.exit_code == 137);
}

TEST_CASE("PlanContainerStop: the preStop hook runs first and is cut at the grace period", "[kubelet]") {
  api::Container sleeper;
  sleeper.name = "c";
  sleeper.has_pre_stop = true;
  sleeper.pre_stop_sleep_seconds = 5;
  // sleep 5 s, then 3 s to exit.
  ContainerStop hook =
      PlanContainerStop(sleeper, PodWith({{"kubesim.io/sigterm-exit-after", "3s"}}), Duration::Seconds(30));
  CHECK(hook.exit_after == Duration::Seconds(8));
  CHECK(hook.exit_code == 143);
  // An exec hook of 40 s is cut at the 30 s grace; 2 s more before SIGKILL.
  api::Container exec;
  exec.name = "c";
  exec.has_pre_stop = true;
  auto slow = PodWith({{"kubesim.io/prestop-duration", "40s"}, {"kubesim.io/sigterm-exit-after", "1h"}});
  ContainerStop cut = PlanContainerStop(exec, slow, Duration::Seconds(30));
  CHECK(cut.exit_after == Duration::Seconds(32));
  CHECK(cut.exit_code == 137);
  // A 25 s hook leaves 5 s of the 30 s grace; a 29 s one leaves the 2 s minimum.
  auto mid = PodWith({{"kubesim.io/prestop-duration", "25s"}, {"kubesim.io/sigterm-exit-after", "1h"}});
  CHECK(PlanContainerStop(exec, mid, Duration::Seconds(30)).exit_after == Duration::Seconds(30));
  auto late = PodWith({{"kubesim.io/prestop-duration", "29s"}, {"kubesim.io/sigterm-exit-after", "1h"}});
  CHECK(PlanContainerStop(exec, late, Duration::Seconds(30)).exit_after == Duration::Seconds(31));
  // An exec hook without the annotation takes no time; the annotation without a hook is ignored.
  CHECK(PlanContainerStop(exec, PodWith({}), Duration::Seconds(30)).exit_after == Duration::Zero());
  api::Container plain;
  plain.name = "c";
  CHECK(PlanContainerStop(plain, PodWith({{"kubesim.io/prestop-duration", "40s"}}), Duration::Seconds(30)).exit_after ==
        Duration::Zero());
}

}  // namespace
}  // namespace kubesim::kubelet
