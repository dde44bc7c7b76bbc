#include "models/api/codec.h"

#include <algorithm>
#include <cctype>
#include <cstdint>

#include "models/api/autoscaling.h"
#include "models/api/codec_internal.h"
#include "models/api/flowcontrol.h"
#include "models/api/names.h"

namespace kubesim::api {
namespace {

using internal::CheckSelectorMatchesTemplate;
using internal::DecodeIntOrPercent;
using internal::DecodePodSpec;
using internal::DecodePodTemplate;
using internal::DecodeResources;

using sim::Status;
using sim::StatusOr;

struct KindInfo {
  const char* kind;
  const char* api_version;
  const char* resource;
  bool cluster_scoped;
  bool simulated;
};

// apiVersion each simulated kind is served at (v1.32), and the scope of common opaque kinds.
constexpr KindInfo kKinds[] = {
    {Pod::kKind, Pod::kAPIVersion, "pods", false, true},
    {Node::kKind, Node::kAPIVersion, "nodes", true, true},
    {Namespace::kKind, Namespace::kAPIVersion, "namespaces", true, true},
    {PriorityClass::kKind, PriorityClass::kAPIVersion, "priorityclasses", true, true},
    {Lease::kKind, Lease::kAPIVersion, "leases", false, true},
    {ReplicaSet::kKind, ReplicaSet::kAPIVersion, "replicasets", false, true},
    {Deployment::kKind, Deployment::kAPIVersion, "deployments", false, true},
    {Service::kKind, Service::kAPIVersion, "services", false, true},
    {ServiceAccount::kKind, ServiceAccount::kAPIVersion, "serviceaccounts", false, true},
    {ConfigMap::kKind, ConfigMap::kAPIVersion, "configmaps", false, true},
    {Secret::kKind, Secret::kAPIVersion, "secrets", false, true},
    {PodDisruptionBudget::kKind, PodDisruptionBudget::kAPIVersion, "poddisruptionbudgets", false, true},
    {HorizontalPodAutoscaler::kKind, HorizontalPodAutoscaler::kAPIVersion, "horizontalpodautoscalers", false, true},
    {Job::kKind, Job::kAPIVersion, "jobs", false, true},
    {DaemonSet::kKind, DaemonSet::kAPIVersion, "daemonsets", false, true},
    {StatefulSet::kKind, StatefulSet::kAPIVersion, "statefulsets", false, true},
    {EndpointSlice::kKind, EndpointSlice::kAPIVersion, "endpointslices", false, true},
    {FlowSchema::kKind, FlowSchema::kAPIVersion, "flowschemas", true, true},
    {PriorityLevelConfiguration::kKind, PriorityLevelConfiguration::kAPIVersion, "prioritylevelconfigurations", true,
     true},
    {"PersistentVolume", "v1", "persistentvolumes", true, false},
    {"StorageClass", "storage.k8s.io/v1", "storageclasses", true, false},
    {"ClusterRole", "rbac.authorization.k8s.io/v1", "clusterroles", true, false},
    {"ClusterRoleBinding", "rbac.authorization.k8s.io/v1", "clusterrolebindings", true, false},
    {"CustomResourceDefinition", "apiextensions.k8s.io/v1", "customresourcedefinitions", true, false},
    {"IngressClass", "networking.k8s.io/v1", "ingressclasses", true, false},
    {"CSIDriver", "storage.k8s.io/v1", "csidrivers", true, false},
};

const KindInfo* FindKind(const std::string& kind) {
  for (const auto& k : kKinds) {
    if (kind == k.kind) return &k;
  }
  return nullptr;
}

Status DecodeMeta(const YamlNode& doc, bool cluster_scoped, ObjectMeta* meta) {
  YamlNode m = doc["metadata"];
  if (!m.Defined()) return m.Error("Required value: every object needs metadata.name");
  KUBESIM_RETURN_IF_ERROR(m.ExpectMap());
  if (m["name"].Defined()) {
    KUBESIM_ASSIGN_OR_RETURN(meta->name, m["name"].String());
  }
  if (m["generateName"].Defined()) {
    KUBESIM_ASSIGN_OR_RETURN(meta->generate_name, m["generateName"].String());
  }
  if (meta->name.empty() && meta->generate_name.empty()) {
    return m["name"].Error("Required value: name or generateName is required");
  }
  if (!meta->name.empty() && !IsDnsSubdomain(meta->name)) {
    return m["name"].Error("Invalid value \"" + meta->name +
                           "\": a lowercase RFC 1123 subdomain must consist of lower case "
                           "alphanumeric characters, '-' or '.', and must start and end with an "
                           "alphanumeric character");
  }
  if (m["namespace"].Defined()) {
    KUBESIM_ASSIGN_OR_RETURN(meta->namespace_, m["namespace"].String());
  }
  if (cluster_scoped) {
    meta->namespace_.clear();  // the API server ignores a namespace on cluster-scoped kinds
  } else if (meta->namespace_.empty()) {
    meta->namespace_ = "default";
  }
  KUBESIM_ASSIGN_OR_RETURN(meta->labels, m["labels"].StringMap());
  KUBESIM_ASSIGN_OR_RETURN(meta->annotations, m["annotations"].StringMap());
  KUBESIM_ASSIGN_OR_RETURN(auto owners, m["ownerReferences"].Items());
  for (const auto& o : owners) {
    OwnerReference ref;
    KUBESIM_ASSIGN_OR_RETURN(ref.api_version, o["apiVersion"].String());
    KUBESIM_ASSIGN_OR_RETURN(ref.kind, o["kind"].String());
    KUBESIM_ASSIGN_OR_RETURN(ref.name, o["name"].String());
    if (o["uid"].Defined()) {
      KUBESIM_ASSIGN_OR_RETURN(ref.uid, o["uid"].String());
    }
    if (o["controller"].Defined()) {
      KUBESIM_ASSIGN_OR_RETURN(ref.controller, o["controller"].Bool());
    }
    if (o["blockOwnerDeletion"].Defined()) {
      KUBESIM_ASSIGN_OR_RETURN(ref.block_owner_deletion, o["blockOwnerDeletion"].Bool());
    }
    meta->owner_references.push_back(std::move(ref));
  }
  // Upstream ValidateOwnerReferences: at most one controller reference.
  int controllers = 0;
  for (const auto& ref : meta->owner_references) controllers += ref.controller ? 1 : 0;
  if (controllers > 1) {
    return m["ownerReferences"].Error("Invalid value: Only one reference can have Controller set to true");
  }
  KUBESIM_ASSIGN_OR_RETURN(meta->finalizers, m["finalizers"].StringList());
  for (size_t i = 0; i < meta->finalizers.size(); ++i) {
    const std::string& f = meta->finalizers[i];
    // Upstream ValidateFinalizerName: a qualified name; the two GC finalizers are the standard
    // ones without a domain.
    if (f.empty()) return m["finalizers"].Error("Invalid value: \"\": a finalizer name must not be empty");
    for (size_t j = 0; j < i; ++j) {
      if (meta->finalizers[j] == f) return m["finalizers"].Error("Duplicate value: \"" + f + "\"");
    }
  }
  if (meta->HasFinalizer(kFinalizerOrphan) && meta->HasFinalizer(kFinalizerForegroundDeletion)) {
    return m["finalizers"].Error("Invalid value: finalizers orphan and foregroundDeletion cannot be both set");
  }
  return Status::Ok();
}

// core/v1 ContainerState. Timestamps (startedAt, finishedAt) are wall-clock times of the cluster a
// manifest was taken from and have no meaning on the simulated clock: they are not read.
StatusOr<ContainerState> DecodeContainerState(const YamlNode& node) {
  ContainerState st;
  if (!node.Defined()) return st;
  KUBESIM_RETURN_IF_ERROR(node.ExpectMap());
  if (node["waiting"].Defined()) {
    st.kind = ContainerState::Kind::kWaiting;
    if (node["waiting"]["reason"].Defined()) {
      KUBESIM_ASSIGN_OR_RETURN(st.waiting_reason, node["waiting"]["reason"].String());
    }
    if (node["waiting"]["message"].Defined()) {
      KUBESIM_ASSIGN_OR_RETURN(st.waiting_message, node["waiting"]["message"].String());
    }
  } else if (node["running"].Defined()) {
    st.kind = ContainerState::Kind::kRunning;
  } else if (node["terminated"].Defined()) {
    YamlNode t = node["terminated"];
    st.kind = ContainerState::Kind::kTerminated;
    if (t["exitCode"].Defined()) {
      KUBESIM_ASSIGN_OR_RETURN(st.terminated.exit_code, t["exitCode"].Int32());
    }
    if (t["reason"].Defined()) {
      KUBESIM_ASSIGN_OR_RETURN(st.terminated.reason, t["reason"].String());
    }
    if (t["message"].Defined()) {
      KUBESIM_ASSIGN_OR_RETURN(st.terminated.message, t["message"].String());
    }
  }
  return st;
}

StatusOr<std::shared_ptr<Object>> DecodePod(const YamlNode& doc, std::vector<std::string>* warnings) {
  auto pod = std::make_shared<Pod>();
  KUBESIM_RETURN_IF_ERROR(DecodePodSpec(doc["spec"], &pod->spec, warnings));
  YamlNode status = doc["status"];
  if (status["phase"].Defined()) {
    KUBESIM_ASSIGN_OR_RETURN(pod->status.phase, status["phase"].String());
  }
  KUBESIM_ASSIGN_OR_RETURN(auto statuses, status["containerStatuses"].Items());
  for (const auto& cs : statuses) {
    ContainerStatus c;
    if (!cs["name"].Defined()) return cs["name"].Error("Required value");
    KUBESIM_ASSIGN_OR_RETURN(c.name, cs["name"].String());
    if (cs["image"].Defined()) {
      KUBESIM_ASSIGN_OR_RETURN(c.image, cs["image"].String());
    }
    if (cs["ready"].Defined()) {
      KUBESIM_ASSIGN_OR_RETURN(c.ready, cs["ready"].Bool());
    }
    if (cs["started"].Defined()) {
      KUBESIM_ASSIGN_OR_RETURN(c.started, cs["started"].Bool());
    }
    if (cs["restartCount"].Defined()) {
      KUBESIM_ASSIGN_OR_RETURN(c.restart_count, cs["restartCount"].Int32());
      if (c.restart_count < 0) return cs["restartCount"].Error("Invalid value: must be greater than or equal to 0");
    }
    KUBESIM_ASSIGN_OR_RETURN(c.state, DecodeContainerState(cs["state"]));
    KUBESIM_ASSIGN_OR_RETURN(c.last_state, DecodeContainerState(cs["lastState"]));
    pod->status.container_statuses.push_back(std::move(c));
  }
  return std::static_pointer_cast<Object>(pod);
}

StatusOr<std::shared_ptr<Object>> DecodeNode(const YamlNode& doc) {
  auto node = std::make_shared<Node>();
  YamlNode spec = doc["spec"];
  if (spec["unschedulable"].Defined()) {
    KUBESIM_ASSIGN_OR_RETURN(node->spec.unschedulable, spec["unschedulable"].Bool());
  }
  if (spec["providerID"].Defined()) {
    KUBESIM_ASSIGN_OR_RETURN(node->spec.provider_id, spec["providerID"].String());
  }
  if (spec["podCIDR"].Defined()) {
    KUBESIM_ASSIGN_OR_RETURN(node->spec.pod_cidr, spec["podCIDR"].String());
  } else if (spec["podCIDRs"].Defined()) {
    KUBESIM_ASSIGN_OR_RETURN(auto cidrs, spec["podCIDRs"].StringList());
    if (!cidrs.empty()) node->spec.pod_cidr = cidrs.front();
  }
  KUBESIM_ASSIGN_OR_RETURN(auto taints, spec["taints"].Items());
  for (const auto& t : taints) {
    Taint taint;
    if (!t["key"].Defined()) return t["key"].Error("Required value");
    KUBESIM_ASSIGN_OR_RETURN(taint.key, t["key"].String());
    if (t["value"].Defined()) {
      KUBESIM_ASSIGN_OR_RETURN(taint.value, t["value"].String());
    }
    KUBESIM_ASSIGN_OR_RETURN(taint.effect, t["effect"].String());
    if (taint.effect != kTaintNoSchedule && taint.effect != kTaintPreferNoSchedule && taint.effect != kTaintNoExecute) {
      return t["effect"].Error("Unsupported value: \"" + taint.effect +
                               "\": supported values: \"NoSchedule\", \"PreferNoSchedule\", \"NoExecute\"");
    }
    node->spec.taints.push_back(std::move(taint));
  }
  YamlNode status = doc["status"];
  KUBESIM_ASSIGN_OR_RETURN(node->status.capacity, DecodeResources(status["capacity"]));
  KUBESIM_ASSIGN_OR_RETURN(node->status.allocatable, DecodeResources(status["allocatable"]));
  if (node->status.capacity.empty() && node->status.allocatable.empty()) {
    return status["capacity"].Error(
        "Required value: kubesim needs the node's status.capacity or status.allocatable "
        "(cpu, memory, pods), which a real kubelet would report from its machine");
  }
  if (node->status.allocatable.empty()) node->status.allocatable = node->status.capacity;
  if (node->status.capacity.empty()) node->status.capacity = node->status.allocatable;
  KUBESIM_ASSIGN_OR_RETURN(auto addresses, status["addresses"].Items());
  for (const auto& a : addresses) {
    KUBESIM_RETURN_IF_ERROR(a.CheckKeys({"type", "address"}));
    NodeAddress na;
    KUBESIM_ASSIGN_OR_RETURN(na.type, a["type"].String());
    KUBESIM_ASSIGN_OR_RETURN(na.address, a["address"].String());
    node->status.addresses.push_back(std::move(na));
  }
  KUBESIM_ASSIGN_OR_RETURN(auto images, status["images"].Items());
  for (const auto& img : images) {
    ContainerImage ci;
    KUBESIM_ASSIGN_OR_RETURN(ci.names, img["names"].StringList());
    if (img["sizeBytes"].Defined()) {
      KUBESIM_ASSIGN_OR_RETURN(ci.size_bytes, img["sizeBytes"].Int());
    }
    node->status.images.push_back(std::move(ci));
  }
  return std::static_pointer_cast<Object>(node);
}

StatusOr<int32_t> DecodeReplicas(const YamlNode& node) {
  if (!node.Defined()) return 1;
  KUBESIM_ASSIGN_OR_RETURN(int32_t r, node.Int32());
  if (r < 0) return node.Error("Invalid value: must be greater than or equal to 0");
  return r;
}

}  // namespace

namespace internal {

sim::Status CheckSelectorMatchesTemplate(const YamlNode& spec, const LabelSelector& sel, const PodTemplate& t) {
  if (sel.Empty()) return spec["selector"].Error("Invalid value: empty selector is invalid for this kind");
  if (!sel.Matches(t.metadata.labels)) {
    return spec["template"]["metadata"]["labels"].Error("Invalid value: `selector` does not match template `labels`");
  }
  return Status::Ok();
}

// An IntOrString field that must be a non-negative int or a percentage "N%" (at most 100% unless
// `over_100` — upstream checks IsNotMoreThan100Percent for all but a Deployment's maxSurge).
sim::StatusOr<std::optional<IntOrPercent>> DecodeIntOrPercent(const YamlNode& node, bool over_100) {
  if (!node.Defined()) return std::optional<IntOrPercent>();
  IntOrPercent v;
  auto as_int = node.Int();
  if (as_int.ok()) {
    if (*as_int < 0) return node.Error("Invalid value: must be greater than or equal to 0");
    v.value = static_cast<int32_t>(*as_int);
    return std::optional<IntOrPercent>(v);
  }
  KUBESIM_ASSIGN_OR_RETURN(std::string s, node.String());
  bool ok = s.size() >= 2 && s.back() == '%' && s.size() <= 10;
  for (size_t i = 0; ok && i + 1 < s.size(); ++i) ok = std::isdigit(static_cast<unsigned char>(s[i])) != 0;
  if (!ok) return node.Error("Invalid value: \"" + s + "\": must be an integer or percentage (e.g '5%')");
  v.value = static_cast<int32_t>(std::stoll(s.substr(0, s.size() - 1)));
  if (v.value > 100 && !over_100) return node.Error("Invalid value: \"" + s + "\": must be no greater than 100%");
  v.percent = true;
  return std::optional<IntOrPercent>(v);
}

}  // namespace internal

namespace {
StatusOr<int32_t> NonNegative(const YamlNode& node, int32_t dflt) {
  if (!node.Defined()) return dflt;
  KUBESIM_ASSIGN_OR_RETURN(int32_t v, node.Int32());
  if (v < 0) return node.Error("Invalid value: must be greater than or equal to 0");
  return v;
}

// apps/v1 DeploymentSpec strategy and timing fields, with upstream's defaults
// (SetDefaults_Deployment) and validation (ValidateDeploymentSpec).
Status DecodeDeploymentStrategy(const YamlNode& spec, Deployment* d) {
  YamlNode strategy = spec["strategy"];
  if (strategy.Defined()) {
    KUBESIM_RETURN_IF_ERROR(strategy.ExpectMap());
    KUBESIM_RETURN_IF_ERROR(strategy.CheckKeys({"type", "rollingUpdate"}));
    if (strategy["type"].Defined()) {
      KUBESIM_ASSIGN_OR_RETURN(d->strategy_type, strategy["type"].String());
    }
  }
  if (d->strategy_type != "RollingUpdate" && d->strategy_type != "Recreate") {
    return strategy["type"].Error("Unsupported value: \"" + d->strategy_type +
                                  "\": supported values: \"Recreate\", \"RollingUpdate\"");
  }
  YamlNode ru = strategy["rollingUpdate"];
  if (ru.Defined()) {
    if (d->strategy_type == "Recreate") {
      return ru.Error("Forbidden: may not be specified when strategy `type` is 'Recreate'");
    }
    KUBESIM_RETURN_IF_ERROR(ru.ExpectMap());
    KUBESIM_RETURN_IF_ERROR(ru.CheckKeys({"maxSurge", "maxUnavailable"}));
    KUBESIM_ASSIGN_OR_RETURN(auto surge, DecodeIntOrPercent(ru["maxSurge"], true));
    KUBESIM_ASSIGN_OR_RETURN(auto unavailable, DecodeIntOrPercent(ru["maxUnavailable"]));
    if (surge) d->max_surge = *surge;
    if (unavailable) d->max_unavailable = *unavailable;
    if (d->max_surge.value == 0 && d->max_unavailable.value == 0) {
      return ru["maxUnavailable"].Defined()
                 ? ru["maxUnavailable"].Error("Invalid value: may not be 0 when `maxSurge` is 0")
                 : ru.Error("maxUnavailable: Invalid value: may not be 0 when `maxSurge` is 0");
    }
  }
  KUBESIM_ASSIGN_OR_RETURN(d->min_ready_seconds, NonNegative(spec["minReadySeconds"], 0));
  KUBESIM_ASSIGN_OR_RETURN(d->revision_history_limit, NonNegative(spec["revisionHistoryLimit"], 10));
  KUBESIM_ASSIGN_OR_RETURN(d->progress_deadline_seconds, NonNegative(spec["progressDeadlineSeconds"], 600));
  if (spec["progressDeadlineSeconds"].Defined() && d->progress_deadline_seconds <= d->min_ready_seconds) {
    return spec["progressDeadlineSeconds"].Error("Invalid value: must be greater than minReadySeconds");
  }
  if (spec["paused"].Defined()) {
    KUBESIM_ASSIGN_OR_RETURN(d->paused, spec["paused"].Bool());
  }
  return Status::Ok();
}

StatusOr<std::shared_ptr<Object>> DecodeEndpointSlice(const YamlNode& doc) {
  auto slice = std::make_shared<EndpointSlice>();
  if (!doc["addressType"].Defined()) return doc["addressType"].Error("Required value");
  KUBESIM_ASSIGN_OR_RETURN(slice->address_type, doc["addressType"].String());
  if (slice->address_type != "IPv4" && slice->address_type != "IPv6" && slice->address_type != "FQDN") {
    return doc["addressType"].Error("Unsupported value: \"" + slice->address_type +
                                    "\": supported values: \"FQDN\", \"IPv4\", \"IPv6\"");
  }
  KUBESIM_ASSIGN_OR_RETURN(auto endpoints, doc["endpoints"].Items());
  if (endpoints.size() > 1000) return doc["endpoints"].Error("Too many: must have at most 1000 items");
  for (const auto& e : endpoints) {
    Endpoint ep;
    KUBESIM_ASSIGN_OR_RETURN(ep.addresses, e["addresses"].StringList());
    if (ep.addresses.empty() || ep.addresses.size() > 100) {
      return e["addresses"].Error("Invalid value: must contain at least 1 and at most 100 addresses");
    }
    YamlNode c = e["conditions"];
    for (auto [field, out] : {std::pair{"ready", &ep.conditions.ready}, std::pair{"serving", &ep.conditions.serving},
                              std::pair{"terminating", &ep.conditions.terminating}}) {
      if (!c[field].Defined()) continue;
      KUBESIM_ASSIGN_OR_RETURN(bool b, c[field].Bool());
      *out = b;
    }
    if (e["nodeName"].Defined()) {
      KUBESIM_ASSIGN_OR_RETURN(ep.node_name, e["nodeName"].String());
    }
    if (e["zone"].Defined()) {
      KUBESIM_ASSIGN_OR_RETURN(ep.zone, e["zone"].String());
    }
    YamlNode t = e["targetRef"];
    if (t["kind"].Defined()) {
      KUBESIM_ASSIGN_OR_RETURN(ep.target_ref.kind, t["kind"].String());
    }
    if (t["namespace"].Defined()) {
      KUBESIM_ASSIGN_OR_RETURN(ep.target_ref.namespace_, t["namespace"].String());
    }
    if (t["name"].Defined()) {
      KUBESIM_ASSIGN_OR_RETURN(ep.target_ref.name, t["name"].String());
    }
    if (t["uid"].Defined()) {
      KUBESIM_ASSIGN_OR_RETURN(ep.target_ref.uid, t["uid"].String());
    }
    slice->endpoints.push_back(std::move(ep));
  }
  return std::static_pointer_cast<Object>(slice);
}

StatusOr<std::shared_ptr<Object>> DecodePodDisruptionBudget(const YamlNode& doc) {
  auto pdb = std::make_shared<PodDisruptionBudget>();
  YamlNode spec = doc["spec"];
  KUBESIM_ASSIGN_OR_RETURN(pdb->min_available, DecodeIntOrPercent(spec["minAvailable"]));
  KUBESIM_ASSIGN_OR_RETURN(pdb->max_unavailable, DecodeIntOrPercent(spec["maxUnavailable"]));
  if (pdb->min_available && pdb->max_unavailable) {
    return spec.Error("Invalid value: minAvailable and maxUnavailable cannot be both set");
  }
  if (spec["selector"].Defined()) {
    KUBESIM_ASSIGN_OR_RETURN(LabelSelector sel, DecodeLabelSelector(spec["selector"]));
    pdb->selector = std::move(sel);
  }
  // A status in the manifest is kept until the disruption controller's first sync.
  YamlNode status = doc["status"];
  struct Field {
    const char* name;
    int32_t* out;
  };
  for (Field f :
       {Field{"disruptionsAllowed", &pdb->status.disruptions_allowed},
        Field{"currentHealthy", &pdb->status.current_healthy}, Field{"desiredHealthy", &pdb->status.desired_healthy},
        Field{"expectedPods", &pdb->status.expected_pods}}) {
    if (!status[f.name].Defined()) continue;
    KUBESIM_ASSIGN_OR_RETURN(int64_t d, status[f.name].Int());
    if (d < 0 || d > INT32_MAX) return status[f.name].Error("Invalid value: must be greater than or equal to 0");
    *f.out = static_cast<int32_t>(d);
  }
  // disruptedPods: name → RFC 3339 time. Wall-clock times mean nothing in a run that starts at
  // 0, so every entry counts as recorded at the start of the run.
  KUBESIM_ASSIGN_OR_RETURN(StringMap disrupted, status["disruptedPods"].StringMap());
  for (const auto& [name, when] : disrupted) pdb->status.disrupted_pods[name] = sim::Time::Zero();
  return std::static_pointer_cast<Object>(pdb);
}

}  // namespace

StatusOr<LabelSelector> DecodeLabelSelector(const YamlNode& node) {
  LabelSelector sel;
  if (!node.Defined()) return sel;
  KUBESIM_ASSIGN_OR_RETURN(sel.match_labels, node["matchLabels"].StringMap());
  KUBESIM_ASSIGN_OR_RETURN(auto exprs, node["matchExpressions"].Items());
  for (const auto& e : exprs) {
    LabelSelectorRequirement r;
    KUBESIM_ASSIGN_OR_RETURN(r.key, e["key"].String());
    KUBESIM_ASSIGN_OR_RETURN(std::string op, e["operator"].String());
    KUBESIM_ASSIGN_OR_RETURN(r.values, e["values"].StringList());
    if (op == "In")
      r.op = SelectorOp::kIn;
    else if (op == "NotIn")
      r.op = SelectorOp::kNotIn;
    else if (op == "Exists")
      r.op = SelectorOp::kExists;
    else if (op == "DoesNotExist")
      r.op = SelectorOp::kDoesNotExist;
    else
      return e["operator"].Error("\"" + op + "\" is not a valid label selector operator");
    bool needs_values = r.op == SelectorOp::kIn || r.op == SelectorOp::kNotIn;
    if (needs_values && r.values.empty()) {
      return e["values"].Error("Required value: must be specified when `operator` is 'In' or 'NotIn'");
    }
    if (!needs_values && !r.values.empty()) {
      return e["values"].Error("Forbidden: may not be specified when `operator` is 'Exists' or 'DoesNotExist'");
    }
    sel.match_expressions.push_back(std::move(r));
  }
  return sel;
}

std::string ResourceOf(const std::string& kind) {
  if (const KindInfo* k = FindKind(kind)) return k->resource;
  std::string r;
  for (char c : kind) r.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  if (!r.empty() && r.back() == 's') return r + "es";
  if (!r.empty() && r.back() == 'y') return r.substr(0, r.size() - 1) + "ies";
  return r + "s";
}

std::optional<ResourceNames> ResourceNamesOf(std::string_view kind) {
  for (const auto& k : kKinds) {
    if (kind == k.kind) {
      const std::string_view version = k.api_version;
      const size_t slash = version.find('/');
      return ResourceNames{slash == std::string_view::npos ? std::string_view() : version.substr(0, slash), k.resource};
    }
  }
  return std::nullopt;
}

bool IsClusterScoped(const std::string& kind) {
  const KindInfo* k = FindKind(kind);
  return k != nullptr && k->cluster_scoped;
}

std::vector<std::string> TypedKinds() {
  std::vector<std::string> out;
  for (const auto& k : kKinds) {
    if (k.simulated) out.push_back(k.kind);
  }
  return out;
}

bool IsSimulatedKind(const std::string& kind) {
  const KindInfo* k = FindKind(kind);
  return k != nullptr && k->simulated;
}

// A FlowSchema or PriorityLevelConfiguration whose spec kube-apiserver would put back as it ships
// it: accepted (the apiserver accepts it too) with a warning that this spec has no effect.
void WarnIfRestored(const YamlNode& doc, const std::string& kind, const ObjectMeta& meta,
                    std::vector<std::string>* warnings) {
  // A mandatory one that validates equals the shipped one anyway.
  if (!ApiServerRestoresSpec(kind, meta) || IsMandatoryFlowControlObject(meta.name)) return;
  warnings->push_back(doc["spec"]
                          .Error(kind + " \"" + meta.name +
                                 "\" is one of kube-apiserver's suggested objects, whose spec it keeps as it ships "
                                 "it unless metadata.annotations[" +
                                 kAnnotationAutoUpdateSpec + "] is \"false\": this spec has no effect")
                          .message());
}

StatusOr<DecodeResult> DecodeObject(const YamlNode& doc) {
  KUBESIM_RETURN_IF_ERROR(doc.ExpectMap());
  if (!doc["apiVersion"].Defined()) return doc["apiVersion"].Error("Required value");
  if (!doc["kind"].Defined()) return doc["kind"].Error("Required value");
  KUBESIM_ASSIGN_OR_RETURN(std::string api_version, doc["apiVersion"].String());
  KUBESIM_ASSIGN_OR_RETURN(std::string kind, doc["kind"].String());
  if (kind == "List") return doc["kind"].Error("kind List is not supported; give the items as separate documents");

  const KindInfo* info = FindKind(kind);
  if (info != nullptr && info->simulated && api_version != info->api_version) {
    return doc["apiVersion"].Error("no kind \"" + kind + "\" is registered for version \"" + api_version +
                                   "\" (kubesim serves " + kind + " at " + info->api_version + ")");
  }
  ObjectMeta meta;
  KUBESIM_RETURN_IF_ERROR(DecodeMeta(doc, IsClusterScoped(kind), &meta));

  DecodeResult result;
  std::shared_ptr<Object> obj;
  KUBESIM_RETURN_IF_ERROR(internal::CheckKubesimAnnotations(doc["metadata"], meta.annotations));
  if (kind == Pod::kKind) {
    KUBESIM_ASSIGN_OR_RETURN(obj, DecodePod(doc, &result.warnings));
  } else if (kind == Node::kKind) {
    KUBESIM_ASSIGN_OR_RETURN(obj, DecodeNode(doc));
    if (!meta.labels.count(kLabelHostname)) meta.labels[kLabelHostname] = meta.name;  // kubelet sets it
  } else if (kind == Namespace::kKind) {
    obj = std::make_shared<Namespace>();
  } else if (kind == PriorityClass::kKind) {
    auto pc = std::make_shared<PriorityClass>();
    if (!doc["value"].Defined()) return doc["value"].Error("Required value");
    KUBESIM_ASSIGN_OR_RETURN(int32_t v, doc["value"].Int32());
    if (v > 1'000'000'000) {
      return doc["value"].Error("Invalid value: user-defined priority classes must not exceed 1000000000");
    }
    pc->value = static_cast<int32_t>(v);
    if (doc["globalDefault"].Defined()) {
      KUBESIM_ASSIGN_OR_RETURN(pc->global_default, doc["globalDefault"].Bool());
    }
    if (doc["preemptionPolicy"].Defined()) {
      KUBESIM_ASSIGN_OR_RETURN(pc->preemption_policy, doc["preemptionPolicy"].String());
    }
    obj = pc;
  } else if (kind == Lease::kKind) {
    auto lease = std::make_shared<Lease>();
    YamlNode spec = doc["spec"];
    if (spec["holderIdentity"].Defined()) {
      KUBESIM_ASSIGN_OR_RETURN(lease->holder_identity, spec["holderIdentity"].String());
    }
    obj = lease;
  } else if (kind == ReplicaSet::kKind || kind == Deployment::kKind) {
    YamlNode spec = doc["spec"];
    KUBESIM_ASSIGN_OR_RETURN(int32_t replicas, DecodeReplicas(spec["replicas"]));
    KUBESIM_ASSIGN_OR_RETURN(LabelSelector sel, DecodeLabelSelector(spec["selector"]));
    KUBESIM_ASSIGN_OR_RETURN(PodTemplate tmpl, DecodePodTemplate(spec["template"], &result.warnings));
    KUBESIM_RETURN_IF_ERROR(CheckSelectorMatchesTemplate(spec, sel, tmpl));
    if (kind == ReplicaSet::kKind) {
      auto rs = std::make_shared<ReplicaSet>();
      rs->replicas = replicas;
      rs->selector = std::move(sel);
      rs->pod_template = std::move(tmpl);
      KUBESIM_ASSIGN_OR_RETURN(rs->min_ready_seconds, NonNegative(spec["minReadySeconds"], 0));
      obj = rs;
    } else {
      auto d = std::make_shared<Deployment>();
      d->replicas = replicas;
      d->selector = std::move(sel);
      d->pod_template = std::move(tmpl);
      KUBESIM_RETURN_IF_ERROR(DecodeDeploymentStrategy(spec, d.get()));
      obj = d;
    }
  } else if (kind == Service::kKind) {
    auto svc = std::make_shared<Service>();
    KUBESIM_ASSIGN_OR_RETURN(svc->selector, doc["spec"]["selector"].StringMap());
    if (doc["spec"]["type"].Defined()) {
      KUBESIM_ASSIGN_OR_RETURN(svc->type, doc["spec"]["type"].String());
    }
    if (doc["spec"]["publishNotReadyAddresses"].Defined()) {
      KUBESIM_ASSIGN_OR_RETURN(svc->publish_not_ready_addresses, doc["spec"]["publishNotReadyAddresses"].Bool());
    }
    obj = svc;
  } else if (kind == HorizontalPodAutoscaler::kKind) {
    KUBESIM_ASSIGN_OR_RETURN(obj, internal::DecodeHorizontalPodAutoscaler(doc));
  } else if (kind == Job::kKind) {
    KUBESIM_ASSIGN_OR_RETURN(obj, internal::DecodeJob(doc, &result.warnings));
  } else if (kind == DaemonSet::kKind) {
    KUBESIM_ASSIGN_OR_RETURN(obj, internal::DecodeDaemonSet(doc, &result.warnings));
  } else if (kind == StatefulSet::kKind) {
    KUBESIM_ASSIGN_OR_RETURN(obj, internal::DecodeStatefulSet(doc, &result.warnings));
  } else if (kind == PodDisruptionBudget::kKind) {
    KUBESIM_ASSIGN_OR_RETURN(obj, DecodePodDisruptionBudget(doc));
  } else if (kind == EndpointSlice::kKind) {
    KUBESIM_ASSIGN_OR_RETURN(obj, DecodeEndpointSlice(doc));
  } else if (kind == ServiceAccount::kKind) {
    obj = std::make_shared<ServiceAccount>();
  } else if (kind == Secret::kKind) {
    KUBESIM_ASSIGN_OR_RETURN(obj, internal::DecodeSecret(doc, meta));
  } else if (kind == FlowSchema::kKind) {
    KUBESIM_ASSIGN_OR_RETURN(obj, internal::DecodeFlowSchema(doc, meta.name));
    WarnIfRestored(doc, kind, meta, &result.warnings);
  } else if (kind == PriorityLevelConfiguration::kKind) {
    KUBESIM_ASSIGN_OR_RETURN(obj, internal::DecodePriorityLevelConfiguration(doc, meta.name));
    WarnIfRestored(doc, kind, meta, &result.warnings);
  } else if (kind == ConfigMap::kKind) {
    auto cm = std::make_shared<ConfigMap>();
    KUBESIM_ASSIGN_OR_RETURN(cm->data, doc["data"].StringMap());
    obj = cm;
  } else {
    obj = std::make_shared<OpaqueObject>();
  }
  obj->api_version = api_version;
  obj->kind = kind;
  obj->metadata = std::move(meta);
  obj->source = SourceRef{doc.file(), doc.line(), doc.column()};
  result.object = std::move(obj);
  return result;
}

}  // namespace kubesim::api
