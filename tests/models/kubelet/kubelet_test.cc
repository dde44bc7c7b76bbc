// The kubelet through a whole cluster run: container exits and restartPolicy, CrashLoopBackOff
// timing (control-plane.md §5.6), container statuses, and probes. Latencies are fixed so that
// times can be checked against upstream defaults.
#include <catch2/catch.hpp>

#include <algorithm>
#include <optional>
#include <vector>

#include "models/api/kinds.h"
#include "models/api/pod.h"
#include "models/cluster/cluster.h"
#include "models/scenario/scenario.h"
#include "tests/support/temp_dir.h"

namespace kubesim::kubelet {
namespace {

using sim::Duration;
using sim::Time;

// One node n0 and the given pod documents (YAML flow maps, bound to n0 by spec.nodeName). The
// node already has the images these tests use, unless `node_status` says otherwise.
const char* kNodeWithImages =
    R"({capacity: {cpu: "8", memory: 32Gi, pods: "110"}, images: [{names: ["busybox:1.36", "nginx:1.27", "app:1"], sizeBytes: 1000000}]})";

std::string Scenario(const std::string& duration, const std::vector<std::string>& pods,
                     const std::string& node_status = kNodeWithImages, const std::string& kubelet = "podStartLatency: 500ms") {
  std::string s = R"(apiVersion: kubesim.io/v1alpha1
kind: Scenario
metadata: {name: kubelet}
spec:
  duration: )" + duration + R"(
  apiServer: {requestLatency: 10ms, watchDelay: 5ms}
  kubelet: {)" + kubelet + R"(}
  objects:
    - inline: {apiVersion: v1, kind: Node, metadata: {name: n0}, status: )" + node_status + R"(}
)";
  for (const auto& p : pods) s += "    - inline: " + p + "\n";
  return s;
}

struct Run {
  testing::TempDir dir;
  scenario::Scenario sc;
  std::unique_ptr<cluster::Cluster> c;

  explicit Run(const std::string& yaml) {
    auto loaded = scenario::LoadScenario(dir.Write("s.yaml", yaml));
    INFO((loaded.ok() ? "" : loaded.status().message()));
    REQUIRE(loaded.ok());
    sc = std::move(loaded).value();
    c = std::make_unique<cluster::Cluster>(sc);
    REQUIRE(c->Start().ok());
  }
  void Until(Duration d) { c->RunUntil(Time::Zero() + d); }
  std::shared_ptr<const api::Pod> Pod(const std::string& name) {
    return api::As<api::Pod>(c->store().Get("/registry/pods/default/" + name));
  }
  // Times (since t = 0) of the pod's events with this reason.
  std::vector<Duration> EventTimes(const std::string& reason) {
    std::vector<Duration> out;
    for (const auto& e : c->Results().events) {
      if (e.reason == reason && e.source == "kubelet/n0") out.push_back(e.time - Time::Zero());
    }
    return out;
  }
  std::vector<std::string> EventMessages(const std::string& reason) {
    std::vector<std::string> out;
    for (const auto& e : c->Results().events) {
      if (e.reason == reason && e.source == "kubelet/n0") out.push_back(e.message);
    }
    return out;
  }
};

std::string ReadyStatus(const api::Pod& pod) {
  const api::PodCondition* c = pod.FindCondition("Ready");
  return c ? c->status : "";
}

TEST_CASE("Exit codes and restartPolicy decide the pod phase as upstream getPhase", "[kubelet]") {
  Run run(Scenario("2m", {
      R"({apiVersion: v1, kind: Pod, metadata: {name: never-fail, annotations: {kubesim.io/run-duration: 10s, kubesim.io/exit-code: "3"}}, spec: {nodeName: n0, restartPolicy: Never, containers: [{name: c, image: busybox:1.36}]}})",
      R"({apiVersion: v1, kind: Pod, metadata: {name: never-ok, annotations: {kubesim.io/run-duration: 10s}}, spec: {nodeName: n0, restartPolicy: Never, containers: [{name: c, image: busybox:1.36}]}})",
      R"({apiVersion: v1, kind: Pod, metadata: {name: onfailure-ok, annotations: {kubesim.io/run-duration: 10s, kubesim.io/exit-code: "0"}}, spec: {nodeName: n0, restartPolicy: OnFailure, containers: [{name: c, image: busybox:1.36}]}})",
      R"({apiVersion: v1, kind: Pod, metadata: {name: always-ok, annotations: {kubesim.io/run-duration: 10s}}, spec: {nodeName: n0, containers: [{name: c, image: busybox:1.36}]}})",
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
  Run run(Scenario("40m", {
      R"({apiVersion: v1, kind: Pod, metadata: {name: crash, annotations: {kubesim.io/run-duration: 1s, kubesim.io/exit-code: "1"}}, spec: {nodeName: n0, restartPolicy: OnFailure, containers: [{name: c, image: busybox:1.36}]}})",
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
  CHECK_THAT(s.state.waiting_message, Catch::StartsWith("back-off 10s restarting failed container=c pod=crash_default("));
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
  Run run(Scenario("45m", {
      R"({apiVersion: v1, kind: Pod, metadata: {name: long, annotations: {kubesim.io/run-duration: 11m, kubesim.io/exit-code: "1"}}, spec: {nodeName: n0, restartPolicy: Always, containers: [{name: c, image: busybox:1.36}]}})",
      R"({apiVersion: v1, kind: Pod, metadata: {name: short, annotations: {kubesim.io/run-duration: 9m, kubesim.io/exit-code: "1"}}, spec: {nodeName: n0, restartPolicy: Always, containers: [{name: c, image: busybox:1.36}]}})",
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

TEST_CASE("Readiness probe: Ready at start, False after failureThreshold failures, container kept", "[kubelet]") {
  Run run(Scenario("2m", {
      R"({apiVersion: v1, kind: Pod, metadata: {name: web, annotations: {kubesim.io/readiness-fails-after: 30s}}, spec: {nodeName: n0, containers: [{name: c, image: nginx:1.27, readinessProbe: {httpGet: {path: /, port: 80}, periodSeconds: 5}}]}})",
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
  Run run(Scenario("3m", {
      R"({apiVersion: v1, kind: Pod, metadata: {name: web, annotations: {kubesim.io/liveness-fails-after: 20s}}, spec: {nodeName: n0, containers: [{name: c, image: nginx:1.27, livenessProbe: {tcpSocket: {port: 80}}}]}})",
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
  Run run(Scenario("2m", {
      R"({apiVersion: v1, kind: Pod, metadata: {name: web, annotations: {kubesim.io/liveness-fails-after: 20s, kubesim.io/sigterm-exit-after: 5s}}, spec: {nodeName: n0, containers: [{name: c, image: nginx:1.27, livenessProbe: {tcpSocket: {port: 80}}, lifecycle: {preStop: {sleep: {seconds: 2}}}}]}})",
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
  Run run(Scenario("2m", {
      R"({apiVersion: v1, kind: Pod, metadata: {name: slow, annotations: {kubesim.io/startup-succeeds-after: 25s}}, spec: {nodeName: n0, containers: [{name: c, image: app:1, startupProbe: {exec: {command: [true]}, failureThreshold: 5}, readinessProbe: {exec: {command: [true]}}}]}})",
      R"({apiVersion: v1, kind: Pod, metadata: {name: stuck, annotations: {kubesim.io/startup-succeeds-after: 25s}}, spec: {nodeName: n0, restartPolicy: Never, containers: [{name: c, image: app:1, startupProbe: {exec: {command: [true]}, failureThreshold: 2}}]}})",
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

namespace kubesim::kubelet {
namespace {

using sim::Duration;

const char* kBareNode = R"({capacity: {cpu: "8", memory: 32Gi, pods: "110"}, images: [{names: ["cached:1"], sizeBytes: 5000000}]})";

std::string PodWithImage(const std::string& name, const std::string& image, const std::string& policy = "") {
  return "{apiVersion: v1, kind: Pod, metadata: {name: " + name + "}, spec: {nodeName: n0, containers: [{name: c, image: \"" +
         image + "\"" + (policy.empty() ? "" : ", imagePullPolicy: " + policy) + "}]}}";
}

TEST_CASE("Image pulls are serialized per node and delay the start", "[kubelet]") {
  Run run(Scenario("1m", {PodWithImage("a", "img-a:1"), PodWithImage("b", "img-b:1")}, kBareNode,
                   "podStartLatency: 500ms, imagePullBandwidth: 10M, imageSizes: {\"img-a:1\": 50M, \"img-b:1\": 30M}"));
  run.Until(Duration::Seconds(30));
  std::vector<std::string> pulled = run.EventMessages("Pulled");
  REQUIRE(pulled.size() == 2);
  // 0.5 s registry round trip + 50 MB at 10 MB/s; b waits for a, then 0.5 s + 3 s.
  CHECK(pulled[0] == "Successfully pulled image \"img-a:1\" in 5.5s (5.5s including waiting). Image size: 50000000 bytes.");
  CHECK(pulled[1] == "Successfully pulled image \"img-b:1\" in 3.5s (9s including waiting). Image size: 30000000 bytes.");
  CHECK(run.EventMessages("Pulling") == std::vector<std::string>{"Pulling image \"img-a:1\"", "Pulling image \"img-b:1\""});
  std::vector<Duration> pulls = run.EventTimes("Pulled");
  std::vector<Duration> starts = run.EventTimes("Started");
  REQUIRE(starts.size() == 2);
  CHECK(pulls[1] - pulls[0] == Duration::Milliseconds(3500));
  // The container starts the start latency after its pull.
  CHECK(starts[0] - pulls[0] == Duration::Milliseconds(500));
  CHECK(starts[1] - pulls[1] == Duration::Milliseconds(500));
  // The node reports its new images at the next status update (every 10 s), for ImageLocality.
  auto node = api::As<api::Node>(run.c->store().Get("/registry/nodes/n0"));
  REQUIRE(node);
  std::vector<std::string> names;
  for (const auto& img : node->status.images) names.push_back(img.names.at(0));
  CHECK(names == std::vector<std::string>{"img-a:1", "img-b:1", "cached:1"});  // largest first
}

TEST_CASE("A node annotation sets that node's image pull bandwidth", "[kubelet]") {
  std::string yaml = Scenario("1m", {PodWithImage("a", "img-a:1")}, kBareNode,
                              "podStartLatency: 500ms, imagePullBandwidth: 10M, imageSizes: {\"img-a:1\": 50M}");
  yaml.replace(yaml.find("metadata: {name: n0}"), 20, "metadata: {name: n0, annotations: {kubesim.io/image-pull-bandwidth: 100M}}");
  Run run(yaml);
  run.Until(Duration::Seconds(30));
  CHECK(run.EventMessages("Pulled") ==
        std::vector<std::string>{"Successfully pulled image \"img-a:1\" in 1s (1s including waiting). Image size: 50000000 bytes."});
}

TEST_CASE("Parallel image pulls when serializeImagePulls is false", "[kubelet]") {
  Run run(Scenario("1m", {PodWithImage("a", "img-a:1"), PodWithImage("b", "img-b:1")}, kBareNode,
                   "podStartLatency: 500ms, serializeImagePulls: false, imagePullBandwidth: 10M, "
                   "imageSizes: {\"img-a:1\": 50M, \"img-b:1\": 30M}"));
  run.Until(Duration::Seconds(30));
  std::vector<std::string> pulled = run.EventMessages("Pulled");
  REQUIRE(pulled.size() == 2);
  CHECK(pulled[0] == "Successfully pulled image \"img-b:1\" in 3.5s (3.5s including waiting). Image size: 30000000 bytes.");
  CHECK(pulled[1] == "Successfully pulled image \"img-a:1\" in 5.5s (5.5s including waiting). Image size: 50000000 bytes.");
}

TEST_CASE("imagePullPolicy: IfNotPresent uses the cache, latest always pulls, Never fails when absent", "[kubelet]") {
  Run run(Scenario("1m",
                   {PodWithImage("cached", "cached:1"), PodWithImage("latest", "cached:latest"),
                    PodWithImage("never", "absent:1", "Never"), PodWithImage("default-size", "nginx:1.27")},
                   R"({capacity: {cpu: "8", memory: 32Gi, pods: "110"}, images: [{names: ["cached:1", "cached:latest"], sizeBytes: 5000000}]})"));
  run.Until(Duration::Seconds(30));
  std::vector<std::string> pulled = run.EventMessages("Pulled");
  std::sort(pulled.begin(), pulled.end());
  // nginx:1.27: 45 MB (calibration.md §2.4) at the default 33 MB/s, after the 0.5 s round trip;
  // cached:latest is present but Always pulls: only the round trip, queued behind nginx (pods are
  // admitted in key order: default-size before latest).
  CHECK(pulled == std::vector<std::string>{
                      "Container image \"cached:1\" already present on machine",
                      "Successfully pulled image \"cached:latest\" in 500ms (2.363636s including waiting). Image size: 5000000 bytes.",
                      "Successfully pulled image \"nginx:1.27\" in 1.863636s (1.863636s including waiting). Image size: 45000000 bytes.",
                  });
  auto never = run.Pod("never");
  CHECK(never->status.phase == "Pending");
  REQUIRE(never->status.container_statuses.size() == 1);
  CHECK(never->status.container_statuses[0].state.waiting_reason == "ErrImageNeverPull");
  CHECK(run.EventMessages("ErrImageNeverPull") ==
        std::vector<std::string>{"Container image \"absent:1\" is not present with pull policy of Never"});
  CHECK(run.Pod("cached")->status.phase == "Running");
  CHECK(run.Pod("latest")->status.phase == "Running");
  CHECK(run.Pod("default-size")->status.phase == "Running");
}

}  // namespace
}  // namespace kubesim::kubelet

namespace kubesim::kubelet {
namespace {

using sim::Duration;

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
  std::string yaml = Scenario("3m", {
      // Exits on SIGTERM at once: gone as soon as the kubelet saw the delete.
      R"({apiVersion: v1, kind: Pod, metadata: {name: quick}, spec: {nodeName: n0, containers: [{name: c, image: busybox:1.36}]}})",
      // preStop sleep 5 s, then 3 s to exit after SIGTERM.
      R"({apiVersion: v1, kind: Pod, metadata: {name: hook, annotations: {kubesim.io/sigterm-exit-after: 3s}}, spec: {nodeName: n0, containers: [{name: c, image: busybox:1.36, lifecycle: {preStop: {sleep: {seconds: 5}}}}]}})",
      // An exec hook of 40 s is cut at the 30 s grace period; then the 2 s minimum before SIGKILL.
      R"({apiVersion: v1, kind: Pod, metadata: {name: slow-hook, annotations: {kubesim.io/prestop-duration: 40s, kubesim.io/sigterm-exit-after: 1h}}, spec: {nodeName: n0, containers: [{name: c, image: busybox:1.36, lifecycle: {preStop: {exec: {command: [sleep, "40"]}}}}]}})",
      // Ignores SIGTERM: killed at terminationGracePeriodSeconds.
      R"({apiVersion: v1, kind: Pod, metadata: {name: stubborn, annotations: {kubesim.io/sigterm-exit-after: 1h}}, spec: {nodeName: n0, terminationGracePeriodSeconds: 10, containers: [{name: c, image: busybox:1.36}]}})",
  });
  yaml += DeleteAt("60s", "quick") + "    - at: 60s\n      delete: {kind: Pod, name: hook}\n" +
          "    - at: 60s\n      delete: {kind: Pod, name: slow-hook}\n    - at: 60s\n      delete: {kind: Pod, name: stubborn}\n";
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
  std::string yaml = Scenario("3m", {
      R"({apiVersion: v1, kind: Pod, metadata: {name: a, annotations: {kubesim.io/sigterm-exit-after: 1h}}, spec: {nodeName: n0, containers: [{name: c, image: busybox:1.36}]}})",
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

namespace kubesim::kubelet {
namespace {

using sim::Duration;

const char* kSmallNode = R"({capacity: {cpu: "8", memory: 4Gi, pods: "110"}, images: [{names: ["busybox:1.36"], sizeBytes: 1000000}]})";

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
  std::string yaml = Scenario("8m", {
      R"({apiVersion: scheduling.k8s.io/v1, kind: PriorityClass, metadata: {name: ten}, value: 10})",
      MemPod("hog", "3Gi", "1Gi"), MemPod("within", "900Mi", "1Gi"), MemPod("besteffort", "200Mi", "", "ten"),
  }, kSmallNode);
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
  CHECK(api::As<api::Node>(run.c->store().Get("/registry/nodes/n0"))->FindCondition("MemoryPressure")->status == "True");
  run.Until(Duration::Seconds(330));
  node = api::As<api::Node>(run.c->store().Get("/registry/nodes/n0"));
  CHECK(node->FindCondition("MemoryPressure")->status == "False");
  CHECK_FALSE(HasTaint(*node, "node.kubernetes.io/memory-pressure"));
}

TEST_CASE("Memory pressure: a BestEffort pod is rejected at admission, a Burstable one admitted", "[kubelet]") {
  std::string yaml = Scenario("2m", {MemPod("hog", "4Gi", "1Gi")}, kSmallNode);
  yaml += "  timeline:\n    - at: 30s\n      create:\n        inline: " + MemPod("late-besteffort", "10Mi", "") +
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
  std::string yaml = Scenario("1m", {
      R"({apiVersion: scheduling.k8s.io/v1, kind: PriorityClass, metadata: {name: ten}, value: 10})",
      // All three exceed their requests: the two of priority 0 come first, the larger excess first.
      MemPod("big-excess", "1500Mi", "100Mi"), MemPod("small-excess", "1500Mi", "1Gi"),
      MemPod("important", "1500Mi", "10Mi", "ten"),
  }, kSmallNode);
  Run run(yaml);
  run.Until(Duration::Seconds(35));
  // 4096 − 4500 → evict big-excess (10 s); 4096 − 3000 = 1096Mi available: done.
  CHECK(run.Pod("big-excess")->status.reason == "Evicted");
  CHECK(run.Pod("small-excess")->status.phase == "Running");
  CHECK(run.Pod("important")->status.phase == "Running");
}

}  // namespace
}  // namespace kubesim::kubelet

namespace kubesim::kubelet {
namespace {

using sim::Duration;

TEST_CASE("Node status: computed every 10 s, written only on change or every 5 minutes", "[kubelet]") {
  Run run(Scenario("12m", {}));
  auto heartbeat = [&run]() {
    auto node = api::As<api::Node>(run.c->store().Get("/registry/nodes/n0"));
    return node->FindCondition("Ready")->last_heartbeat_time - sim::Time::Zero();
  };
  run.Until(Duration::Seconds(299));
  CHECK(heartbeat() == Duration::Zero());  // nothing changed: no write since the initial state
  run.Until(Duration::Seconds(301));
  // nodeStatusReportFrequency: the first 10 s tick at or after 5 min from registration.
  CHECK(heartbeat() >= Duration::Seconds(300));
  CHECK(heartbeat() < Duration::Seconds(301));
  run.Until(Duration::Seconds(599));
  CHECK(heartbeat() < Duration::Seconds(301));
  run.Until(Duration::Seconds(601));
  CHECK(heartbeat() >= Duration::Seconds(600));
}

}  // namespace
}  // namespace kubesim::kubelet

namespace kubesim::kubelet {
namespace {

using sim::Duration;

std::string Timeline(const std::vector<std::pair<std::string, std::string>>& steps) {
  std::string s = "  timeline:\n";
  for (const auto& [at, action] : steps) s += "    - at: " + at + "\n      " + action + "\n";
  return s;
}

std::optional<Duration> DeletedAt(Run& run, const std::string& name) {
  for (const auto& p : run.c->Results().pods) {
    if (p.name == name && p.deleted) return *p.deleted - sim::Time::Zero();
  }
  return std::nullopt;
}

TEST_CASE("crashNode then restartKubelet within the grace period: pods kept, containers restarted", "[kubelet]") {
  Run run(Scenario("5m", {
      R"({apiVersion: v1, kind: Pod, metadata: {name: web}, spec: {nodeName: n0, containers: [{name: c, image: "nginx:1.27"}]}})",
      R"({apiVersion: v1, kind: Pod, metadata: {name: once}, spec: {nodeName: n0, restartPolicy: Never, containers: [{name: c, image: "busybox:1.36"}]}})",
  }) + Timeline({{"60s", "crashNode: {node: n0}"}, {"90s", "restartKubelet: {node: n0}"}}));
  run.Until(Duration::Seconds(89));
  CHECK(run.Pod("web")->status.container_statuses[0].restart_count == 0);  // nobody reports the crash
  run.Until(Duration::Seconds(95));
  auto web = run.Pod("web");
  REQUIRE(web);
  const api::ContainerStatus& s = web->status.container_statuses[0];
  // The containers died with the node: exit 255, reason Unknown; Always restarts at once.
  CHECK(s.restart_count == 1);
  CHECK(s.state.kind == api::ContainerState::Kind::kRunning);
  CHECK(s.last_state.terminated.exit_code == 255);
  CHECK(s.last_state.terminated.reason == "Unknown");
  CHECK(s.last_state.terminated.finished_at - sim::Time::Zero() == Duration::Seconds(60));
  CHECK(ReadyStatus(*web) == "True");
  // restartPolicy Never: the pod failed with its node.
  CHECK(run.Pod("once")->status.phase == "Failed");
  run.Until(Duration::Minutes(5));
  auto node = api::As<api::Node>(run.c->store().Get("/registry/nodes/n0"));
  CHECK(node->FindCondition("Ready")->status == "True");
  CHECK(node->spec.taints.empty());
  CHECK_FALSE(DeletedAt(run, "web"));
  // The lease is renewed again.
  auto lease = api::As<api::Lease>(run.c->store().Get("/registry/leases/kube-node-lease/n0"));
  CHECK(*lease->renew_time - sim::Time::Zero() >= Duration::Seconds(290));
}

TEST_CASE("stopKubelet then restartKubelet: running containers are adopted, exits meanwhile handled", "[kubelet]") {
  Run run(Scenario("3m", {
      R"({apiVersion: v1, kind: Pod, metadata: {name: web}, spec: {nodeName: n0, containers: [{name: c, image: "nginx:1.27"}]}})",
      R"({apiVersion: v1, kind: Pod, metadata: {name: job, annotations: {kubesim.io/run-duration: 60s, kubesim.io/exit-code: "2"}}, spec: {nodeName: n0, restartPolicy: OnFailure, containers: [{name: c, image: "busybox:1.36"}]}})",
  }) + Timeline({{"30s", "stopKubelet: {node: n0}"}, {"90s", "restartKubelet: {node: n0}"}}));
  run.Until(Duration::Seconds(95));
  CHECK(run.Pod("web")->status.container_statuses[0].restart_count == 0);
  CHECK(run.Pod("web")->status.container_statuses[0].state.kind == api::ContainerState::Kind::kRunning);
  // job's container exited at ~60.5 s with code 2 while the kubelet was away; the restarted
  // kubelet restarts it (the first restart is immediate; the back-off was in the old process).
  const api::ContainerStatus& j = run.Pod("job")->status.container_statuses[0];
  CHECK(j.restart_count == 1);
  CHECK(j.last_state.terminated.exit_code == 2);
  CHECK(j.last_state.terminated.finished_at - sim::Time::Zero() > Duration::Seconds(60));
  CHECK(j.last_state.terminated.finished_at - sim::Time::Zero() < Duration::Seconds(61));
}

TEST_CASE("crashNode for longer than the grace period: evicted pods are deleted when the kubelet returns", "[kubelet]") {
  // A second, healthy node: with every node of the zone down the controller would stop evicting
  // (FullDisruption).
  Run run(Scenario("10m", {
      R"({apiVersion: v1, kind: Node, metadata: {name: n1}, status: {capacity: {cpu: "8", memory: 32Gi, pods: "110"}}})",
      R"({apiVersion: v1, kind: Pod, metadata: {name: web}, spec: {nodeName: n0, containers: [{name: c, image: "nginx:1.27"}]}})",
  }) + Timeline({{"60s", "crashNode: {node: n0}"}, {"8m", "restartKubelet: {node: n0}"}}));
  run.Until(Duration::Seconds(470));
  // The node lifecycle controller noticed (Ready Unknown, unreachable taints) and the taint
  // eviction controller deleted the pod, which stays terminating: no kubelet finishes it.
  auto node = api::As<api::Node>(run.c->store().Get("/registry/nodes/n0"));
  CHECK(node->FindCondition("Ready")->status == "Unknown");
  auto web = run.Pod("web");
  REQUIRE(web);
  CHECK(web->metadata.deletion_timestamp);
  CHECK_FALSE(DeletedAt(run, "web"));
  // Back at 8 m: the kubelet sees the deletion, finds nothing running and finishes it.
  run.Until(Duration::Seconds(485));
  auto deleted = DeletedAt(run, "web");
  REQUIRE(deleted);
  CHECK(*deleted >= Duration::Minutes(8));
  CHECK(*deleted < Duration::Minutes(8) + Duration::Seconds(1));
  run.Until(Duration::Minutes(10));
  node = api::As<api::Node>(run.c->store().Get("/registry/nodes/n0"));
  CHECK(node->FindCondition("Ready")->status == "True");
}

}  // namespace
}  // namespace kubesim::kubelet
