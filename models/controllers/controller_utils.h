// Helpers shared by workload controllers (upstream pkg/controller/controller_utils.go).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "models/api/kinds.h"
#include "models/api/pod.h"
#include "sim/time.h"

namespace kubesim::controllers {

// Upstream ExpectationsTimeout: a controller's expectations that were not observed within this
// long no longer block its syncs.
inline constexpr sim::Duration kExpectationsTimeout = sim::Duration::Minutes(5);

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

// Upstream ActivePodsWithRanks ordering for scale-down (kubernetes/kubernetes
// pkg/controller/controller_utils.go @ v1.32, ActivePodsWithRanks.Less): true when `a` should be
// deleted before `b`. `rank_*` = related active pods on the same node. Times use
// LogarithmicScaleDown buckets (floor(log2(now − t))), ties broken by the smaller UID.
bool DeleteFirst(const api::Pod& a, int rank_a, const api::Pod& b, int rank_b, sim::Time now);

}  // namespace kubesim::controllers
