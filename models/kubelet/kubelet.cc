#include "models/kubelet/kubelet.h"

#include <charconv>

#include "models/api/kinds.h"
#include "models/api/pod.h"
#include "models/api/quantity.h"

namespace kubesim::kubelet {

namespace {

// The node's annotation kubesim.io/image-pull-bandwidth (validated at load) overrides the
// scenario's pull bandwidth for this node.
ImageConfig NodeImageConfig(ImageConfig config, const api::Node& node) {
  auto it = node.metadata.annotations.find("kubesim.io/image-pull-bandwidth");
  if (it != node.metadata.annotations.end()) {
    auto q = api::Quantity::Parse(it->second);
    if (q.ok() && q->Value() > 0) config.pull_bytes_per_second = q->Value();
  }
  return config;
}

}  // namespace

Kubelet::Kubelet(sim::Simulation& sim, apiserver::ApiServer& api, client::EventRecorder recorder,
                 std::shared_ptr<const api::Node> node, KubeletConfig config)
    : sim_(sim),
      api_(sim, api, "kubelet/" + node->metadata.name),
      recorder_(std::move(recorder)),
      node_manifest_(std::move(node)),
      node_name_(node_manifest_->metadata.name),
      config_(config),
      pods_(sim, api_, "Pod", apiserver::WatchOptions{0, node_name_}),
      rng_(sim.Stream("kubelet/" + node_name_ + "/pod-start")),
      restart_rng_(sim.Stream("kubelet/" + node_name_ + "/container-restart")),
      worker_rng_(sim.Stream("kubelet/" + node_name_ + "/pod-workers")),
      backoff_(config_.container_backoff_initial, config_.container_backoff_max),
      images_(std::make_unique<ImageManager>(sim, NodeImageConfig(config_.images, *node_manifest_),
                                             node_manifest_->status.images)),
      reported_images_(images_->generation()) {}

std::vector<api::NodeCondition> Kubelet::NodeConditions(sim::Time now, bool memory_pressure) {
  // The conditions the kubelet's status setters report (nodestatus.ReadyCondition,
  // MemoryPressureCondition, ...); disk and PID pressure are not modelled and always False.
  return {
      api::NodeCondition{"Ready", "True", "KubeletReady", now, now},
      memory_pressure ? api::NodeCondition{"MemoryPressure", "True", "KubeletHasInsufficientMemory", now, now}
                      : api::NodeCondition{"MemoryPressure", "False", "KubeletHasSufficientMemory", now, now},
      api::NodeCondition{"DiskPressure", "False", "KubeletHasNoDiskPressure", now, now},
      api::NodeCondition{"PIDPressure", "False", "KubeletHasSufficientPID", now, now},
  };
}

void Kubelet::Start() {
  if (running_) return;
  running_ = true;
  Register();
  if (!handlers_added_) {
    handlers_added_ = true;
    pods_.AddEventHandlers({[this](const api::ObjectPtr& o) { OnPod(o); },
                            [this](const api::ObjectPtr&, const api::ObjectPtr& o) { OnPod(o); },
                            [this](const api::ObjectPtr& o) { OnPodGone(o); }});
  }
  pods_.Start();
  // The eviction manager's 10 s loop runs from the process's start (its phase); it is armed only
  // once something on the node can be short of memory (MaybeArmEvictionLoop), because a tick with
  // no memory-usage model observes nothing: skipping those ticks changes no write.
  eviction_phase_ = sim_.Now();
  eviction_armed_ = false;
  for (const auto& [uid, rt] : runtimes_) MaybeArmEvictionLoop(*rt->pod);
  MaybeArmEvictionLoop();
}

void Kubelet::MaybeArmEvictionLoop(const api::Pod& pod) {
  if (!eviction_armed_ && pod.metadata.annotations.count(api::kMemoryUsageAnnotation)) ArmEvictionLoop();
}

void Kubelet::MaybeArmEvictionLoop() {
  if (eviction_armed_) return;
  auto cap = node_manifest_->status.capacity.find("memory");
  // A node smaller than the hard threshold is under pressure with no pod at all.
  if (cap != node_manifest_->status.capacity.end() &&
      cap->second.Value() < config_.eviction_hard_memory_available_bytes) {
    ArmEvictionLoop();
  }
}

void Kubelet::ArmEvictionLoop() {
  if (!running_) return;
  eviction_armed_ = true;
  // The next tick of the loop that started with the process: phase + k·period, after now. A tick
  // at exactly now would see no running container of a pod admitted now, so it is skipped too.
  const sim::Duration period = config_.eviction_monitoring_period;
  int64_t k = (sim_.Now() - eviction_phase_).nanos() / period.nanos() + 1;
  sim::Time first = eviction_phase_ + sim::Duration::Nanoseconds(k * period.nanos());
  owner_.After(first - sim_.Now(), [this, period]() {
    if (running_) EvictionTick();
    owner_.Every(period, [this]() {
      if (running_) EvictionTick();
    });
  });
}

void Kubelet::Stop() {
  if (!running_) return;
  running_ = false;
  pods_.Stop();
  // Every pending timer of this kubelet process (lease, status, probes, exits, back-off
  // requeues) dies with it; Restart() re-arms what the container runtime still has.
  owner_.Reset();
}

void Kubelet::Crash() {
  // crashNode: the machine goes down. Besides the kubelet, every container is gone; a restarted
  // runtime reports them exited with code 255 and reason Unknown, as containerd does after a
  // reboot. Pulls in progress are lost (the images already pulled stay on disk).
  Stop();
  images_->DropPending();
  for (auto& [uid, rt] : runtimes_) {
    for (auto& c : rt->containers) {
      c.start_pending = false;
      ++c.instance;
      if (!c.running) continue;
      c.Terminate(255, "Unknown", sim_.Now());
    }
  }
}

void Kubelet::Restart() {
  // restartKubelet: a new kubelet process on the same node. It registers (the Node exists) and
  // posts its status at once, renews the lease, relists its pods, and its pod workers resync
  // every pod the runtime knows (ReconcileRuntime). The CrashLoopBackOff and eviction state lived
  // in the old process's memory and is lost, as upstream.
  if (running_) return;
  force_status_write_ = true;
  backoff_ = CrashLoopBackoff(config_.container_backoff_initial, config_.container_backoff_max);
  image_backoff_ = CrashLoopBackoff(sim::Duration::Seconds(10), sim::Duration::Seconds(300));
  memory_pressure_ = false;  // the eviction manager observes afresh
  Start();
  // The pod workers resync from a fresh list of the node's pods (the informer relists too, but
  // only reports what changed).
  api_.List("Pod", owner_.Bind([this](const apiserver::Response& r) {
    if (!running_ || !r.ok()) return;
    std::set<std::string> listed;
    for (const auto& obj : r.items) {
      auto pod = api::As<api::Pod>(obj);
      listed.insert(pod->metadata.uid);
      if (PodRuntime* rt = Runtime(pod->metadata.uid)) rt->pod = pod;
    }
    // Pods deleted while the kubelet was away: their containers are killed (orphans).
    for (auto it = runtimes_.begin(); it != runtimes_.end();) {
      if (listed.count(it->first)) {
        ++it;
        continue;
      }
      backoff_.Forget(it->first + "/");
      it = runtimes_.erase(it);
    }
    ReconcileRuntime();
  }),
            node_name_);
}

void Kubelet::Register() {
  // tryRegisterWithAPIServer: create the Node with Ready=True; an existing Node is kept.
  auto node = std::static_pointer_cast<api::Node>(node_manifest_->Clone());
  node->metadata.resource_version = 0;
  node->status.conditions = NodeConditions(sim_.Now(), false);
  api_.Create(node, owner_.Bind([this](const apiserver::Response&) {
    if (!running_) return;
    last_status_report_ = sim_.Now();
    RenewLease();
    if (force_status_write_) {
      SyncNodeStatus();  // a restarted kubelet's first status update follows registration
      return;
    }
    owner_.After(config_.node_status_update_frequency, [this]() { SyncNodeStatus(); });
  }));
}

void Kubelet::RenewLease() {
  if (!running_) return;
  auto lease = lease_ ? std::static_pointer_cast<api::Lease>(lease_->Clone()) : std::make_shared<api::Lease>();
  lease->api_version = "coordination.k8s.io/v1";
  lease->kind = "Lease";
  lease->metadata.name = node_name_;
  lease->metadata.namespace_ = "kube-node-lease";
  lease->holder_identity = node_name_;
  lease->lease_duration_seconds = config_.node_lease_duration_seconds;
  lease->renew_time = sim_.Now();
  const apiserver::ResponseCallback on_done = owner_.Bind([this](const apiserver::Response& r) {
    // On a conflict or a missing lease, start again from what the server has (upstream lease
    // controller: get, then create or update).
    lease_ = r.ok() ? r.object : nullptr;
    if (running_) owner_.After(config_.lease_renew_interval, [this]() { RenewLease(); });
  });
  if (lease_) {
    api_.Update(lease, on_done);
  } else {
    api_.Create(lease, owner_.Bind([this, lease, on_done](const apiserver::Response& r) {
      if (r.code == apiserver::Code::kConflict) {
        // Already there (a restarted kubelet): take it over with an unconditional update.
        lease->metadata.resource_version = 0;
        api_.Update(lease, on_done);
        return;
      }
      on_done(r);
    }));
  }
}

void Kubelet::SyncNodeStatus() {
  if (!running_) return;
  // Status is recomputed every update period but written only when it changed or the report
  // period passed (nodeStatusReportFrequency). What changes here is the image list after pulls.
  // (Simplification: upstream compares with the Node the API server has, so it also repairs a
  // Ready=Unknown written by the node lifecycle controller; kubesim forces a write after a
  // restart instead.)
  bool changed =
      images_->generation() != reported_images_ || memory_pressure_ != reported_memory_pressure_ || force_status_write_;
  force_status_write_ = false;
  if (changed || sim_.Now() - last_status_report_ >= config_.node_status_report_frequency) {
    auto node = std::static_pointer_cast<api::Node>(node_manifest_->Clone());
    node->status.conditions = NodeConditions(sim_.Now(), memory_pressure_);
    node->status.images = images_->NodeImages();
    api_.UpdateStatus(node, nullptr);
    last_status_report_ = sim_.Now();
    reported_images_ = images_->generation();
    reported_memory_pressure_ = memory_pressure_;
  }
  owner_.After(config_.node_status_update_frequency, [this]() { SyncNodeStatus(); });
}

std::shared_ptr<const api::Pod> Kubelet::CurrentPod(const std::string& key, const std::string& uid) const {
  auto pod = api::As<api::Pod>(pods_.Get(key));
  if (!pod || pod->metadata.uid != uid) return nullptr;
  return pod;
}

void Kubelet::OnPod(const api::ObjectPtr& obj) {
  if (!running_) return;
  auto pod = api::As<api::Pod>(obj);
  if (PodRuntime* rt = Runtime(pod->metadata.uid)) rt->pod = pod;
  MaybeArmEvictionLoop(*pod);
  if (pod->metadata.deletion_timestamp) {
    TerminatePod(*pod);
    return;
  }
  if (pod->IsTerminal() || Runtime(pod->metadata.uid) != nullptr) return;
  AddPod(pod);
}

void Kubelet::OnPodGone(const api::ObjectPtr& obj) {
  runtimes_.erase(obj->metadata.uid);
  backoff_.Forget(obj->metadata.uid + "/");
  image_backoff_.Forget(obj->metadata.uid + "/");
  deleting_.erase(obj->metadata.uid);
}

}  // namespace kubesim::kubelet
