// Decoding of pod specs (Pod, and the templates of workload kinds): containers, resources,
// ports, tolerations, affinity, topology spread constraints — with upstream's validation
// messages for the fields kubesim reads.
#include <algorithm>
#include <charconv>

#include "models/api/codec.h"
#include "models/api/codec_internal.h"

namespace kubesim::api::internal {
namespace {

using sim::Status;
using sim::StatusOr;

StatusOr<std::vector<ContainerPort>> DecodePorts(const YamlNode& node) {
  std::vector<ContainerPort> out;
  KUBESIM_ASSIGN_OR_RETURN(auto items, node.Items());
  for (const auto& p : items) {
    ContainerPort port;
    if (p["containerPort"].Defined()) {
      KUBESIM_ASSIGN_OR_RETURN(int64_t v, p["containerPort"].Int());
      if (v < 1 || v > 65535) return p["containerPort"].Error("Invalid value: must be between 1 and 65535, inclusive");
      port.container_port = static_cast<int32_t>(v);
    }
    if (p["hostPort"].Defined()) {
      KUBESIM_ASSIGN_OR_RETURN(int64_t v, p["hostPort"].Int());
      if (v < 0 || v > 65535) return p["hostPort"].Error("Invalid value: must be between 1 and 65535, inclusive");
      port.host_port = static_cast<int32_t>(v);
    }
    if (p["hostIP"].Defined()) {
      KUBESIM_ASSIGN_OR_RETURN(port.host_ip, p["hostIP"].String());
    }
    if (p["protocol"].Defined()) {
      KUBESIM_ASSIGN_OR_RETURN(port.protocol, p["protocol"].String());
      if (port.protocol != "TCP" && port.protocol != "UDP" && port.protocol != "SCTP") {
        return p["protocol"].Error("Unsupported value: \"" + port.protocol +
                                   "\": supported values: \"SCTP\", \"TCP\", \"UDP\"");
      }
    }
    out.push_back(std::move(port));
  }
  return out;
}

StatusOr<std::vector<NodeSelectorRequirement>> DecodeNodeSelectorRequirements(const YamlNode& node, bool fields) {
  std::vector<NodeSelectorRequirement> out;
  KUBESIM_ASSIGN_OR_RETURN(auto items, node.Items());
  for (const auto& e : items) {
    NodeSelectorRequirement r;
    if (!e["key"].Defined()) return e["key"].Error("Required value");
    KUBESIM_ASSIGN_OR_RETURN(r.key, e["key"].String());
    KUBESIM_ASSIGN_OR_RETURN(std::string op, e["operator"].String());
    KUBESIM_ASSIGN_OR_RETURN(r.values, e["values"].StringList());
    if (op == "In")
      r.op = NodeSelectorOp::kIn;
    else if (op == "NotIn")
      r.op = NodeSelectorOp::kNotIn;
    else if (op == "Exists")
      r.op = NodeSelectorOp::kExists;
    else if (op == "DoesNotExist")
      r.op = NodeSelectorOp::kDoesNotExist;
    else if (op == "Gt")
      r.op = NodeSelectorOp::kGt;
    else if (op == "Lt")
      r.op = NodeSelectorOp::kLt;
    else {
      return e["operator"].Error(
          "Unsupported value: \"" + op +
          "\": supported values: \"DoesNotExist\", \"Exists\", \"Gt\", \"In\", \"Lt\", \"NotIn\"");
    }
    // Upstream ValidateNodeSelectorRequirement / ValidateNodeFieldSelectorRequirement.
    bool needs_values = r.op == NodeSelectorOp::kIn || r.op == NodeSelectorOp::kNotIn;
    bool single_value = r.op == NodeSelectorOp::kGt || r.op == NodeSelectorOp::kLt;
    if (needs_values && r.values.empty()) {
      return e["values"].Error("Required value: must be specified when `operator` is 'In' or 'NotIn'");
    }
    if (single_value && r.values.size() != 1) {
      return e["values"].Error("Required value: must be specified single value when `operator` is 'Lt' or 'Gt'");
    }
    if (!needs_values && !single_value && !r.values.empty()) {
      return e["values"].Error("Forbidden: may not be specified when `operator` is 'Exists' or 'DoesNotExist'");
    }
    if (fields) {
      if (r.key != "metadata.name") {
        return e["key"].Error("Invalid value: \"" + r.key + "\": not a valid field selector key");
      }
      if ((r.op != NodeSelectorOp::kIn && r.op != NodeSelectorOp::kNotIn) || r.values.size() != 1) {
        return e["values"].Error("Invalid value: must have one element for operator In or NotIn");
      }
    }
    out.push_back(std::move(r));
  }
  return out;
}

StatusOr<NodeSelectorTerm> DecodeNodeSelectorTerm(const YamlNode& node) {
  NodeSelectorTerm t;
  KUBESIM_ASSIGN_OR_RETURN(t.match_expressions, DecodeNodeSelectorRequirements(node["matchExpressions"], false));
  KUBESIM_ASSIGN_OR_RETURN(t.match_fields, DecodeNodeSelectorRequirements(node["matchFields"], true));
  return t;
}

StatusOr<int32_t> DecodeWeight(const YamlNode& node) {
  if (!node.Defined()) return node.Error("Required value");
  KUBESIM_ASSIGN_OR_RETURN(int64_t w, node.Int());
  if (w < 1 || w > 100) return node.Error("Invalid value: " + std::to_string(w) + ": must be in the range 1-100");
  return static_cast<int32_t>(w);
}

StatusOr<PodAffinityTerm> DecodePodAffinityTerm(const YamlNode& node) {
  PodAffinityTerm t;
  if (node["labelSelector"].Defined()) {
    KUBESIM_ASSIGN_OR_RETURN(t.label_selector, DecodeLabelSelector(node["labelSelector"]));
  }
  KUBESIM_ASSIGN_OR_RETURN(t.namespaces, node["namespaces"].StringList());
  if (node["namespaceSelector"].Defined()) {
    KUBESIM_ASSIGN_OR_RETURN(t.namespace_selector, DecodeLabelSelector(node["namespaceSelector"]));
  }
  if (!node["topologyKey"].Defined()) return node["topologyKey"].Error("Required value: can not be empty");
  KUBESIM_ASSIGN_OR_RETURN(t.topology_key, node["topologyKey"].String());
  if (t.topology_key.empty()) return node["topologyKey"].Error("Required value: can not be empty");
  KUBESIM_ASSIGN_OR_RETURN(t.match_label_keys, node["matchLabelKeys"].StringList());
  KUBESIM_ASSIGN_OR_RETURN(t.mismatch_label_keys, node["mismatchLabelKeys"].StringList());
  return t;
}

StatusOr<PodAffinity> DecodePodAffinity(const YamlNode& node) {
  PodAffinity a;
  KUBESIM_ASSIGN_OR_RETURN(auto required, node["requiredDuringSchedulingIgnoredDuringExecution"].Items());
  for (const auto& r : required) {
    KUBESIM_ASSIGN_OR_RETURN(PodAffinityTerm t, DecodePodAffinityTerm(r));
    a.required.push_back(std::move(t));
  }
  KUBESIM_ASSIGN_OR_RETURN(auto preferred, node["preferredDuringSchedulingIgnoredDuringExecution"].Items());
  for (const auto& p : preferred) {
    WeightedPodAffinityTerm w;
    KUBESIM_ASSIGN_OR_RETURN(w.weight, DecodeWeight(p["weight"]));
    if (!p["podAffinityTerm"].Defined()) return p["podAffinityTerm"].Error("Required value");
    KUBESIM_ASSIGN_OR_RETURN(w.term, DecodePodAffinityTerm(p["podAffinityTerm"]));
    a.preferred.push_back(std::move(w));
  }
  return a;
}

StatusOr<Affinity> DecodeAffinity(const YamlNode& node) {
  Affinity a;
  if (node["nodeAffinity"].Defined()) {
    KUBESIM_ASSIGN_OR_RETURN(a.node_affinity, DecodeNodeAffinity(node["nodeAffinity"]));
  }
  if (node["podAffinity"].Defined()) {
    KUBESIM_ASSIGN_OR_RETURN(a.pod_affinity, DecodePodAffinity(node["podAffinity"]));
  }
  if (node["podAntiAffinity"].Defined()) {
    KUBESIM_ASSIGN_OR_RETURN(a.pod_anti_affinity, DecodePodAffinity(node["podAntiAffinity"]));
  }
  return a;
}

StatusOr<std::vector<TopologySpreadConstraint>> DecodeTopologySpread(const YamlNode& node) {
  std::vector<TopologySpreadConstraint> out;
  KUBESIM_ASSIGN_OR_RETURN(auto items, node.Items());
  for (const auto& c : items) {
    TopologySpreadConstraint t;
    if (!c["maxSkew"].Defined()) return c["maxSkew"].Error("Required value");
    KUBESIM_ASSIGN_OR_RETURN(int64_t skew, c["maxSkew"].Int32());
    if (skew <= 0) return c["maxSkew"].Error("Invalid value: " + std::to_string(skew) + ": must be greater than zero");
    t.max_skew = static_cast<int32_t>(skew);
    if (!c["topologyKey"].Defined()) return c["topologyKey"].Error("Required value: can not be empty");
    KUBESIM_ASSIGN_OR_RETURN(t.topology_key, c["topologyKey"].String());
    if (!c["whenUnsatisfiable"].Defined()) return c["whenUnsatisfiable"].Error("Required value");
    KUBESIM_ASSIGN_OR_RETURN(t.when_unsatisfiable, c["whenUnsatisfiable"].String());
    if (t.when_unsatisfiable != "DoNotSchedule" && t.when_unsatisfiable != "ScheduleAnyway") {
      return c["whenUnsatisfiable"].Error("Unsupported value: \"" + t.when_unsatisfiable +
                                          "\": supported values: \"DoNotSchedule\", \"ScheduleAnyway\"");
    }
    if (c["labelSelector"].Defined()) {
      KUBESIM_ASSIGN_OR_RETURN(t.label_selector, DecodeLabelSelector(c["labelSelector"]));
    }
    if (c["minDomains"].Defined()) {
      KUBESIM_ASSIGN_OR_RETURN(int64_t m, c["minDomains"].Int32());
      if (m <= 0) return c["minDomains"].Error("Invalid value: " + std::to_string(m) + ": must be greater than 0");
      if (t.when_unsatisfiable != "DoNotSchedule") {
        return c["minDomains"].Error("Invalid value: " + std::to_string(m) +
                                     ": can only use minDomains if whenUnsatisfiable=DoNotSchedule");
      }
      t.min_domains = static_cast<int32_t>(m);
    }
    for (auto [field, target] : {std::pair{"nodeAffinityPolicy", &t.node_affinity_policy},
                                 std::pair{"nodeTaintsPolicy", &t.node_taints_policy}}) {
      if (!c[field].Defined()) continue;
      KUBESIM_ASSIGN_OR_RETURN(*target, c[field].String());
      if (*target != "Honor" && *target != "Ignore") {
        return c[field].Error("Unsupported value: \"" + *target + "\": supported values: \"Honor\", \"Ignore\"");
      }
    }
    KUBESIM_ASSIGN_OR_RETURN(t.match_label_keys, c["matchLabelKeys"].StringList());
    out.push_back(std::move(t));
  }
  return out;
}

// core/v1 Probe timing fields with upstream's defaults (SetDefaults_Probe) and validation
// messages (ValidateProbe: non-negative values; liveness and startup probes need
// successThreshold 1).
StatusOr<Probe> DecodeProbe(const YamlNode& node, bool success_must_be_one) {
  KUBESIM_RETURN_IF_ERROR(node.ExpectMap());
  Probe p;
  struct Field {
    const char* name;
    int32_t* target;
    int32_t min;
  };
  for (Field f :
       {Field{"initialDelaySeconds", &p.initial_delay_seconds, 0}, Field{"timeoutSeconds", &p.timeout_seconds, 1},
        Field{"periodSeconds", &p.period_seconds, 1}, Field{"successThreshold", &p.success_threshold, 1},
        Field{"failureThreshold", &p.failure_threshold, 1}}) {
    if (!node[f.name].Defined()) continue;
    KUBESIM_ASSIGN_OR_RETURN(int32_t v, node[f.name].Int32());
    // Upstream defaulting turns an explicit 0 into the default for these fields.
    if (v == 0 && f.min == 1) continue;
    if (v < f.min) {
      return node[f.name].Error("Invalid value: " + std::to_string(v) + ": must be greater than or equal to " +
                                std::to_string(f.min));
    }
    *f.target = v;
  }
  if (success_must_be_one && p.success_threshold != 1) {
    return node["successThreshold"].Error("Invalid value: " + std::to_string(p.success_threshold) + ": must be 1");
  }
  return p;
}

// The tag of an image reference (after the last ':' that follows the last '/'); empty if none.
// A digest (@sha256:...) counts as a tag for the pull-policy default, as upstream.
bool ImageHasTagOrDigest(const std::string& image, std::string* tag) {
  if (image.find('@') != std::string::npos) return true;
  size_t slash = image.rfind('/');
  size_t colon = image.rfind(':');
  if (colon == std::string::npos || (slash != std::string::npos && colon < slash)) return false;
  *tag = image.substr(colon + 1);
  return true;
}

Status DecodeContainer(const YamlNode& c, Container* out) {
  KUBESIM_RETURN_IF_ERROR(c.ExpectMap());
  if (!c["name"].Defined()) return c["name"].Error("Required value");
  KUBESIM_ASSIGN_OR_RETURN(out->name, c["name"].String());
  if (c["image"].Defined()) {
    KUBESIM_ASSIGN_OR_RETURN(out->image, c["image"].String());
  }
  if (c["restartPolicy"].Defined()) {
    KUBESIM_ASSIGN_OR_RETURN(out->restart_policy, c["restartPolicy"].String());
  }
  if (c["imagePullPolicy"].Defined()) {
    KUBESIM_ASSIGN_OR_RETURN(out->image_pull_policy, c["imagePullPolicy"].String());
    if (out->image_pull_policy != "Always" && out->image_pull_policy != "IfNotPresent" &&
        out->image_pull_policy != "Never") {
      return c["imagePullPolicy"].Error("Unsupported value: \"" + out->image_pull_policy +
                                        "\": supported values: \"Always\", \"IfNotPresent\", \"Never\"");
    }
  } else {
    // SetDefaults_Container: Always for `:latest` or no tag, else IfNotPresent.
    std::string tag;
    bool tagged = ImageHasTagOrDigest(out->image, &tag);
    out->image_pull_policy = (!tagged || tag == "latest") ? "Always" : "IfNotPresent";
  }
  if (c["readinessProbe"].Defined()) {
    KUBESIM_ASSIGN_OR_RETURN(out->readiness_probe, DecodeProbe(c["readinessProbe"], false));
  }
  if (c["livenessProbe"].Defined()) {
    KUBESIM_ASSIGN_OR_RETURN(out->liveness_probe, DecodeProbe(c["livenessProbe"], true));
  }
  if (c["startupProbe"].Defined()) {
    KUBESIM_ASSIGN_OR_RETURN(out->startup_probe, DecodeProbe(c["startupProbe"], true));
  }
  YamlNode pre_stop = c["lifecycle"]["preStop"];
  if (pre_stop.Defined()) {
    out->has_pre_stop = true;
    if (pre_stop["sleep"].Defined()) {
      KUBESIM_ASSIGN_OR_RETURN(int64_t secs, pre_stop["sleep"]["seconds"].Int());
      if (secs < 0) return pre_stop["sleep"]["seconds"].Error("Invalid value: must be greater than or equal to 0");
      out->pre_stop_sleep_seconds = secs;
    }
  }
  YamlNode res = c["resources"];
  KUBESIM_ASSIGN_OR_RETURN(out->requests, DecodeResources(res["requests"]));
  KUBESIM_ASSIGN_OR_RETURN(out->limits, DecodeResources(res["limits"]));
  KUBESIM_ASSIGN_OR_RETURN(out->ports, DecodePorts(c["ports"]));
  for (const auto& [name, limit] : out->limits) {
    auto it = out->requests.find(name);
    if (it == out->requests.end()) {
      // API server defaulting (core/v1 SetDefaults_Container... via defaults.go): a limit without
      // a request sets the request to the limit.
      out->requests[name] = limit;
    } else if (AmountOf(name, it->second) > AmountOf(name, limit)) {
      return res["requests"][name].Error("Invalid value \"" + it->second.text() + "\": must be less than or equal to " +
                                         name + " limit of " + limit.text());
    }
  }
  return Status::Ok();
}

StatusOr<std::vector<Toleration>> DecodeTolerations(const YamlNode& node) {
  std::vector<Toleration> out;
  KUBESIM_ASSIGN_OR_RETURN(auto items, node.Items());
  for (const auto& t : items) {
    Toleration tol;
    if (t["key"].Defined()) {
      KUBESIM_ASSIGN_OR_RETURN(tol.key, t["key"].String());
    }
    if (t["operator"].Defined()) {
      KUBESIM_ASSIGN_OR_RETURN(tol.op, t["operator"].String());
    }
    if (t["value"].Defined()) {
      KUBESIM_ASSIGN_OR_RETURN(tol.value, t["value"].String());
    }
    if (t["effect"].Defined()) {
      KUBESIM_ASSIGN_OR_RETURN(tol.effect, t["effect"].String());
    }
    if (t["tolerationSeconds"].Defined()) {
      KUBESIM_ASSIGN_OR_RETURN(tol.toleration_seconds, t["tolerationSeconds"].Int());
    }
    if (!tol.op.empty() && tol.op != "Equal" && tol.op != "Exists") {
      return t["operator"].Error("Unsupported value: \"" + tol.op + "\": supported values: \"Equal\", \"Exists\"");
    }
    if (tol.op == "Exists" && !tol.value.empty()) {
      return t["value"].Error("Invalid value: value must be empty when `operator` is 'Exists'");
    }
    if (tol.key.empty() && tol.op != "Exists") {
      return t["operator"].Error(
          "Invalid value: operator must be Exists when `key` is empty, which means \"match all values and all keys\"");
    }
    if (!tol.effect.empty() && tol.effect != kTaintNoSchedule && tol.effect != kTaintPreferNoSchedule &&
        tol.effect != kTaintNoExecute) {
      return t["effect"].Error("Unsupported value: \"" + tol.effect +
                               "\": supported values: \"NoSchedule\", \"PreferNoSchedule\", \"NoExecute\"");
    }
    out.push_back(std::move(tol));
  }
  return out;
}

}  // namespace

StatusOr<ResourceList> DecodeResources(const YamlNode& node) {
  ResourceList out;
  KUBESIM_ASSIGN_OR_RETURN(auto entries, node.Entries());
  for (const auto& [name, value] : entries) {
    KUBESIM_ASSIGN_OR_RETURN(Quantity q, value.ToQuantity());
    if (q.IsNegative()) return value.Error("Invalid value \"" + q.text() + "\": must be greater than or equal to 0");
    out[name] = q;
  }
  return out;
}

Status DecodePodSpec(const YamlNode& spec, PodSpec* out, std::vector<std::string>* warnings) {
  if (!spec.Defined()) return spec.Error("Required value");
  KUBESIM_RETURN_IF_ERROR(spec.ExpectMap());
  YamlNode containers = spec["containers"];
  if (!containers.Defined() || containers.size() == 0) {
    return containers.Error("Required value: a Pod needs at least one container");
  }
  KUBESIM_ASSIGN_OR_RETURN(auto items, containers.Items());
  for (const auto& c : items) {
    Container container;
    KUBESIM_RETURN_IF_ERROR(DecodeContainer(c, &container));
    out->containers.push_back(std::move(container));
  }
  KUBESIM_ASSIGN_OR_RETURN(auto inits, spec["initContainers"].Items());
  for (const auto& c : inits) {
    Container container;
    KUBESIM_RETURN_IF_ERROR(DecodeContainer(c, &container));
    out->init_containers.push_back(std::move(container));
  }
  if (spec["nodeName"].Defined()) {
    KUBESIM_ASSIGN_OR_RETURN(out->node_name, spec["nodeName"].String());
  }
  if (spec["schedulerName"].Defined()) {
    KUBESIM_ASSIGN_OR_RETURN(out->scheduler_name, spec["schedulerName"].String());
  }
  if (spec["priorityClassName"].Defined()) {
    KUBESIM_ASSIGN_OR_RETURN(out->priority_class_name, spec["priorityClassName"].String());
  }
  if (spec["priority"].Defined()) {
    KUBESIM_ASSIGN_OR_RETURN(out->priority, spec["priority"].Int32());
  }
  if (spec["preemptionPolicy"].Defined()) {
    KUBESIM_ASSIGN_OR_RETURN(out->preemption_policy, spec["preemptionPolicy"].String());
  }
  if (spec["restartPolicy"].Defined()) {
    KUBESIM_ASSIGN_OR_RETURN(out->restart_policy, spec["restartPolicy"].String());
    if (out->restart_policy != "Always" && out->restart_policy != "OnFailure" && out->restart_policy != "Never") {
      return spec["restartPolicy"].Error("Unsupported value: \"" + out->restart_policy +
                                         "\": supported values: \"Always\", \"OnFailure\", \"Never\"");
    }
  }
  if (spec["hostNetwork"].Defined()) {
    KUBESIM_ASSIGN_OR_RETURN(out->host_network, spec["hostNetwork"].Bool());
  }
  if (spec["serviceAccountName"].Defined()) {
    KUBESIM_ASSIGN_OR_RETURN(out->service_account_name, spec["serviceAccountName"].String());
  }
  if (spec["terminationGracePeriodSeconds"].Defined()) {
    KUBESIM_ASSIGN_OR_RETURN(out->termination_grace_period_seconds, spec["terminationGracePeriodSeconds"].Int());
    if (out->termination_grace_period_seconds < 0) {
      return spec["terminationGracePeriodSeconds"].Error("Invalid value: must be greater than or equal to 0");
    }
  }
  KUBESIM_ASSIGN_OR_RETURN(out->tolerations, DecodeTolerations(spec["tolerations"]));
  KUBESIM_ASSIGN_OR_RETURN(out->node_selector, spec["nodeSelector"].StringMap());
  KUBESIM_ASSIGN_OR_RETURN(out->overhead, DecodeResources(spec["overhead"]));
  KUBESIM_ASSIGN_OR_RETURN(auto gates, spec["schedulingGates"].Items());
  for (const auto& g : gates) {
    KUBESIM_ASSIGN_OR_RETURN(std::string name, g["name"].String());
    out->scheduling_gates.push_back(name);
  }
  if (spec["affinity"].Defined()) {
    KUBESIM_ASSIGN_OR_RETURN(out->affinity, DecodeAffinity(spec["affinity"]));
  }
  KUBESIM_ASSIGN_OR_RETURN(out->topology_spread_constraints, DecodeTopologySpread(spec["topologySpreadConstraints"]));
  // Volume scheduling (VolumeBinding, VolumeZone, VolumeRestrictions, NodeVolumeLimits) is not
  // simulated: say so once per manifest instead of silently placing pods as if they had none.
  KUBESIM_ASSIGN_OR_RETURN(auto volumes, spec["volumes"].Items());
  for (const auto& v : volumes) {
    if (v["persistentVolumeClaim"].Defined() || v["ephemeral"].Defined()) {
      warnings->push_back(
          v.Error("not simulated yet: volume scheduling; the pod is placed as if its claims were bound").message());
      break;
    }
  }
  return Status::Ok();
}

StatusOr<PodTemplate> DecodePodTemplate(const YamlNode& tmpl, std::vector<std::string>* warnings) {
  PodTemplate out;
  if (!tmpl.Defined()) return tmpl.Error("Required value");
  YamlNode m = tmpl["metadata"];
  KUBESIM_ASSIGN_OR_RETURN(out.metadata.labels, m["labels"].StringMap());
  KUBESIM_ASSIGN_OR_RETURN(out.metadata.annotations, m["annotations"].StringMap());
  // The pods a controller stamps out carry these annotations to the kubelet: check them here,
  // where a bad value can still be located.
  KUBESIM_RETURN_IF_ERROR(CheckKubesimAnnotations(m, out.metadata.annotations));
  KUBESIM_RETURN_IF_ERROR(DecodePodSpec(tmpl["spec"], &out.spec, warnings));
  return out;
}

Status CheckKubesimAnnotations(const YamlNode& metadata, const StringMap& annotations) {
  // kubesim's scenario annotations (docs/kubelet.md) are checked where they are written, so the
  // kubelet can rely on them.
  for (const char* name : {kRunDurationAnnotation, kReadinessFailsAfterAnnotation, kLivenessFailsAfterAnnotation,
                           kStartupSucceedsAfterAnnotation, kPreStopDurationAnnotation, kSigtermExitAfterAnnotation}) {
    auto it = annotations.find(name);
    if (it == annotations.end()) continue;
    auto d = sim::ParseDuration(it->second);
    YamlNode at = metadata["annotations"][name];
    if (!d.ok()) return at.Error(d.status().message());
    if (*d < sim::Duration::Zero()) return at.Error("Invalid value: must not be negative");
  }
  if (auto it = annotations.find(kExitCodeAnnotation); it != annotations.end()) {
    YamlNode at = metadata["annotations"][kExitCodeAnnotation];
    if (!ParseExitCode(it->second))
      return at.Error("Invalid value: \"" + it->second + "\": must be an integer from 0 to 255");
  }
  if (auto it = annotations.find(kMemoryUsageAnnotation); it != annotations.end()) {
    YamlNode at = metadata["annotations"][kMemoryUsageAnnotation];
    auto q = Quantity::Parse(it->second);
    if (!q.ok()) return at.Error(q.status().message());
    if (q->IsNegative()) return at.Error("Invalid value: must not be negative");
  }
  // How many pulls of a pod's images fail before one succeeds (a count up to 9999999).
  if (auto it = annotations.find("kubesim.io/image-pull-failures"); it != annotations.end()) {
    YamlNode at = metadata["annotations"]["kubesim.io/image-pull-failures"];
    bool ok = !it->second.empty() && it->second.size() <= 7 &&
              std::all_of(it->second.begin(), it->second.end(), [](char c) { return c >= '0' && c <= '9'; });
    if (!ok) return at.Error("Invalid value: \"" + it->second + "\": must be a count from 0 to 9999999");
  }
  // A node's own image pull bandwidth (bytes per second), overriding the scenario's.
  if (auto it = annotations.find("kubesim.io/image-pull-bandwidth"); it != annotations.end()) {
    YamlNode at = metadata["annotations"]["kubesim.io/image-pull-bandwidth"];
    auto q = Quantity::Parse(it->second);
    if (!q.ok()) return at.Error(q.status().message());
    if (q->Value() <= 0) return at.Error("Invalid value: must be greater than 0");
  }
  return Status::Ok();
}

}  // namespace kubesim::api::internal

namespace kubesim::api {

// Shared by pod specs and NodeAffinityArgs.addedAffinity (kube-scheduler plugin args), which
// have the same core/v1 NodeAffinity shape.
sim::StatusOr<NodeAffinity> DecodeNodeAffinity(const YamlNode& node) {
  NodeAffinity n;
  YamlNode req = node["requiredDuringSchedulingIgnoredDuringExecution"];
  if (req.Defined()) {
    NodeSelector sel;
    KUBESIM_ASSIGN_OR_RETURN(auto terms, req["nodeSelectorTerms"].Items());
    if (terms.empty())
      return req["nodeSelectorTerms"].Error("Required value: must have at least one node selector term");
    for (const auto& t : terms) {
      KUBESIM_ASSIGN_OR_RETURN(NodeSelectorTerm term, internal::DecodeNodeSelectorTerm(t));
      sel.terms.push_back(std::move(term));
    }
    n.required = std::move(sel);
  }
  KUBESIM_ASSIGN_OR_RETURN(auto preferred, node["preferredDuringSchedulingIgnoredDuringExecution"].Items());
  for (const auto& p : preferred) {
    PreferredSchedulingTerm t;
    KUBESIM_ASSIGN_OR_RETURN(t.weight, internal::DecodeWeight(p["weight"]));
    KUBESIM_ASSIGN_OR_RETURN(t.preference, internal::DecodeNodeSelectorTerm(p["preference"]));
    n.preferred.push_back(std::move(t));
  }
  return n;
}

}  // namespace kubesim::api

namespace kubesim::api {

// Shared by pod specs and PodTopologySpreadArgs.defaultConstraints (kube-scheduler plugin args).
sim::StatusOr<std::vector<TopologySpreadConstraint>> DecodeTopologySpreadConstraints(const YamlNode& node) {
  return internal::DecodeTopologySpread(node);
}

}  // namespace kubesim::api
