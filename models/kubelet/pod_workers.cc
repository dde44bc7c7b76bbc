#include "models/kubelet/pod_workers.h"

#include <optional>
#include <string>

#include "models/api/kinds.h"
#include "models/api/pod.h"

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

// imageBackOffPeriod and MaxImageBackOff (kubernetes/kubernetes pkg/kubelet/kubelet.go @ v1.32).
constexpr sim::Duration kImageBackOffPeriod = sim::Duration::Seconds(10);
constexpr sim::Duration kMaxImageBackOff = sim::Duration::Seconds(300);

std::optional<int64_t> ParseCount(const std::string& text) {
  if (text.empty() || text.size() > 7) return std::nullopt;
  int64_t v = 0;
  for (char ch : text) {
    if (ch < '0' || ch > '9') return std::nullopt;
    v = v * 10 + (ch - '0');
  }
  return v;
}

int32_t LastExitCode(const api::ContainerStatus& s) {
  if (s.state.kind == api::ContainerState::Kind::kTerminated) return s.state.terminated.exit_code;
  return s.last_state.terminated.exit_code;
}

}  // namespace

bool ShouldContainerBeRestarted(const std::string& restart_policy, int32_t exit_code) {
  if (restart_policy == "Never") return false;
  if (restart_policy == "OnFailure") return exit_code != 0;
  return true;  // Always: also after a successful exit
}

std::string GetPhase(const std::vector<ContainerRuntime>& containers, const std::string& restart_policy) {
  int waiting = 0, running = 0, stopped = 0, succeeded = 0;
  for (const auto& c : containers) {
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
  if (restart_policy == "Always") return api::kPodRunning;
  if (stopped == succeeded) return api::kPodSucceeded;
  if (restart_policy == "Never") return api::kPodFailed;
  return api::kPodRunning;  // OnFailure: the failed ones restart
}

PodWorkers::PodWorkers(sim::Simulation& sim, apiserver::ApiClient& api, client::EventRecorder recorder,
                       const client::Informer& pods, const KubeletConfig& config, const std::string& node_name,
                       ImageManager& images, ProbeManager& prober)
    : sim_(sim),
      api_(api),
      recorder_(std::move(recorder)),
      pods_(pods),
      config_(config),
      images_(images),
      prober_(prober),
      start_rng_(sim.Stream("kubelet/" + node_name + "/pod-start")),
      restart_rng_(sim.Stream("kubelet/" + node_name + "/container-restart")),
      worker_rng_(sim.Stream("kubelet/" + node_name + "/pod-workers")),
      backoff_(config.container_backoff_initial, config.container_backoff_max),
      image_backoff_(kImageBackOffPeriod, kMaxImageBackOff) {}

PodRuntime* PodWorkers::Runtime(const std::string& uid) {
  auto it = runtimes_.find(uid);
  return it == runtimes_.end() ? nullptr : it->second.get();
}

bool PodWorkers::UpdatePodObject(const std::shared_ptr<const api::Pod>& pod) {
  PodRuntime* rt = Runtime(pod->metadata.uid);
  if (rt == nullptr) return false;
  rt->pod = pod;
  // The status manager's needsReconcile: someone else wrote a Ready the kubelet did not (the node
  // lifecycle controller's MarkPodsNotReady while the node was cut off), so the kubelet's status
  // goes out again at the next batch sync.
  const api::PodCondition* ready = pod->FindCondition("Ready");
  if (rt->sent && !rt->terminating && !rt->terminal && pod->metadata.resource_version > rt->sent_rv &&
      ready != nullptr && ready->status != rt->sent_ready) {
    rt->sent = false;
    owner_.After(kStatusSyncPeriod, [this, uid = rt->uid]() {
      auto it = runtimes_.find(uid);
      if (it != runtimes_.end() && !it->second->sent && !it->second->terminating) WriteStatus(*it->second);
    });
  }
  return true;
}

std::vector<const PodRuntime*> PodWorkers::ActivePods() const {
  std::vector<const PodRuntime*> out;
  for (const auto& [uid, rt] : runtimes_) {  // std::map: in uid order
    if (!rt->terminal && !rt->terminating) out.push_back(rt.get());
  }
  return out;
}

std::vector<std::shared_ptr<const api::Pod>> PodWorkers::Pods() const {
  std::vector<std::shared_ptr<const api::Pod>> out;
  for (const auto& [uid, rt] : runtimes_) out.push_back(rt->pod);
  return out;
}

std::shared_ptr<const api::Pod> PodWorkers::CurrentPod(const std::string& key, const std::string& uid) const {
  auto pod = api::As<api::Pod>(pods_.Get(key));
  if (!pod || pod->metadata.uid != uid) return nullptr;
  return pod;
}

std::string PodWorkers::BackoffKey(const PodRuntime& rt, size_t idx) const {
  // Upstream keys by pod name, namespace, uid, container name and spec hash; the uid prefix lets
  // a deleted pod's entries be dropped together.
  return rt.uid + "/" + rt.containers[idx].spec.name;
}

sim::Duration PodWorkers::RequeueDelay() {
  sim::Duration base = config_.pod_worker_backoff_period;
  return base + sim::Duration::Nanoseconds(
                    static_cast<int64_t>(worker_rng_.UniformInt(static_cast<uint64_t>(base.nanos() / 2) + 1)));
}

PodRuntime& PodWorkers::NewRuntime(const std::shared_ptr<const api::Pod>& pod) {
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
  PodRuntime& ref = *rt;
  runtimes_[ref.uid] = std::move(rt);
  return ref;
}

void PodWorkers::AddPod(const std::shared_ptr<const api::Pod>& pod) {
  PodRuntime& rt = NewRuntime(pod);
  // Probe workers start when the pod is admitted (prober manager AddPod), before its containers.
  prober_.AddPod(rt);
  // The start latency is drawn at admission, as before image pulls were modelled, so that pods
  // whose images are present keep their timing.
  PullImages(rt, config_.pod_start_latency.Sample(start_rng_));
}

void PodWorkers::RejectPod(const std::shared_ptr<const api::Pod>& pod, const std::string& message) {
  PodRuntime& rt = NewRuntime(pod);
  rt.evicted_message = message;
  rt.rejected = true;
  rt.terminal = true;
  recorder_.Event(sim_.Now(), *pod, "Warning", "Evicted", message);
  WriteStatus(rt);
}

void PodWorkers::ForgetPod(const std::string& uid) {
  runtimes_.erase(uid);
  backoff_.Forget(uid + "/");
  image_backoff_.Forget(uid + "/");
  deleting_.erase(uid);
  prober_.RemovePod(uid);
}

void PodWorkers::Resync(const std::vector<api::ObjectPtr>& listed) {
  std::set<std::string> uids;
  for (const auto& obj : listed) {
    auto pod = api::As<api::Pod>(obj);
    uids.insert(pod->metadata.uid);
    UpdatePodObject(pod);
  }
  // Pods deleted while the kubelet was away: their containers are killed (orphans).
  for (auto it = runtimes_.begin(); it != runtimes_.end();) {
    if (uids.count(it->first)) {
      ++it;
      continue;
    }
    backoff_.Forget(it->first + "/");
    prober_.RemovePod(it->first);
    it = runtimes_.erase(it);
  }
  ReconcileRuntime();
}

void PodWorkers::CrashContainers() {
  for (auto& [uid, rt] : runtimes_) {
    for (auto& c : rt->containers) {
      c.start_pending = false;
      ++c.instance;
      if (!c.running) continue;
      c.Terminate(255, "Unknown", sim_.Now());
    }
  }
}

void PodWorkers::ResetBackoffs() {
  backoff_ = CrashLoopBackoff(config_.container_backoff_initial, config_.container_backoff_max);
  image_backoff_ = CrashLoopBackoff(kImageBackOffPeriod, kMaxImageBackOff);
}

void PodWorkers::PullImages(PodRuntime& rt, sim::Duration start_latency) {
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

void PodWorkers::EnsureContainerImage(PodRuntime& rt, size_t i) {
  std::string uid = rt.uid;
  ContainerRuntime& container = rt.containers[i];
  const api::Container& spec = container.spec;
  std::string image = spec.image;
  bool fail = container.pull_failures_left > 0 && !image.empty();
  auto on_start = owner_.Bind([this, uid, image]() {
    if (PodRuntime* r = Runtime(uid)) {
      recorder_.Event(sim_.Now(), *r->pod, "Normal", "Pulling", "Pulling image \"" + image + "\"");
    }
  });
  auto done = owner_.Bind([this, uid, i, image](const ImageManager::PullResult& res, const ImageManager::Pulled& p) {
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
      owner_.After(r->start_latency, [this, uid]() { StartPod(uid); });
    }
  });
  if (image.empty()) {
    // A manifest without an image (kubesim accepts it): nothing to pull.
    done(ImageManager::PullResult{}, ImageManager::Pulled{});
    return;
  }
  images_.EnsureImage(image, spec.image_pull_policy.empty() ? "IfNotPresent" : spec.image_pull_policy, on_start, done,
                      fail);
}

void PodWorkers::RetryImagePull(const std::string& uid, size_t idx) {
  // The pod worker requeues after the error at backOffPeriod × [1, 1.5); a sync still inside the
  // image back-off reports ImagePullBackOff instead of pulling.
  owner_.After(RequeueDelay(), [this, uid, idx]() {
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

void PodWorkers::ReconcileRuntime() {
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
    prober_.AddPod(*rt);
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
        owner_.After(c.started_at + *run - sim_.Now(),
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

void PodWorkers::StartPod(const std::string& uid) {
  PodRuntime* rt = Runtime(uid);
  if (rt == nullptr || rt->terminating || !CurrentPod(rt->key, uid)) return;
  rt->started = true;
  for (size_t i = 0; i < rt->containers.size(); ++i) StartContainer(*rt, i);
  WriteStatus(*rt);
}

void PodWorkers::StartContainer(PodRuntime& rt, size_t idx) {
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
  // The probe results belong to the container instance (results are keyed by container ID).
  prober_.ContainerStarted(rt, idx);
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
      owner_.After(*d, [this, uid, idx, instance, code]() { ContainerExited(uid, idx, instance, code); });
    }
  }
  prober_.TriggerReadinessProbe(rt, idx);
  c.status.ready = prober_.IsContainerReady(rt, idx);
}

void PodWorkers::ContainerExited(const std::string& uid, size_t idx, uint64_t instance, int32_t exit_code) {
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

void PodWorkers::SyncPod(const std::string& uid) {
  PodRuntime* rt = Runtime(uid);
  if (rt == nullptr || rt->terminating || rt->terminal || !rt->started) return;
  bool in_backoff = false;
  const std::string& policy = rt->pod->spec.restart_policy;
  for (size_t i = 0; i < rt->containers.size(); ++i) {
    ContainerRuntime& c = rt->containers[i];
    if (c.running || c.start_pending || !c.exited) continue;
    if (!ShouldContainerBeRestarted(policy, LastExitCode(c.status))) continue;
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
    owner_.After(config_.pod_start_latency.Sample(restart_rng_), [this, uid, i]() {
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
    owner_.After(RequeueDelay(), [this, uid]() {
      PodRuntime* r = Runtime(uid);
      if (r == nullptr) return;
      r->resync_scheduled = false;
      SyncPod(uid);
    });
  }
  std::string phase = GetPhase(rt->containers, rt->pod->spec.restart_policy);
  if (phase == api::kPodSucceeded || phase == api::kPodFailed) rt->terminal = true;
  WriteStatus(*rt);
}

void PodWorkers::EvictPod(const std::string& uid, const std::string& message) {
  PodRuntime* rt = Runtime(uid);
  if (rt == nullptr) return;
  rt->evicted_message = message;
  for (auto& c : rt->containers) {
    c.start_pending = false;
    ++c.instance;
    if (!c.running) continue;
    c.Terminate(137, "Error", sim_.Now());
  }
  rt->terminal = true;
  WriteStatus(*rt);
}

void PodWorkers::WriteStatus(PodRuntime& rt) {
  auto current = CurrentPod(rt.key, rt.uid);
  if (!current) return;
  // After a restart the pod workers' fresh list may be newer than the informer's cache.
  if (rt.pod && rt.pod->metadata.uid == rt.uid &&
      rt.pod->metadata.resource_version > current->metadata.resource_version) {
    current = rt.pod;
  }
  auto pod = current->DeepCopy();
  api::PodStatus& s = pod->status;
  // While the pod is being deleted its phase stays as it was (simplification: upstream ≥ 1.27
  // writes Failed/Succeeded just before the final delete).
  if (!rt.terminating) s.phase = GetPhase(rt.containers, rt.pod->spec.restart_policy);
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
  for (size_t i = 0; i < rt.containers.size(); ++i) {
    ContainerRuntime& c = rt.containers[i];
    c.status.ready = prober_.IsContainerReady(rt, i);
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
  // The status manager patches (statusutil.PatchPodStatus): no resourceVersion precondition.
  pod->metadata.resource_version = 0;
  // A status the API server did not take is sent again at the status manager's next batch sync
  // (pkg/kubelet/status/status_manager.go @ v1.32: syncBatch every 10 s re-sends every status
  // that differs from the server's).
  api_.UpdateStatus(pod, owner_.Bind([this, uid = rt.uid](const apiserver::Response& r) {
    auto it = runtimes_.find(uid);
    if (r.ok() && it != runtimes_.end()) it->second->sent_rv = std::max(it->second->sent_rv, r.resource_version);
    if (r.ok() || r.code == apiserver::Code::kNotFound) return;
    if (it == runtimes_.end()) return;
    it->second->sent = false;
    owner_.After(kStatusSyncPeriod, [this, uid]() {
      auto again = runtimes_.find(uid);
      if (again != runtimes_.end() && !again->second->sent) WriteStatus(*again->second);
    });
  }));
}

}  // namespace kubesim::kubelet
