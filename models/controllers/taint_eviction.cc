#include "models/controllers/taint_eviction.h"

#include <algorithm>
#include <optional>
#include <vector>

#include "models/controllers/controller_utils.h"

namespace kubesim::controllers {

TaintEvictionController::TaintEvictionController(sim::Simulation& sim, apiserver::ApiServer& api,
                                                 client::SharedInformerFactory& informers,
                                                 client::EventRecorder recorder)
    : sim_(sim),
      api_(sim, api, "kube-controller-manager/taint-eviction"),
      recorder_(std::move(recorder)),
      nodes_(informers.For(api::Node::kKind)),
      pods_(informers.For(api::Pod::kKind)) {}

TaintEvictionController::~TaintEvictionController() {
  for (auto& [uid, s] : scheduled_) owner_.Cancel(s.event);
}

void TaintEvictionController::Start() {
  AddPodNodeNameIndexer(pods_);
  // Upstream NodeUpdated: only a change of the node's NoExecute taints concerns its pods.
  auto no_execute = [](const api::ObjectPtr& n) {
    std::vector<api::Taint> taints;
    if (auto node = api::As<api::Node>(n)) {
      for (const auto& t : node->spec.taints) {
        if (t.effect == api::kTaintNoExecute) taints.push_back(t);
      }
    }
    return taints;
  };
  nodes_.AddEventHandlers({[this, no_execute](const api::ObjectPtr& n) {
                             if (!no_execute(n).empty()) SyncNode(n->metadata.name);
                           },
                           [this, no_execute](const api::ObjectPtr& old, const api::ObjectPtr& n) {
                             if (no_execute(old) != no_execute(n)) SyncNode(n->metadata.name);
                           },
                           nullptr});
  auto on_pod = [this](const api::ObjectPtr& p) { SyncPod(*api::As<api::Pod>(p)); };
  pods_.AddEventHandlers({on_pod, [on_pod](const api::ObjectPtr&, const api::ObjectPtr& p) { on_pod(p); },
                          [this](const api::ObjectPtr& p) { Cancel(p->metadata.uid); }});
  nodes_.Start();
  pods_.Start();
}

void TaintEvictionController::SyncNode(const std::string& node) {
  for (const auto& pod : PodsAssignedToNode(pods_.GetIndexer(), node)) SyncPod(*pod);
}

void TaintEvictionController::Cancel(const std::string& uid) {
  auto it = scheduled_.find(uid);
  if (it == scheduled_.end()) return;
  owner_.Cancel(it->second.event);
  scheduled_.erase(it);
}

void TaintEvictionController::SyncPod(const api::Pod& pod) {
  const std::string& uid = pod.metadata.uid;
  if (pod.spec.node_name.empty() || pod.metadata.deletion_timestamp || pod.IsTerminal()) {
    Cancel(uid);
    return;
  }
  auto node = api::As<api::Node>(nodes_.Get(pod.spec.node_name));
  std::vector<api::Taint> taints;
  if (node) {
    for (const auto& t : node->spec.taints) {
      if (t.effect == api::kTaintNoExecute) taints.push_back(t);
    }
  }
  if (taints.empty()) {
    Cancel(uid);
    return;
  }
  // Upstream processPodOnNode / getMinTolerationTime over the tolerations the taints use.
  std::optional<sim::Duration> wait = sim::Duration::Max();
  for (const auto& taint : taints) {
    bool tolerated = false;
    for (const auto& t : pod.spec.tolerations) {
      if (!api::ToleratesTaint(t, taint.key, taint.value, taint.effect)) continue;
      tolerated = true;
      if (t.toleration_seconds) {
        sim::Duration d = sim::Duration::Seconds(std::max<int64_t>(0, *t.toleration_seconds));
        wait = std::min(*wait, d);
      }
    }
    if (!tolerated) {
      wait = sim::Duration::Zero();
      break;
    }
  }
  if (*wait == sim::Duration::Max()) {
    Cancel(uid);  // tolerated forever
    return;
  }
  sim::Time start = sim_.Now();
  auto it = scheduled_.find(uid);
  if (it != scheduled_.end()) {
    start = it->second.created;
    if (it->second.trigger == start + *wait) return;  // already due at that time
    owner_.Cancel(it->second.event);
  }
  sim::Time trigger = std::max(start + *wait, sim_.Now());
  std::string key = api::NamespacedName(pod.metadata);
  sim::EventId id = owner_.At(trigger, [this, key, uid]() { Evict(key, uid); });
  scheduled_[uid] = Scheduled{id, start, trigger};
}

void TaintEvictionController::Evict(const std::string& key, const std::string& uid) {
  scheduled_.erase(uid);
  auto pod = api::As<api::Pod>(pods_.Get(key));
  if (!pod || pod->metadata.uid != uid || pod->metadata.deletion_timestamp) return;
  // Upstream (v1.26+): DisruptionTarget condition with reason DeletionByTaintManager, then delete.
  auto copy = pod->DeepCopy();
  copy->SetCondition("DisruptionTarget", "True", sim_.Now(), "DeletionByTaintManager",
                     "Taint manager: deleting due to NoExecute taint");
  copy->metadata.resource_version = 0;  // a status patch (utilpod.PatchPodStatus): no precondition
  api_.UpdateStatus(copy, nullptr);
  recorder_.Event(sim_.Now(), *pod, "Normal", "TaintManagerEviction", "Marking for deletion Pod " + key);
  api_.Delete(api::Pod::kKind, pod->metadata.namespace_, pod->metadata.name, {}, nullptr);
}

}  // namespace kubesim::controllers
