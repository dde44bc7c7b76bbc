// Pod workers: container exits, restartPolicy, CrashLoopBackOff timing (kubernetes/kubernetes
// pkg/kubelet/kubelet.go and pod_workers.go @ v1.32) and container statuses, through a whole
// cluster run; getPhase and ShouldContainerBeRestarted alone.
#include "models/kubelet/pod_workers.h"

#include <string>
#include <vector>

#include "models/kubelet/pod_runtime.h"
#include "tests/models/kubelet/kubelet_harness.h"

namespace kubesim::kubelet {
namespace {

using namespace harness;  // NOLINT: the test harness

TEST_CASE("Exit codes and restartPolicy decide the pod phase as upstream getPhase", "[kubelet]") {
  Run run(Scenario(
      "2m",
      {
          R"({apiVersion: v1, kind: Pod, metadata: {name: never-fail, annotations: {kubesim.io/run-duration: 10s, )"
          R"(kubesim.io/exit-code: "3"}}, spec: {nodeName: n0, restartPolicy: Never, containers: [{name: c, )"
          R"(image: busybox:1.36}]}})",
          R"({apiVersion: v1, kind: Pod, metadata: {name: never-ok, annotations: {kubesim.io/run-duration: 10s}}, )"
          R"(spec: {nodeName: n0, restartPolicy: Never, containers: [{name: c, image: busybox:1.36}]}})",
          R"({apiVersion: v1, kind: Pod, metadata: {name: onfailure-ok, annotations: {kubesim.io/run-duration: 10s, )"
          R"(kubesim.io/exit-code: "0"}}, spec: {nodeName: n0, restartPolicy: OnFailure, containers: [{name: c, )"
          R"(image: busybox:1.36}]}})",
          R"({apiVersion: v1, kind: Pod, metadata: {name: always-ok, annotations: {kubesim.io/run-duration: 10s}}, )"
          R"(spec: {nodeName: n0, containers: [{name: c, image: busybox:1.36}]}})",
      }));
  run.Until(Duration::Seconds(30));
  auto failed = run.Pod("never-fail");
  REQUIRE(failed);
  CHECK(failed->status.phase == "Failed");
  REQUIRE(failed->status.container_statuses.size() == 1);
  const api::ContainerStatus& fs = failed->status.container_statuses[0];
  CHECK(fs.state.kind == api::ContainerState::Kind::kTerminated);
  CHECK(fs.state.terminated.exit_code == 3);
  CHECK(fs.state.terminated.reason == "Error");
  CHECK(fs.restart_count == 0);
  CHECK_FALSE(fs.ready);
  CHECK(failed->FindCondition("Ready")->reason == "PodCompleted");

  CHECK(run.Pod("never-ok")->status.phase == "Succeeded");
  CHECK(run.Pod("never-ok")->status.container_statuses[0].state.terminated.reason == "Completed");
  CHECK(run.Pod("onfailure-ok")->status.phase == "Succeeded");

  // Always restarts after a successful exit too: the pod stays Running, the container counts it.
  auto always = run.Pod("always-ok");
  CHECK(always->status.phase == "Running");
  const api::ContainerStatus& as = always->status.container_statuses[0];
  CHECK(as.restart_count >= 1);
  CHECK(as.last_state.kind == api::ContainerState::Kind::kTerminated);
  CHECK(as.last_state.terminated.reason == "Completed");
  CHECK(as.last_state.terminated.exit_code == 0);
}

TEST_CASE("CrashLoopBackOff: immediate first restart, then 10 s doubling to 5 min", "[kubelet]") {
  Run run(Scenario(
      "40m",
      {
          R"({apiVersion: v1, kind: Pod, metadata: {name: crash, annotations: {kubesim.io/run-duration: 1s, )"
          R"(kubesim.io/exit-code: "1"}}, spec: {nodeName: n0, restartPolicy: OnFailure, containers: [{name: c, )"
          R"(image: busybox:1.36}]}})",
      }));
  // While the container waits out its back-off: Waiting/CrashLoopBackOff, lastState the failure,
  // Ready False, phase Running. The first exit is at ~1.5 s, the immediate restart at ~2 s, the
  // second exit at ~3 s, then 10 s of back-off.
  run.Until(Duration::Seconds(8));
  auto pod = run.Pod("crash");
  REQUIRE(pod);
  REQUIRE(pod->status.container_statuses.size() == 1);
  const api::ContainerStatus& s = pod->status.container_statuses[0];
  CHECK(pod->status.phase == "Running");
  CHECK(ReadyStatus(*pod) == "False");
  CHECK(s.restart_count == 1);
  CHECK_FALSE(s.ready);
  CHECK(s.state.kind == api::ContainerState::Kind::kWaiting);
  CHECK(s.state.waiting_reason == "CrashLoopBackOff");
  CHECK_THAT(s.state.waiting_message,
             Catch::StartsWith("back-off 10s restarting failed container=c pod=crash_default("));
  CHECK(s.last_state.kind == api::ContainerState::Kind::kTerminated);
  CHECK(s.last_state.terminated.exit_code == 1);
  CHECK(s.last_state.terminated.reason == "Error");
  auto backoffs = run.EventMessages("BackOff");
  REQUIRE_FALSE(backoffs.empty());
  CHECK_THAT(backoffs[0], Catch::StartsWith("Back-off restarting failed container c in pod crash_default("));

  run.Until(Duration::Minutes(40));
  std::vector<Duration> starts = run.EventTimes("Started");
  REQUIRE(starts.size() >= 10);
  // Gap between starts = 1 s of running + the back-off wait + 500 ms start latency. The wait is
  // the back-off rounded up to the pod worker's next sync, which comes every 10 s × [1, 1.5).
  const int64_t expected[] = {0, 10, 20, 40, 80, 160, 300, 300, 300};
  for (size_t i = 0; i < 9; ++i) {
    INFO("restart " << i + 1);
    Duration wait = starts[i + 1] - starts[i] - Duration::Milliseconds(1500);
    CHECK(wait >= Duration::Seconds(expected[i]));
    CHECK(wait < Duration::Seconds(expected[i] == 0 ? 1 : expected[i] + 15));
  }
  auto later = run.Pod("crash");
  CHECK(later->status.container_statuses[0].restart_count == static_cast<int32_t>(starts.size()) - 1);
}

TEST_CASE("CrashLoopBackOff resets after the container ran 10 minutes", "[kubelet]") {
  // Exits after 11 min: the back-off entry, last updated at the previous start, has expired
  // (finish − lastUpdate > 2 × 300 s), so every restart is immediate. After 9 min it has not.
  Run run(Scenario(
      "45m", {
                 R"({apiVersion: v1, kind: Pod, metadata: {name: long, annotations: {kubesim.io/run-duration: 11m, )"
                 R"(kubesim.io/exit-code: "1"}}, spec: {nodeName: n0, restartPolicy: Always, containers: [{name: c, )"
                 R"(image: busybox:1.36}]}})",
                 R"({apiVersion: v1, kind: Pod, metadata: {name: short, annotations: {kubesim.io/run-duration: 9m, )"
                 R"(kubesim.io/exit-code: "1"}}, spec: {nodeName: n0, restartPolicy: Always, containers: [{name: c, )"
                 R"(image: busybox:1.36}]}})",
             }));
  run.Until(Duration::Minutes(45));
  CHECK(run.Pod("long")->status.container_statuses[0].restart_count == 4);  // 11, 22, 33, 44 min
  auto short_pod = run.Pod("short");
  // 9 min, immediate; 18 min, then 10 s back-off; 27 min, 20 s; 36 min, 40 s; the fifth exit
  // comes after 45 min.
  CHECK(short_pod->status.container_statuses[0].restart_count == 4);
  int backoff_for_short = 0;
  for (const auto& e : run.c->Results().events) {
    if (e.reason == "BackOff" && e.object == "Pod/default/short") ++backoff_for_short;
    CHECK_FALSE((e.reason == "BackOff" && e.object == "Pod/default/long"));
  }
  CHECK(backoff_for_short >= 3);
}

// ---- Pure parts of the pod workers: getPhase (kubernetes/kubernetes pkg/kubelet/kubelet_pods_test.go
// @ v1.32, TestPodPhaseWithRestartAlways / Never / OnFailure, regular containers) and
// ShouldContainerBeRestarted (pkg/kubelet/container/helpers_test.go, TestShouldContainerBeRestarted).

ContainerRuntime Waiting() { return ContainerRuntime{}; }  // never ran (upstream: no status, or waiting)
ContainerRuntime Running() {
  ContainerRuntime c;
  c.running = true;
  c.exited = true;  // a restarted one counts as running all the same
  return c;
}
ContainerRuntime Exited(int32_t code) {
  ContainerRuntime c;
  c.exited = true;
  c.status.state.kind = api::ContainerState::Kind::kTerminated;
  c.status.state.terminated.exit_code = code;
  return c;
}
// In CrashLoopBackOff: waiting, with the termination as lastState (waitingStateWithLastTermination).
ContainerRuntime BackingOff(int32_t code) {
  ContainerRuntime c = Exited(code);
  c.status.last_state = c.status.state;
  c.status.state = api::ContainerState{};
  c.status.state.kind = api::ContainerState::Kind::kWaiting;
  return c;
}

TEST_CASE("getPhase with restartPolicy Always, upstream TestPodPhaseWithRestartAlways", "[kubelet]") {
  const std::string p = "Always";
  CHECK(GetPhase({Waiting(), Waiting()}, p) == "Pending");      // waiting
  CHECK(GetPhase({Running(), Running()}, p) == "Running");      // all running
  CHECK(GetPhase({Exited(0), Exited(1)}, p) == "Running");      // all stopped with restart always
  CHECK(GetPhase({Running(), Exited(0)}, p) == "Running");      // mixed state #1
  CHECK(GetPhase({Running(), Waiting()}, p) == "Pending");      // mixed state #2 and #3
  CHECK(GetPhase({Running(), BackingOff(0)}, p) == "Running");  // backoff crashloop container
}

TEST_CASE("getPhase with restartPolicy Never, upstream TestPodPhaseWithRestartNever", "[kubelet]") {
  const std::string p = "Never";
  CHECK(GetPhase({Waiting(), Waiting()}, p) == "Pending");    // waiting
  CHECK(GetPhase({Running(), Running()}, p) == "Running");    // all running
  CHECK(GetPhase({Exited(0), Exited(0)}, p) == "Succeeded");  // all succeeded
  CHECK(GetPhase({Exited(-1), Exited(-1)}, p) == "Failed");   // all failed
  CHECK(GetPhase({Running(), Exited(0)}, p) == "Running");    // mixed state #1
  CHECK(GetPhase({Running(), Waiting()}, p) == "Pending");    // mixed state #2 and #3
  CHECK(GetPhase({Exited(0), Exited(3)}, p) == "Failed");     // one failure fails the pod
}

TEST_CASE("getPhase with restartPolicy OnFailure, upstream TestPodPhaseWithRestartOnFailure", "[kubelet]") {
  const std::string p = "OnFailure";
  CHECK(GetPhase({Waiting(), Waiting()}, p) == "Pending");      // waiting
  CHECK(GetPhase({Running(), Running()}, p) == "Running");      // all running
  CHECK(GetPhase({Exited(0), Exited(0)}, p) == "Succeeded");    // all succeeded
  CHECK(GetPhase({Exited(-1), Exited(-1)}, p) == "Running");    // all failed: they restart
  CHECK(GetPhase({Running(), Exited(0)}, p) == "Running");      // mixed state #1
  CHECK(GetPhase({Running(), Waiting()}, p) == "Pending");      // mixed state #2 and #3
  CHECK(GetPhase({BackingOff(1), Exited(0)}, p) == "Running");  // backing off to restart
}

TEST_CASE("ShouldContainerBeRestarted by restartPolicy and exit code, upstream TestShouldContainerBeRestarted",
          "[kubelet]") {
  // {Never, OnFailure, Always} for a container that succeeded and one that failed.
  const std::vector<std::string> policies = {"Never", "OnFailure", "Always"};
  const std::vector<bool> succeed = {false, false, true};
  const std::vector<bool> failed = {false, true, true};
  for (size_t i = 0; i < policies.size(); ++i) {
    INFO(policies[i]);
    CHECK(ShouldContainerBeRestarted(policies[i], 0) == succeed[i]);
    CHECK(ShouldContainerBeRestarted(policies[i], 1) == failed[i]);
    CHECK(ShouldContainerBeRestarted(policies[i], 3) == failed[i]);
  }
}

}  // namespace
}  // namespace kubesim::kubelet
