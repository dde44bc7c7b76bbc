// The kubelet's prober (upstream pkg/kubelet/prober: one worker per container and probe type,
// ticking every periodSeconds from when the pod was admitted; results cached per container
// instance; thresholds of consecutive results before a result settles).
//
// kubesim runs no processes, so what a probe returns comes from the scenario (docs/kubelet.md):
//   kubesim.io/readiness-fails-after: <duration>   readiness fails from this long after each start
//   kubesim.io/liveness-fails-after: <duration>    liveness fails from this long after each start
//   kubesim.io/startup-succeeds-after: <duration>  the startup probe fails until then (default 0)
// A failing probe fails at once (connection refused), it does not wait for timeoutSeconds.
#include "models/api/pod.h"
#include "models/kubelet/kubelet.h"

namespace kubesim::kubelet {
namespace {

enum ProbeKind { kReadiness = 0, kLiveness = 1, kStartup = 2 };

const std::optional<api::Probe>& ProbeOf(const api::Container& c, int kind) {
  return kind == kReadiness ? c.readiness_probe : kind == kLiveness ? c.liveness_probe : c.startup_probe;
}

const char* ProbeName(int kind) {
  return kind == kReadiness ? "Readiness" : kind == kLiveness ? "Liveness" : "Startup";
}

std::optional<sim::Duration> AnnotationDuration(const api::Pod& pod, const char* name) {
  auto it = pod.metadata.annotations.find(name);
  if (it == pod.metadata.annotations.end()) return std::nullopt;
  auto d = sim::ParseDuration(it->second);
  if (!d.ok()) return std::nullopt;  // validated at load; a template's bad value counts as unset
  return *d;
}

}  // namespace

bool Kubelet::ContainerReady(const ContainerRuntime& c) const {
  // A container without a readiness probe is ready once running and started (upstream
  // prober manager UpdatePodStatus).
  if (!c.running || !c.status.started.value_or(true)) return false;
  return !c.spec.readiness_probe || c.readiness.success;
}

void Kubelet::StartProbeWorkers(PodRuntime& rt, size_t idx) {
  for (int kind : {kReadiness, kLiveness, kStartup}) {
    const auto& probe = ProbeOf(rt.containers[idx].spec, kind);
    if (!probe) continue;
    std::string uid = rt.uid;
    AfterAlive(sim::Duration::Seconds(probe->period_seconds), [this, uid, idx, kind]() { ProbeTick(uid, idx, kind); });
  }
}

void Kubelet::ProbeTick(const std::string& uid, size_t idx, int kind) {
  PodRuntime* rt = Runtime(uid);
  // The worker stops with the pod (terminating or terminal: prober manager RemovePod).
  if (rt == nullptr || rt->terminating || rt->terminal) return;
  if (RunProbe(*rt, idx, kind)) WriteStatus(*rt);
  const auto& probe = ProbeOf(rt->containers[idx].spec, kind);
  AfterAlive(sim::Duration::Seconds(probe->period_seconds), [this, uid, idx, kind]() { ProbeTick(uid, idx, kind); });
}

bool Kubelet::RunProbe(PodRuntime& rt, size_t idx, int kind) {
  ContainerRuntime& c = rt.containers[idx];
  const api::Probe& probe = *ProbeOf(c.spec, kind);
  if (!c.running) return false;
  bool started = c.status.started.value_or(true);
  // Liveness and readiness wait for the startup probe; the startup probe stops once it passed.
  if (kind != kStartup && !started) return false;
  if (kind == kStartup && started) return false;
  if (sim_.Now() - c.started_at < sim::Duration::Seconds(probe.initial_delay_seconds)) return false;
  ProbeState& st = kind == kReadiness ? c.readiness : kind == kLiveness ? c.liveness : c.startup;
  if (st.on_hold) return false;

  sim::Duration up = sim_.Now() - c.started_at;
  bool ok = true;
  if (kind == kStartup) {
    ok = up >= AnnotationDuration(*rt.pod, api::kStartupSucceedsAfterAnnotation).value_or(sim::Duration::Zero());
  } else {
    auto fails_after = AnnotationDuration(
        *rt.pod, kind == kReadiness ? api::kReadinessFailsAfterAnnotation : api::kLivenessFailsAfterAnnotation);
    ok = !fails_after || up < *fails_after;
  }
  if (!ok) {
    recorder_.Event(sim_.Now(), *rt.pod, "Warning", "Unhealthy",
                    std::string(ProbeName(kind)) + " probe failed: connection refused (kubesim scenario)");
  }
  // A result settles after successThreshold consecutive successes or failureThreshold
  // consecutive failures (worker.doProbe resultRun).
  bool before = st.success;
  if (ok) {
    st.failures = 0;
    if (++st.successes >= probe.success_threshold) st.success = true;
  } else {
    st.successes = 0;
    if (++st.failures >= probe.failure_threshold) st.success = false;
    // Liveness starts as success, startup as failure: the threshold must be reached before
    // a failure counts.
    if (st.failures < probe.failure_threshold && kind != kReadiness) return false;
  }
  if (kind == kReadiness) return st.success != before;
  if (kind == kStartup) {
    if (ok && st.success) {
      c.status.started = true;
      // The status sync that follows triggers the first readiness probe at once.
      if (c.spec.readiness_probe) RunProbe(rt, idx, kReadiness);
      return true;
    }
    if (ok) return false;
  }
  if (ok) return false;
  // Liveness or startup failed failureThreshold times in a row: kill the container (with the
  // result on hold until the next instance), and let the restart policy decide what follows.
  st.on_hold = true;
  bool restart = rt.pod->spec.restart_policy != "Never";
  std::string what = kind == kLiveness ? "liveness" : "startup";
  // killContainer with the pod's terminationGracePeriodSeconds (the probe-level override is not
  // modelled): preStop hook, SIGTERM, SIGKILL; the exit then takes the ordinary restart path.
  StopContainerGracefully(
      rt, idx, sim::Duration::Seconds(rt.pod->spec.termination_grace_period_seconds),
      "Container " + c.spec.name + " failed " + what + " probe" + (restart ? ", will be restarted" : ""));
  return false;
}

}  // namespace kubesim::kubelet
