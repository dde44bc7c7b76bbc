#include "models/controllers/disruption.h"

#include <algorithm>
#include <map>
#include <optional>

#include "models/controllers/controller_utils.h"

namespace kubesim::controllers {
namespace {

bool Selects(const api::PodDisruptionBudget& pdb, const api::Pod& pod) {
  // policy/v1: a null selector matches no pod, an empty one every pod of the namespace.
  return pdb.metadata.namespace_ == pod.metadata.namespace_ && pdb.selector &&
         pdb.selector->Matches(pod.metadata.labels);
}

bool SameStatus(const api::PodDisruptionBudgetStatus& a, const api::PodDisruptionBudgetStatus& b) {
  return a.observed_generation == b.observed_generation && a.disrupted_pods == b.disrupted_pods &&
         a.disruptions_allowed == b.disruptions_allowed && a.current_healthy == b.current_healthy &&
         a.desired_healthy == b.desired_healthy && a.expected_pods == b.expected_pods &&
         a.disruption_allowed == b.disruption_allowed && a.disruption_allowed_reason == b.disruption_allowed_reason;
}

}  // namespace

DisruptionController::DisruptionController(sim::Simulation& sim, apiserver::ApiServer& api,
                                           client::SharedInformerFactory& informers, client::EventRecorder recorder)
    : sim_(sim),
      api_(sim, api, "kube-controller-manager/disruption"),
      recorder_(std::move(recorder)),
      pdbs_(informers.For(api::PodDisruptionBudget::kKind)),
      pods_(informers.For(api::Pod::kKind)),
      replicasets_(informers.For(api::ReplicaSet::kKind)),
      deployments_(informers.For(api::Deployment::kKind)),
      statefulsets_(informers.For(api::StatefulSet::kKind)),
      pdb_lister_(pdbs_.GetIndexer()),
      pod_lister_(pods_.GetIndexer()),
      worker_(
          sim,
          [this]() {
            return pdbs_.HasSynced() && pods_.HasSynced() && replicasets_.HasSynced() && deployments_.HasSynced() &&
                   statefulsets_.HasSynced();
          },
          [this](const std::string& key) { Sync(key); }) {}

void DisruptionController::Start() {
  auto enqueue = [this](const api::ObjectPtr& o) { worker_.queue().Add(api::NamespacedName(o->metadata)); };
  pdbs_.AddEventHandlers({enqueue, [enqueue](const api::ObjectPtr&, const api::ObjectPtr& o) { enqueue(o); }, nullptr});
  pods_.AddEventHandlers({[this](const api::ObjectPtr& o) { OnPod(o); },
                          [this](const api::ObjectPtr& old_obj, const api::ObjectPtr& o) {
                            OnPod(old_obj);  // a relabelled pod leaves its old budgets
                            OnPod(o);
                          },
                          [this](const api::ObjectPtr& o) { OnPod(o); }});
  for (auto* inf : {&pdbs_, &pods_, &replicasets_, &deployments_, &statefulsets_}) inf->Start();
}

void DisruptionController::OnPod(const api::ObjectPtr& obj) {
  auto pod = api::As<api::Pod>(obj);
  if (!pod) return;
  // Upstream getPdbForPod.
  for (const auto& pdb :
       pdb_lister_.PodDisruptionBudgets(pod->metadata.namespace_).List(client::Selector::Everything())) {
    if (Selects(*pdb, *pod)) worker_.queue().Add(api::NamespacedName(pdb->metadata));
  }
}

bool DisruptionController::ControllerScale(const api::Pod& pod, std::string* uid, int32_t* scale) const {
  // Upstream finders (getPodReplicaSet, getPodDeployment, getPodStatefulSet): a ReplicaSet's own
  // replicas unless a Deployment controls it, then the Deployment's; a StatefulSet's replicas.
  const api::OwnerReference* ref = ControllerRef(pod.metadata);
  if (ref != nullptr && ref->kind == api::StatefulSet::kKind) {
    auto ss = api::As<api::StatefulSet>(statefulsets_.Get(pod.metadata.namespace_ + "/" + ref->name));
    if (!ss || ss->metadata.uid != ref->uid) return false;
    *uid = ss->metadata.uid;
    *scale = ss->replicas;
    return true;
  }
  if (ref == nullptr || ref->kind != api::ReplicaSet::kKind) return false;
  auto rs = api::As<api::ReplicaSet>(replicasets_.Get(pod.metadata.namespace_ + "/" + ref->name));
  if (!rs || rs->metadata.uid != ref->uid) return false;
  const api::OwnerReference* rs_ref = ControllerRef(rs->metadata);
  if (rs_ref == nullptr) {
    *uid = rs->metadata.uid;
    *scale = rs->replicas;
    return true;
  }
  if (rs_ref->kind != api::Deployment::kKind) return false;
  auto d = api::As<api::Deployment>(deployments_.Get(rs->metadata.namespace_ + "/" + rs_ref->name));
  if (!d || d->metadata.uid != rs_ref->uid) return false;
  *uid = d->metadata.uid;
  *scale = d->replicas;
  return true;
}

void DisruptionController::Sync(const std::string& key) {
  auto pdb = api::As<api::PodDisruptionBudget>(pdbs_.Get(key));
  if (!pdb) return;
  const sim::Time now = sim_.Now();
  // Upstream getPodsForPdb: the pods of its namespace its selector matches, in key order.
  std::vector<std::shared_ptr<const api::Pod>> pods;
  if (pdb->selector) {
    pods = pod_lister_.Pods(pdb->metadata.namespace_).List(client::Selector::FromLabelSelector(*pdb->selector));
  }
  if (pods.empty()) recorder_.Event(now, *pdb, "Normal", "NoPods", "No matching pods found");

  // Upstream getExpectedPodCount.
  int32_t expected = 0, desired = 0;
  bool unmanaged = false;
  auto expected_scale = [&]() {
    std::map<std::string, int32_t> scales;  // controller UID → scale, each counted once
    for (const auto& pod : pods) {
      std::string uid;
      int32_t scale = 0;
      if (ControllerScale(*pod, &uid, &scale)) {
        scales[uid] = scale;
      } else {
        unmanaged = true;
      }
    }
    int32_t sum = 0;
    for (const auto& [uid, s] : scales) sum += s;
    return sum;
  };
  if (pdb->max_unavailable) {
    expected = expected_scale();
    desired = std::max(0, expected - ScaledValue(*pdb->max_unavailable, expected, true));
  } else if (pdb->min_available) {
    if (pdb->min_available->percent) {
      expected = expected_scale();
      desired = ScaledValue(*pdb->min_available, expected, true);
    } else {
      expected = static_cast<int32_t>(pods.size());
      desired = pdb->min_available->value;
    }
  }
  if (unmanaged) {
    recorder_.Event(now, *pdb, "Warning", "UnmanagedPods",
                    "Pods selected by this PodDisruptionBudget were found to be unmanaged. As a result, the status of "
                    "the PDB cannot be calculated correctly, which may result in undefined behavior. To account for "
                    "these pods please set \".spec.minAvailable\" field of the PDB to an integer value.");
  }

  // Upstream buildDisruptedPodMap: keep the entries of selected pods not yet being deleted and
  // not past DeletionTimeout; sync again when the next one would expire.
  std::map<std::string, sim::Time> disrupted;
  std::optional<sim::Time> recheck;
  for (const auto& pod : pods) {
    if (pod->metadata.deletion_timestamp) continue;
    auto it = pdb->status.disrupted_pods.find(pod->metadata.name);
    if (it == pdb->status.disrupted_pods.end()) continue;
    sim::Time expires = it->second + kDisruptionDeletionTimeout;
    if (expires < now) {
      recorder_.Event(now, *pod, "Warning", "NotDeleted",
                      "Pod was expected by PDB " + key + " to be deleted but it wasn't");
      continue;
    }
    disrupted[it->first] = it->second;
    if (!recheck || expires < *recheck) recheck = expires;
  }
  // Upstream countHealthyPods.
  int32_t healthy = 0;
  for (const auto& pod : pods) {
    if (pod->metadata.deletion_timestamp || disrupted.count(pod->metadata.name)) continue;
    if (IsPodReady(*pod)) ++healthy;
  }

  api::PodDisruptionBudgetStatus st;
  st.observed_generation = pdb->metadata.generation;
  st.disrupted_pods = std::move(disrupted);
  st.current_healthy = healthy;
  st.desired_healthy = desired;
  st.expected_pods = expected;
  st.disruptions_allowed = (expected <= 0 || healthy - desired <= 0) ? 0 : healthy - desired;
  st.disruption_allowed = st.disruptions_allowed > 0 ? "True" : "False";
  st.disruption_allowed_reason = st.disruptions_allowed > 0 ? "SufficientPods" : "InsufficientPods";
  if (recheck) worker_.queue().AddAfter(key, *recheck - now + sim::Duration::Nanoseconds(1));
  if (SameStatus(st, pdb->status)) return;
  auto copy = pdb->DeepCopy();
  copy->status = std::move(st);
  api_.UpdateStatus(copy, owner_.Bind([this, key](const apiserver::Response& r) {
    if (!r.ok() && r.code != apiserver::Code::kNotFound) worker_.queue().AddRateLimited(key);
  }));
}

}  // namespace kubesim::controllers
