// The other kinds kubesim stores as typed objects. Namespace, PriorityClass, Lease and
// PodDisruptionBudget (read by scheduler preemption) carry behaviour today; ReplicaSet, Deployment, Service, ServiceAccount and ConfigMap are decoded and
// stored, and their controllers arrive with later work (see docs/fidelity.md).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "models/api/labels.h"
#include "models/api/object.h"
#include "models/api/pod.h"

namespace kubesim::api {

struct Namespace : ObjectOf<Namespace> {
  std::string phase = "Active";
};

struct PriorityClass : ObjectOf<PriorityClass> {
  int32_t value = 0;
  bool global_default = false;
  std::string preemption_policy = "PreemptLowerPriority";
  std::string description;
};

// coordination.k8s.io/v1 Lease, as the kubelet renews it in kube-node-lease.
struct Lease : ObjectOf<Lease> {
  std::string holder_identity;
  int32_t lease_duration_seconds = 40;
  std::optional<sim::Time> renew_time;
};

struct PodTemplate {
  ObjectMeta metadata;
  PodSpec spec;
  // Labels, annotations and spec: what makes two templates the same pods.
  bool SameAs(const PodTemplate& o) const {
    return metadata.labels == o.metadata.labels && metadata.annotations == o.metadata.annotations && spec == o.spec;
  }
};

// An IntOrString that is either an integer or "N%" (maxSurge, maxUnavailable, minAvailable).
struct IntOrPercent {
  int32_t value = 0;
  bool percent = false;
  friend bool operator==(const IntOrPercent&, const IntOrPercent&) = default;
};

struct ReplicaSetStatus {
  int32_t replicas = 0;
  int32_t fully_labeled_replicas = 0;
  int32_t ready_replicas = 0;
  int32_t available_replicas = 0;
  int64_t observed_generation = 0;
  friend bool operator==(const ReplicaSetStatus&, const ReplicaSetStatus&) = default;
};

struct ReplicaSet : ObjectOf<ReplicaSet> {
  int32_t replicas = 1;
  int32_t min_ready_seconds = 0;
  LabelSelector selector;
  PodTemplate pod_template;
  ReplicaSetStatus status;

  bool SameSpec(const ReplicaSet& o) const {
    return replicas == o.replicas && min_ready_seconds == o.min_ready_seconds && selector == o.selector &&
           pod_template.SameAs(o.pod_template);
  }
};

struct DeploymentCondition {
  std::string type;    // Available, Progressing, ReplicaFailure
  std::string status;  // "True", "False", "Unknown"
  std::string reason;
  std::string message;
  sim::Time last_update_time;
  sim::Time last_transition_time;
  friend bool operator==(const DeploymentCondition&, const DeploymentCondition&) = default;
};

struct DeploymentStatus {
  int64_t observed_generation = 0;
  int32_t replicas = 0;
  int32_t updated_replicas = 0;
  int32_t ready_replicas = 0;
  int32_t available_replicas = 0;
  int32_t unavailable_replicas = 0;
  std::vector<DeploymentCondition> conditions;
  friend bool operator==(const DeploymentStatus&, const DeploymentStatus&) = default;
};

struct Deployment : ObjectOf<Deployment> {
  int32_t replicas = 1;
  LabelSelector selector;
  PodTemplate pod_template;
  std::string strategy_type = "RollingUpdate";
  // RollingUpdate parameters (IntOrString; upstream defaults 25% / 25%).
  IntOrPercent max_surge{25, true};
  IntOrPercent max_unavailable{25, true};
  int32_t min_ready_seconds = 0;
  int32_t revision_history_limit = 10;
  int32_t progress_deadline_seconds = 600;
  bool paused = false;
  DeploymentStatus status;

  bool SameSpec(const Deployment& o) const {
    return replicas == o.replicas && selector == o.selector && pod_template.SameAs(o.pod_template) &&
           strategy_type == o.strategy_type && max_surge == o.max_surge && max_unavailable == o.max_unavailable &&
           min_ready_seconds == o.min_ready_seconds && revision_history_limit == o.revision_history_limit &&
           progress_deadline_seconds == o.progress_deadline_seconds && paused == o.paused;
  }
};

struct Service : ObjectOf<Service> {
  StringMap selector;
  std::string type = "ClusterIP";
};

// policy/v1 PodDisruptionBudget. minAvailable / maxUnavailable are IntOrString (an int or "N%").
// No disruption controller is simulated yet: status.disruptionsAllowed is what the manifest gives
// (0 when absent, as upstream before the controller's first sync), and the scheduler reads it.
struct PodDisruptionBudget : ObjectOf<PodDisruptionBudget> {
  std::optional<IntOrPercent> min_available;
  std::optional<IntOrPercent> max_unavailable;
  std::optional<LabelSelector> selector;  // absent or empty: selects no pod (policy/v1)
  int32_t disruptions_allowed = 0;
  std::vector<std::string> disrupted_pods;  // status.disruptedPods keys (pod names)
};

struct ServiceAccount : ObjectOf<ServiceAccount> {};

struct ConfigMap : ObjectOf<ConfigMap> {
  StringMap data;
};

}  // namespace kubesim::api
