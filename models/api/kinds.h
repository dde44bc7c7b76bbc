// The other kinds kubesim stores as typed objects. Namespace, PriorityClass, Lease and
// PodDisruptionBudget (status kept by the disruption controller, read by scheduler preemption) carry behaviour today; ReplicaSet, Deployment, Service, ServiceAccount and ConfigMap are decoded and
// stored, and their controllers arrive with later work (see docs/fidelity.md).
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "models/api/labels.h"
#include "models/api/object.h"
#include "models/api/pod.h"

namespace kubesim::api {

// core/v1 Namespace. The API server gives every new namespace the spec finalizer `kubernetes`;
// a deleted namespace turns Terminating and stays until the namespace controller, having deleted
// its content, removes that finalizer.
inline constexpr const char* kFinalizerKubernetes = "kubernetes";

struct Namespace : ObjectOf<Namespace> {
  std::string phase = "Active";  // status.phase: Active or Terminating
  std::vector<std::string> spec_finalizers;  // spec.finalizers
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
};

// An IntOrString that is either an integer or "N%" (maxSurge, maxUnavailable, minAvailable).
struct IntOrPercent {
  int32_t value = 0;
  bool percent = false;
};

struct ReplicaSetStatus {
  int32_t replicas = 0;
  int32_t fully_labeled_replicas = 0;
  int32_t ready_replicas = 0;
  int32_t available_replicas = 0;
  int64_t observed_generation = 0;
};

struct ReplicaSet : ObjectOf<ReplicaSet> {
  int32_t replicas = 1;
  int32_t min_ready_seconds = 0;
  LabelSelector selector;
  PodTemplate pod_template;
  ReplicaSetStatus status;
};

struct DeploymentCondition {
  std::string type;    // Available, Progressing, ReplicaFailure
  std::string status;  // "True", "False", "Unknown"
  std::string reason;
  std::string message;
  sim::Time last_update_time;
  sim::Time last_transition_time;
};

struct DeploymentStatus {
  int64_t observed_generation = 0;
  int32_t replicas = 0;
  int32_t updated_replicas = 0;
  int32_t ready_replicas = 0;
  int32_t available_replicas = 0;
  int32_t unavailable_replicas = 0;
  std::vector<DeploymentCondition> conditions;
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
};

struct Service : ObjectOf<Service> {
  StringMap selector;
  std::string type = "ClusterIP";
  bool publish_not_ready_addresses = false;
};

// policy/v1 PodDisruptionBudgetStatus, written by the disruption controller through the status
// subresource. Until its first sync, what the manifest gave (all zero when absent, as upstream
// before the controller has run).
struct PodDisruptionBudgetStatus {
  int64_t observed_generation = 0;
  // Pods whose eviction the API server processed and the controller has not yet seen deleted:
  // pod name → when. Entries older than the controller's DeletionTimeout (2 min) are dropped.
  std::map<std::string, sim::Time> disrupted_pods;
  int32_t disruptions_allowed = 0;
  int32_t current_healthy = 0;
  int32_t desired_healthy = 0;
  int32_t expected_pods = 0;
  // The DisruptionAllowed condition: status "True"/"False", reason SufficientPods,
  // InsufficientPods or SyncFailed; empty before the first sync.
  std::string disruption_allowed;
  std::string disruption_allowed_reason;
};

// policy/v1 PodDisruptionBudget. minAvailable / maxUnavailable are IntOrString (an int or "N%").
struct PodDisruptionBudget : ObjectOf<PodDisruptionBudget> {
  std::optional<IntOrPercent> min_available;
  std::optional<IntOrPercent> max_unavailable;
  std::optional<LabelSelector> selector;  // absent or empty: selects no pod (see default_preemption)
  PodDisruptionBudgetStatus status;
};

struct ServiceAccount : ObjectOf<ServiceAccount> {};

// discovery.k8s.io/v1 EndpointSlice, as the EndpointSlice controller writes it for a Service.
struct EndpointConditions {
  std::optional<bool> ready;
  std::optional<bool> serving;
  std::optional<bool> terminating;

  friend bool operator==(const EndpointConditions&, const EndpointConditions&) = default;
};

struct EndpointTargetRef {
  std::string kind;
  std::string namespace_;
  std::string name;
  std::string uid;

  friend bool operator==(const EndpointTargetRef&, const EndpointTargetRef&) = default;
};

struct Endpoint {
  std::vector<std::string> addresses;
  EndpointConditions conditions;
  std::string node_name;
  std::string zone;
  EndpointTargetRef target_ref;

  friend bool operator==(const Endpoint&, const Endpoint&) = default;
};

struct EndpointSlice : ObjectOf<EndpointSlice> {
  std::string address_type = "IPv4";
  std::vector<Endpoint> endpoints;
};

struct ConfigMap : ObjectOf<ConfigMap> {
  StringMap data;
};

}  // namespace kubesim::api
