#include "models/api/stored_size.h"

#include "models/api/kinds.h"
#include "models/api/node.h"
#include "models/api/pod.h"

namespace kubesim::api {
namespace {

// A length-delimited protobuf field: one tag byte, a varint length, the bytes.
int64_t Field(size_t bytes) { return static_cast<int64_t>(bytes) + (bytes < 128 ? 2 : bytes < 16384 ? 3 : 4); }
int64_t Text(const std::string& s) { return s.empty() ? 0 : Field(s.size()); }
// A map entry is a message of two string fields.
int64_t Map(const StringMap& m) {
  int64_t n = 0;
  for (const auto& [k, v] : m) n += Field(static_cast<size_t>(Text(k) + Text(v)));
  return n;
}
int64_t Resources(const ResourceList& list) {
  int64_t n = 0;
  for (const auto& [name, q] : list) n += Field(static_cast<size_t>(Text(name) + Field(q.text().size()) + 2));
  return n;
}
constexpr int64_t kTimestamp = 8;  // metav1.Time: seconds as a varint in its own message
constexpr int64_t kNumber = 3;

int64_t Metadata(const ObjectMeta& m) {
  int64_t n = Text(m.name) + Text(m.generate_name) + Text(m.namespace_) + Text(m.uid) + Map(m.labels) +
              Map(m.annotations) + kTimestamp + 2 * kNumber + 12 /* resourceVersion as text */;
  for (const OwnerReference& o : m.owner_references) {
    n += Field(static_cast<size_t>(Text(o.api_version) + Text(o.kind) + Text(o.name) + Text(o.uid) + 4));
  }
  for (const std::string& f : m.finalizers) n += Text(f);
  if (m.deletion_timestamp) n += kTimestamp + kNumber;
  return Field(static_cast<size_t>(n));
}

int64_t Containers(const std::vector<Container>& cs) {
  int64_t n = 0;
  for (const Container& c : cs) {
    int64_t body = Text(c.name) + Text(c.image) + Text(c.image_pull_policy) + Resources(c.requests) +
                   Resources(c.limits) + Text(c.restart_policy) + static_cast<int64_t>(c.ports.size()) * 12;
    for (const auto* p : {&c.readiness_probe, &c.liveness_probe, &c.startup_probe}) body += p->has_value() ? 40 : 0;
    n += Field(static_cast<size_t>(body));
  }
  return n;
}

// Fields every stored Pod carries that kubesim does not keep: the projected service-account token
// volume and its mount, the two default not-ready/unreachable tolerations, terminationMessagePath
// and Policy per container, dnsPolicy, securityContext, enableServiceLinks, and the status'
// hostIP, podIP(s) and qosClass. An ASSUMPTION (docs/calibration.md), about 700 bytes.
constexpr int64_t kPodDefaults = 700;
// A Node's nodeInfo (kernel, OS image, runtime and kubelet versions, machine and boot ids),
// daemonEndpoints and the config source kubesim does not keep. An ASSUMPTION, about 400 bytes.
constexpr int64_t kNodeDefaults = 400;

int64_t PodBody(const Pod& p) {
  int64_t n = kPodDefaults + Containers(p.spec.containers) + Containers(p.spec.init_containers) +
              Text(p.spec.node_name) + Text(p.spec.scheduler_name) + Text(p.spec.priority_class_name) +
              Text(p.spec.restart_policy) + Text(p.spec.service_account_name) + Map(p.spec.node_selector) +
              static_cast<int64_t>(p.spec.tolerations.size()) * 40 +
              static_cast<int64_t>(p.spec.topology_spread_constraints.size()) * 80 + 4 * kNumber;
  n += Text(p.status.phase) + Text(p.status.reason) + Text(p.status.message) + Text(p.status.nominated_node_name);
  for (const PodCondition& c : p.status.conditions) {
    n += Field(static_cast<size_t>(Text(c.type) + Text(c.status) + Text(c.reason) + Text(c.message) + kTimestamp));
  }
  for (const ContainerStatus& s : p.status.container_statuses) {
    n += Field(static_cast<size_t>(Text(s.name) + Text(s.image) + 2 * kNumber + 2 * (kTimestamp + 16)));
  }
  return n;
}

int64_t NodeBody(const Node& node) {
  int64_t n = kNodeDefaults + Resources(node.status.capacity) + Resources(node.status.allocatable) +
              static_cast<int64_t>(node.spec.taints.size()) * 48 + Text(node.spec.provider_id);
  for (const NodeCondition& c : node.status.conditions) {
    n += Field(static_cast<size_t>(Text(c.type) + Text(c.status) + Text(c.reason) + 2 * kTimestamp + 40));
  }
  for (const NodeAddress& a : node.status.addresses) n += Field(static_cast<size_t>(Text(a.type) + Text(a.address)));
  for (const ContainerImage& image : node.status.images) {
    int64_t names = kNumber;
    for (const std::string& name : image.names) names += Text(name);
    n += Field(static_cast<size_t>(names));
  }
  return n;
}

}  // namespace

int64_t StoredSize(const Object& obj) {
  // The "k8s\0" prefix, then runtime.Unknown's TypeMeta and raw bytes.
  int64_t n = 4 + Text(obj.api_version) + Text(obj.kind) + Metadata(obj.metadata);
  if (const auto* pod = dynamic_cast<const Pod*>(&obj)) return n + Field(static_cast<size_t>(PodBody(*pod)));
  if (const auto* cm = dynamic_cast<const ConfigMap*>(&obj)) return n + Map(cm->data);
  if (const auto* secret = dynamic_cast<const Secret*>(&obj)) return n + Map(secret->data) + Text(secret->type);
  if (const auto* node = dynamic_cast<const Node*>(&obj)) return n + Field(static_cast<size_t>(NodeBody(*node)));
  // Other kinds: their pod template if they have one, and a small spec and status beside it.
  n += 200;
  auto with_template = [&n](const auto* w) {
    if (w == nullptr) return false;
    const PodTemplate& t = w->pod_template;
    n += Field(static_cast<size_t>(Metadata(t.metadata) + Containers(t.spec.containers) +
                                   Containers(t.spec.init_containers) + Map(t.spec.node_selector)));
    return true;
  };
  with_template(dynamic_cast<const Deployment*>(&obj)) || with_template(dynamic_cast<const ReplicaSet*>(&obj)) ||
      with_template(dynamic_cast<const StatefulSet*>(&obj)) || with_template(dynamic_cast<const DaemonSet*>(&obj)) ||
      with_template(dynamic_cast<const Job*>(&obj));
  return n;
}

}  // namespace kubesim::api
