// Probes: readiness, liveness and startup with upstream defaults, driven by the scenario's probe
// failure annotations.
#include "tests/models/kubelet/kubelet_harness.h"

namespace kubesim::kubelet {
namespace {

using namespace harness;  // NOLINT: the test harness

TEST_CASE("Readiness probe: Ready at start, False after failureThreshold failures, container kept", "[kubelet]") {
  Run run(Scenario(
      "2m",
      {
          R"({apiVersion: v1, kind: Pod, metadata: {name: web, annotations: {kubesim.io/readiness-fails-after: 30s}}, )"
          R"(spec: {nodeName: n0, containers: [{name: c, image: nginx:1.27, readinessProbe: {httpGet: {path: /, )"
          R"(port: 80}, periodSeconds: 5}}]}})",
      }));
  // The probe runs at once after the start (~0.5 s) and passes.
  run.Until(Duration::Seconds(2));
  CHECK(ReadyStatus(*run.Pod("web")) == "True");
  // Probes tick every 5 s from admission (~5 ms); from 30.5 s they fail: at ~35, ~40 and ~45 s.
  // The third failure (failureThreshold 3) makes the pod unready.
  run.Until(Duration::Seconds(44));
  CHECK(ReadyStatus(*run.Pod("web")) == "True");
  CHECK(run.EventTimes("Unhealthy").size() == 2);
  run.Until(Duration::Seconds(46));
  auto pod = run.Pod("web");
  CHECK(ReadyStatus(*pod) == "False");
  CHECK(pod->FindCondition("Ready")->reason == "ContainersNotReady");
  CHECK(pod->FindCondition("Ready")->message == "containers with unready status: [c]");
  CHECK(pod->status.container_statuses[0].state.kind == api::ContainerState::Kind::kRunning);
  CHECK(pod->status.container_statuses[0].restart_count == 0);
  CHECK(run.EventMessages("Unhealthy")[0] == "Readiness probe failed: connection refused (kubesim scenario)");
}

TEST_CASE("Liveness probe: defaults period 10 s and threshold 3, failure restarts the container", "[kubelet]") {
  Run run(Scenario(
      "3m",
      {
          R"({apiVersion: v1, kind: Pod, metadata: {name: web, annotations: {kubesim.io/liveness-fails-after: 20s}}, )"
          R"(spec: {nodeName: n0, containers: [{name: c, image: nginx:1.27, )"
          R"(livenessProbe: {tcpSocket: {port: 80}}}]}})",
      }));
  // Ticks at ~10, 20, 30, 40, 50 s; from 20.5 s the probe fails: 30, 40, 50 → killed at ~50 s.
  run.Until(Duration::Seconds(49));
  CHECK(run.EventTimes("Killing").empty());
  run.Until(Duration::Seconds(52));
  std::vector<Duration> kills = run.EventTimes("Killing");
  REQUIRE(kills.size() == 1);
  CHECK(kills[0] >= Duration::Seconds(50));
  CHECK(kills[0] < Duration::Seconds(51));
  CHECK(run.EventMessages("Killing")[0] == "Container c failed liveness probe, will be restarted");
  CHECK(run.EventMessages("Unhealthy").size() == 3);
  CHECK(run.EventMessages("Unhealthy")[0] == "Liveness probe failed: connection refused (kubesim scenario)");
  auto pod = run.Pod("web");
  const api::ContainerStatus& s = pod->status.container_statuses[0];
  CHECK(s.restart_count == 1);  // the first restart is immediate
  CHECK(s.state.kind == api::ContainerState::Kind::kRunning);
  CHECK(s.last_state.terminated.exit_code == 143);
  // The second instance fails from ~71 s: killed at ~100 s, then 10 s of CrashLoopBackOff.
  run.Until(Duration::Seconds(105));
  CHECK(run.EventTimes("Killing").size() == 2);
  CHECK(run.Pod("web")->status.container_statuses[0].state.waiting_reason == "CrashLoopBackOff");
}

TEST_CASE("A liveness kill is graceful: preStop hook and SIGTERM time before the restart", "[kubelet]") {
  Run run(Scenario(
      "2m",
      {
          R"({apiVersion: v1, kind: Pod, metadata: {name: web, annotations: {kubesim.io/liveness-fails-after: 20s, )"
          R"(kubesim.io/sigterm-exit-after: 5s}}, spec: {nodeName: n0, containers: [{name: c, image: nginx:1.27, )"
          R"(livenessProbe: {tcpSocket: {port: 80}}, lifecycle: {preStop: {sleep: {seconds: 2}}}}]}})",
      }));
  // Killed at ~50 s (as in the test above); the hook takes 2 s and the process 5 s more.
  run.Until(Duration::Seconds(56));
  CHECK(run.EventTimes("Killing").size() == 1);
  CHECK(run.Pod("web")->status.container_statuses[0].restart_count == 0);
  CHECK(run.Pod("web")->status.container_statuses[0].state.kind == api::ContainerState::Kind::kRunning);
  run.Until(Duration::Seconds(58));
  const api::ContainerStatus& s = run.Pod("web")->status.container_statuses[0];
  CHECK(s.restart_count == 1);
  CHECK(s.last_state.terminated.exit_code == 143);
  CHECK((s.last_state.terminated.finished_at - sim::Time::Zero()).ToSeconds() == Approx(57).margin(0.1));
}

TEST_CASE("Startup probe holds readiness back until it passes, and kills after its threshold", "[kubelet]") {
  Run run(Scenario(
      "2m",
      {
          R"({apiVersion: v1, kind: Pod, metadata: {name: slow, )"
          R"(annotations: {kubesim.io/startup-succeeds-after: 25s}}, spec: {nodeName: n0, containers: [{name: c, )"
          R"(image: app:1, startupProbe: {exec: {command: [true]}, failureThreshold: 5}, )"
          R"(readinessProbe: {exec: {command: [true]}}}]}})",
          R"({apiVersion: v1, kind: Pod, metadata: {name: stuck, )"
          R"(annotations: {kubesim.io/startup-succeeds-after: 25s}}, spec: {nodeName: n0, restartPolicy: Never, )"
          R"(containers: [{name: c, image: app:1, startupProbe: {exec: {command: [true]}, failureThreshold: 2}}]}})",
      }));
  // Startup ticks at ~10 and ~20 s fail, ~30 s passes; readiness runs at once then.
  run.Until(Duration::Seconds(29));
  CHECK(ReadyStatus(*run.Pod("slow")) == "False");
  CHECK(run.Pod("slow")->status.container_statuses[0].started == false);
  // stuck: two failures (~10, ~20 s) reach its threshold: killed, and with Never the pod fails.
  CHECK(run.Pod("stuck")->status.phase == "Failed");
  run.Until(Duration::Seconds(31));
  CHECK(ReadyStatus(*run.Pod("slow")) == "True");
  CHECK(run.Pod("slow")->status.container_statuses[0].started == true);
  CHECK(run.Pod("slow")->status.container_statuses[0].restart_count == 0);
}

}  // namespace
}  // namespace kubesim::kubelet
