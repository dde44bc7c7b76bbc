// The cluster-autoscaler's scale-down: the planner (which nodes are unneeded, and since when) and
// the actuator (taint, drain, delete). kubernetes/autoscaler cluster-autoscaler/core/scaledown
// (eligibility, unneeded, planner, actuation) and simulator/drainability/rules @ 1.33.
#include <algorithm>

#include "models/api/labels.h"
#include "models/autoscaler/cluster_autoscaler.h"

namespace kubesim::autoscaler {
namespace {

bool IsDaemonSetPod(const api::Pod& p) {
  for (const auto& ref : p.metadata.owner_references) {
    if (ref.controller && ref.kind == api::DaemonSet::kKind) return true;
  }
  return false;
}

std::string Annotation(const api::Object& o, const char* key) {
  auto it = o.metadata.annotations.find(key);
  return it == o.metadata.annotations.end() ? "" : it->second;
}

// drainability rules (rules.go Default), in order; empty when the pod may move, else why not.
// `pdb_left`: disruptions the PDBs still allow in this loop, decremented as pods are counted.
std::string BlockingReason(const api::Pod& pod, const AutoscalingOptions& options,
                           const std::vector<std::shared_ptr<const api::PodDisruptionBudget>>& pdbs,
                           std::map<std::string, int32_t>& pdb_left) {
  if (Annotation(pod, kSafeToEvictAnnotation) == "true") return "";
  bool replicated = false;
  for (const auto& ref : pod.metadata.owner_references) {
    // skip-nodes-with-custom-controller-pods: only the built-in controllers count as replicating.
    if (ref.controller && (ref.kind == api::ReplicaSet::kKind || ref.kind == api::StatefulSet::kKind ||
                           ref.kind == "Job" || ref.kind == "ReplicationController")) {
      replicated = true;
    }
  }
  if (!replicated) return "NotReplicated";
  std::vector<const api::PodDisruptionBudget*> matching;
  for (const auto& pdb : pdbs) {
    if (pdb->metadata.namespace_ != pod.metadata.namespace_ || !pdb->selector) continue;
    if (pdb->selector->Matches(pod.metadata.labels)) matching.push_back(pdb.get());
  }
  if (options.skip_nodes_with_system_pods && pod.metadata.namespace_ == "kube-system" && matching.empty()) {
    return "UnmovableKubeSystemPod";
  }
  if (Annotation(pod, kSafeToEvictAnnotation) == "false") return "NotSafeToEvictAnnotation";
  for (const api::PodDisruptionBudget* pdb : matching) {
    std::string key = pdb->metadata.namespace_ + "/" + pdb->metadata.name;
    auto it = pdb_left.try_emplace(key, pdb->status.disruptions_allowed).first;
    if (it->second < 1) return "NotEnoughPdb";
  }
  for (const api::PodDisruptionBudget* pdb : matching) --pdb_left[pdb->metadata.namespace_ + "/" + pdb->metadata.name];
  return "";
}

}  // namespace

bool ClusterAutoscaler::InCooldown() const {
  // isScaleDownInCooldown.
  const sim::Time now = sim_.Now();
  if (last_scale_up_ && *last_scale_up_ + options_.scale_down_delay_after_add > now) return true;
  if (last_scale_down_failure_ && *last_scale_down_failure_ + options_.scale_down_delay_after_failure > now)
    return true;
  if (last_scale_down_delete_ && *last_scale_down_delete_ + options_.scale_down_delay_after_delete > now) return true;
  return false;
}

std::vector<std::string> ClusterAutoscaler::PodsToMove(const std::string& node) const {
  std::vector<std::string> out;
  for (const auto& [key, obj] : pods_.items()) {
    auto pod = api::As<api::Pod>(obj);
    if (!pod || pod->spec.node_name != node || pod->IsTerminal() || IsDaemonSetPod(*pod)) continue;
    out.push_back(api::NamespacedName(pod->metadata));
  }
  return out;
}

void ClusterAutoscaler::ScaleDown(ClusterSnapshot& snap, bool may_delete) {
  const sim::Time now = sim_.Now();
  std::vector<std::shared_ptr<const api::PodDisruptionBudget>> pdbs = snap.lister().pdbs;
  std::map<std::string, int32_t> pdb_left;
  std::set<std::string> removed;  // planned removals: no longer destinations
  std::set<std::string> unneeded;
  std::map<std::string, std::vector<std::string>> to_move;  // node → pods (for the actuator)
  std::map<std::string, std::string> group_of;

  // Candidates: Ready nodes of groups above their minimum, not already being deleted.
  std::vector<std::string> candidates;
  for (const scheduler::NodeInfo* n : snap.Nodes()) {
    const api::Node& node = *n->node();
    if (node.metadata.name.rfind("template-node-for-", 0) == 0) continue;
    std::string group = GroupOf(node);
    if (group.empty() || deleting_.count(node.metadata.name)) continue;
    if (Annotation(node, kScaleDownDisabledAnnotation) == "true") continue;
    bool tainted = false;
    for (const auto& t : node.spec.taints) tainted = tainted || t.key == kToBeDeletedTaint;
    if (tainted) continue;
    if (cloud_.TargetSize(group) <= cloud_.config().FindNodeGroup(group)->min_size) continue;
    candidates.push_back(node.metadata.name);
    group_of[node.metadata.name] = group;
  }
  std::sort(candidates.begin(), candidates.end());
  for (const std::string& name : candidates) {
    const scheduler::NodeInfo* info = snap.GetNode(name);
    if (info == nullptr) continue;
    // utilization.Calculate: max of the CPU and memory requests over allocatable.
    scheduler::Resource used;
    for (const auto& pi : info->pods()) {
      if (options_.ignore_daemonsets_utilization && IsDaemonSetPod(*pi->pod)) continue;
      used.Add(pi->requests);
    }
    const scheduler::Resource& alloc = info->allocatable();
    double util = 0;
    if (alloc.milli_cpu > 0) util = std::max(util, static_cast<double>(used.milli_cpu) / alloc.milli_cpu);
    if (alloc.memory > 0) util = std::max(util, static_cast<double>(used.memory) / alloc.memory);
    if (util > options_.scale_down_utilization_threshold) continue;
    // Can every pod that must move go elsewhere? (SimulateNodeRemoval)
    std::vector<std::shared_ptr<const api::Pod>> movers;
    std::string blocked;
    std::map<std::string, int32_t> pdb_try = pdb_left;
    for (const auto& pi : info->pods()) {
      if (IsDaemonSetPod(*pi->pod) || pi->pod->IsTerminal()) continue;
      blocked = BlockingReason(*pi->pod, options_, pdbs, pdb_try);
      if (!blocked.empty()) break;
      movers.push_back(pi->pod);
    }
    if (!blocked.empty()) continue;
    for (const auto& p : movers) snap.RemovePod(*p);
    std::vector<const api::Pod*> placed;
    bool fits = true;
    for (const auto& p : movers) {
      std::string dest = snap.FitsAnyNodeMatching(*p, [&](const scheduler::NodeInfo& d) {
        return d.name() != name && !removed.count(d.name()) && !deleting_.count(d.name()) &&
               d.name().rfind("template-node-for-", 0) != 0;
      });
      if (dest.empty()) {
        fits = false;
        break;
      }
      snap.Place(*p, dest);
      placed.push_back(p.get());
    }
    if (!fits) {
      for (const api::Pod* p : placed) snap.Unplace(*p);
      for (const auto& p : movers) snap.AddPod(p);
      continue;
    }
    pdb_left = pdb_try;
    removed.insert(name);
    unneeded.insert(name);
    for (const auto& p : movers) to_move[name].push_back(api::NamespacedName(p->metadata));
  }
  // unneeded.Nodes: `since` survives across loops while the node stays unneeded.
  for (auto it = unneeded_since_.begin(); it != unneeded_since_.end();) {
    it = unneeded.count(it->first) ? std::next(it) : unneeded_since_.erase(it);
  }
  for (const auto& n : unneeded) unneeded_since_.try_emplace(n, now);
  status_.unneeded_nodes = static_cast<int64_t>(unneeded.size());
  UpdateSoftTaints(unneeded);
  if (!may_delete || InCooldown()) return;

  // Removable: unneeded for long enough, and the group stays at or above its minimum.
  std::map<std::string, int32_t> deleting_in_group;
  int32_t drains_in_progress = 0;
  for (const auto& [n, d] : deleting_) {
    ++deleting_in_group[d.group];
    drains_in_progress += d.drain;
  }
  int32_t budget = options_.max_scale_down_parallelism - static_cast<int32_t>(deleting_.size());
  int32_t drain_budget = std::min(budget, options_.max_drain_parallelism - drains_in_progress);
  std::vector<std::pair<sim::Time, std::string>> ready_to_go;
  for (const auto& [n, since] : unneeded_since_) {
    if (since + options_.scale_down_unneeded_time <= now) ready_to_go.push_back({since, n});
  }
  std::sort(ready_to_go.begin(), ready_to_go.end());
  // Empty nodes first (budgets.go CropNodes), then nodes to drain.
  for (bool drain : {false, true}) {
    for (const auto& [since, n] : ready_to_go) {
      const std::vector<std::string>& pods = to_move[n];
      if (pods.empty() == drain || budget <= 0) continue;
      if (drain && drain_budget <= 0) continue;
      const std::string& group = group_of[n];
      const cloud::NodeGroupConfig& g = *cloud_.config().FindNodeGroup(group);
      if (cloud_.TargetSize(group) - deleting_in_group[group] <= g.min_size) continue;
      ++deleting_in_group[group];
      --budget;
      if (drain) --drain_budget;
      StartDeletion(n, group, pods);
    }
  }
}

void ClusterAutoscaler::UpdateSoftTaints(const std::set<std::string>& unneeded) {
  // softtaint.go: at most max-bulk-soft-taint-count (10) API calls per loop.
  int calls = 0;
  for (const auto& n : unneeded) {
    if (calls >= 10) break;
    if (soft_tainted_.count(n) || deleting_.count(n)) continue;
    SetTaint(n, kDeletionCandidateTaint, api::kTaintPreferNoSchedule, true);
    soft_tainted_.insert(n);
    ++calls;
  }
  for (auto it = soft_tainted_.begin(); it != soft_tainted_.end() && calls < 10;) {
    if (unneeded.count(*it) || deleting_.count(*it)) {
      ++it;
      continue;
    }
    SetTaint(*it, kDeletionCandidateTaint, api::kTaintPreferNoSchedule, false);
    it = soft_tainted_.erase(it);
    ++calls;
  }
}

void ClusterAutoscaler::SetTaint(const std::string& node, const std::string& key, const std::string& effect,
                                 bool present) {
  auto cur = api::As<api::Node>(nodes_.Get(node));
  if (!cur) return;
  auto updated = cur->DeepCopy();
  auto& taints = updated->spec.taints;
  bool had = std::any_of(taints.begin(), taints.end(), [&](const api::Taint& t) { return t.key == key; });
  if (had == present) return;
  taints.erase(std::remove_if(taints.begin(), taints.end(), [&](const api::Taint& t) { return t.key == key; }),
               taints.end());
  // The value is the time it was added, in Unix seconds (here: seconds of simulated time).
  if (present) taints.push_back(api::Taint{key, std::to_string(sim_.Now().nanos() / 1'000'000'000), effect, {}});
  if (present && key == kToBeDeletedTaint && options_.cordon_node_before_terminating)
    updated->spec.unschedulable = true;
  api_.Update(updated, owner_.Bind([this, node, key, effect, present](const apiserver::Response& r) {
    // RetryOnConflict: again from the newer Node.
    if (r.code == apiserver::Code::kConflict) {
      owner_.After(sim::Duration::Milliseconds(100),
                   [this, node, key, effect, present]() { SetTaint(node, key, effect, present); });
    }
  }));
}

void ClusterAutoscaler::StartDeletion(const std::string& node, const std::string& group,
                                      const std::vector<std::string>& pods) {
  // actuator.go StartDeletion: taint at once, then drain (or not) and delete.
  Deletion& d = deleting_[node];
  d.group = group;
  d.drain = !pods.empty();
  d.started = sim_.Now();
  d.evicting = std::set<std::string>(pods.begin(), pods.end());
  soft_tainted_.erase(node);
  unneeded_since_.erase(node);
  SetTaint(node, kToBeDeletedTaint, api::kTaintNoSchedule, true);
  Record("Normal", "ScaleDown", "Node/" + node, "marked the node as toBeDeleted/unschedulable");
  if (d.drain) {
    std::string list;
    for (const auto& p : pods) list += (list.empty() ? "" : ",") + p;
    Record("Normal", "ScaleDown", kStatusConfigMap,
           "Scale-down: removing node " + node + ", pods to reschedule: " + list);
  } else {
    Record("Normal", "ScaleDownEmpty", kStatusConfigMap, "Scale-down: removing empty node \"" + node + "\"");
  }
  owner_.After(options_.node_delete_delay_after_taint, [this, node]() {
    auto it = deleting_.find(node);
    if (it == deleting_.end()) return;
    if (!it->second.drain) {
      // An empty node that gained pods meanwhile is not deleted.
      if (!PodsToMove(node).empty()) {
        AbortDeletion(node, "failed to delete empty node: node is not empty any more");
        return;
      }
      DeleteNode(node);
      return;
    }
    EvictPods(node);
  });
}

void ClusterAutoscaler::EvictPods(const std::string& node) {
  auto it = deleting_.find(node);
  if (it == deleting_.end()) return;
  Deletion& d = it->second;
  if (d.evicting.empty()) {
    WaitForPodsGone(node);
    return;
  }
  if (sim_.Now() - d.started > options_.max_pod_eviction_time + options_.node_delete_delay_after_taint) {
    for (const auto& p : d.evicting)
      Record("Warning", "ScaleDownFailed", "Pod/" + p, "failed to delete pod for ScaleDown");
    AbortDeletion(node, "failed to drain and delete node: evictions did not succeed in time");
    return;
  }
  for (const auto& key : std::vector<std::string>(d.evicting.begin(), d.evicting.end())) {
    size_t slash = key.find('/');
    std::string ns = key.substr(0, slash), name = key.substr(slash + 1);
    Record("Normal", "ScaleDown", "Pod/" + key, "deleting pod for node scale down");
    api_.Evict(ns, name, owner_.Bind([this, node, key](const apiserver::Response& r) {
      auto dit = deleting_.find(node);
      if (dit == deleting_.end()) return;
      if (r.ok() || r.code == apiserver::Code::kNotFound) {
        if (r.ok()) ++status_.evicted_pods_total;
        dit->second.evicting.erase(key);
      }
    }));
  }
  // Evictions a PDB refused are retried every 10 s (DefaultEvictionRetryTime).
  owner_.After(sim::Duration::Seconds(10), [this, node]() { EvictPods(node); });
}

void ClusterAutoscaler::WaitForPodsGone(const std::string& node) {
  auto it = deleting_.find(node);
  if (it == deleting_.end()) return;
  if (PodsToMove(node).empty()) {
    DeleteNode(node);
    return;
  }
  // Up to max-graceful-termination-sec + 30 s (DefaultPodEvictionHeadroom), polled every 5 s.
  sim::Duration limit = sim::Duration::Seconds(options_.max_graceful_termination_sec + 30) +
                        options_.max_pod_eviction_time + options_.node_delete_delay_after_taint;
  if (sim_.Now() - it->second.started > limit) {
    AbortDeletion(node, "failed to drain and delete node: pods remaining after the graceful termination period");
    return;
  }
  owner_.After(sim::Duration::Seconds(5), [this, node]() { WaitForPodsGone(node); });
}

void ClusterAutoscaler::DeleteNode(const std::string& node) {
  auto it = deleting_.find(node);
  if (it == deleting_.end()) return;
  const std::string group = it->second.group;
  const bool drain = it->second.drain;
  sim::Status st = cloud_.DeleteNodes(group, {node});
  if (!st.ok()) {
    AbortDeletion(node, std::string(drain ? "failed to drain and delete node: " : "failed to delete empty node: ") +
                            st.message());
    return;
  }
  deleting_.erase(it);
  Record("Normal", "ScaleDown", "Node/" + node, "nodes removed by cluster autoscaler");
  Record("Normal", drain ? "ScaleDown" : "ScaleDownEmpty", kStatusConfigMap,
         drain ? "Scale-down: node " + node + " removed with drain" : "Scale-down: empty node " + node + " removed");
  status_.scale_downs.push_back({sim_.Now(), node, group, drain ? "underutilized" : "empty"});
  ++status_.scaled_down_nodes_total;
  last_scale_down_delete_ = sim_.Now();
}

void ClusterAutoscaler::AbortDeletion(const std::string& node, const std::string& message) {
  deleting_.erase(node);
  Record("Warning", "ScaleDownFailed", "Node/" + node, message);
  SetTaint(node, kToBeDeletedTaint, api::kTaintNoSchedule, false);
  last_scale_down_failure_ = sim_.Now();
}

}  // namespace kubesim::autoscaler
