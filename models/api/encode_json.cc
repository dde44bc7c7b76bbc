#include "models/api/encode_json.h"

#include "models/api/kinds.h"
#include "models/api/node.h"
#include "models/api/pod.h"

namespace kubesim::api {
namespace {

using nlohmann::ordered_json;

double Seconds(sim::Time t) { return t.ToSeconds(); }

ordered_json Map(const StringMap& m) {
  ordered_json j = ordered_json::object();
  for (const auto& [k, v] : m) j[k] = v;
  return j;
}

ordered_json Resources(const ResourceList& list) {
  ordered_json j = ordered_json::object();
  for (const auto& [name, q] : list) j[name] = q.text();
  return j;
}

ordered_json Metadata(const ObjectMeta& m) {
  ordered_json j = {{"name", m.name}};
  if (!m.namespace_.empty()) j["namespace"] = m.namespace_;
  if (!m.generate_name.empty()) j["generateName"] = m.generate_name;
  j["uid"] = m.uid;
  j["resourceVersion"] = std::to_string(m.resource_version);  // a string upstream
  if (m.generation != 0) j["generation"] = m.generation;
  j["creationTimestamp"] = Seconds(m.creation_timestamp);
  if (m.deletion_timestamp) j["deletionTimestamp"] = Seconds(*m.deletion_timestamp);
  if (m.deletion_grace_period_seconds) j["deletionGracePeriodSeconds"] = *m.deletion_grace_period_seconds;
  if (!m.labels.empty()) j["labels"] = Map(m.labels);
  if (!m.annotations.empty()) j["annotations"] = Map(m.annotations);
  if (!m.owner_references.empty()) {
    ordered_json refs = ordered_json::array();
    for (const auto& r : m.owner_references) {
      refs.push_back({{"apiVersion", r.api_version},
                      {"kind", r.kind},
                      {"name", r.name},
                      {"uid", r.uid},
                      {"controller", r.controller},
                      {"blockOwnerDeletion", r.block_owner_deletion}});
    }
    j["ownerReferences"] = refs;
  }
  if (!m.finalizers.empty()) j["finalizers"] = m.finalizers;
  return j;
}

ordered_json Selector(const LabelSelector& s) {
  ordered_json j = ordered_json::object();
  if (!s.match_labels.empty()) j["matchLabels"] = Map(s.match_labels);
  if (!s.match_expressions.empty()) {
    ordered_json exprs = ordered_json::array();
    for (const auto& r : s.match_expressions) {
      const char* op = r.op == SelectorOp::kIn       ? "In"
                       : r.op == SelectorOp::kNotIn  ? "NotIn"
                       : r.op == SelectorOp::kExists ? "Exists"
                                                     : "DoesNotExist";
      ordered_json e = {{"key", r.key}, {"operator", op}};
      if (!r.values.empty()) e["values"] = r.values;
      exprs.push_back(e);
    }
    j["matchExpressions"] = exprs;
  }
  return j;
}

ordered_json Containers(const std::vector<Container>& cs) {
  ordered_json out = ordered_json::array();
  for (const auto& c : cs) {
    ordered_json j = {{"name", c.name}, {"image", c.image}};
    if (!c.image_pull_policy.empty()) j["imagePullPolicy"] = c.image_pull_policy;
    ordered_json res = ordered_json::object();
    if (!c.requests.empty()) res["requests"] = Resources(c.requests);
    if (!c.limits.empty()) res["limits"] = Resources(c.limits);
    j["resources"] = res;
    if (!c.ports.empty()) {
      ordered_json ports = ordered_json::array();
      for (const auto& p : c.ports) {
        ordered_json pj = {{"containerPort", p.container_port}, {"protocol", p.protocol}};
        if (p.host_port != 0) pj["hostPort"] = p.host_port;
        ports.push_back(pj);
      }
      j["ports"] = ports;
    }
    if (!c.restart_policy.empty()) j["restartPolicy"] = c.restart_policy;
    out.push_back(j);
  }
  return out;
}

ordered_json PodSpecJson(const PodSpec& s) {
  ordered_json j = ordered_json::object();
  if (!s.node_name.empty()) j["nodeName"] = s.node_name;
  j["schedulerName"] = s.scheduler_name;
  if (!s.priority_class_name.empty()) j["priorityClassName"] = s.priority_class_name;
  if (s.priority) j["priority"] = *s.priority;
  if (!s.preemption_policy.empty()) j["preemptionPolicy"] = s.preemption_policy;
  j["restartPolicy"] = s.restart_policy;
  if (!s.service_account_name.empty()) j["serviceAccountName"] = s.service_account_name;
  if (s.host_network) j["hostNetwork"] = true;
  j["terminationGracePeriodSeconds"] = s.termination_grace_period_seconds;
  if (!s.init_containers.empty()) j["initContainers"] = Containers(s.init_containers);
  j["containers"] = Containers(s.containers);
  if (!s.tolerations.empty()) {
    ordered_json ts = ordered_json::array();
    for (const auto& t : s.tolerations) {
      ordered_json tj = ordered_json::object();
      if (!t.key.empty()) tj["key"] = t.key;
      if (!t.op.empty()) tj["operator"] = t.op;
      if (!t.value.empty()) tj["value"] = t.value;
      if (!t.effect.empty()) tj["effect"] = t.effect;
      if (t.toleration_seconds) tj["tolerationSeconds"] = *t.toleration_seconds;
      ts.push_back(tj);
    }
    j["tolerations"] = ts;
  }
  if (!s.node_selector.empty()) j["nodeSelector"] = Map(s.node_selector);
  if (!s.overhead.empty()) j["overhead"] = Resources(s.overhead);
  if (!s.scheduling_gates.empty()) {
    ordered_json gates = ordered_json::array();
    for (const auto& g : s.scheduling_gates) gates.push_back({{"name", g}});
    j["schedulingGates"] = gates;
  }
  return j;
}

ordered_json ContainerStateJson(const ContainerState& s) {
  switch (s.kind) {
    case ContainerState::Kind::kWaiting: {
      ordered_json w = {{"reason", s.waiting_reason}};
      if (!s.waiting_message.empty()) w["message"] = s.waiting_message;
      return {{"waiting", w}};
    }
    case ContainerState::Kind::kRunning:
      return {{"running", {{"startedAt", Seconds(s.running_started_at)}}}};
    case ContainerState::Kind::kTerminated:
      return {{"terminated",
               {{"exitCode", s.terminated.exit_code},
                {"reason", s.terminated.reason},
                {"startedAt", Seconds(s.terminated.started_at)},
                {"finishedAt", Seconds(s.terminated.finished_at)}}}};
    case ContainerState::Kind::kNone:
      break;
  }
  return ordered_json::object();
}

ordered_json PodStatusJson(const PodStatus& s) {
  ordered_json j = {{"phase", s.phase}};
  ordered_json conds = ordered_json::array();
  for (const auto& c : s.conditions) {
    ordered_json cj = {{"type", c.type}, {"status", c.status}, {"lastTransitionTime", Seconds(c.last_transition_time)}};
    if (!c.reason.empty()) cj["reason"] = c.reason;
    if (!c.message.empty()) cj["message"] = c.message;
    conds.push_back(cj);
  }
  j["conditions"] = conds;
  if (!s.nominated_node_name.empty()) j["nominatedNodeName"] = s.nominated_node_name;
  if (s.start_time) j["startTime"] = Seconds(*s.start_time);
  if (!s.reason.empty()) j["reason"] = s.reason;
  if (!s.message.empty()) j["message"] = s.message;
  if (!s.container_statuses.empty()) {
    ordered_json cs = ordered_json::array();
    for (const auto& c : s.container_statuses) {
      ordered_json cj = {{"name", c.name},
                         {"image", c.image},
                         {"ready", c.ready},
                         {"restartCount", c.restart_count},
                         {"state", ContainerStateJson(c.state)}};
      if (c.started) cj["started"] = *c.started;
      if (c.last_state.kind != ContainerState::Kind::kNone) cj["lastState"] = ContainerStateJson(c.last_state);
      cs.push_back(cj);
    }
    j["containerStatuses"] = cs;
  }
  return j;
}

ordered_json Template(const PodTemplate& t) {
  ordered_json meta = ordered_json::object();
  if (!t.metadata.labels.empty()) meta["labels"] = Map(t.metadata.labels);
  if (!t.metadata.annotations.empty()) meta["annotations"] = Map(t.metadata.annotations);
  return {{"metadata", meta}, {"spec", PodSpecJson(t.spec)}};
}

void EncodeNode(const Node& n, ordered_json& j) {
  ordered_json spec = ordered_json::object();
  if (n.spec.unschedulable) spec["unschedulable"] = true;
  if (!n.spec.provider_id.empty()) spec["providerID"] = n.spec.provider_id;
  if (!n.spec.pod_cidr.empty()) {
    spec["podCIDR"] = n.spec.pod_cidr;
    spec["podCIDRs"] = {n.spec.pod_cidr};
  }
  if (!n.spec.taints.empty()) {
    ordered_json taints = ordered_json::array();
    for (const auto& t : n.spec.taints) {
      ordered_json tj = {{"key", t.key}};
      if (!t.value.empty()) tj["value"] = t.value;
      tj["effect"] = t.effect;
      if (t.time_added) tj["timeAdded"] = Seconds(*t.time_added);
      taints.push_back(tj);
    }
    spec["taints"] = taints;
  }
  j["spec"] = spec;
  ordered_json conds = ordered_json::array();
  for (const auto& c : n.status.conditions) {
    conds.push_back({{"type", c.type},
                     {"status", c.status},
                     {"reason", c.reason},
                     {"lastHeartbeatTime", Seconds(c.last_heartbeat_time)},
                     {"lastTransitionTime", Seconds(c.last_transition_time)}});
  }
  ordered_json images = ordered_json::array();
  for (const auto& i : n.status.images) images.push_back({{"names", i.names}, {"sizeBytes", i.size_bytes}});
  j["status"] = {{"capacity", Resources(n.status.capacity)},
                 {"allocatable", Resources(n.status.allocatable)},
                 {"conditions", conds},
                 {"images", images}};
  if (!n.status.addresses.empty()) {
    ordered_json addresses = ordered_json::array();
    for (const auto& a : n.status.addresses) addresses.push_back({{"type", a.type}, {"address", a.address}});
    j["status"]["addresses"] = addresses;
  }
}

}  // namespace

nlohmann::ordered_json EncodeJson(const Object& obj) {
  ordered_json j = {{"apiVersion", obj.api_version}, {"kind", obj.kind}, {"metadata", Metadata(obj.metadata)}};
  if (const auto* pod = dynamic_cast<const Pod*>(&obj)) {
    j["spec"] = PodSpecJson(pod->spec);
    j["status"] = PodStatusJson(pod->status);
  } else if (const auto* node = dynamic_cast<const Node*>(&obj)) {
    EncodeNode(*node, j);
  } else if (const auto* svc = dynamic_cast<const Service*>(&obj)) {
    j["spec"] = {{"type", svc->type}, {"selector", svc->selector}};
    if (svc->publish_not_ready_addresses) j["spec"]["publishNotReadyAddresses"] = true;
    ordered_json ingress = ordered_json::array();
    for (const auto& i : svc->status.load_balancer_ingress) {
      ordered_json e = ordered_json::object();
      if (!i.ip.empty()) e["ip"] = i.ip;
      if (!i.hostname.empty()) e["hostname"] = i.hostname;
      ingress.push_back(e);
    }
    j["status"] = {{"loadBalancer", {{"ingress", ingress}}}};
  } else if (const auto* rs = dynamic_cast<const ReplicaSet*>(&obj)) {
    j["spec"] = {{"replicas", rs->replicas},
                 {"minReadySeconds", rs->min_ready_seconds},
                 {"selector", Selector(rs->selector)},
                 {"template", Template(rs->pod_template)}};
    j["status"] = {{"replicas", rs->status.replicas},
                   {"fullyLabeledReplicas", rs->status.fully_labeled_replicas},
                   {"readyReplicas", rs->status.ready_replicas},
                   {"availableReplicas", rs->status.available_replicas},
                   {"observedGeneration", rs->status.observed_generation}};
  } else if (const auto* d = dynamic_cast<const Deployment*>(&obj)) {
    j["spec"] = {{"replicas", d->replicas},
                 {"selector", Selector(d->selector)},
                 {"template", Template(d->pod_template)},
                 {"strategy", {{"type", d->strategy_type}}},
                 {"minReadySeconds", d->min_ready_seconds},
                 {"paused", d->paused}};
    ordered_json conds = ordered_json::array();
    for (const auto& c : d->status.conditions) {
      conds.push_back({{"type", c.type},
                       {"status", c.status},
                       {"reason", c.reason},
                       {"message", c.message},
                       {"lastTransitionTime", Seconds(c.last_transition_time)}});
    }
    j["status"] = {{"observedGeneration", d->status.observed_generation},
                   {"replicas", d->status.replicas},
                   {"updatedReplicas", d->status.updated_replicas},
                   {"readyReplicas", d->status.ready_replicas},
                   {"availableReplicas", d->status.available_replicas},
                   {"unavailableReplicas", d->status.unavailable_replicas},
                   {"conditions", conds}};
  } else if (const auto* ss = dynamic_cast<const StatefulSet*>(&obj)) {
    j["spec"] = {{"replicas", ss->replicas},
                 {"serviceName", ss->service_name},
                 {"selector", Selector(ss->selector)},
                 {"template", Template(ss->pod_template)}};
    j["status"] = {
        {"observedGeneration", ss->status.observed_generation}, {"replicas", ss->status.replicas},
        {"readyReplicas", ss->status.ready_replicas},           {"currentReplicas", ss->status.current_replicas},
        {"updatedReplicas", ss->status.updated_replicas},       {"availableReplicas", ss->status.available_replicas}};
  } else if (const auto* ds = dynamic_cast<const DaemonSet*>(&obj)) {
    j["spec"] = {{"selector", Selector(ds->selector)},
                 {"template", Template(ds->pod_template)},
                 {"updateStrategy", {{"type", ds->update_strategy_type}}}};
    j["status"] = {{"currentNumberScheduled", ds->status.current_number_scheduled},
                   {"numberMisscheduled", ds->status.number_misscheduled},
                   {"desiredNumberScheduled", ds->status.desired_number_scheduled},
                   {"numberReady", ds->status.number_ready},
                   {"updatedNumberScheduled", ds->status.updated_number_scheduled},
                   {"numberAvailable", ds->status.number_available},
                   {"numberUnavailable", ds->status.number_unavailable}};
  } else if (const auto* job = dynamic_cast<const Job*>(&obj)) {
    ordered_json spec = {{"parallelism", job->parallelism},
                         {"completionMode", job->completion_mode},
                         {"backoffLimit", job->backoff_limit},
                         {"suspend", job->suspend},
                         {"template", Template(job->pod_template)}};
    if (job->completions) spec["completions"] = *job->completions;
    j["spec"] = spec;
    ordered_json conds = ordered_json::array();
    for (const auto& c : job->status.conditions) {
      conds.push_back({{"type", c.type},
                       {"status", c.status},
                       {"reason", c.reason},
                       {"message", c.message},
                       {"lastTransitionTime", Seconds(c.last_transition_time)}});
    }
    ordered_json status = {{"active", job->status.active},
                           {"succeeded", job->status.succeeded},
                           {"failed", job->status.failed},
                           {"ready", job->status.ready},
                           {"conditions", conds}};
    if (job->status.start_time) status["startTime"] = Seconds(*job->status.start_time);
    if (job->status.completion_time) status["completionTime"] = Seconds(*job->status.completion_time);
    j["status"] = status;
  } else if (const auto* ns = dynamic_cast<const Namespace*>(&obj)) {
    j["spec"] = {{"finalizers", ns->spec_finalizers}};
    j["status"] = {{"phase", ns->phase}};
  } else if (const auto* pc = dynamic_cast<const PriorityClass*>(&obj)) {
    j["value"] = pc->value;
    j["globalDefault"] = pc->global_default;
    j["preemptionPolicy"] = pc->preemption_policy;
    if (!pc->description.empty()) j["description"] = pc->description;
  } else if (const auto* lease = dynamic_cast<const Lease*>(&obj)) {
    ordered_json spec = {{"holderIdentity", lease->holder_identity},
                         {"leaseDurationSeconds", lease->lease_duration_seconds}};
    if (lease->acquire_time) spec["acquireTime"] = Seconds(*lease->acquire_time);
    if (lease->renew_time) spec["renewTime"] = Seconds(*lease->renew_time);
    if (lease->lease_transitions != 0) spec["leaseTransitions"] = lease->lease_transitions;
    j["spec"] = spec;
  }
  return j;
}

}  // namespace kubesim::api
