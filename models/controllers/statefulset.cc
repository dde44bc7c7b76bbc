#include "models/controllers/statefulset.h"

#include <algorithm>
#include <charconv>
#include <optional>
#include <vector>

#include "models/controllers/controller_utils.h"
#include "models/controllers/daemonset.h"
#include "models/controllers/deployment.h"

namespace kubesim::controllers {
namespace {

// getParentNameAndOrdinal: `<parent>-<ordinal>`, the ordinal a decimal without sign.
std::optional<int32_t> OrdinalOf(const std::string& pod_name, const std::string& set_name) {
  if (pod_name.size() <= set_name.size() + 1 || pod_name.compare(0, set_name.size(), set_name) != 0 ||
      pod_name[set_name.size()] != '-') {
    return std::nullopt;
  }
  const char* first = pod_name.data() + set_name.size() + 1;
  const char* last = pod_name.data() + pod_name.size();
  int32_t v = 0;
  auto [end, ec] = std::from_chars(first, last, v);
  if (ec != std::errc() || end != last || v < 0) return std::nullopt;
  return v;
}

// These run for every pod of the set in every sync, so the keys are built once and the label is
// not copied.
const std::string& RevisionOf(const api::Pod& pod) {
  static const std::string kLabel = kControllerRevisionHashLabel;
  static const std::string kNone;
  auto it = pod.metadata.labels.find(kLabel);
  return it == pod.metadata.labels.end() ? kNone : it->second;
}

const api::PodCondition* ReadyCondition(const api::Pod& pod) {
  static const std::string kReady = "Ready";
  return pod.FindCondition(kReady);
}

bool IsRunningAndReady(const api::Pod& pod) {
  const api::PodCondition* c = ReadyCondition(pod);
  return pod.status.phase == api::kPodRunning && c != nullptr && c->status == "True";
}

// isRunningAndAvailable: Running and Ready for at least minReadySeconds.
bool IsAvailable(const api::Pod& pod, int32_t min_ready_seconds, sim::Time now) {
  if (!IsRunningAndReady(pod)) return false;
  return min_ready_seconds == 0 ||
         ReadyCondition(pod)->last_transition_time + sim::Duration::Seconds(min_ready_seconds) <= now;
}

}  // namespace

StatefulSetController::StatefulSetController(sim::Simulation& sim, apiserver::ApiServer& api,
                                             client::SharedInformerFactory& informers, client::EventRecorder recorder)
    : sim_(sim),
      api_(sim, api, "kube-controller-manager/statefulset"),
      recorder_(std::move(recorder)),
      sets_(informers.For(api::StatefulSet::kKind)),
      pods_(informers.For(api::Pod::kKind)),
      worker_(
          sim, [this]() { return sets_.HasSynced() && pods_.HasSynced(); },
          [this](const std::string& key) { Sync(key); }) {
  AddPodControllerUIDIndexer(pods_);
}

void StatefulSetController::Start() {
  sets_.AddEventHandlers({[this](const api::ObjectPtr& o) { OnSet(o); },
                          [this](const api::ObjectPtr&, const api::ObjectPtr& o) { OnSet(o); },
                          [this](const api::ObjectPtr& o) { revisions_.erase(o->metadata.uid); }});
  pods_.AddEventHandlers({[this](const api::ObjectPtr& o) { OnPod(nullptr, o, false); },
                          [this](const api::ObjectPtr& old, const api::ObjectPtr& o) { OnPod(old, o, false); },
                          [this](const api::ObjectPtr& o) { OnPod(nullptr, o, true); }});
  sets_.Start();
  pods_.Start();
}

void StatefulSetController::OnSet(const api::ObjectPtr& obj) {
  // Every template the set ever had is a revision pods below the partition may still need.
  auto set = api::As<api::StatefulSet>(obj);
  revisions_[set->metadata.uid].emplace(PodTemplateHash(set->pod_template), set->pod_template);
  worker_.queue().Add(api::NamespacedName(obj->metadata));
}

void StatefulSetController::OnPod(const api::ObjectPtr&, const api::ObjectPtr& obj, bool deleted) {
  creating_.erase(api::NamespacedName(obj->metadata));
  if (deleted || obj->metadata.deletion_timestamp) deleting_.erase(obj->metadata.uid);
  const api::OwnerReference* ref = ControllerRef(obj->metadata);
  if (ref == nullptr || ref->kind != api::StatefulSet::kKind) return;
  worker_.queue().Add(obj->metadata.namespace_ + "/" + ref->name);
}

void StatefulSetController::Sync(const std::string& key) {
  auto set = api::As<api::StatefulSet>(sets_.Get(key));
  if (!set || set->metadata.deletion_timestamp) return;
  const sim::Time now = sim_.Now();
  const std::string update_revision = PodTemplateHash(set->pod_template);
  const auto& known = revisions_[set->metadata.uid];
  std::string current_revision = set->status.current_revision;
  if (current_revision.empty() || !known.count(current_revision)) current_revision = update_revision;
  const bool monotonic = set->pod_management_policy != "Parallel";
  const int32_t start = set->ordinals_start;

  // The set's pods by ordinal: those in range fill `replicas`, the others are condemned.
  std::vector<std::shared_ptr<const api::Pod>> replicas(static_cast<size_t>(set->replicas));
  std::map<int32_t, std::shared_ptr<const api::Pod>> condemned;
  std::vector<std::shared_ptr<const api::Pod>> owned;
  for (const auto& pod : FilterPodsByOwner(pods_.GetIndexer(), set->metadata, /*include_orphans=*/false)) {
    std::optional<int32_t> ord = OrdinalOf(pod->metadata.name, set->metadata.name);
    if (!ord) continue;
    owned.push_back(pod);
    if (*ord >= start && *ord - start < set->replicas) {
      replicas[static_cast<size_t>(*ord - start)] = pod;
    } else {
      condemned[*ord] = pod;
    }
  }
  auto terminating = [this](const api::Pod& p) {
    return p.metadata.deletion_timestamp.has_value() || deleting_.count(p.metadata.uid) > 0;
  };
  // Asked for every ordinal of every sync: most syncs have no create in flight at all.
  const std::string creating_prefix = set->metadata.namespace_ + "/" + set->metadata.name + "-";
  auto creating = [this, &creating_prefix](int32_t ordinal) {
    return !creating_.empty() && creating_.count(creating_prefix + std::to_string(ordinal)) > 0;
  };

  bool stop = false;
  for (int32_t i = 0; i < set->replicas && !stop; ++i) {
    const int32_t ordinal = start + i;
    const auto& pod = replicas[static_cast<size_t>(i)];
    if (creating(ordinal)) {
      stop = monotonic;
      continue;
    }
    if (pod && pod->IsTerminal()) {
      // A pod that ended is deleted and comes back under the same name in a later sync.
      if (!terminating(*pod)) DeletePod(set, *pod);
      stop = monotonic;
      continue;
    }
    if (!pod) {
      bool below_partition = set->update_strategy_type == "RollingUpdate" && i < set->partition;
      CreatePod(set, ordinal, below_partition ? current_revision : update_revision);
      stop = monotonic;
      continue;
    }
    if (terminating(*pod) || !IsAvailable(*pod, set->min_ready_seconds, now)) stop = monotonic;
  }
  // Scale down: highest ordinal first; OrderedReady deletes one at a time and waits for it, and
  // an unhealthy pod above the lowest unhealthy one blocks (upstream processCondemned with
  // firstUnhealthyPod; the replicas are all healthy once the walk gets here).
  const api::Pod* first_unhealthy = nullptr;
  for (const auto& [ord, pod] : condemned) {
    if (terminating(*pod) || !IsAvailable(*pod, set->min_ready_seconds, now)) {
      first_unhealthy = pod.get();
      break;
    }
  }
  for (auto it = condemned.rbegin(); it != condemned.rend() && !stop; ++it) {
    const api::Pod& pod = *it->second;
    if (terminating(pod)) {
      stop = monotonic;
      continue;
    }
    if (monotonic && !IsAvailable(pod, set->min_ready_seconds, now) && &pod != first_unhealthy) {
      stop = true;
      continue;
    }
    DeletePod(set, pod);
    stop = monotonic;
  }
  // RollingUpdate: from the highest ordinal down to the partition, one pod at a time.
  if (!stop && set->update_strategy_type == "RollingUpdate") {
    for (int32_t i = set->replicas - 1; i >= set->partition; --i) {
      const auto& pod = replicas[static_cast<size_t>(i)];
      if (!pod) break;
      if (RevisionOf(*pod) != update_revision && !terminating(*pod)) {
        DeletePod(set, *pod);
        break;
      }
      if (terminating(*pod) || !IsAvailable(*pod, set->min_ready_seconds, now)) break;
    }
  }

  // computeReplicaStatus over the pods as this sync found them, then completeRollingUpdate.
  api::StatefulSetStatus status;
  status.observed_generation = set->metadata.generation;
  status.current_revision = current_revision;
  status.update_revision = update_revision;
  for (const auto& pod : owned) {
    status.replicas++;
    if (IsRunningAndReady(*pod)) {
      status.ready_replicas++;
      if (IsAvailable(*pod, set->min_ready_seconds, now)) status.available_replicas++;
    }
    if (!terminating(*pod)) {
      const std::string& revision = RevisionOf(*pod);
      if (revision == current_revision) status.current_replicas++;
      if (revision == update_revision) status.updated_replicas++;
    }
  }
  if (set->update_strategy_type == "RollingUpdate" && status.updated_replicas == status.replicas &&
      status.ready_replicas == status.replicas) {
    status.current_replicas = status.updated_replicas;
    status.current_revision = status.update_revision;
  }
  const api::StatefulSetStatus& old = set->status;
  bool same = old.observed_generation == status.observed_generation && old.replicas == status.replicas &&
              old.ready_replicas == status.ready_replicas && old.current_replicas == status.current_replicas &&
              old.updated_replicas == status.updated_replicas && old.available_replicas == status.available_replicas &&
              old.current_revision == status.current_revision && old.update_revision == status.update_revision;
  if (!same) {
    auto copy = set->DeepCopy();
    copy->status = status;
    api_.UpdateStatus(copy, nullptr);
  }
  if (set->min_ready_seconds > 0 && status.available_replicas != status.ready_replicas) {
    // Availability comes with time, not with an event.
    worker_.queue().AddAfter(key, sim::Duration::Seconds(set->min_ready_seconds));
  }
}

void StatefulSetController::CreatePod(const std::shared_ptr<const api::StatefulSet>& set, int32_t ordinal,
                                      const std::string& revision) {
  const auto& known = revisions_[set->metadata.uid];
  auto rev = known.find(revision);
  const api::PodTemplate& tmpl = rev != known.end() ? rev->second : set->pod_template;
  auto pod = std::make_shared<api::Pod>();
  pod->api_version = api::Pod::kAPIVersion;
  pod->kind = api::Pod::kKind;
  pod->metadata.name = set->metadata.name + "-" + std::to_string(ordinal);
  pod->metadata.namespace_ = set->metadata.namespace_;
  pod->metadata.labels = tmpl.metadata.labels;
  // newVersionedStatefulSetPod / initIdentity: revision, pod-name and (PodIndexLabel, beta on
  // since v1.28) pod-index labels.
  pod->metadata.labels[kControllerRevisionHashLabel] = revision;
  pod->metadata.labels[kStatefulSetPodNameLabel] = pod->metadata.name;
  pod->metadata.labels[kPodIndexLabel] = std::to_string(ordinal);
  pod->metadata.annotations = tmpl.metadata.annotations;
  pod->metadata.owner_references = {api::OwnerReference{api::StatefulSet::kAPIVersion, api::StatefulSet::kKind,
                                                        set->metadata.name, set->metadata.uid, true, true}};
  pod->spec = tmpl.spec;
  std::string pod_key = api::NamespacedName(pod->metadata), name = pod->metadata.name;
  creating_.insert(pod_key);
  api_.Create(pod, owner_.Bind([this, set, pod_key, name](const apiserver::Response& r) {
    // upstream recordPodEvent wording.
    if (r.ok()) {
      recorder_.Event(sim_.Now(), *set, "Normal", "SuccessfulCreate",
                      "create Pod " + name + " in StatefulSet " + set->metadata.name + " successful");
      return;
    }
    creating_.erase(pod_key);
    recorder_.Event(sim_.Now(), *set, "Warning", "FailedCreate",
                    "create Pod " + name + " in StatefulSet " + set->metadata.name + " failed error: " + r.message);
  }));
}

void StatefulSetController::DeletePod(const std::shared_ptr<const api::StatefulSet>& set, const api::Pod& pod) {
  std::string name = pod.metadata.name, uid = pod.metadata.uid;
  deleting_.insert(uid);
  api_.Delete(api::Pod::kKind, pod.metadata.namespace_, name, {},
              owner_.Bind([this, set, name, uid](const apiserver::Response& r) {
                if (r.ok()) {
                  recorder_.Event(sim_.Now(), *set, "Normal", "SuccessfulDelete",
                                  "delete Pod " + name + " in StatefulSet " + set->metadata.name + " successful");
                  return;
                }
                deleting_.erase(uid);
                if (r.code != apiserver::Code::kNotFound) {
                  recorder_.Event(
                      sim_.Now(), *set, "Warning", "FailedDelete",
                      "delete Pod " + name + " in StatefulSet " + set->metadata.name + " failed error: " + r.message);
                }
              }));
}

}  // namespace kubesim::controllers
