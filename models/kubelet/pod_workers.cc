// The kubelet's pod workers (upstream pkg/kubelet/pod_workers.go and kuberuntime's SyncPod /
// computePodActions): start a pod's containers, notice their exits, restart them as the pod's
// restartPolicy says through CrashLoopBackOff, and turn the runtime's view into the pod status
// the status manager writes (generateAPIPodStatus, getPhase).
//
// Simplifications (docs/fidelity.md): PLEG notices an exit at once (upstream: within the 1 s
// relist); the regular containers start together; a restart takes the same start latency as the
// pod's first start; status writes are unconditional updates of the whole status, sent only when
// the status changed (the status manager's PATCH).
#include <optional>
#include <string>

#include "models/api/kinds.h"
#include "models/api/pod.h"
#include "models/kubelet/kubelet.h"

namespace kubesim::kubelet {
namespace {

// Go's time.Duration.String() for whole seconds, as the CrashLoopBackOff message prints it.
std::string GoDuration(sim::Duration d) {
  int64_t s = d.nanos() / 1'000'000'000;
  if (s < 60) return std::to_string(s) + "s";
  std::string out;
  if (s >= 3600) out = std::to_string(s / 3600) + "h";
  return out + std::to_string((s % 3600) / 60) + "m" + std::to_string(s % 60) + "s";
}

// Upstream format.Pod: name_namespace(uid).
std::string FormatPod(const api::Pod& pod) {
  return pod.metadata.name + "_" + pod.metadata.namespace_ + "(" + pod.metadata.uid + ")";
}

// Pod annotation: how many pull attempts of each of the pod's images fail (docs/kubelet.md).
constexpr const char* kImagePullFailuresAnnotation = "kubesim.io/image-pull-failures";

std::optional<int64_t> ParseCount(const std::string& text) {
  if (text.empty() || text.size() > 7) return std::nullopt;
  int64_t v = 0;
  for (char ch : text) {
    if (ch < '0' || ch > '9') return std::nullopt;
    v = v * 10 + (ch - '0');
  }
  return v;
}

// Upstream kubecontainer.ShouldContainerBeRestarted, for a container that has exited.
bool ShouldRestart(const std::string& policy, int32_t exit_code) {
  if (policy == "Never") return false;
  if (policy == "OnFailure") return exit_code != 0;
  return true;  // Always: also after a successful exit
}

int32_t LastExitCode(const api::ContainerStatus& s) {
  if (s.state.kind == api::ContainerState::Kind::kTerminated) return s.state.terminated.exit_code;
  return s.last_state.terminated.exit_code;
}

}  // namespace

Kubelet::PodRuntime* Kubelet::Runtime(const std::string& uid) {
  auto it = runtimes_.find(uid);
  return it == runtimes_.end() ? nullptr : it->second.get();
}

std::string Kubelet::BackoffKey(const PodRuntime& rt, size_t idx) const {
  // Upstream keys by pod name, namespace, uid, container name and spec hash; the uid prefix lets
  // a deleted pod's entries be dropped together.
  return rt.uid + "/" + rt.containers[idx].spec.name;
}

namespace {

// BestEffort QoS: no container (init containers included) requests or limits cpu or memory.
bool IsBestEffort(const api::Pod& pod) {
  auto has = [](const api::Container& c) {
    for (const char* r : {"cpu", "memory"}) {
      if (c.requests.count(r) || c.limits.count(r)) return true;
    }
    return false;
  };
  for (const auto& c : pod.spec.containers) {
    if (has(c)) return false;
  }
  for (const auto& c : pod.spec.init_containers) {
    if (has(c)) return false;
  }
  return true;
}

}  // namespace

void Kubelet::AddPod(const std::shared_ptr<const api::Pod>& pod) {
  auto rt = std::make_unique<PodRuntime>();
  rt->key = api::NamespacedName(pod->metadata);
  rt->uid = pod->metadata.uid;
  rt->pod = pod;
  rt->worker_start = sim_.Now();
  for (const auto& spec : pod->spec.containers) {
    ContainerRuntime c;
    c.spec = spec;
    c.status.name = spec.name;
    c.status.image = spec.image;
    c.status.state.kind = api::ContainerState::Kind::kWaiting;
    c.status.state.waiting_reason = "ContainerCreating";
    c.status.started = false;
    rt->containers.push_back(std::move(c));
  }
  std::string uid = rt->uid;
  runtimes_[uid] = std::move(rt);
  // The eviction manager's admit handler: under memory pressure a BestEffort pod is rejected
  // (Failed, reason Evicted), unless it is critical (priority ≥ system-cluster-critical) or
  // tolerates the memory-pressure taint.
  bool tolerates = false;
  for (const auto& t : pod->spec.tolerations) {
    tolerates = tolerates || api::ToleratesTaint(t, "node.kubernetes.io/memory-pressure", "", "NoSchedule");
  }
  if (memory_pressure_ && IsBestEffort(*pod) && pod->Priority() < 2'000'000'000 && !tolerates) {
    PodRuntime& r = *runtimes_[uid];
    r.evicted_message = "The node had condition: [MemoryPressure]. ";
    r.rejected = true;
    r.terminal = true;
    recorder_.Event(sim_.Now(), *pod, "Warning", "Evicted", r.evicted_message);
    WriteStatus(r);
    return;
  }
  // Probe workers start when the pod is admitted (prober manager AddPod), before its containers.
  for (size_t i = 0; i < runtimes_[uid]->containers.size(); ++i) StartProbeWorkers(*runtimes_[uid], i);
  // The start latency is drawn at admission, as before image pulls were modelled, so that pods
  // whose images are present keep their timing.
  PullImages(*runtimes_[uid], config_.pod_start_latency.Sample(rng_));
}

void Kubelet::PullImages(PodRuntime& rt, sim::Duration start_latency) {
  // EnsureImageExists for each container before the pod starts (simplification: upstream pulls
  // each container's image just before starting that container, after the sandbox).
  rt.images_pending = static_cast<int>(rt.containers.size());
  rt.start_latency = start_latency;
  if (!rt.pull_failures_set) {
    // Counted per pod, across kubelet restarts (the registry's refusals are the scenario's).
    auto it = rt.pod->metadata.annotations.find(kImagePullFailuresAnnotation);
    int64_t failures = it == rt.pod->metadata.annotations.end() ? 0 : ParseCount(it->second).value_or(0);
    for (auto& c : rt.containers) c.pull_failures_left = failures;
    rt.pull_failures_set = true;
  }
  for (size_t i = 0; i < rt.containers.size(); ++i) EnsureContainerImage(rt, i);
}

void Kubelet::EnsureContainerImage(PodRuntime& rt, size_t i) {
  std::string uid = rt.uid;
  ContainerRuntime& container = rt.containers[i];
  const api::Container& spec = container.spec;
  std::string image = spec.image;
  bool fail = container.pull_failures_left > 0 && !image.empty();
  auto on_start = owner_.Bind([this, uid, image]() {
    if (!running_) return;
    if (PodRuntime* r = Runtime(uid)) {
      recorder_.Event(sim_.Now(), *r->pod, "Normal", "Pulling", "Pulling image \"" + image + "\"");
    }
  });
  auto done = owner_.Bind([this, uid, i, image](const ImageManager::PullResult& res, const ImageManager::Pulled& p) {
    if (!running_) return;
    PodRuntime* r = Runtime(uid);
    if (r == nullptr || r->terminating) return;
    ContainerRuntime& c = r->containers[i];
    if (!res.ok && res.reason == "ErrImagePull") {
      // The puller's failure: Failed events, the container waits with ErrImagePull, and the image
      // back-off starts (images.puller / imageManager.EnsureImageExists).
      --c.pull_failures_left;
      c.status.state.waiting_reason = res.reason;
      c.status.state.waiting_message = res.message;
      recorder_.Event(sim_.Now(), *r->pod, "Warning", "Failed",
                      "Failed to pull image \"" + image + "\": " + res.message);
      recorder_.Event(sim_.Now(), *r->pod, "Warning", "Failed", "Error: ErrImagePull");
      image_backoff_.Next(uid + "/" + image, sim_.Now());
      WriteStatus(*r);
      RetryImagePull(uid, i);
      return;
    }
    if (!res.ok) {
      c.status.state.waiting_reason = res.reason;
      c.status.state.waiting_message = res.message;
      r->image_error = true;
      recorder_.Event(sim_.Now(), *r->pod, "Warning", res.reason, res.message);
      WriteStatus(*r);
      return;
    }
    if (p.pulled) {
      recorder_.Event(sim_.Now(), *r->pod, "Normal", "Pulled",
                      "Successfully pulled image \"" + image + "\" in " + GoDurationString(p.pull_time) + " (" +
                          GoDurationString(p.total_time) +
                          " including waiting). Image size: " + std::to_string(p.size_bytes) + " bytes.");
    } else if (!image.empty()) {
      recorder_.Event(sim_.Now(), *r->pod, "Normal", "Pulled",
                      "Container image \"" + image + "\" already present on machine");
    }
    if (--r->images_pending == 0 && !r->image_error) {
      AfterAlive(r->start_latency, [this, uid]() { StartPod(uid); });
    }
  });
  if (image.empty()) {
    // A manifest without an image (kubesim accepts it): nothing to pull.
    done(ImageManager::PullResult{}, ImageManager::Pulled{});
    return;
  }
  images_->EnsureImage(image, spec.image_pull_policy.empty() ? "IfNotPresent" : spec.image_pull_policy, on_start, done,
                       fail);
}

void Kubelet::RetryImagePull(const std::string& uid, size_t idx) {
  // The pod worker requeues after the error at backOffPeriod × [1, 1.5); a sync still inside the
  // image back-off reports ImagePullBackOff instead of pulling.
  sim::Duration base = config_.pod_worker_backoff_period;
  sim::Duration jitter = sim::Duration::Nanoseconds(
      static_cast<int64_t>(worker_rng_.UniformInt(static_cast<uint64_t>(base.nanos() / 2) + 1)));
  AfterAlive(base + jitter, [this, uid, idx]() {
    PodRuntime* r = Runtime(uid);
    if (r == nullptr || r->terminating) return;
    ContainerRuntime& c = r->containers[idx];
    std::string image = c.spec.image;
    if (image_backoff_.IsInBackOffSinceUpdate(uid + "/" + image, sim_.Now())) {
      c.status.state.waiting_reason = "ImagePullBackOff";
      c.status.state.waiting_message = "Back-off pulling image \"" + image + "\"";
      recorder_.Event(sim_.Now(), *r->pod, "Normal", "BackOff", "Back-off pulling image \"" + image + "\"");
      WriteStatus(*r);
      RetryImagePull(uid, idx);
      return;
    }
    EnsureContainerImage(*r, idx);
  });
}

void Kubelet::ReconcileRuntime() {
  // After a restart: what the runtime still runs is adopted; what exited meanwhile (its run
  // time elapsed, or the node crashed) is handled as any exit, per restartPolicy; pods that had
  // not started yet start over; terminations in progress restart their kill.
  std::vector<std::string> uids;
  for (const auto& [uid, rt] : runtimes_) uids.push_back(uid);
  for (const auto& uid : uids) {
    PodRuntime* rt = Runtime(uid);
    if (rt == nullptr || rt->terminal) continue;
    rt->resync_scheduled = false;
    rt->sent = false;  // the status manager syncs every pod's status with the API server again
    // The new process's probe workers start now (the old ones died with it).
    rt->worker_start = sim_.Now();
    for (size_t i = 0; i < rt->containers.size(); ++i) StartProbeWorkers(*rt, i);
    if (!rt->started) {
      if (!rt->image_error) PullImages(*rt, config_.pod_start_latency.Sample(restart_rng_));
      continue;
    }
    const auto& ann = rt->pod->metadata.annotations;
    std::optional<sim::Duration> run;
    if (auto it = ann.find(api::kRunDurationAnnotation); it != ann.end()) {
      auto d = sim::ParseDuration(it->second);
      if (d.ok()) run = *d;
    }
    int32_t code = 0;
    if (auto e = ann.find(api::kExitCodeAnnotation); e != ann.end()) code = api::ParseExitCode(e->second).value_or(0);
    for (size_t i = 0; i < rt->containers.size(); ++i) {
      ContainerRuntime& c = rt->containers[i];
      c.start_pending = false;
      if (!c.running) continue;
      if (run && c.started_at + *run <= sim_.Now()) {
        // It exited while nobody watched: at its own time, with its own code.
        c.Terminate(code, code == 0 ? "Completed" : "Error", c.started_at + *run);
      } else if (run) {
        uint64_t instance = c.instance;
        AfterAlive(c.started_at + *run - sim_.Now(),
                   [this, uid, i, instance, code]() { ContainerExited(uid, i, instance, code); });
      }
    }
    if (rt->terminating) {
      auto pod = CurrentPod(rt->key, uid);
      rt->terminating = false;
      if (pod && pod->metadata.deletion_timestamp) {
        TerminatePod(*pod);
        continue;
      }
    }
    SyncPod(uid);
  }
}

void Kubelet::StartPod(const std::string& uid) {
  PodRuntime* rt = Runtime(uid);
  if (rt == nullptr || rt->terminating || !CurrentPod(rt->key, uid)) return;
  rt->started = true;
  for (size_t i = 0; i < rt->containers.size(); ++i) StartContainer(*rt, i);
  WriteStatus(*rt);
}

void Kubelet::StartContainer(PodRuntime& rt, size_t idx) {
  ContainerRuntime& c = rt.containers[idx];
  if (c.exited) {
    // A new instance of an exited container: the runtime counts attempts, and the previous
    // termination becomes lastState.
    ++c.status.restart_count;
    if (c.status.state.kind == api::ContainerState::Kind::kTerminated) c.status.last_state = c.status.state;
  }
  c.running = true;
  c.start_pending = false;
  ++c.instance;
  c.started_at = sim_.Now();
  c.status.state = api::ContainerState{};
  c.status.state.kind = api::ContainerState::Kind::kRunning;
  c.status.state.running_started_at = sim_.Now();
  // The probe results belong to the container instance (results are keyed by container ID):
  // readiness starts as failure, liveness as success, startup as not yet started.
  c.readiness = ProbeState{};
  c.liveness = ProbeState{};
  c.liveness.success = true;
  c.startup = ProbeState{};
  c.status.started = !c.spec.startup_probe.has_value();
  recorder_.Event(sim_.Now(), *rt.pod, "Normal", "Started", "Started container " + c.spec.name);

  const auto& ann = rt.pod->metadata.annotations;
  auto run = ann.find(api::kRunDurationAnnotation);
  if (run != ann.end()) {
    // Validated when the scenario was loaded; a pod template's value that does not parse is
    // treated as unset rather than crashing the run.
    auto d = sim::ParseDuration(run->second);
    if (d.ok() && *d >= sim::Duration::Zero()) {
      int32_t code = 0;
      if (auto e = ann.find(api::kExitCodeAnnotation); e != ann.end()) code = api::ParseExitCode(e->second).value_or(0);
      std::string uid = rt.uid;
      uint64_t instance = c.instance;
      AfterAlive(*d, [this, uid, idx, instance, code]() { ContainerExited(uid, idx, instance, code); });
    }
  }
  // The status sync right after a start triggers a readiness probe at once (prober manager
  // UpdatePodStatus manualTriggerCh), so a container whose probe passes is Ready without waiting
  // for the first period.
  if (c.spec.readiness_probe && c.status.started.value_or(true)) RunProbe(rt, idx, 0);
  c.status.ready = ContainerReady(c);
}

void Kubelet::ContainerRuntime::Terminate(int32_t exit_code, const std::string& reason, sim::Time at) {
  running = false;
  exited = true;
  finished_at = at;
  ++instance;
  api::ContainerState st;
  st.kind = api::ContainerState::Kind::kTerminated;
  st.terminated.exit_code = exit_code;
  st.terminated.reason = reason;
  st.terminated.started_at = started_at;
  st.terminated.finished_at = at;
  status.state = st;
  status.ready = false;
  status.started = false;
}

void Kubelet::ContainerExited(const std::string& uid, size_t idx, uint64_t instance, int32_t exit_code) {
  PodRuntime* rt = Runtime(uid);
  if (rt == nullptr || rt->terminal) return;
  ContainerRuntime& c = rt->containers[idx];
  if (c.instance != instance || !c.running) return;
  // The runtime's reason (containerd/CRI-O): Completed for exit 0, Error otherwise.
  c.Terminate(exit_code, exit_code == 0 ? "Completed" : "Error", sim_.Now());
  if (rt->terminating) {
    MaybeFinishTermination(*rt);
    return;
  }
  SyncPod(uid);
}

void Kubelet::SyncPod(const std::string& uid) {
  PodRuntime* rt = Runtime(uid);
  if (rt == nullptr || rt->terminating || rt->terminal || !rt->started) return;
  bool in_backoff = false;
  const std::string& policy = rt->pod->spec.restart_policy;
  for (size_t i = 0; i < rt->containers.size(); ++i) {
    ContainerRuntime& c = rt->containers[i];
    if (c.running || c.start_pending || !c.exited) continue;
    if (!ShouldRestart(policy, LastExitCode(c.status))) continue;
    std::string key = BackoffKey(*rt, i);
    if (backoff_.IsInBackOffSince(key, c.finished_at, sim_.Now())) {
      // kuberuntime doBackOff: the start fails with ErrCrashLoopBackOff, which the status shows
      // as Waiting (from the reason cache) with the termination as lastState.
      if (c.status.state.kind == api::ContainerState::Kind::kTerminated) c.status.last_state = c.status.state;
      c.status.state = api::ContainerState{};
      c.status.state.kind = api::ContainerState::Kind::kWaiting;
      c.status.state.waiting_reason = "CrashLoopBackOff";
      c.status.state.waiting_message = "back-off " + GoDuration(backoff_.Get(key)) +
                                       " restarting failed container=" + c.spec.name + " pod=" + FormatPod(*rt->pod);
      recorder_.Event(sim_.Now(), *rt->pod, "Warning", "BackOff",
                      "Back-off restarting failed container " + c.spec.name + " in pod " + FormatPod(*rt->pod));
      in_backoff = true;
      continue;
    }
    backoff_.Next(key, sim_.Now());
    c.start_pending = true;
    AfterAlive(config_.pod_start_latency.Sample(restart_rng_), [this, uid, i]() {
      PodRuntime* r = Runtime(uid);
      if (r == nullptr || r->terminating || r->terminal || !r->containers[i].start_pending) return;
      StartContainer(*r, i);
      WriteStatus(*r);
    });
  }
  if (in_backoff && !rt->resync_scheduled) {
    // The pod worker requeues after an error at backOffPeriod × [1, 1.5) (kubernetes/kubernetes
    // pkg/kubelet/pod_workers.go @ v1.32, workerBackOffPeriodJitterFactor 0.5): restarts happen at
    // the first sync after the back-off expired, so observed delays are quantised.
    rt->resync_scheduled = true;
    sim::Duration base = config_.pod_worker_backoff_period;
    sim::Duration jitter = sim::Duration::Nanoseconds(
        static_cast<int64_t>(worker_rng_.UniformInt(static_cast<uint64_t>(base.nanos() / 2) + 1)));
    AfterAlive(base + jitter, [this, uid]() {
      PodRuntime* r = Runtime(uid);
      if (r == nullptr) return;
      r->resync_scheduled = false;
      SyncPod(uid);
    });
  }
  std::string phase = ComputePhase(*rt);
  if (phase == api::kPodSucceeded || phase == api::kPodFailed) rt->terminal = true;
  WriteStatus(*rt);
}

std::string Kubelet::ComputePhase(const PodRuntime& rt) const {
  // Upstream getPhase for regular containers.
  int waiting = 0, running = 0, stopped = 0, succeeded = 0;
  for (const auto& c : rt.containers) {
    if (c.running) {
      ++running;
    } else if (c.exited) {
      ++stopped;
      if (LastExitCode(c.status) == 0) ++succeeded;
    } else {
      ++waiting;
    }
  }
  if (waiting > 0) return api::kPodPending;
  if (running > 0) return api::kPodRunning;
  const std::string& policy = rt.pod->spec.restart_policy;
  if (policy == "Always") return api::kPodRunning;
  if (stopped == succeeded) return api::kPodSucceeded;
  if (policy == "Never") return api::kPodFailed;
  return api::kPodRunning;  // OnFailure: the failed ones restart
}

void Kubelet::WriteStatus(PodRuntime& rt) {
  auto current = CurrentPod(rt.key, rt.uid);
  if (!current) return;
  // After a restart the pod workers' fresh list may be newer than the informer's cache.
  if (rt.pod && rt.pod->metadata.uid == rt.uid &&
      rt.pod->metadata.resource_version > current->metadata.resource_version) {
    current = rt.pod;
  }
  auto pod = std::static_pointer_cast<api::Pod>(current->Clone());
  api::PodStatus& s = pod->status;
  // While the pod is being deleted its phase stays as it was (simplification: upstream ≥ 1.27
  // writes Failed/Succeeded just before the final delete).
  if (!rt.terminating) s.phase = ComputePhase(rt);
  if (!rt.evicted_message.empty()) {
    // Eviction manager evictPod: Failed with reason Evicted, and the DisruptionTarget condition
    // (TerminationByKubelet).
    s.phase = api::kPodFailed;
    s.reason = "Evicted";
    s.message = rt.evicted_message;
    if (!rt.rejected) {
      pod->SetCondition("DisruptionTarget", "True", sim_.Now(), "TerminationByKubelet", rt.evicted_message);
    }
  }
  if (rt.started && !s.start_time) s.start_time = sim_.Now();
  s.container_statuses.clear();
  std::string unready;
  for (auto& c : rt.containers) {
    c.status.ready = ContainerReady(c);
    s.container_statuses.push_back(c.status);
    if (!c.status.ready) unready += (unready.empty() ? "" : " ") + c.spec.name;
  }
  if (rt.started) pod->SetCondition("Initialized", "True", sim_.Now());
  bool terminal = s.phase == api::kPodSucceeded || s.phase == api::kPodFailed;
  if (terminal) {
    // GeneratePodReadyCondition: a terminal pod is not ready, whatever its containers did.
    for (const char* c : {"ContainersReady", "Ready"}) pod->SetCondition(c, "False", sim_.Now(), "PodCompleted");
  } else if (unready.empty()) {
    for (const char* c : {"ContainersReady", "Ready"}) pod->SetCondition(c, "True", sim_.Now());
  } else {
    for (const char* c : {"ContainersReady", "Ready"}) {
      pod->SetCondition(c, "False", sim_.Now(), "ContainersNotReady",
                        "containers with unready status: [" + unready + "]");
    }
  }
  // The status manager sends nothing when the status did not change.
  std::string ready = pod->FindCondition("Ready")->status;
  if (rt.sent && rt.sent_phase == s.phase && rt.sent_ready == ready && rt.sent_containers == s.container_statuses)
    return;
  rt.sent = true;
  rt.sent_phase = s.phase;
  rt.sent_ready = ready;
  rt.sent_containers = s.container_statuses;
  api_.UpdateStatus(pod, nullptr);
}

}  // namespace kubesim::kubelet
