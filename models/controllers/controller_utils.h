// Helpers shared by workload controllers (upstream pkg/controller/controller_utils.go).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "models/api/kinds.h"
#include "models/api/pod.h"
#include "models/client/informer.h"
#include "sim/time.h"

namespace kubesim::controllers {

// Active: not Succeeded/Failed and not being deleted (upstream IsPodActive).
bool IsPodActive(const api::Pod& pod);
// Ready condition True (upstream podutil.IsPodReady).
bool IsPodReady(const api::Pod& pod);
// Ready for at least minReadySeconds (upstream podutil.IsPodAvailable).
bool IsPodAvailable(const api::Pod& pod, int32_t min_ready_seconds, sim::Time now);
// intstr.GetScaledValueFromIntOrPercent: an int as is, a percentage of `total` rounded up or down.
int32_t ScaledValue(const api::IntOrPercent& v, int32_t total, bool round_up);
// The ownerReference with controller=true, or null.
const api::OwnerReference* ControllerRef(const api::ObjectMeta& meta);

// The pod controller-UID index (kubernetes/kubernetes pkg/controller/controller_utils.go,
// PodControllerUIDIndex and OrphanPodIndexKey; upstream has it since v1.33): a pod is filed under
// the UID of its controller, an orphan under OrphanPodIndexKeyForNamespace(its namespace) (the
// per-namespace orphan key of v1.34).
inline constexpr const char* kPodControllerUIDIndex = "podControllerUID";
inline constexpr const char* kOrphanPodIndexKey = "_ORPHAN_POD";
std::string OrphanPodIndexKeyForNamespace(const std::string& ns);
// The index function: a pod's controller UID, or its namespace's orphan key; nothing for others.
std::vector<std::string> PodControllerUIDIndexFunc(const api::Object& obj);
// Upstream AddPodControllerUIDIndexer: adds the index to the (shared) pod informer unless another
// controller already did.
void AddPodControllerUIDIndexer(client::Informer& pods);
// The pods of `owner`'s namespace whose controller reference has its UID, and with
// `include_orphans` the pods of that namespace without a controller, in key order: what a scan of
// the namespace filtered the same way visits (upstream FilterPodsByOwner lists the owned pods,
// then the orphans). Needs AddPodControllerUIDIndexer.
std::vector<std::shared_ptr<const api::Pod>> FilterPodsByOwner(const client::Indexer& pods,
                                                               const api::ObjectMeta& owner, bool include_orphans);

// The pod index by node (kubernetes/kubernetes pkg/controller/nodelifecycle/
// node_lifecycle_controller.go and pkg/controller/tainteviction/taint_eviction.go @ v1.32,
// nodeNameKeyIndex): a pod is filed under spec.nodeName, an unbound pod under nothing.
inline constexpr const char* kNodeNameKeyIndex = "spec.nodeName";
// Adds the index to the (shared) pod informer unless another controller already did.
void AddPodNodeNameIndexer(client::Informer& pods);
// Upstream getPodsAssignedToNode: the pods bound to `node`, in key order (the order a scan of every
// pod filtered by node visits). Needs AddPodNodeNameIndexer.
std::vector<std::shared_ptr<const api::Pod>> PodsAssignedToNode(const client::Indexer& pods, const std::string& node);

// Upstream ActivePodsWithRanks ordering for scale-down (kubernetes/kubernetes
// pkg/controller/controller_utils.go @ v1.32, ActivePodsWithRanks.Less): true when `a` should be
// deleted before `b`. `rank_*` = related active pods on the same node. Times use
// LogarithmicScaleDown buckets (floor(log2(now − t))), ties broken by the smaller UID.
bool DeleteFirst(const api::Pod& a, int rank_a, const api::Pod& b, int rank_b, sim::Time now);

}  // namespace kubesim::controllers
