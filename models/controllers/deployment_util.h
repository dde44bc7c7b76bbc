// Pure helpers of the Deployment controller (upstream pkg/controller/deployment/util): the
// rolling-update fenceposts, the new ReplicaSet's next size, proportional scaling shares,
// revisions and the status predicates that make up `kubectl rollout status`. They take plain
// objects and return numbers so they can be checked against upstream's table tests directly.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "models/api/kinds.h"
#include "models/controllers/controller_utils.h"

namespace kubesim::controllers {

using ReplicaSetPtr = std::shared_ptr<const api::ReplicaSet>;

inline constexpr const char* kRevisionAnnotation = "deployment.kubernetes.io/revision";
inline constexpr const char* kDesiredReplicasAnnotation = "deployment.kubernetes.io/desired-replicas";
inline constexpr const char* kMaxReplicasAnnotation = "deployment.kubernetes.io/max-replicas";

// ResolveFenceposts: surge rounded up, unavailable rounded down; both 0 → unavailable 1.
void ResolveFenceposts(const api::Deployment& d, int32_t* surge, int32_t* unavailable);
// MaxSurge / MaxUnavailable of a Deployment (0 for Recreate; unavailable capped at replicas).
int32_t MaxSurge(const api::Deployment& d);
int32_t MaxUnavailable(const api::Deployment& d);

// Σ spec.replicas, Σ status.replicas, Σ status.readyReplicas, Σ status.availableReplicas.
int32_t SpecReplicas(const std::vector<ReplicaSetPtr>& rss);
int32_t ActualReplicas(const std::vector<ReplicaSetPtr>& rss);
int32_t ReadyReplicas(const std::vector<ReplicaSetPtr>& rss);
int32_t AvailableReplicas(const std::vector<ReplicaSetPtr>& rss);

// NewRSNewReplicas: the new ReplicaSet's next size under the Deployment's strategy.
int32_t NewRSNewReplicas(const api::Deployment& d, const std::vector<ReplicaSetPtr>& all, const ReplicaSetPtr& new_rs);

// Proportional scaling (upstream GetProportion / getReplicaSetFraction): how many of
// `to_add` replicas (negative when removing) this ReplicaSet takes, given `added` so far.
int32_t GetProportion(const api::ReplicaSet& rs, const api::Deployment& d, int32_t to_add, int32_t added);

// The integer annotation `name`, or nullopt when absent or malformed.
std::optional<int32_t> IntAnnotation(const api::ObjectMeta& meta, const char* name);
// The ReplicaSet's revision (annotation), 0 when absent.
int64_t Revision(const api::ObjectMeta& meta);

// Ordering of ReplicaSets: by creation time, oldest first, then by name.
bool OlderFirst(const ReplicaSetPtr& a, const ReplicaSetPtr& b);

// The status upstream calculateStatus derives from the ReplicaSets, with the Available
// condition (available ≥ replicas − maxUnavailable) set at `now`.
api::DeploymentStatus CalculateStatus(const std::vector<ReplicaSetPtr>& all, const ReplicaSetPtr& new_rs,
                                      const api::Deployment& d, sim::Time now);
// DeploymentComplete: every replica updated and available, and the spec observed.
bool DeploymentComplete(const api::Deployment& d, const api::DeploymentStatus& st);
// DeploymentProgressing: `st` is closer to the goal than the Deployment's current status.
bool DeploymentProgressing(const api::Deployment& d, const api::DeploymentStatus& st);

// The condition of `type`, or null.
const api::DeploymentCondition* FindCondition(const api::DeploymentStatus& st, const std::string& type);
// SetDeploymentCondition: replaces the condition of that type unless status and reason are the
// same; keeps lastTransitionTime when only the reason changes.
void SetCondition(api::DeploymentStatus* st, api::DeploymentCondition c);

// `kubectl rollout status` done: updated == spec.replicas == status.replicas == available
// and the latest generation observed.
bool RolloutComplete(const api::Deployment& d);

}  // namespace kubesim::controllers
