#include "models/report/node_failures.h"

#include <algorithm>

#include "models/api/kinds.h"
#include "models/api/node.h"
#include "models/api/pod.h"

namespace kubesim::report {

void NodeFailure::Finalize() {
  detection_delay_seconds.reset();
  eviction_delay_seconds.reset();
  recovery_seconds.reset();
  if (failed && unknown) detection_delay_seconds = (*unknown - *failed).ToSeconds();
  if (unreachable_no_execute && !evictions.empty()) {
    eviction_delay_seconds = (evictions.front().at - *unreachable_no_execute).ToSeconds();
  }
  // Recovered when every evicted pod that a controller owns has a Ready replacement; bare pods
  // have nobody to replace them and do not count.
  std::optional<sim::Time> last_ready;
  bool complete = failed.has_value();
  bool any = false;
  for (const auto& e : evictions) {
    if (e.owner.empty()) continue;
    any = true;
    if (!e.replacement || !e.replacement->ready) {
      complete = false;
      break;
    }
    if (!last_ready || *e.replacement->ready > *last_ready) last_ready = e.replacement->ready;
  }
  if (complete && any) recovery_seconds = (*last_ready - *failed).ToSeconds();
}

size_t NodeFailureTracker::Open(const std::string& node) {
  NodeState& n = nodes_[node];
  if (n.open) return *n.open;
  n.open = failures_.size();
  failures_.emplace_back();
  failures_.back().node = node;
  failures_.back().zone = n.zone;
  return *n.open;
}

void NodeFailureTracker::OnEvent(const client::RecordedEvent& e) {
  // The scenario records when it stopped a kubelet or crashed a node: the failure's start; and
  // when it restarted the kubelet, after which the node's next Ready=True ends the failure even if
  // it never went Unknown. The cloud records when it stopped an instance (terminated, reclaimed
  // after a spot notice, or removed by a node group shrinking): the machine is gone, as a crash.
  if (e.object.rfind("Node/", 0) == 0 &&
      (e.reason == "KubeletStopped" || e.reason == "NodeCrashed" || e.reason == "InstanceTerminated" ||
       e.reason == "SpotInstanceTerminated" || e.reason == "InstanceRemoved")) {
    NodeFailure& f = failures_[Open(e.object.substr(5))];
    if (!f.failed) f.failed = e.time;
  }
  if (e.object.rfind("Node/", 0) == 0 && e.reason == "KubeletRestarted") {
    NodeState& n = nodes_[e.object.substr(5)];
    if (n.open) n.restarted = true;
  }
  if (e.reason == "TaintManagerEviction") eviction_reason_[e.object] = e.reason;
}

void NodeFailureTracker::OnCommit(sim::Time now, const etcd::Event& e) {
  if (auto lease = api::As<api::Lease>(e.object)) {
    // Node leases live in kube-node-lease under the node's name.
    if (lease->metadata.namespace_ == "kube-node-lease" && e.type != etcd::EventType::kDelete) {
      nodes_[lease->metadata.name].last_renew = lease->renew_time;
    }
    return;
  }
  if (api::As<api::Node>(e.object)) return OnNode(now, e);
  if (auto pod = api::As<api::Pod>(e.object)) {
    OnPod(now, e);
    // A pod that left the store is never seen again; only a replacement is read at the end.
    // Without this a day of churn would keep a state per pod that ever existed.
    if (e.type == etcd::EventType::kDelete && !replacements_.count(pod->metadata.uid)) {
      pods_.erase(pod->metadata.uid);
    }
  }
}

void NodeFailureTracker::OnNode(sim::Time now, const etcd::Event& e) {
  if (e.type == etcd::EventType::kDelete) return;
  auto node = api::As<api::Node>(e.object);
  NodeState& n = nodes_[node->metadata.name];
  auto zone = node->metadata.labels.find(api::kLabelZone);
  n.zone = zone == node->metadata.labels.end() ? "" : zone->second;
  const api::NodeCondition* ready = node->FindCondition("Ready");
  std::string status = ready == nullptr ? "Unknown" : ready->status;
  std::string before = n.ready;
  n.ready = status;
  if (status == "Unknown" && before != "Unknown") {
    // The node lifecycle controller stopped hearing from the kubelet (or never did).
    NodeFailure& f = failures_[Open(node->metadata.name)];
    if (!f.unknown) {
      f.unknown = now;
      f.last_lease_renewal = n.last_renew;
    }
  }
  if (!n.open) return;
  NodeFailure& f = failures_[*n.open];
  if (f.zone.empty()) f.zone = n.zone;
  for (const auto& t : node->spec.taints) {
    if (t.key != api::kTaintNodeUnreachable) continue;
    if (t.effect == api::kTaintNoSchedule && !f.unreachable_no_schedule) f.unreachable_no_schedule = now;
    if (t.effect == api::kTaintNoExecute && !f.unreachable_no_execute) f.unreachable_no_execute = now;
  }
  if (status == "True" && (f.unknown || n.restarted) && (before != "True" || n.restarted)) {
    // Heard from again: this failure is over; a later one opens a new record.
    f.ready_again = now;
    n.open.reset();
    n.restarted = false;
  }
}

void NodeFailureTracker::OnPod(sim::Time now, const etcd::Event& e) {
  auto pod = api::As<api::Pod>(e.object);
  auto [it, inserted] = pods_.try_emplace(pod->metadata.uid);
  PodState& p = it->second;
  if (inserted) {
    p.ref = pod->metadata.namespace_ + "/" + pod->metadata.name;
    p.created = now;
    for (const auto& o : pod->metadata.owner_references) {
      if (!o.controller) continue;
      p.owner_uid = o.uid;
      p.owner = o.kind + "/" + o.name;
    }
    // A controller's new pod while one of its evicted pods waits: that is the replacement.
    auto w = waiting_.find(p.owner_uid);
    if (!p.owner_uid.empty() && w != waiting_.end() && !w->second.empty()) {
      replacement_uid_[w->second.front()] = pod->metadata.uid;
      replacements_.insert(pod->metadata.uid);
      w->second.pop_front();
    }
  }
  if (!pod->spec.node_name.empty() && !p.scheduled) {
    p.node = pod->spec.node_name;
    p.scheduled = now;
  }
  const api::PodCondition* ready = pod->FindCondition("Ready");
  if (ready != nullptr && ready->status == "True" && !p.ready) p.ready = now;

  bool deleting = e.type == etcd::EventType::kDelete || pod->metadata.deletion_timestamp.has_value();
  if (!deleting || p.deleting) return;
  p.deleting = true;
  auto n = nodes_.find(p.node);
  if (p.node.empty() || n == nodes_.end() || !n->second.open) return;
  // Deleted while its node is down: an eviction of this failure.
  size_t fi = *n->second.open;
  NodeFailure& f = failures_[fi];
  EvictionRecord ev;
  ev.pod = p.ref;
  ev.at = now;
  auto reason = eviction_reason_.find("Pod/" + p.ref);
  ev.reason = reason == eviction_reason_.end() ? "Deleted" : reason->second;
  ev.owner = p.owner;
  f.evictions.push_back(ev);
  if (!p.owner_uid.empty()) waiting_[p.owner_uid].emplace_back(fi, f.evictions.size() - 1);
}

std::vector<NodeFailure> NodeFailureTracker::Failures() const {
  std::vector<NodeFailure> out = failures_;
  for (const auto& [at, uid] : replacement_uid_) {
    const PodState& p = pods_.at(uid);
    out[at.first].evictions[at.second].replacement = ReplacementRecord{p.ref, p.node, p.created, p.scheduled, p.ready};
  }
  for (auto& f : out) {
    // A failure still open at the end: its last renewal so far is the last one.
    if (!f.last_lease_renewal) {
      auto n = nodes_.find(f.node);
      if (n != nodes_.end()) f.last_lease_renewal = n->second.last_renew;
    }
    f.Finalize();
  }
  return out;
}

}  // namespace kubesim::report
