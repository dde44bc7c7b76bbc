// Pod workers: container exits, restartPolicy, CrashLoopBackOff timing (kubernetes/kubernetes
// pkg/kubelet/kubelet.go and pod_workers.go @ v1.32) and container statuses, through a whole
// cluster run.
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

}  // namespace
}  // namespace kubesim::kubelet
