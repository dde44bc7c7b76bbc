// The other kinds kubesim stores as typed objects. Namespace, PriorityClass, Lease and
// PodDisruptionBudget (status kept by the disruption controller, read by scheduler preemption)
// carry behaviour today; ReplicaSet, Deployment, Job, DaemonSet, StatefulSet, EndpointSlice and
// HorizontalPodAutoscaler (models/api/autoscaling.h) have their controllers (models/controllers);
// Service, ServiceAccount, Secret and ConfigMap are read by controllers (see docs/fidelity.md).
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
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
  static constexpr const char* kKind = "Namespace";
  static constexpr const char* kAPIVersion = "v1";
  std::string phase = "Active";              // status.phase: Active or Terminating
  std::vector<std::string> spec_finalizers;  // spec.finalizers
};

struct PriorityClass : ObjectOf<PriorityClass> {
  static constexpr const char* kKind = "PriorityClass";
  static constexpr const char* kAPIVersion = "scheduling.k8s.io/v1";
  int32_t value = 0;
  bool global_default = false;
  std::string preemption_policy = "PreemptLowerPriority";
  std::string description;
};

// coordination.k8s.io/v1 Lease, as the kubelet renews it in kube-node-lease.
struct Lease : ObjectOf<Lease> {
  static constexpr const char* kKind = "Lease";
  static constexpr const char* kAPIVersion = "coordination.k8s.io/v1";
  std::string holder_identity;
  int32_t lease_duration_seconds = 40;
  std::optional<sim::Time> renew_time;
  // Set by client-go's leader election (tools/leaderelection/resourcelock/leaselock.go): when the
  // holder acquired it and how many times the holder changed.
  std::optional<sim::Time> acquire_time;
  int32_t lease_transitions = 0;
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
  static constexpr const char* kKind = "ReplicaSet";
  static constexpr const char* kAPIVersion = "apps/v1";
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
  static constexpr const char* kKind = "Deployment";
  static constexpr const char* kAPIVersion = "apps/v1";
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

// batch/v1 Job.
struct JobCondition {
  std::string type;    // SuccessCriteriaMet, Complete, FailureTarget, Failed, Suspended
  std::string status;  // "True", "False"
  std::string reason;  // BackoffLimitExceeded, DeadlineExceeded, ...
  std::string message;
  sim::Time last_probe_time;
  sim::Time last_transition_time;
};

struct JobStatus {
  std::vector<JobCondition> conditions;
  std::optional<sim::Time> start_time;
  std::optional<sim::Time> completion_time;
  int32_t active = 0;
  int32_t succeeded = 0;
  int32_t failed = 0;
  int32_t ready = 0;
  std::optional<int32_t> terminating;  // tracked with JobPodReplacementPolicy (beta, on in v1.32)
  std::string completed_indexes;       // Indexed Jobs: "1,3-5,7"
};

struct Job : ObjectOf<Job> {
  static constexpr const char* kKind = "Job";
  static constexpr const char* kAPIVersion = "batch/v1";
  // Defaults as upstream SetDefaults_Job: both unset → 1 and 1; only parallelism set → null
  // completions (work-queue mode: done when any pod succeeded and none is active).
  int32_t parallelism = 1;
  std::optional<int32_t> completions;
  std::string completion_mode = "NonIndexed";
  int32_t backoff_limit = 6;
  std::optional<int64_t> active_deadline_seconds;
  std::string pod_replacement_policy = "TerminatingOrFailed";  // or Failed
  bool suspend = false;
  bool manual_selector = false;
  LabelSelector selector;  // given only with manualSelector; otherwise the controller uid selects
  PodTemplate pod_template;
  JobStatus status;

  const JobCondition* FindCondition(std::string_view type) const {
    for (const auto& c : status.conditions) {
      if (c.type == type) return &c;
    }
    return nullptr;
  }
};

// apps/v1 DaemonSet.
struct DaemonSetStatus {
  int32_t current_number_scheduled = 0;
  int32_t number_misscheduled = 0;
  int32_t desired_number_scheduled = 0;
  int32_t number_ready = 0;
  int32_t updated_number_scheduled = 0;
  int32_t number_available = 0;
  int32_t number_unavailable = 0;
  int64_t observed_generation = 0;
};

struct DaemonSet : ObjectOf<DaemonSet> {
  static constexpr const char* kKind = "DaemonSet";
  static constexpr const char* kAPIVersion = "apps/v1";
  LabelSelector selector;
  PodTemplate pod_template;
  std::string update_strategy_type = "RollingUpdate";  // or OnDelete
  IntOrPercent max_unavailable{1, false};
  IntOrPercent max_surge{0, false};
  int32_t min_ready_seconds = 0;
  DaemonSetStatus status;
};

// apps/v1 StatefulSet.
struct StatefulSetStatus {
  int64_t observed_generation = 0;
  int32_t replicas = 0;
  int32_t ready_replicas = 0;
  int32_t current_replicas = 0;
  int32_t updated_replicas = 0;
  int32_t available_replicas = 0;
  std::string current_revision;
  std::string update_revision;
};

struct StatefulSet : ObjectOf<StatefulSet> {
  static constexpr const char* kKind = "StatefulSet";
  static constexpr const char* kAPIVersion = "apps/v1";
  int32_t replicas = 1;
  LabelSelector selector;
  PodTemplate pod_template;
  std::string service_name;
  std::string pod_management_policy = "OrderedReady";  // or Parallel
  std::string update_strategy_type = "RollingUpdate";  // or OnDelete
  int32_t partition = 0;
  int32_t min_ready_seconds = 0;
  int32_t ordinals_start = 0;  // spec.ordinals.start
  // volumeClaimTemplates by name: decoded and reported, but no claim is created (no volumes).
  std::vector<std::string> volume_claim_templates;
  StatefulSetStatus status;
};

// core/v1 LoadBalancerIngress: the address of a Service's cloud load balancer.
struct LoadBalancerIngress {
  std::string ip;
  std::string hostname;
  friend bool operator==(const LoadBalancerIngress&, const LoadBalancerIngress&) = default;
};

// core/v1 ServiceStatus: status.loadBalancer.ingress, written by the cloud-controller-manager's
// service controller.
struct ServiceStatus {
  std::vector<LoadBalancerIngress> load_balancer_ingress;
};

struct Service : ObjectOf<Service> {
  static constexpr const char* kKind = "Service";
  static constexpr const char* kAPIVersion = "v1";
  StringMap selector;
  std::string type = "ClusterIP";
  bool publish_not_ready_addresses = false;
  ServiceStatus status;
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
  static constexpr const char* kKind = "PodDisruptionBudget";
  static constexpr const char* kAPIVersion = "policy/v1";
  std::optional<IntOrPercent> min_available;
  std::optional<IntOrPercent> max_unavailable;
  std::optional<LabelSelector> selector;  // absent or empty: selects no pod (see default_preemption)
  PodDisruptionBudgetStatus status;
};

struct ServiceAccount : ObjectOf<ServiceAccount> {
  static constexpr const char* kKind = "ServiceAccount";
  static constexpr const char* kAPIVersion = "v1";
};

// core/v1 Secret. `data` holds the bytes themselves: a manifest's base64 `data` decoded, with
// its plain-text `stringData` merged over it as the API server does on write.
inline constexpr const char* kSecretTypeOpaque = "Opaque";
inline constexpr const char* kSecretTypeServiceAccountToken = "kubernetes.io/service-account-token";
// Annotations and data keys of a service-account-token Secret (core/v1 types.go).
inline constexpr const char* kServiceAccountNameKey = "kubernetes.io/service-account.name";
inline constexpr const char* kServiceAccountUidKey = "kubernetes.io/service-account.uid";
inline constexpr const char* kServiceAccountTokenKey = "token";
inline constexpr const char* kServiceAccountRootCAKey = "ca.crt";
inline constexpr const char* kServiceAccountNamespaceKey = "namespace";

struct Secret : ObjectOf<Secret> {
  static constexpr const char* kKind = "Secret";
  static constexpr const char* kAPIVersion = "v1";
  std::string type = kSecretTypeOpaque;
  StringMap data;
  bool immutable = false;
};

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
  static constexpr const char* kKind = "EndpointSlice";
  static constexpr const char* kAPIVersion = "discovery.k8s.io/v1";
  std::string address_type = "IPv4";
  std::vector<Endpoint> endpoints;
};

struct ConfigMap : ObjectOf<ConfigMap> {
  static constexpr const char* kKind = "ConfigMap";
  static constexpr const char* kAPIVersion = "v1";
  StringMap data;
};

}  // namespace kubesim::api
