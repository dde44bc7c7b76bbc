#include "models/controllers/deployment.h"

#include <algorithm>
#include <set>

#include "models/api/names.h"
#include "models/controllers/controller_utils.h"
#include "sim/hash.h"

namespace kubesim::controllers {
namespace {

void Mix(sim::Fnv1a32* h, const std::string& s) {
  h->Add(s).AddByte(0xff);  // 0xff: field separator (no UTF-8 text contains it)
}

void MixMap(sim::Fnv1a32* h, const api::StringMap& m) {
  for (const auto& [k, v] : m) {
    Mix(h, k);
    Mix(h, v);
  }
}

}  // namespace

std::string PodTemplateHash(const api::PodTemplate& t) {
  sim::Fnv1a32 h;
  MixMap(&h, t.metadata.labels);
  MixMap(&h, t.metadata.annotations);
  const api::PodSpec& s = t.spec;
  Mix(&h, s.scheduler_name);
  Mix(&h, s.priority_class_name);
  Mix(&h, s.node_name);
  MixMap(&h, s.node_selector);
  for (const auto* list : {&s.init_containers, &s.containers}) {
    for (const auto& c : *list) {
      Mix(&h, c.name);
      Mix(&h, c.image);
      for (const auto& [r, q] : c.requests) {
        Mix(&h, r);
        Mix(&h, q.text());
      }
      for (const auto& [r, q] : c.limits) {
        Mix(&h, r);
        Mix(&h, q.text());
      }
    }
  }
  for (const auto& tol : s.tolerations) {
    Mix(&h, tol.key);
    Mix(&h, tol.op);
    Mix(&h, tol.value);
    Mix(&h, tol.effect);
  }
  // As upstream's ComputeHash: the decimal hash in the vowel-free alphabet (models/api/names.h).
  return api::SafeEncodeDigits(std::to_string(h.value()));
}

DeploymentController::DeploymentController(sim::Simulation& sim, apiserver::ApiServer& api,
                                           client::SharedInformerFactory& informers, client::EventRecorder recorder)
    : sim_(sim),
      api_(sim, api, "kube-controller-manager/deployment"),
      recorder_(std::move(recorder)),
      deployments_(informers.For(api::Deployment::kKind)),
      replicasets_(informers.For(api::ReplicaSet::kKind)),
      pods_(informers.For(api::Pod::kKind)),
      rs_lister_(replicasets_.GetIndexer()),
      pod_lister_(pods_.GetIndexer()),
      worker_(
          sim, [this]() { return deployments_.HasSynced() && replicasets_.HasSynced() && pods_.HasSynced(); },
          [this](const std::string& key) { Sync(key); }) {}

void DeploymentController::Start() {
  auto enqueue = [this](const api::ObjectPtr& o) { worker_.queue().Add(api::NamespacedName(o->metadata)); };
  deployments_.AddEventHandlers(
      {enqueue, [enqueue](const api::ObjectPtr&, const api::ObjectPtr& o) { enqueue(o); }, nullptr});
  auto owner = [this](const api::ObjectPtr& o) {
    const api::OwnerReference* ref = ControllerRef(o->metadata);
    if (ref != nullptr && ref->kind == api::Deployment::kKind)
      worker_.queue().Add(o->metadata.namespace_ + "/" + ref->name);
  };
  replicasets_.AddEventHandlers({owner, [owner](const api::ObjectPtr&, const api::ObjectPtr& o) { owner(o); }, owner});
  // Upstream deletePod: a Recreate rollout waits for the old pods to be gone.
  pods_.AddEventHandlers({nullptr, nullptr, [this, owner](const api::ObjectPtr& o) {
                            const api::OwnerReference* ref = ControllerRef(o->metadata);
                            if (ref == nullptr || ref->kind != api::ReplicaSet::kKind) return;
                            if (auto rs = replicasets_.Get(o->metadata.namespace_ + "/" + ref->name)) owner(rs);
                          }});
  deployments_.Start();
  replicasets_.Start();
  pods_.Start();
}

std::vector<ReplicaSetPtr> DeploymentController::Owned::all() const {
  std::vector<ReplicaSetPtr> v = old;
  if (new_rs) v.push_back(new_rs);
  return v;
}

DeploymentController::Owned DeploymentController::Find(const api::Deployment& d) const {
  Owned owned;
  std::vector<ReplicaSetPtr> mine;
  for (auto rs : rs_lister_.ReplicaSets(d.metadata.namespace_).List(client::Selector::Everything())) {
    const api::OwnerReference* ref = ControllerRef(rs->metadata);
    if (ref != nullptr && ref->uid == d.metadata.uid) mine.push_back(rs);
  }
  std::sort(mine.begin(), mine.end(), OlderFirst);
  // FindNewReplicaSet: the oldest ReplicaSet whose template equals the Deployment's, ignoring
  // the hash label the controller added.
  for (const auto& rs : mine) {
    api::PodTemplate t = rs->pod_template;
    t.metadata.labels.erase(kPodTemplateHashLabel);
    if (!owned.new_rs && t.SameAs(d.pod_template)) {
      owned.new_rs = rs;
    } else {
      owned.old.push_back(rs);
    }
  }
  return owned;
}

void DeploymentController::Sync(const std::string& key) {
  auto d = api::As<api::Deployment>(deployments_.Get(key));
  if (!d) return;
  Owned owned = Find(*d);
  if (d->metadata.deletion_timestamp) {
    WriteStatus(*d, CalculateStatus(owned.all(), owned.new_rs, *d, sim_.Now()));
    return;
  }
  if (d->paused || IsScalingEvent(*d, owned)) {
    // Upstream sync(): scaling only, no rollout progress.
    if (!SyncRevision(*d, owned, false)) return;
    Plan plan;
    Scale(*d, owned, plan);
    Apply(*d, owned, plan);
    if (d->paused) Cleanup(*d, owned);
    api::DeploymentStatus st = CalculateStatus(owned.all(), owned.new_rs, *d, sim_.Now());
    // checkPausedConditions: Progressing Unknown while paused, so a paused rollout never times out.
    const api::DeploymentCondition* progressing = FindCondition(st, "Progressing");
    if (d->paused && (progressing == nullptr || progressing->reason != "DeploymentPaused")) {
      SetCondition(&st, {"Progressing", "Unknown", "DeploymentPaused", "Deployment is paused", sim_.Now(), sim_.Now()});
    }
    WriteStatus(*d, std::move(st));
    return;
  }
  const api::DeploymentCondition* progressing = FindCondition(d->status, "Progressing");
  if (progressing != nullptr && progressing->reason == "DeploymentPaused") {
    api::DeploymentStatus st = d->status;
    SetCondition(&st, {"Progressing", "Unknown", "DeploymentResumed", "Deployment is resumed", sim_.Now(), sim_.Now()});
    WriteStatus(*d, std::move(st));
    return;
  }
  if (d->strategy_type == "Recreate") {
    RolloutRecreate(*d, std::move(owned));
  } else {
    RolloutRolling(*d, std::move(owned));
  }
}

bool DeploymentController::SyncRevision(const api::Deployment& d, Owned& owned, bool create) {
  int64_t max_old = 0;
  for (const auto& rs : owned.old) max_old = std::max(max_old, Revision(rs->metadata));
  const int64_t revision = max_old + 1;
  const std::string key = api::NamespacedName(d.metadata);
  auto retry = owner_.Bind([this, key](const apiserver::Response& r) {
    if (!r.ok() && r.code != apiserver::Code::kNotFound) worker_.queue().AddRateLimited(key);
  });
  if (!owned.new_rs) {
    if (create) CreateNewReplicaSet(d, owned, revision);
    return !create;
  }
  const api::ReplicaSet& rs = *owned.new_rs;
  // SetNewReplicaSetAnnotations: a template rolled back to becomes the newest revision again.
  if (Revision(rs.metadata) < revision || rs.min_ready_seconds != d.min_ready_seconds) {
    auto copy = rs.DeepCopy();
    if (Revision(rs.metadata) < revision) copy->metadata.annotations[kRevisionAnnotation] = std::to_string(revision);
    copy->min_ready_seconds = d.min_ready_seconds;
    api_.Update(copy, retry);
    return false;
  }
  const std::string rs_revision = std::to_string(Revision(rs.metadata));
  auto it = d.metadata.annotations.find(kRevisionAnnotation);
  if (it == d.metadata.annotations.end() || it->second != rs_revision) {
    auto copy = d.DeepCopy();
    copy->metadata.annotations[kRevisionAnnotation] = rs_revision;
    api_.Update(copy, retry);
    return false;
  }
  return true;
}

void DeploymentController::CreateNewReplicaSet(const api::Deployment& d, const Owned& owned, int64_t revision) {
  const std::string hash = PodTemplateHash(d.pod_template);
  auto rs = std::make_shared<api::ReplicaSet>();
  rs->api_version = api::ReplicaSet::kAPIVersion;
  rs->kind = api::ReplicaSet::kKind;
  rs->metadata.name = d.metadata.name + "-" + hash;
  rs->metadata.namespace_ = d.metadata.namespace_;
  rs->metadata.labels = d.pod_template.metadata.labels;
  rs->metadata.labels[kPodTemplateHashLabel] = hash;
  // Upstream copies the Deployment's annotations except its own bookkeeping ones.
  for (const auto& [k, v] : d.metadata.annotations) {
    if (k != kRevisionAnnotation && k != "kubectl.kubernetes.io/last-applied-configuration") {
      rs->metadata.annotations[k] = v;
    }
  }
  rs->metadata.annotations[kRevisionAnnotation] = std::to_string(revision);
  rs->metadata.annotations[kDesiredReplicasAnnotation] = std::to_string(d.replicas);
  rs->metadata.annotations[kMaxReplicasAnnotation] = std::to_string(d.replicas + MaxSurge(d));
  rs->metadata.owner_references = {api::OwnerReference{api::Deployment::kAPIVersion, api::Deployment::kKind,
                                                       d.metadata.name, d.metadata.uid, true, true}};
  rs->replicas = NewRSNewReplicas(d, owned.old, nullptr);
  rs->min_ready_seconds = d.min_ready_seconds;
  rs->selector = d.selector;
  rs->selector.match_labels[kPodTemplateHashLabel] = hash;
  rs->pod_template = d.pod_template;
  rs->pod_template.metadata.labels[kPodTemplateHashLabel] = hash;
  const std::string name = rs->metadata.name, key = api::NamespacedName(d.metadata);
  const int32_t replicas = rs->replicas;
  api_.Create(rs, owner_.Bind([this, key, name, replicas](const apiserver::Response& r) {
    auto cur = api::As<api::Deployment>(deployments_.Get(key));
    if (!r.ok()) {
      if (r.code != apiserver::Code::kConflict) worker_.queue().AddRateLimited(key);
      return;  // AlreadyExists: an earlier sync's create; its informer event brings us back
    }
    if (!cur) return;
    if (replicas > 0) {
      recorder_.Event(sim_.Now(), *cur, "Normal", "ScalingReplicaSet",
                      "Scaled up replica set " + name + " from 0 to " + std::to_string(replicas));
    }
    api::DeploymentStatus st = cur->status;
    SetCondition(&st, {"Progressing", "True", "NewReplicaSetCreated", "Created new replica set \"" + name + "\"",
                       sim_.Now(), sim_.Now()});
    WriteStatus(*cur, std::move(st));
  }));
}

bool DeploymentController::IsScalingEvent(const api::Deployment& d, const Owned& owned) const {
  for (const auto& rs : owned.all()) {
    if (rs->replicas == 0) continue;
    std::optional<int32_t> desired = IntAnnotation(rs->metadata, kDesiredReplicasAnnotation);
    if (desired && *desired != d.replicas) return true;
  }
  return false;
}

bool DeploymentController::PlanScale(const api::Deployment& d, const ReplicaSetPtr& rs, int32_t replicas, Plan& plan) {
  const bool resize = rs->replicas != replicas;
  const bool annotate = IntAnnotation(rs->metadata, kDesiredReplicasAnnotation) != d.replicas ||
                        IntAnnotation(rs->metadata, kMaxReplicasAnnotation) != d.replicas + MaxSurge(d);
  if (resize || annotate) plan.scale[rs->metadata.name] = replicas;
  return resize;
}

void DeploymentController::Scale(const api::Deployment& d, const Owned& owned, Plan& plan) {
  std::vector<ReplicaSetPtr> all = owned.all(), active;
  for (const auto& rs : all) {
    if (rs->replicas > 0) active.push_back(rs);
  }
  // FindActiveOrLatest: with one active ReplicaSet (or none), it simply takes the new size.
  ReplicaSetPtr only;
  if (active.size() == 1) {
    only = active[0];
  } else if (active.empty()) {
    only = owned.new_rs ? owned.new_rs : (owned.old.empty() ? nullptr : owned.old.back());
  }
  if (only || active.empty()) {
    if (only && only->replicas != d.replicas) PlanScale(d, only, d.replicas, plan);
    return;
  }
  // IsSaturated: the new ReplicaSet already runs everything; the old ones go.
  const ReplicaSetPtr& n = owned.new_rs;
  if (n && n->replicas == d.replicas && IntAnnotation(n->metadata, kDesiredReplicasAnnotation) == d.replicas &&
      n->status.available_replicas == d.replicas) {
    for (const auto& rs : owned.old) {
      if (rs->replicas > 0) PlanScale(d, rs, 0, plan);
    }
    return;
  }
  if (d.strategy_type != "RollingUpdate") return;
  // Proportional scaling: the replicas added or removed are shared by size, the largest
  // ReplicaSet first (newer first on ties when adding, older first when removing); the
  // rounding leftover goes to the first.
  const int32_t allowed = d.replicas > 0 ? d.replicas + MaxSurge(d) : 0;
  const int32_t to_add = allowed - SpecReplicas(active);
  std::sort(active.begin(), active.end(), [to_add](const ReplicaSetPtr& a, const ReplicaSetPtr& b) {
    if (a->replicas != b->replicas) return a->replicas > b->replicas;
    return to_add > 0 ? OlderFirst(b, a) : OlderFirst(a, b);
  });
  std::vector<int32_t> sizes;
  int32_t added = 0;
  for (const auto& rs : active) {
    int32_t p = to_add != 0 ? GetProportion(*rs, d, to_add, added) : 0;
    sizes.push_back(rs->replicas + p);
    added += p;
  }
  if (to_add != 0) sizes[0] = std::max(0, sizes[0] + to_add - added);
  for (size_t i = 0; i < active.size(); ++i) PlanScale(d, active[i], sizes[i], plan);
}

void DeploymentController::RolloutRolling(const api::Deployment& d, Owned owned) {
  if (!SyncRevision(d, owned, true)) return;
  Plan plan;
  if (ReconcileNewReplicaSet(d, owned, plan) || ReconcileOldReplicaSets(d, owned, plan)) {
    Apply(d, owned, plan);
    SyncRolloutStatus(d, owned);
    return;
  }
  if (DeploymentComplete(d, d.status)) Cleanup(d, owned);
  SyncRolloutStatus(d, owned);
}

bool DeploymentController::ReconcileNewReplicaSet(const api::Deployment& d, const Owned& owned, Plan& plan) {
  const ReplicaSetPtr& rs = owned.new_rs;
  if (rs->replicas == d.replicas) return false;
  if (rs->replicas > d.replicas) return PlanScale(d, rs, d.replicas, plan);
  return PlanScale(d, rs, NewRSNewReplicas(d, owned.all(), rs), plan);
}

bool DeploymentController::ReconcileOldReplicaSets(const api::Deployment& d, Owned& owned, Plan& plan) {
  std::vector<ReplicaSetPtr> active;
  for (const auto& rs : owned.old) {
    if (rs->replicas > 0) active.push_back(rs);  // owned.old is oldest first already
  }
  if (SpecReplicas(active) == 0) return false;
  const std::vector<ReplicaSetPtr> all = owned.all();
  const int32_t min_available = d.replicas - MaxUnavailable(d);
  const int32_t new_unavailable = owned.new_rs->replicas - owned.new_rs->status.available_replicas;
  const int32_t max_scaled_down = SpecReplicas(all) - min_available - new_unavailable;
  if (max_scaled_down <= 0) return false;
  std::vector<int32_t> target;
  for (const auto& rs : active) target.push_back(rs->replicas);
  // cleanupUnhealthyReplicas: unavailable old replicas go first, oldest ReplicaSet first; they
  // cost no availability.
  int32_t cleaned = 0;
  for (size_t i = 0; i < active.size() && cleaned < max_scaled_down; ++i) {
    const int32_t unhealthy = target[i] - active[i]->status.available_replicas;
    if (unhealthy <= 0) continue;
    const int32_t n = std::min(max_scaled_down - cleaned, unhealthy);
    target[i] -= n;
    cleaned += n;
  }
  // scaleDownOldReplicaSetsForRollingUpdate: then available ones, down to minAvailable overall.
  int32_t scaled = 0;
  const int32_t available = AvailableReplicas(all);
  if (available > min_available) {
    const int32_t total = available - min_available;
    for (size_t i = 0; i < active.size() && scaled < total; ++i) {
      if (target[i] == 0) continue;
      const int32_t n = std::min(target[i], total - scaled);
      target[i] -= n;
      scaled += n;
    }
  }
  for (size_t i = 0; i < active.size(); ++i) {
    if (target[i] != active[i]->replicas) PlanScale(d, active[i], target[i], plan);
  }
  return cleaned + scaled > 0;
}

void DeploymentController::RolloutRecreate(const api::Deployment& d, Owned owned) {
  if (!SyncRevision(d, owned, false)) return;
  Plan plan;
  bool scaled = false;
  for (const auto& rs : owned.old) {
    if (rs->replicas > 0) scaled = PlanScale(d, rs, 0, plan) || scaled;
  }
  if (scaled || OldPodsRunning(owned)) {
    Apply(d, owned, plan);
    SyncRolloutStatus(d, owned);
    return;
  }
  if (!owned.new_rs) {
    SyncRevision(d, owned, true);  // creates it at full size; its informer event continues
    return;
  }
  if (owned.new_rs->replicas != d.replicas) PlanScale(d, owned.new_rs, d.replicas, plan);
  Apply(d, owned, plan);
  if (DeploymentComplete(d, d.status)) Cleanup(d, owned);
  SyncRolloutStatus(d, owned);
}

bool DeploymentController::OldPodsRunning(const Owned& owned) const {
  if (ActualReplicas(owned.old) > 0) return true;
  std::set<std::string> old_uids;
  for (const auto& rs : owned.old) old_uids.insert(rs->metadata.uid);
  if (old_uids.empty()) return false;
  for (const auto& pod :
       pod_lister_.Pods(owned.old.front()->metadata.namespace_).List(client::Selector::Everything())) {
    const api::OwnerReference* ref = ControllerRef(pod->metadata);
    // A pod still terminating counts as running: Recreate guarantees no overlap.
    if (ref != nullptr && old_uids.count(ref->uid) != 0 && !pod->IsTerminal()) return true;
  }
  return false;
}

void DeploymentController::Apply(const api::Deployment& d, const Owned& owned, const Plan& plan) {
  const std::string key = api::NamespacedName(d.metadata);
  for (const auto& rs : owned.all()) {
    auto it = plan.scale.find(rs->metadata.name);
    if (it == plan.scale.end()) continue;
    auto copy = rs->DeepCopy();
    copy->replicas = it->second;
    copy->metadata.annotations[kDesiredReplicasAnnotation] = std::to_string(d.replicas);
    copy->metadata.annotations[kMaxReplicasAnnotation] = std::to_string(d.replicas + MaxSurge(d));
    std::string message;
    if (rs->replicas != it->second) {
      message = std::string(it->second > rs->replicas ? "Scaled up" : "Scaled down") + " replica set " +
                rs->metadata.name + " from " + std::to_string(rs->replicas) + " to " + std::to_string(it->second);
    }
    std::shared_ptr<const api::Object> subject = d.Clone();
    // The event follows a successful write, as upstream scaleReplicaSet records it.
    api_.Update(copy, owner_.Bind([this, key, subject, message](const apiserver::Response& r) {
      if (r.ok()) {
        if (!message.empty()) recorder_.Event(sim_.Now(), *subject, "Normal", "ScalingReplicaSet", message);
      } else if (r.code != apiserver::Code::kNotFound) {
        worker_.queue().AddRateLimited(key);
      }
    }));
  }
}

void DeploymentController::Cleanup(const api::Deployment& d, const Owned& owned) {
  // cleanupDeployment: old ReplicaSets beyond revisionHistoryLimit, lowest revision first, and
  // only those already scaled to zero and settled.
  std::vector<ReplicaSetPtr> cleanable;
  for (const auto& rs : owned.old) {
    if (!rs->metadata.deletion_timestamp) cleanable.push_back(rs);
  }
  const int64_t diff = static_cast<int64_t>(cleanable.size()) - d.revision_history_limit;
  if (diff <= 0) return;
  std::stable_sort(cleanable.begin(), cleanable.end(), [](const ReplicaSetPtr& a, const ReplicaSetPtr& b) {
    const int64_t ra = Revision(a->metadata), rb = Revision(b->metadata);
    return ra != rb ? ra < rb : OlderFirst(a, b);
  });
  for (int64_t i = 0; i < diff; ++i) {
    const api::ReplicaSet& rs = *cleanable[static_cast<size_t>(i)];
    if (rs.status.replicas != 0 || rs.replicas != 0 || rs.metadata.generation > rs.status.observed_generation) continue;
    api_.Delete(api::ReplicaSet::kKind, rs.metadata.namespace_, rs.metadata.name, {}, nullptr);
  }
}

void DeploymentController::SyncRolloutStatus(const api::Deployment& d, const Owned& owned) {
  const sim::Time now = sim_.Now();
  api::DeploymentStatus st = CalculateStatus(owned.all(), owned.new_rs, d, now);
  const api::DeploymentCondition* cur = FindCondition(st, "Progressing");
  const bool complete = st.replicas == st.updated_replicas && cur != nullptr && cur->reason == "NewReplicaSetAvailable";
  const std::string subject =
      owned.new_rs ? "ReplicaSet \"" + owned.new_rs->metadata.name + "\"" : "Deployment \"" + d.metadata.name + "\"";
  const sim::Duration deadline = sim::Duration::Seconds(d.progress_deadline_seconds);
  if (!complete) {
    if (DeploymentComplete(d, st)) {
      SetCondition(
          &st, {"Progressing", "True", "NewReplicaSetAvailable", subject + " has successfully progressed.", now, now});
    } else if (DeploymentProgressing(d, st)) {
      // Progress refreshes lastUpdateTime, which is what the deadline is measured from.
      api::DeploymentCondition c{"Progressing", "True", "ReplicaSetUpdated", subject + " is progressing.", now, now};
      if (cur != nullptr && cur->status == "True") c.last_transition_time = cur->last_transition_time;
      std::erase_if(st.conditions, [](const api::DeploymentCondition& x) { return x.type == "Progressing"; });
      st.conditions.push_back(std::move(c));
    } else if (cur != nullptr && cur->reason != "ProgressDeadlineExceeded" && cur->last_update_time + deadline < now) {
      SetCondition(
          &st, {"Progressing", "False", "ProgressDeadlineExceeded", subject + " has timed out progressing.", now, now});
    }
  }
  cur = FindCondition(st, "Progressing");
  if (st == d.status) {
    // requeueStuckDeployment: look again when the deadline would pass without progress.
    if (cur != nullptr && !DeploymentComplete(d, st) && cur->reason != "ProgressDeadlineExceeded") {
      sim::Duration after = cur->last_update_time + deadline - now;
      worker_.queue().AddAfter(api::NamespacedName(d.metadata), std::max(after, sim::Duration::Seconds(1)));
    }
    return;
  }
  WriteStatus(d, std::move(st));
}

void DeploymentController::WriteStatus(const api::Deployment& d, api::DeploymentStatus st) {
  if (st == d.status) return;
  auto copy = d.DeepCopy();
  copy->status = std::move(st);
  const std::string key = api::NamespacedName(d.metadata);
  api_.UpdateStatus(copy, owner_.Bind([this, key](const apiserver::Response& r) {
    if (!r.ok() && r.code != apiserver::Code::kNotFound) worker_.queue().AddRateLimited(key);
  }));
}

}  // namespace kubesim::controllers
