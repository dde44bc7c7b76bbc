#include "models/controllers/pod_gc.h"

#include <algorithm>

#include "models/api/node.h"
#include "models/controllers/controller_utils.h"

namespace kubesim::controllers {
namespace {

// Upstream eviction.PodIsEvicted (pkg/kubelet/eviction/helpers.go): Failed with reason Evicted.
bool PodIsEvicted(const api::Pod& p) { return p.status.phase == api::kPodFailed && p.status.reason == "Evicted"; }

// Upstream isPodTerminated: any phase but Pending, Running and Unknown.
bool PodIsTerminated(const api::Pod& p) {
  const std::string& phase = p.status.phase;
  return phase != api::kPodPending && phase != api::kPodRunning && phase != "Unknown";
}

bool NodeIsReady(const api::Node& n) {
  const api::NodeCondition* c = n.FindCondition("Ready");
  return c != nullptr && c->status == "True";
}

}  // namespace

PodGCController::PodGCController(sim::Simulation& sim, apiserver::ApiServer& api,
                                 client::SharedInformerFactory& informers, int64_t terminated_pod_threshold)
    : sim_(sim),
      api_(sim, api, "kube-controller-manager/pod-garbage-collector"),
      pods_(informers.For(api::Pod::kKind)),
      nodes_(informers.For(api::Node::kKind)),
      terminated_pod_threshold_(terminated_pod_threshold) {}

void PodGCController::Start() {
  AddPodNodeNameIndexer(pods_);
  pods_.AddEventHandlers({[this](const api::ObjectPtr& p) { Track(*api::As<api::Pod>(p)); },
                          [this](const api::ObjectPtr& old, const api::ObjectPtr& p) {
                            Untrack(*api::As<api::Pod>(old));
                            Track(*api::As<api::Pod>(p));
                          },
                          [this](const api::ObjectPtr& p) { Untrack(*api::As<api::Pod>(p)); }});
  // A shared informer another controller started may already hold pods; handlers see only later
  // events, so what is there now is taken as added.
  for (const auto& [key, obj] : pods_.items()) Track(*api::As<api::Pod>(obj));
  pods_.Start();
  nodes_.Start();
  owner_.Every(kGCCheckPeriod, [this]() { GC(); });
}

PodGCController::DeletionOrder PodGCController::DeletionOrderOf(const api::Pod& pod) {
  return {!PodIsEvicted(pod), pod.metadata.creation_timestamp, pod.metadata.name, pod.metadata.namespace_};
}

void PodGCController::Track(const api::Pod& pod) {
  if (PodIsTerminated(pod)) terminated_.insert(DeletionOrderOf(pod));
  if (pod.metadata.deletion_timestamp) terminating_.insert(api::NamespacedName(pod.metadata));
  if (!pod.spec.node_name.empty()) ++bound_[pod.spec.node_name];
}

void PodGCController::Untrack(const api::Pod& pod) {
  if (PodIsTerminated(pod)) terminated_.erase(DeletionOrderOf(pod));
  if (pod.metadata.deletion_timestamp) terminating_.erase(api::NamespacedName(pod.metadata));
  if (!pod.spec.node_name.empty()) {
    auto it = bound_.find(pod.spec.node_name);
    if (it != bound_.end() && --it->second == 0) bound_.erase(it);
  }
}

void PodGCController::GC() {
  // Upstream Run waits for the caches to sync before its first gc.
  if (!pods_.HasSynced() || !nodes_.HasSynced()) return;
  if (terminated_pod_threshold_ > 0) GCTerminated();
  GCTerminating();
  GCOrphaned();
  GCUnscheduledTerminating();
}

void PodGCController::GCTerminated() {
  const int64_t delete_count = static_cast<int64_t>(terminated_.size()) - terminated_pod_threshold_;
  if (delete_count <= 0) return;
  // The deletes answer later, so the set does not change while it is walked.
  auto it = terminated_.begin();
  for (int64_t i = 0; i < delete_count; ++i, ++it) {
    auto pod = api::As<api::Pod>(pods_.Get(it->namespace_ + "/" + it->name));
    if (pod) MarkFailedAndDelete(*pod, "", "");
  }
}

void PodGCController::GCTerminating() {
  std::vector<PodPtr> terminating;
  for (const auto& key : terminating_) {
    auto pod = static_cast<PodPtr>(pods_.Get(key).get());
    if (pod == nullptr) continue;
    auto node = api::As<api::Node>(nodes_.Get(pod->spec.node_name));
    if (!node || NodeIsReady(*node)) continue;
    const bool out_of_service = std::any_of(node->spec.taints.begin(), node->spec.taints.end(),
                                            [](const api::Taint& t) { return t.key == api::kTaintNodeOutOfService; });
    if (out_of_service) terminating.push_back(pod);
  }
  std::sort(terminating.begin(), terminating.end(),
            [](PodPtr a, PodPtr b) { return DeletionOrderOf(*a) < DeletionOrderOf(*b); });
  for (const PodPtr p : terminating) MarkFailedAndDelete(*p, "", "");
}

void PodGCController::GCOrphaned() {
  const sim::Time now = sim_.Now();
  // Newly seen missing nodes (that have pods bound to them) enter the quarantine.
  for (const auto& [node, count] : bound_) {
    if (nodes_.Get(node)) continue;
    quarantine_.emplace(node, now + kQuarantineTime);  // an entry already waiting keeps its time
  }
  // discoverDeletedNodes: nodes whose quarantine is over and that are still missing are checked
  // with a GET; the ones that reappeared leave the queue.
  for (auto it = quarantine_.begin(); it != quarantine_.end();) {
    if (it->second > now) {
      ++it;
      continue;
    }
    if (!nodes_.Get(it->first)) DeleteOrphansIfNodeGone(it->first);
    it = quarantine_.erase(it);
  }
}

void PodGCController::DeleteOrphansIfNodeGone(const std::string& node) {
  // Upstream checkIfNodeExists is a synchronous GET inside gc; here the response arrives one API
  // round trip later, and the pods still bound to the node then are the orphans.
  api_.Get(api::Node::kKind, "", node, owner_.Bind([this, node](const apiserver::Response& r) {
    if (r.code != apiserver::Code::kNotFound) return;
    for (const auto& pod : PodsAssignedToNode(pods_.GetIndexer(), node)) {
      MarkFailedAndDelete(*pod, "DeletionByPodGC", "PodGC: node no longer exists");
    }
  }));
}

void PodGCController::GCUnscheduledTerminating() {
  std::vector<PodPtr> unscheduled;
  for (const auto& key : terminating_) {
    auto pod = static_cast<PodPtr>(pods_.Get(key).get());
    if (pod != nullptr && pod->spec.node_name.empty()) unscheduled.push_back(pod);
  }
  for (const PodPtr p : unscheduled) MarkFailedAndDelete(*p, "", "");
}

void PodGCController::MarkFailedAndDelete(const api::Pod& pod, const std::string& condition_reason,
                                          const std::string& condition_message) {
  apiserver::DeleteOptions opts(/*grace=*/0);
  opts.precondition_uid = pod.metadata.uid;
  const std::string ns = pod.metadata.namespace_, name = pod.metadata.name;
  if (pod.IsTerminal()) {
    api_.Delete(api::Pod::kKind, ns, name, opts, nullptr);
    return;
  }
  // The phase goes to Failed first: an orphaned pod has no kubelet left to end it.
  auto copy = pod.DeepCopy();
  copy->status.phase = api::kPodFailed;
  if (!condition_reason.empty()) {
    copy->SetCondition("DisruptionTarget", "True", sim_.Now(), condition_reason, condition_message);
  }
  copy->metadata.resource_version = 0;  // a status patch (utilpod.PatchPodStatus): no precondition
  api_.UpdateStatus(copy, owner_.Bind([this, ns, name, opts](const apiserver::Response& r) {
    if (r.ok()) api_.Delete(api::Pod::kKind, ns, name, opts, nullptr);
  }));
}

}  // namespace kubesim::controllers
