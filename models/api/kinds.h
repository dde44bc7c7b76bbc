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
};

struct ReplicaSet : ObjectOf<ReplicaSet> {
  int32_t replicas = 1;
  LabelSelector selector;
  PodTemplate pod_template;
};

struct Deployment : ObjectOf<Deployment> {
  int32_t replicas = 1;
  LabelSelector selector;
  PodTemplate pod_template;
  std::string strategy_type = "RollingUpdate";
};

struct Service : ObjectOf<Service> {
  StringMap selector;
  std::string type = "ClusterIP";
};

// policy/v1 PodDisruptionBudget. minAvailable / maxUnavailable are IntOrString (an int or "N%").
// No disruption controller is simulated yet: status.disruptionsAllowed is what the manifest gives
// (0 when absent, as upstream before the controller's first sync), and the scheduler reads it.
struct IntOrPercent {
  int32_t value = 0;
  bool percent = false;
};
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
