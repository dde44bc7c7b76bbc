#include "models/kubelet/kubelet.h"

#include <charconv>
#include <optional>

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

// What the eviction manager observes memory.available against; none when the node reports none.
std::optional<int64_t> MemoryCapacity(const api::Node& node) {
  auto cap = node.status.capacity.find("memory");
  if (cap == node.status.capacity.end()) return std::nullopt;
  return cap->second.Value();
}

}  // namespace

Kubelet::Kubelet(sim::Simulation& sim, apiserver::ApiServer& api, client::EventRecorder recorder,
                 std::shared_ptr<const api::Node> node, KubeletConfig config, network::HostId host)
    : sim_(sim),
      api_(sim, api, "kubelet/" + node->metadata.name, host),
      heartbeat_(api_.WithoutRateLimit()),
      recorder_(std::move(recorder)),
      node_manifest_(std::move(node)),
      node_name_(node_manifest_->metadata.name),
      config_(config),
      pods_(sim, api_, api::Pod::kKind, apiserver::WatchOptions{0, node_name_}),
      node_(sim, api_.Named("kubelet/" + node_name_ + "/node"), api::Node::kKind,
            apiserver::WatchOptions{0, node_name_}),
      images_(std::make_unique<ImageManager>(sim, NodeImageConfig(config_.images, *node_manifest_),
                                             node_manifest_->status.images)),
      reported_images_(images_->generation()),
      prober_(sim, recorder_, *this),
      eviction_(sim, recorder_, config_, MemoryCapacity(*node_manifest_), *this),
      pod_workers_(sim, api_, recorder_, pods_, config_, node_name_, *images_, prober_) {}

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
  node_.Start();
  // The eviction manager's loop keeps the phase of the process's start.
  eviction_.Start(pod_workers_.Pods());
}

void Kubelet::Stop() {
  if (!running_) return;
  running_ = false;
  pods_.Stop();
  node_.Stop();
  // Every pending timer and callback of this kubelet process (lease, status, probes, exits,
  // back-off requeues, image pull callbacks, the eviction loop) dies with it; Restart() re-arms
  // what the container runtime still has.
  owner_.Reset();
  pod_workers_.Stop();
  prober_.Stop();
  eviction_.Stop();
}

void Kubelet::Crash() {
  // crashNode: the machine goes down. Besides the kubelet, every container is gone. Pulls in
  // progress are lost (the images already pulled stay on disk).
  Stop();
  images_->DropPending();
  pod_workers_.CrashContainers();
}

void Kubelet::Restart() {
  // restartKubelet: a new kubelet process on the same node. It registers (the Node exists) and
  // posts its status at once, renews the lease, relists its pods, and its pod workers resync
  // every pod the runtime knows. The CrashLoopBackOff and eviction state lived in the old
  // process's memory and is lost, as upstream.
  if (running_) return;
  force_status_write_ = true;
  pod_workers_.ResetBackoffs();
  eviction_.ForgetObservations();  // the eviction manager observes afresh
  Start();
  // The pod workers resync from a fresh list of the node's pods (the informer relists too, but
  // only reports what changed).
  api_.List(api::Pod::kKind, owner_.Bind([this](const apiserver::Response& r) {
    if (!running_ || !r.ok()) return;
    pod_workers_.Resync(r.items);
  }),
            node_name_);
}

void Kubelet::Register() {
  // tryRegisterWithAPIServer: create the Node with Ready=True; an existing Node is kept.
  auto node = node_manifest_->DeepCopy();
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
  lease->api_version = api::Lease::kAPIVersion;
  lease->kind = api::Lease::kKind;
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
    heartbeat_.Update(lease, on_done);
  } else {
    heartbeat_.Create(lease, owner_.Bind([this, lease, on_done](const apiserver::Response& r) {
      if (r.code == apiserver::Code::kConflict) {
        // Already there (a restarted kubelet): take it over with an unconditional update.
        lease->metadata.resource_version = 0;
        heartbeat_.Update(lease, on_done);
        return;
      }
      on_done(r);
    }));
  }
}

void Kubelet::SyncNodeStatus() {
  if (!running_) return;
  // Status is recomputed every update period but written only when it changed or the report
  // period passed (nodeStatusReportFrequency). "Changed" is judged against the Node the API
  // server has, conditions without their heartbeat times (kubelet_node_status.go @ v1.32,
  // tryUpdateNodeStatus and nodeStatusHasChanged), so a Ready=Unknown written by the node
  // lifecycle controller while the kubelet could not reach it is repaired at the next period.
  // The image list after pulls and a write that failed count as changes too.
  bool memory_pressure = eviction_.IsUnderMemoryPressure();
  std::vector<api::NodeCondition> conditions = NodeConditions(sim_.Now(), memory_pressure);
  bool changed = images_->generation() != reported_images_ || memory_pressure != reported_memory_pressure_ ||
                 force_status_write_ || StoredConditionsDiffer(conditions);
  force_status_write_ = false;
  if (changed || sim_.Now() - last_status_report_ >= config_.node_status_report_frequency) {
    auto node = node_manifest_->DeepCopy();
    node->status.conditions = std::move(conditions);
    node->status.images = images_->NodeImages();
    node->metadata.resource_version = 0;  // a status patch (nodeutil.PatchNodeStatus): no precondition
    // A write that fails is made again at the next update period, whatever changed (upstream
    // updates lastStatusReportTime only after a successful update).
    heartbeat_.UpdateStatus(node, owner_.Bind([this](const apiserver::Response& r) {
      if (!r.ok()) force_status_write_ = true;
    }));
    last_status_report_ = sim_.Now();
    reported_images_ = images_->generation();
    reported_memory_pressure_ = memory_pressure;
  }
  owner_.After(config_.node_status_update_frequency, [this]() { SyncNodeStatus(); });
}

bool Kubelet::StoredConditionsDiffer(const std::vector<api::NodeCondition>& conditions) const {
  auto stored = api::As<api::Node>(node_.Get(node_name_));
  if (!stored) return false;  // not listed yet, or not registered: nothing to compare with
  for (const api::NodeCondition& c : conditions) {
    const api::NodeCondition* s = stored->FindCondition(c.type);
    if (s == nullptr || s->status != c.status) return true;
  }
  return false;
}

void Kubelet::OnPod(const api::ObjectPtr& obj) {
  if (!running_) return;
  auto pod = api::As<api::Pod>(obj);
  // HandlePodUpdates / HandlePodAdditions: a pod the workers run gets its new version; a pod being
  // deleted is killed; a new pod goes through the admit handlers, then to the pod workers.
  bool known = pod_workers_.UpdatePodObject(pod);
  eviction_.MaybeArm(*pod);
  if (pod->metadata.deletion_timestamp) {
    pod_workers_.TerminatePod(*pod);
    return;
  }
  if (pod->IsTerminal() || known) return;
  if (std::optional<std::string> rejection = eviction_.Admit(*pod)) {
    pod_workers_.RejectPod(pod, *rejection);
    return;
  }
  pod_workers_.AddPod(pod);
}

void Kubelet::OnPodGone(const api::ObjectPtr& obj) { pod_workers_.ForgetPod(obj->metadata.uid); }

PodRuntime* Kubelet::Runtime(const std::string& uid) { return pod_workers_.Runtime(uid); }

void Kubelet::ProbeResultChanged(PodRuntime& rt) { pod_workers_.WriteStatus(rt); }

void Kubelet::KillContainer(PodRuntime& rt, size_t idx, sim::Duration grace, const std::string& message) {
  pod_workers_.KillContainer(rt, idx, grace, message);
}

std::vector<const PodRuntime*> Kubelet::ActivePods() { return pod_workers_.ActivePods(); }

void Kubelet::KillPod(const std::string& uid, const std::string& message) { pod_workers_.EvictPod(uid, message); }

std::vector<std::string> Kubelet::CheckInformers(const etcd::MvccStore& store) const {
  std::vector<std::string> out = pods_.CheckAgainst(store);
  std::vector<std::string> node = node_.CheckAgainst(store);
  out.insert(out.end(), node.begin(), node.end());
  return out;
}

}  // namespace kubesim::kubelet
