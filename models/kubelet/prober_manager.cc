#include "models/kubelet/prober_manager.h"

#include <optional>

#include "models/api/pod.h"

namespace kubesim::kubelet {
namespace {

const std::optional<api::Probe>& ProbeOf(const api::Container& c, ProbeType type) {
  return type == ProbeType::kReadiness  ? c.readiness_probe
         : type == ProbeType::kLiveness ? c.liveness_probe
                                        : c.startup_probe;
}

std::optional<sim::Duration> AnnotationDuration(const api::Pod& pod, const char* name) {
  auto it = pod.metadata.annotations.find(name);
  if (it == pod.metadata.annotations.end()) return std::nullopt;
  auto d = sim::ParseDuration(it->second);
  if (!d.ok()) return std::nullopt;  // validated at load; a template's bad value counts as unset
  return *d;
}

}  // namespace

ProbeManager::ProbeManager(sim::Simulation& sim, client::EventRecorder recorder, Host& host)
    : sim_(sim), recorder_(std::move(recorder)), host_(host) {}

void ProbeManager::AddPod(const PodRuntime& rt) {
  for (size_t idx = 0; idx < rt.containers.size(); ++idx) {
    for (ProbeType type : {ProbeType::kReadiness, ProbeType::kLiveness, ProbeType::kStartup}) {
      const auto& probe = ProbeOf(rt.containers[idx].spec, type);
      if (!probe) continue;
      std::string uid = rt.uid;
      owner_.After(sim::Duration::Seconds(probe->period_seconds), [this, uid, idx, type]() { Tick(uid, idx, type); });
    }
  }
}

void ProbeManager::ContainerStarted(const PodRuntime& rt, size_t idx) { workers_[rt.uid][idx] = ContainerWorkers{}; }

void ProbeManager::TriggerReadinessProbe(PodRuntime& rt, size_t idx) {
  const ContainerRuntime& c = rt.containers[idx];
  if (c.spec.readiness_probe && c.status.started.value_or(true)) RunProbe(rt, idx, ProbeType::kReadiness);
}

bool ProbeManager::IsContainerReady(const PodRuntime& rt, size_t idx) const {
  const ContainerRuntime& c = rt.containers[idx];
  if (!c.running || !c.status.started.value_or(true)) return false;
  if (!c.spec.readiness_probe) return true;
  auto pod = workers_.find(rt.uid);
  if (pod == workers_.end()) return false;
  auto container = pod->second.find(idx);
  return container != pod->second.end() && container->second.readiness.success();
}

void ProbeManager::RemovePod(const std::string& uid) { workers_.erase(uid); }

ProbeManager::ContainerWorkers& ProbeManager::Workers(const std::string& uid, size_t idx) { return workers_[uid][idx]; }

void ProbeManager::Tick(const std::string& uid, size_t idx, ProbeType type) {
  PodRuntime* rt = host_.Runtime(uid);
  // The worker stops with the pod (terminating or terminal: prober manager RemovePod).
  if (rt == nullptr || rt->terminating || rt->terminal) return;
  if (RunProbe(*rt, idx, type)) host_.ProbeResultChanged(*rt);
  const auto& probe = ProbeOf(rt->containers[idx].spec, type);
  owner_.After(sim::Duration::Seconds(probe->period_seconds), [this, uid, idx, type]() { Tick(uid, idx, type); });
}

bool ProbeManager::RunProbe(PodRuntime& rt, size_t idx, ProbeType type) {
  ContainerRuntime& c = rt.containers[idx];
  const api::Probe& probe = *ProbeOf(c.spec, type);
  if (!c.running) return false;
  bool started = c.status.started.value_or(true);
  // Liveness and readiness wait for the startup probe; the startup probe stops once it passed.
  if (type != ProbeType::kStartup && !started) return false;
  if (type == ProbeType::kStartup && started) return false;
  sim::Time now = sim_.Now();
  if (now - c.started_at < sim::Duration::Seconds(probe.initial_delay_seconds)) return false;
  ProbeWorker& worker = Workers(rt.uid, idx).For(type);
  if (worker.on_hold()) return false;

  sim::Duration up = now - c.started_at;
  bool ok = true;
  if (type == ProbeType::kStartup) {
    ok = up >= AnnotationDuration(*rt.pod, api::kStartupSucceedsAfterAnnotation).value_or(sim::Duration::Zero());
  } else {
    auto fails_after = AnnotationDuration(*rt.pod, type == ProbeType::kReadiness ? api::kReadinessFailsAfterAnnotation
                                                                                 : api::kLivenessFailsAfterAnnotation);
    ok = !fails_after || up < *fails_after;
  }
  if (!ok) {
    recorder_.Event(now, *rt.pod, "Warning", "Unhealthy",
                    std::string(ProbeTypeName(type)) + " probe failed: connection refused (kubesim scenario)");
  }
  switch (worker.Record(ok, probe.success_threshold, probe.failure_threshold)) {
    case ProbeWorker::Action::kNone:
      return false;
    case ProbeWorker::Action::kChanged:
      return true;
    case ProbeWorker::Action::kStarted:
      c.status.started = true;
      // The status sync that follows triggers the first readiness probe at once.
      if (c.spec.readiness_probe) RunProbe(rt, idx, ProbeType::kReadiness);
      return true;
    case ProbeWorker::Action::kKill:
      break;
  }
  // killContainer with the pod's terminationGracePeriodSeconds (the probe-level override is not
  // modelled); the restart policy decides what follows the exit.
  bool restart = rt.pod->spec.restart_policy != "Never";
  std::string what = type == ProbeType::kLiveness ? "liveness" : "startup";
  host_.KillContainer(
      rt, idx, sim::Duration::Seconds(rt.pod->spec.termination_grace_period_seconds),
      "Container " + c.spec.name + " failed " + what + " probe" + (restart ? ", will be restarted" : ""));
  return false;
}

}  // namespace kubesim::kubelet
