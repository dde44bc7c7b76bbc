#include "models/controllers/replicaset.h"

#include <algorithm>
#include <vector>

#include "models/controllers/controller_utils.h"

namespace kubesim::controllers {

namespace {

const api::Pod* PodOf(const api::ObjectPtr& obj) { return dynamic_cast<const api::Pod*>(obj.get()); }

}  // namespace

ReplicaSetController::ReplicaSetController(sim::Simulation& sim, apiserver::ApiServer& api,
                                           client::SharedInformerFactory& informers, client::EventRecorder recorder)
    : sim_(sim),
      api_(sim, api, "kube-controller-manager/replicaset"),
      recorder_(std::move(recorder)),
      replicasets_(informers.For(api::ReplicaSet::kKind)),
      pods_(informers.For(api::Pod::kKind)),
      rs_lister_(replicasets_.GetIndexer()),
      pod_lister_(pods_.GetIndexer()),
      worker_(
          sim, [this]() { return replicasets_.HasSynced() && pods_.HasSynced(); },
          [this](const std::string& key, std::function<void()> done) { Sync(key, std::move(done)); }) {
  AddPodControllerUIDIndexer(pods_);
}

void ReplicaSetController::Start() {
  auto enqueue = [this](const api::ObjectPtr& o) { worker_.queue().Add(api::NamespacedName(o->metadata)); };
  replicasets_.AddEventHandlers({enqueue, [enqueue](const api::ObjectPtr&, const api::ObjectPtr& o) { enqueue(o); },
                                 [this](const api::ObjectPtr& o) {
                                   expectations_.DeleteExpectations(api::NamespacedName(o->metadata));
                                   pod_counts_.Forget(o->metadata.uid);
                                 }});
  pods_.AddEventHandlers({[this](const api::ObjectPtr& o) {
                            pod_counts_.PodChanged(nullptr, PodOf(o));
                            OnPod(o, true, false);
                          },
                          [this](const api::ObjectPtr& old, const api::ObjectPtr& o) {
                            pod_counts_.PodChanged(PodOf(old), PodOf(o));
                            OnPod(o, false, false);
                          },
                          [this](const api::ObjectPtr& o) {
                            pod_counts_.PodChanged(PodOf(o), nullptr);
                            OnPod(o, false, true);
                          }});
  replicasets_.Start();
  pods_.Start();
}

void ReplicaSetController::OnPod(const api::ObjectPtr& obj, bool added, bool deleted) {
  const api::OwnerReference* ref = ControllerRef(obj->metadata);
  if (ref == nullptr && !deleted) {
    // An orphan: every ReplicaSet of its namespace that selects it may adopt it (upstream
    // getPodReplicaSets), in key order.
    for (const auto& rs : rs_lister_.ReplicaSets(obj->metadata.namespace_).List(client::Selector::Everything())) {
      if (!rs->selector.Empty() && rs->selector.Matches(obj->metadata.labels)) {
        worker_.queue().Add(api::NamespacedName(rs->metadata));
      }
    }
    return;
  }
  if (ref == nullptr || ref->kind != api::ReplicaSet::kKind) return;
  std::string key = obj->metadata.namespace_ + "/" + ref->name;
  // Upstream counts only the deletions it asked for (UIDTrackingControllerExpectations) and counts a
  // pod that got a deletionTimestamp as deleted; kubesim counts every delete event of a pod the
  // ReplicaSet controls.
  if (added) expectations_.CreationObserved(key);
  if (deleted) expectations_.DeletionObserved(key);
  worker_.queue().Add(key);
}

void ReplicaSetController::Sync(const std::string& key, std::function<void()> done) {
  auto rs = api::As<api::ReplicaSet>(replicasets_.Get(key));
  if (!rs) {
    expectations_.DeleteExpectations(key);
    done();
    return;
  }
  const bool manage = expectations_.SatisfiedExpectations(key) && !rs->metadata.deletion_timestamp;
  // Without orphans to adopt and without minReadySeconds (availability then needs the clock), the
  // kept counts are what the walk below would count; the pods are listed only when replicas must
  // be created or deleted.
  const bool orphans =
      !pods_.GetIndexer()
           .IndexedItems(kPodControllerUIDIndex, OrphanPodIndexKeyForNamespace(rs->metadata.namespace_))
           .empty();
  if (!orphans && rs->min_ready_seconds == 0) {
    const ReplicaSetPodCountsValue counts = pod_counts_.For(*rs, pods_.GetIndexer());
    auto status = [this, key, rs, counts, done = std::move(done)]() mutable {
      UpdateStatus(key, *rs, counts, counts.ready, std::move(done));
    };
    if (manage && counts.active != rs->replicas) {
      ManageReplicas(key, rs, ActivePods(*rs), std::move(status));
    } else {
      status();
    }
    return;
  }
  std::vector<std::shared_ptr<const api::Pod>> active = ActivePods(*rs);
  // Upstream calculateStatus over the active pods.
  const ReplicaSetPodCountsValue counts = ReplicaSetPodCounts::Count(*rs, active);
  int32_t available = 0;
  for (const auto& p : active) available += IsPodAvailable(*p, rs->min_ready_seconds, sim_.Now()) ? 1 : 0;
  // Upstream syncReplicaSet: replicas are managed only when expectations are met, but the status
  // is recomputed on every sync, from the pods listed at its start, and written after
  // manageReplicas returned.
  auto status = [this, key, rs, counts, available, done = std::move(done)]() mutable {
    UpdateStatus(key, *rs, counts, available, std::move(done));
  };
  if (manage) {
    ManageReplicas(key, rs, std::move(active), std::move(status));
  } else {
    status();
  }
}

std::vector<std::shared_ptr<const api::Pod>> ReplicaSetController::ActivePods(const api::ReplicaSet& rs) {
  // Active pods this ReplicaSet controls, in key order (deterministic). Upstream v1.32 lists the
  // whole namespace; the pods of other controllers play no part, so the controller-UID index
  // (upstream's later getRSPods) gives the same pods: its own and the orphans it may adopt.
  std::vector<std::shared_ptr<const api::Pod>> active;
  for (auto pod : FilterPodsByOwner(pods_.GetIndexer(), rs.metadata, /*include_orphans=*/true)) {
    const api::OwnerReference* ref = ControllerRef(pod->metadata);
    if (ref == nullptr) pod = Adopt(rs, pod);
    if (!pod) continue;
    ref = ControllerRef(pod->metadata);
    if (ref == nullptr || ref->uid != rs.metadata.uid || !IsPodActive(*pod)) continue;
    active.push_back(pod);
  }
  return active;
}

std::shared_ptr<const api::Pod> ReplicaSetController::Adopt(const api::ReplicaSet& rs,
                                                            std::shared_ptr<const api::Pod> pod) {
  // Upstream ClaimPods adopts an orphan the selector matches unless the pod or the ReplicaSet is
  // being deleted; an empty selector selects nothing here (the API server rejects it upstream).
  if (rs.selector.Empty() || !rs.selector.Matches(pod->metadata.labels) || pod->metadata.deletion_timestamp ||
      rs.metadata.deletion_timestamp) {
    return nullptr;
  }
  auto copy = pod->DeepCopy();
  copy->metadata.owner_references.push_back(api::OwnerReference{api::ReplicaSet::kAPIVersion, api::ReplicaSet::kKind,
                                                                rs.metadata.name, rs.metadata.uid, true, true});
  // The adoption is a write; like upstream (which counts a pod once its patch succeeded) this sync
  // counts it at once. A failed write (a conflict) leaves an orphan the next sync adopts again.
  api_.Update(copy, nullptr);
  return copy;
}

void ReplicaSetController::UpdateStatus(const std::string& key, const api::ReplicaSet& rs,
                                        const ReplicaSetPodCountsValue& counts, int32_t available,
                                        std::function<void()> done) {
  api::ReplicaSetStatus st;
  st.observed_generation = rs.metadata.generation;
  st.replicas = counts.active;
  st.fully_labeled_replicas = counts.fully_labeled;
  st.ready_replicas = counts.ready;
  st.available_replicas = available;
  const api::ReplicaSetStatus& cur = rs.status;
  if (cur.replicas != st.replicas || cur.fully_labeled_replicas != st.fully_labeled_replicas ||
      cur.ready_replicas != st.ready_replicas || cur.available_replicas != st.available_replicas ||
      cur.observed_generation != st.observed_generation) {
    auto copy = rs.DeepCopy();
    copy->status = st;
    api_.UpdateStatus(copy, owner_.Bind([this, key, done](const apiserver::Response& r) {
      // A conflict or a stale read: the informer's next event brings the RS back to the queue.
      if (!r.ok() && r.code != apiserver::Code::kNotFound) worker_.queue().AddRateLimited(key);
      done();
    }));
  } else {
    done();
  }
  // Pods that are ready but not yet available become available minReadySeconds later, with no
  // event to announce it (upstream requeues the ReplicaSet after minReadySeconds).
  if (rs.min_ready_seconds > 0 && st.ready_replicas == rs.replicas && st.available_replicas != rs.replicas) {
    worker_.queue().AddAfter(key, sim::Duration::Seconds(rs.min_ready_seconds));
  }
}

void ReplicaSetController::ManageReplicas(const std::string& key, std::shared_ptr<const api::ReplicaSet> rs,
                                          std::vector<std::shared_ptr<const api::Pod>> active,
                                          std::function<void()> then) {
  int64_t diff = static_cast<int64_t>(active.size()) - rs->replicas;
  if (diff < 0) {
    int n = static_cast<int>(std::min<int64_t>(-diff, kBurstReplicas));
    expectations_.ExpectCreations(key, n);
    CreateBatch(key, rs, n, kSlowStartInitialBatchSize, std::move(then));
  } else if (diff > 0) {
    int n = static_cast<int>(std::min<int64_t>(diff, kBurstReplicas));
    std::map<std::string, int> on_node = RelatedActivePodsPerNode(*rs, active);
    auto rank = [&](const api::Pod& p) { return p.spec.node_name.empty() ? 0 : on_node[p.spec.node_name]; };
    std::stable_sort(active.begin(), active.end(),
                     [&](const auto& a, const auto& b) { return DeleteFirst(*a, rank(*a), *b, rank(*b), sim_.Now()); });
    expectations_.ExpectDeletions(key, n);
    // Upstream deletes them concurrently and waits for every answer.
    auto left = std::make_shared<int>(n);
    auto all_answered = std::make_shared<std::function<void()>>(std::move(then));
    for (int i = 0; i < n; ++i) {
      auto pod = active[static_cast<size_t>(i)];
      api_.Delete(api::Pod::kKind, pod->metadata.namespace_, pod->metadata.name, {},
                  owner_.Bind([this, key, pod, rs, left, all_answered](const apiserver::Response& r) {
                    if (r.ok()) {
                      recorder_.Event(sim_.Now(), *rs, "Normal", "SuccessfulDelete",
                                      "Deleted pod: " + pod->metadata.name);
                    } else {
                      expectations_.DeletionObserved(key);
                    }
                    if (--*left == 0) (*all_answered)();
                  }));
    }
  } else {
    then();
  }
}

std::map<std::string, int> ReplicaSetController::RelatedActivePodsPerNode(
    const api::ReplicaSet& rs, const std::vector<std::shared_ptr<const api::Pod>>& own) const {
  // Upstream getIndirectlyRelatedPods: the pods of every ReplicaSet with the same controller
  // owner (a Deployment's old and new ReplicaSets), so a rolling update's scale-down prefers
  // nodes crowded with the Deployment's pods.
  std::map<std::string, int> on_node;
  const api::OwnerReference* owner = ControllerRef(rs.metadata);
  if (owner == nullptr) {
    for (const auto& p : own) {
      if (!p->spec.node_name.empty()) on_node[p->spec.node_name]++;
    }
    return on_node;
  }
  const std::string& ns = rs.metadata.namespace_;
  for (const auto& pod : pod_lister_.Pods(ns).List(client::Selector::Everything())) {
    const api::OwnerReference* ref = ControllerRef(pod->metadata);
    if (ref == nullptr || ref->kind != api::ReplicaSet::kKind || !IsPodActive(*pod) || pod->spec.node_name.empty())
      continue;
    auto sibling = rs_lister_.ReplicaSets(ns).Get(ref->name);
    const api::OwnerReference* sibling_owner = sibling ? ControllerRef(sibling->metadata) : nullptr;
    if (sibling_owner != nullptr && sibling_owner->uid == owner->uid) on_node[pod->spec.node_name]++;
  }
  return on_node;
}

void ReplicaSetController::CreateBatch(const std::string& key, std::shared_ptr<const api::ReplicaSet> rs, int remaining,
                                       int batch, std::function<void()> then) {
  // Upstream slowStartBatch: batches of 1, 2, 4, …; a batch with a failure ends the sync and
  // the expectations of the pods never attempted are lowered.
  int size = std::min(batch, remaining);
  auto outcome = std::make_shared<std::pair<int, int>>(0, 0);  // (answered, failed)
  auto after = std::make_shared<std::function<void()>>(std::move(then));
  for (int i = 0; i < size; ++i) {
    auto pod = std::make_shared<api::Pod>();
    pod->api_version = api::Pod::kAPIVersion;
    pod->kind = api::Pod::kKind;
    pod->metadata.generate_name = rs->metadata.name + "-";
    pod->metadata.namespace_ = rs->metadata.namespace_;
    pod->metadata.labels = rs->pod_template.metadata.labels;
    pod->metadata.annotations = rs->pod_template.metadata.annotations;
    pod->metadata.owner_references = {api::OwnerReference{api::ReplicaSet::kAPIVersion, api::ReplicaSet::kKind,
                                                          rs->metadata.name, rs->metadata.uid, true, true}};
    pod->spec = rs->pod_template.spec;
    api_.Create(pod, owner_.Bind([this, key, rs, outcome, after, size, remaining, batch](const apiserver::Response& r) {
      outcome->first++;
      if (r.ok()) {
        recorder_.Event(sim_.Now(), *rs, "Normal", "SuccessfulCreate", "Created pod: " + r.object->metadata.name);
      } else {
        outcome->second++;
        recorder_.Event(sim_.Now(), *rs, "Warning", "FailedCreate", "Error creating: " + r.message);
        expectations_.CreationObserved(key);
      }
      if (outcome->first < size) return;  // the batch is not complete yet
      int left = remaining - size;
      if (outcome->second > 0) {
        expectations_.LowerExpectations(key, left, 0);
        (*after)();
        return;
      }
      if (left > 0) {
        CreateBatch(key, rs, left, batch * 2, std::move(*after));
      } else {
        (*after)();
      }
    }));
  }
}

}  // namespace kubesim::controllers
