// The other kinds kubesim stores as typed objects. Namespace, PriorityClass and Lease carry
// behaviour today; ReplicaSet, Deployment, Service, ServiceAccount and ConfigMap are decoded and
// stored, and their controllers arrive with later work (see docs/fidelity.md).
#pragma once

#include <memory>
#include <optional>
#include <string>

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

struct ServiceAccount : ObjectOf<ServiceAccount> {};

struct ConfigMap : ObjectOf<ConfigMap> {
  StringMap data;
};

}  // namespace kubesim::api
