#include "models/controllers/controller_utils.h"

#include <charconv>

#include "sim/check.h"

namespace kubesim::controllers {

bool IsPodActive(const api::Pod& pod) { return !pod.IsTerminal() && !pod.metadata.deletion_timestamp; }

bool IsPodReady(const api::Pod& pod) {
  const api::PodCondition* c = pod.FindCondition("Ready");
  return c != nullptr && c->status == "True";
}

bool IsPodAvailable(const api::Pod& pod, int32_t min_ready_seconds, sim::Time now) {
  if (!IsPodReady(pod)) return false;
  if (min_ready_seconds == 0) return true;
  return pod.FindCondition("Ready")->last_transition_time + sim::Duration::Seconds(min_ready_seconds) <= now;
}

int32_t ScaledValue(const api::IntOrPercent& v, int32_t total, bool round_up) {
  if (!v.percent) return v.value;
  const int64_t product = static_cast<int64_t>(v.value) * total;
  return static_cast<int32_t>(round_up ? (product + 99) / 100 : product / 100);
}

const api::OwnerReference* ControllerRef(const api::ObjectMeta& meta) {
  for (const auto& o : meta.owner_references) {
    if (o.controller) return &o;
  }
  return nullptr;
}

std::string OrphanPodIndexKeyForNamespace(const std::string& ns) { return std::string(kOrphanPodIndexKey) + "/" + ns; }

std::vector<std::string> PodControllerUIDIndexFunc(const api::Object& obj) {
  if (dynamic_cast<const api::Pod*>(&obj) == nullptr) return {};
  if (const api::OwnerReference* ref = ControllerRef(obj.metadata)) return {ref->uid};
  return {OrphanPodIndexKeyForNamespace(obj.metadata.namespace_)};
}

void AddPodControllerUIDIndexer(client::Informer& pods) {
  if (pods.GetIndexer().GetIndexers().count(kPodControllerUIDIndex) > 0) return;
  sim::Status s = pods.AddIndexers({{kPodControllerUIDIndex, PodControllerUIDIndexFunc}});
  KUBESIM_CHECK(s.ok(), s.message());
}

void AddPodNodeNameIndexer(client::Informer& pods) {
  if (pods.GetIndexer().GetIndexers().count(kNodeNameKeyIndex) > 0) return;
  client::IndexFunc by_node = [](const api::Object& obj) -> std::vector<std::string> {
    const auto* pod = dynamic_cast<const api::Pod*>(&obj);
    if (pod == nullptr || pod->spec.node_name.empty()) return {};
    return {pod->spec.node_name};
  };
  sim::Status s = pods.AddIndexers({{kNodeNameKeyIndex, std::move(by_node)}});
  KUBESIM_CHECK(s.ok(), s.message());
}

std::vector<std::shared_ptr<const api::Pod>> PodsAssignedToNode(const client::Indexer& pods, const std::string& node) {
  std::vector<std::shared_ptr<const api::Pod>> out;
  for (const auto& [key, entry] : pods.IndexedItems(kNodeNameKeyIndex, node)) {
    if (auto pod = api::As<api::Pod>(*entry)) out.push_back(std::move(pod));
  }
  return out;
}

std::vector<std::shared_ptr<const api::Pod>> FilterPodsByOwner(const client::Indexer& pods,
                                                               const api::ObjectMeta& owner, bool include_orphans) {
  static const client::Indexer::Bucket kNone;
  // The UID bucket may hold pods of other namespaces whose reference names this UID.
  const client::Indexer::Bucket& owned = pods.IndexedItems(kPodControllerUIDIndex, owner.uid);
  const client::Indexer::Bucket& orphans =
      include_orphans ? pods.IndexedItems(kPodControllerUIDIndex, OrphanPodIndexKeyForNamespace(owner.namespace_))
                      : kNone;
  std::vector<std::shared_ptr<const api::Pod>> out;
  auto a = owned.begin(), b = orphans.begin();
  while (a != owned.end() || b != orphans.end()) {
    const bool take_owned = b == orphans.end() || (a != owned.end() && a->first < b->first);
    const api::ObjectPtr& obj = *(take_owned ? (a++)->second : (b++)->second);
    if (obj->metadata.namespace_ != owner.namespace_) continue;
    if (auto pod = api::As<api::Pod>(obj)) out.push_back(std::move(pod));
  }
  return out;
}

namespace {

int PhaseOrder(const std::string& phase) {
  if (phase == api::kPodPending) return 0;
  if (phase == api::kPodRunning) return 2;
  return 1;  // Unknown and anything else
}

int32_t DeletionCost(const api::Pod& pod) {
  auto it = pod.metadata.annotations.find("controller.kubernetes.io/pod-deletion-cost");
  if (it == pod.metadata.annotations.end()) return 0;
  int32_t v = 0;
  auto [p, ec] = std::from_chars(it->second.data(), it->second.data() + it->second.size(), v);
  return ec == std::errc() ? v : 0;
}

// floor(log2(duration in ns)), as LogarithmicScaleDown compares times (upstream
// logarithmicRankDiff: -1 for a time not in the past).
int Bucket(sim::Time now, sim::Time t) {
  int64_t d = (now - t).nanos();
  if (d <= 0) return -1;
  int b = 0;
  while (d > 1) {
    d >>= 1;
    ++b;
  }
  return b;
}

}  // namespace

bool DeleteFirst(const api::Pod& a, int rank_a, const api::Pod& b, int rank_b, sim::Time now) {
  // 1. Unassigned before assigned.
  if (a.spec.node_name.empty() != b.spec.node_name.empty()) return a.spec.node_name.empty();
  // 2. Pending < Unknown < Running.
  if (PhaseOrder(a.status.phase) != PhaseOrder(b.status.phase)) {
    return PhaseOrder(a.status.phase) < PhaseOrder(b.status.phase);
  }
  // 3. Not ready before ready.
  if (IsPodReady(a) != IsPodReady(b)) return !IsPodReady(a);
  // 4. Lower pod-deletion-cost first.
  if (DeletionCost(a) != DeletionCost(b)) return DeletionCost(a) < DeletionCost(b);
  // 5. More co-located related pods first.
  if (rank_a != rank_b) return rank_a > rank_b;
  // 6. Both ready: ready for the shorter time first (log buckets).
  if (IsPodReady(a) && IsPodReady(b)) {
    sim::Time ta = a.FindCondition("Ready")->last_transition_time;
    sim::Time tb = b.FindCondition("Ready")->last_transition_time;
    if (ta != tb) {
      // Different ready times in the same bucket are decided by UID at once, before rules 7-8.
      int ba = Bucket(now, ta), bb = Bucket(now, tb);
      return ba != bb ? ba < bb : a.metadata.uid < b.metadata.uid;
    }
  }
  // 7. Container restarts are not modelled yet (all zero).
  // 8. Newer first (log buckets), then the smaller UID.
  // Upstream returns "equal" for equal creation times and leaves the order to Go's sort; the
  // UID decides here too so the choice is deterministic.
  int ca = Bucket(now, a.metadata.creation_timestamp), cb = Bucket(now, b.metadata.creation_timestamp);
  if (ca != cb) return ca < cb;
  return a.metadata.uid < b.metadata.uid;
}

}  // namespace kubesim::controllers
