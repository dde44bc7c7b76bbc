// The probe manager: readiness, liveness and startup probes with upstream defaults, driven by the
// scenario's probe failure annotations, through whole runs and alone with a fake Host.
#include "models/kubelet/prober_manager.h"

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "models/client/event_recorder.h"
#include "models/kubelet/pod_runtime.h"
#include "sim/simulation.h"
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

// ---- The probe manager alone: a fake Host stands in for the pod workers (upstream's
// newTestManager with a fake status manager, pkg/kubelet/prober/worker_test.go and
// prober_manager_test.go @ v1.32).

struct FakeProbeHost : ProbeManager::Host {
  std::map<std::string, PodRuntime*> pods;
  int status_writes = 0;
  struct Kill {
    Duration at;
    size_t idx;
    Duration grace;
    std::string message;
  };
  std::vector<Kill> kills;
  sim::Simulation* sim = nullptr;

  PodRuntime* Runtime(const std::string& uid) override {
    auto it = pods.find(uid);
    return it == pods.end() ? nullptr : it->second;
  }
  void ProbeResultChanged(PodRuntime&) override { ++status_writes; }
  void KillContainer(PodRuntime&, size_t idx, Duration grace, const std::string& message) override {
    kills.push_back(Kill{sim->Now() - Time::Zero(), idx, grace, message});
  }
};

// One pod with one container `c` and the given probes and annotations, run by a ProbeManager.
struct ProbeFixture {
  sim::Simulation sim{1};
  std::vector<client::RecordedEvent> events;
  FakeProbeHost host;
  ProbeManager prober{
      sim, client::EventRecorder([this](const client::RecordedEvent& e) { events.push_back(e); }, "kubelet/n0"), host};
  PodRuntime rt;

  explicit ProbeFixture(const api::Container& container, std::map<std::string, std::string> annotations = {},
                        const std::string& restart_policy = "Always") {
    auto pod = std::make_shared<api::Pod>();
    pod->kind = "Pod";
    pod->metadata.name = "web";
    pod->metadata.namespace_ = "default";
    pod->metadata.uid = "uid-web";
    pod->metadata.annotations = std::move(annotations);
    pod->spec.restart_policy = restart_policy;
    pod->spec.containers.push_back(container);
    rt.key = "default/web";
    rt.uid = "uid-web";
    rt.pod = pod;
    ContainerRuntime c;
    c.spec = container;
    c.status.name = container.name;
    c.status.started = false;
    rt.containers.push_back(c);
    host.pods[rt.uid] = &rt;
    host.sim = &sim;
  }
  // The pod workers' part of a container start, as PodWorkers::StartContainer does it.
  void StartContainer() {
    ContainerRuntime& c = rt.containers[0];
    c.running = true;
    ++c.instance;
    c.started_at = sim.Now();
    prober.ContainerStarted(rt, 0);
    c.status.started = !c.spec.startup_probe.has_value();
    prober.TriggerReadinessProbe(rt, 0);
  }
  void Until(Duration d) { sim.RunUntil(Time::Zero() + d); }
  std::vector<Duration> Unhealthy() const {
    std::vector<Duration> out;
    for (const auto& e : events) {
      if (e.reason == "Unhealthy") out.push_back(e.time - Time::Zero());
    }
    return out;
  }
};

api::Container ProbedContainer() {
  api::Container c;
  c.name = "c";
  c.image = "app:1";
  return c;
}

api::Probe MakeProbe(int32_t period, int32_t failure_threshold, int32_t initial_delay = 0) {
  api::Probe p;
  p.period_seconds = period;
  p.failure_threshold = failure_threshold;
  p.initial_delay_seconds = initial_delay;
  return p;
}

TEST_CASE("ProbeManager: no probe before initialDelaySeconds, upstream TestInitialDelay", "[kubelet]") {
  api::Container c = ProbedContainer();
  c.liveness_probe = MakeProbe(10, 1, 25);
  ProbeFixture f(c, {{"kubesim.io/liveness-fails-after", "0s"}});
  f.prober.AddPod(f.rt);
  f.StartContainer();
  // Ticks at 10 and 20 s fall inside the delay; the tick at 30 s probes, fails, and with
  // failureThreshold 1 kills the container with the pod's grace period.
  f.Until(Duration::Seconds(29));
  CHECK(f.Unhealthy().empty());
  CHECK(f.host.kills.empty());
  f.Until(Duration::Seconds(31));
  CHECK(f.Unhealthy() == std::vector<Duration>{Duration::Seconds(30)});
  REQUIRE(f.host.kills.size() == 1);
  CHECK(f.host.kills[0].at == Duration::Seconds(30));
  CHECK(f.host.kills[0].grace == Duration::Seconds(30));
  CHECK(f.host.kills[0].message == "Container c failed liveness probe, will be restarted");
  CHECK(f.events[0].message == "Liveness probe failed: connection refused (kubesim scenario)");
  CHECK(f.events[0].object == "Pod/default/web");
}

TEST_CASE("ProbeManager: liveness waits for the startup probe, upstream TestLivenessProbeDisabledByStarted",
          "[kubelet]") {
  api::Container c = ProbedContainer();
  c.startup_probe = MakeProbe(10, 5);
  c.liveness_probe = MakeProbe(10, 1);
  ProbeFixture f(c, {{"kubesim.io/startup-succeeds-after", "25s"}, {"kubesim.io/liveness-fails-after", "0s"}});
  f.prober.AddPod(f.rt);
  f.StartContainer();
  // Startup fails at 10 and 20 s and passes at 30 s; liveness, which would fail at once, is not
  // probed before (its tick at 30 s comes before the startup tick).
  f.Until(Duration::Seconds(35));
  CHECK(f.Unhealthy() == std::vector<Duration>{Duration::Seconds(10), Duration::Seconds(20)});
  CHECK(f.rt.containers[0].status.started == true);
  CHECK(f.host.status_writes == 1);
  CHECK(f.host.kills.empty());
  // From then on liveness runs: it fails at 40 s.
  f.Until(Duration::Seconds(45));
  REQUIRE(f.host.kills.size() == 1);
  CHECK(f.host.kills[0].at == Duration::Seconds(40));
}

TEST_CASE("ProbeManager: the startup probe stops once it passed, upstream TestStartupProbeDisabledByStarted",
          "[kubelet]") {
  api::Container c = ProbedContainer();
  c.startup_probe = MakeProbe(10, 2);
  // Passes from 15 s; had it run again it would keep passing, so count its events instead.
  ProbeFixture f(c, {{"kubesim.io/startup-succeeds-after", "15s"}});
  f.prober.AddPod(f.rt);
  f.StartContainer();
  f.Until(Duration::Seconds(60));
  CHECK(f.Unhealthy() == std::vector<Duration>{Duration::Seconds(10)});
  CHECK(f.rt.containers[0].status.started == true);
  CHECK(f.host.status_writes == 1);  // started at 20 s, nothing after
  CHECK(f.host.kills.empty());
}

TEST_CASE("ProbeManager: readiness is probed at once after a start and gates IsContainerReady", "[kubelet]") {
  api::Container c = ProbedContainer();
  c.readiness_probe = MakeProbe(5, 3);
  ProbeFixture f(c, {{"kubesim.io/readiness-fails-after", "12s"}});
  f.prober.AddPod(f.rt);
  CHECK_FALSE(f.prober.IsContainerReady(f.rt, 0));  // not running
  f.StartContainer();
  CHECK(f.prober.IsContainerReady(f.rt, 0));  // the manual trigger passed
  // Ticks every 5 s: 15, 20 and 25 s fail; the third settles the result and asks for a status
  // write, once. The container keeps running: readiness never kills.
  f.Until(Duration::Seconds(24));
  CHECK(f.prober.IsContainerReady(f.rt, 0));
  CHECK(f.host.status_writes == 0);
  f.Until(Duration::Seconds(26));
  CHECK_FALSE(f.prober.IsContainerReady(f.rt, 0));
  CHECK(f.host.status_writes == 1);
  f.Until(Duration::Seconds(60));
  CHECK(f.host.status_writes == 1);
  CHECK(f.host.kills.empty());
}

TEST_CASE("ProbeManager: a container without a readiness probe is ready once running and started", "[kubelet]") {
  api::Container c = ProbedContainer();
  ProbeFixture f(c);
  CHECK_FALSE(f.prober.IsContainerReady(f.rt, 0));
  f.StartContainer();
  CHECK(f.prober.IsContainerReady(f.rt, 0));
  f.rt.containers[0].status.started = false;
  CHECK_FALSE(f.prober.IsContainerReady(f.rt, 0));
}

TEST_CASE(
    "ProbeManager: a held worker resumes for a new container instance, upstream "
    "TestOnHoldOnLivenessOrStartupCheckFailure",
    "[kubelet]") {
  api::Container c = ProbedContainer();
  c.liveness_probe = MakeProbe(10, 1);
  ProbeFixture f(c, {{"kubesim.io/liveness-fails-after", "0s"}});
  f.prober.AddPod(f.rt);
  f.StartContainer();
  f.Until(Duration::Seconds(25));
  // Killed at 10 s; the host has not replaced the container, so the worker holds at 20 s.
  CHECK(f.host.kills.size() == 1);
  CHECK(f.Unhealthy().size() == 1);
  f.StartContainer();  // a new instance at 25 s
  f.Until(Duration::Seconds(35));
  CHECK(f.host.kills.size() == 2);
  CHECK(f.Unhealthy() == std::vector<Duration>{Duration::Seconds(10), Duration::Seconds(30)});
}

TEST_CASE("ProbeManager: a failed startup probe kills without the restart promise under Never", "[kubelet]") {
  api::Container c = ProbedContainer();
  c.startup_probe = MakeProbe(10, 2);
  ProbeFixture f(c, {{"kubesim.io/startup-succeeds-after", "1h"}}, "Never");
  f.prober.AddPod(f.rt);
  f.StartContainer();
  f.Until(Duration::Seconds(25));
  REQUIRE(f.host.kills.size() == 1);
  CHECK(f.host.kills[0].at == Duration::Seconds(20));
  CHECK(f.host.kills[0].message == "Container c failed startup probe");
}

TEST_CASE("ProbeManager: workers stop with their pod, upstream TestCleanUp", "[kubelet]") {
  api::Container c = ProbedContainer();
  c.readiness_probe = MakeProbe(10, 3);
  ProbeFixture f(c, {{"kubesim.io/readiness-fails-after", "0s"}});
  f.prober.AddPod(f.rt);
  f.StartContainer();
  f.Until(Duration::Seconds(15));
  CHECK(f.Unhealthy().size() == 2);  // the manual trigger at 0 s and the tick at 10 s
  SECTION("terminating") { f.rt.terminating = true; }
  SECTION("terminal") { f.rt.terminal = true; }
  SECTION("forgotten by the pod workers") {
    f.host.pods.clear();
    f.prober.RemovePod(f.rt.uid);
  }
  SECTION("the kubelet process stopped") { f.prober.Stop(); }
  f.Until(Duration::Minutes(2));
  CHECK(f.Unhealthy().size() == 2);
}

}  // namespace
}  // namespace kubesim::kubelet
