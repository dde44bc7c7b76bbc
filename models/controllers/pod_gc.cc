#include "models/controllers/pod_gc.h"

#include <algorithm>
#include <string_view>
#include <unordered_set>

#include "models/api/node.h"

namespace kubesim::controllers {
namespace {

// Upstream eviction.PodIsEvicted (pkg/kubelet/eviction/helpers.go): Failed with reason Evicted.
bool PodIsEvicted(const api::Pod& p) { return p.status.phase == api::kPodFailed && p.status.reason == "Evicted"; }

// Upstream isPodTerminated: any phase but Pending, Running and Unknown.
bool PodIsTerminated(const api::Pod& p) {
  const std::string& phase = p.status.phase;
  return phase != api::kPodPending && phase != api::kPodRunning && phase != "Unknown";
}

// byEvictionAndCreationTimestamp: evicted pods first (they spare the terminated pods of
// controllers), then the oldest, then by name (and namespace, so that the order is total).
bool EvictedThenOldest(const api::Pod* a, const api::Pod* b) {
  const bool ea = PodIsEvicted(*a), eb = PodIsEvicted(*b);
  if (ea != eb) return ea;
  if (a->metadata.creation_timestamp != b->metadata.creation_timestamp) {
    return a->metadata.creation_timestamp < b->metadata.creation_timestamp;
  }
  if (a->metadata.name != b->metadata.name) return a->metadata.name < b->metadata.name;
  return a->metadata.namespace_ < b->metadata.namespace_;
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
  pods_.Start();
  nodes_.Start();
  owner_.Every(kGCCheckPeriod, [this]() { GC(); });
}

void PodGCController::GC() {
  // Upstream Run waits for the caches to sync before its first gc.
  if (!pods_.HasSynced() || !nodes_.HasSynced()) return;
  std::vector<PodPtr> pods;
  pods.reserve(pods_.items().size());
  // The pods informer holds only Pods.
  for (const auto& [key, obj] : pods_.items()) pods.push_back(static_cast<const api::Pod*>(obj.get()));
  if (terminated_pod_threshold_ > 0) GCTerminated(pods);
  GCTerminating(pods);
  GCOrphaned(pods);
  GCUnscheduledTerminating(pods);
}

void PodGCController::GCTerminated(const std::vector<PodPtr>& pods) {
  std::vector<PodPtr> terminated;
  for (const auto& p : pods) {
    if (PodIsTerminated(*p)) terminated.push_back(p);
  }
  const int64_t delete_count = static_cast<int64_t>(terminated.size()) - terminated_pod_threshold_;
  if (delete_count <= 0) return;
  // Upstream sorts them all; only the first delete_count are used, in that order.
  std::partial_sort(terminated.begin(), terminated.begin() + delete_count, terminated.end(), EvictedThenOldest);
  for (int64_t i = 0; i < delete_count; ++i) MarkFailedAndDelete(*terminated[static_cast<size_t>(i)], "", "");
}

void PodGCController::GCTerminating(const std::vector<PodPtr>& pods) {
  std::vector<PodPtr> terminating;
  for (const auto& p : pods) {
    if (!p->metadata.deletion_timestamp) continue;
    auto node = api::As<api::Node>(nodes_.Get(p->spec.node_name));
    if (!node || NodeIsReady(*node)) continue;
    const bool out_of_service = std::any_of(node->spec.taints.begin(), node->spec.taints.end(),
                                            [](const api::Taint& t) { return t.key == api::kTaintNodeOutOfService; });
    if (out_of_service) terminating.push_back(p);
  }
  std::sort(terminating.begin(), terminating.end(), EvictedThenOldest);
  for (const auto& p : terminating) MarkFailedAndDelete(*p, "", "");
}

void PodGCController::GCOrphaned(const std::vector<PodPtr>& pods) {
  const sim::Time now = sim_.Now();
  // Upstream's existingNodeNames, as a hash set: only membership is asked, never an order.
  std::unordered_set<std::string_view> existing;
  existing.reserve(nodes_.items().size());
  for (const auto& [key, obj] : nodes_.items()) existing.insert(obj->metadata.name);
  // Newly seen missing nodes enter the quarantine.
  for (const auto& p : pods) {
    const std::string& node = p->spec.node_name;
    if (node.empty() || existing.count(node)) continue;
    quarantine_.emplace(node, now + kQuarantineTime);  // an entry already waiting keeps its time
  }
  // discoverDeletedNodes: nodes whose quarantine is over and that are still missing are checked
  // with a GET; the ones that reappeared leave the queue.
  for (auto it = quarantine_.begin(); it != quarantine_.end();) {
    if (it->second > now) {
      ++it;
      continue;
    }
    if (!existing.count(it->first)) DeleteOrphansIfNodeGone(it->first);
    it = quarantine_.erase(it);
  }
}

void PodGCController::DeleteOrphansIfNodeGone(const std::string& node) {
  // Upstream checkIfNodeExists is a synchronous GET inside gc; here the response arrives one API
  // round trip later, and the pods still bound to the node then are the orphans.
  api_.Get(api::Node::kKind, "", node, owner_.Bind([this, node](const apiserver::Response& r) {
    if (r.code != apiserver::Code::kNotFound) return;
    for (const auto& [key, obj] : pods_.items()) {
      auto pod = api::As<api::Pod>(obj);
      if (!pod || pod->spec.node_name != node) continue;
      MarkFailedAndDelete(*pod, "DeletionByPodGC", "PodGC: node no longer exists");
    }
  }));
}

void PodGCController::GCUnscheduledTerminating(const std::vector<PodPtr>& pods) {
  for (const auto& p : pods) {
    if (!p->metadata.deletion_timestamp || !p->spec.node_name.empty()) continue;
    MarkFailedAndDelete(*p, "", "");
  }
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
