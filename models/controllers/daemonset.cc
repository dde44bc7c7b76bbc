#include "models/controllers/daemonset.h"

#include <algorithm>
#include <set>

#include "models/controllers/controller_utils.h"
#include "models/controllers/deployment.h"
#include "models/controllers/slow_start.h"

namespace kubesim::controllers {
namespace {

// podutil.IsPodAvailable: Ready for at least minReadySeconds.
bool IsAvailable(const api::Pod& pod, int32_t min_ready_seconds, sim::Time now) {
  const api::PodCondition* c = pod.FindCondition("Ready");
  if (c == nullptr || c->status != "True") return false;
  return min_ready_seconds == 0 || c->last_transition_time + sim::Duration::Seconds(min_ready_seconds) <= now;
}

// v1helper.FindMatchingUntoleratedTaint over the taints with one of `effects`.
bool HasUntoleratedTaint(const api::Node& node, const std::vector<api::Toleration>& tolerations,
                         std::initializer_list<const char*> effects) {
  for (const auto& taint : node.spec.taints) {
    bool considered = std::any_of(effects.begin(), effects.end(), [&](const char* e) { return taint.effect == e; });
    if (!considered) continue;
    bool tolerated = std::any_of(tolerations.begin(), tolerations.end(), [&](const api::Toleration& t) {
      return api::ToleratesTaint(t, taint.key, taint.value, taint.effect);
    });
    if (!tolerated) return true;
  }
  return false;
}

// The node a daemon pod is for (upstream util.GetTargetNodeName): its nodeName once bound,
// else the node of its `metadata.name` affinity term.
std::string TargetNode(const api::Pod& pod) {
  if (!pod.spec.node_name.empty()) return pod.spec.node_name;
  const auto& na = pod.spec.affinity.node_affinity;
  if (!na || !na->required) return "";
  for (const auto& term : na->required->terms) {
    for (const auto& f : term.match_fields) {
      if (f.key == "metadata.name" && f.op == api::NodeSelectorOp::kIn && f.values.size() == 1) return f.values[0];
    }
  }
  return "";
}

// podByCreationTimestampAndPhase: Running before others, then oldest, then by name.
bool PodOlderFirst(const std::shared_ptr<const api::Pod>& a, const std::shared_ptr<const api::Pod>& b) {
  bool ra = a->status.phase == api::kPodRunning, rb = b->status.phase == api::kPodRunning;
  if (ra != rb) return ra;
  if (a->metadata.creation_timestamp != b->metadata.creation_timestamp) {
    return a->metadata.creation_timestamp < b->metadata.creation_timestamp;
  }
  return a->metadata.name < b->metadata.name;
}

// intstr.GetScaledValueFromIntOrPercent(maxUnavailable, desired, roundUp = true).
int32_t Scaled(const api::IntOrPercent& v, int32_t total) {
  if (!v.percent) return v.value;
  return static_cast<int32_t>((static_cast<int64_t>(v.value) * total + 99) / 100);
}

}  // namespace

void AddDaemonPodTolerations(api::PodSpec* spec) {
  auto add = [spec](const char* key, const char* effect) {
    api::Toleration t{key, "Exists", "", effect, std::nullopt};
    // v1helper.AddOrUpdateTolerationInPodSpec: MatchToleration ignores tolerationSeconds.
    for (auto& existing : spec->tolerations) {
      bool same = existing.key == t.key && existing.effect == t.effect && existing.value == t.value &&
                  (existing.op == t.op || (existing.op.empty() && t.op == "Equal"));
      if (same) {
        existing = t;
        return;
      }
    }
    spec->tolerations.push_back(t);
  };
  add(api::kTaintNodeNotReady, api::kTaintNoExecute);
  add(api::kTaintNodeUnreachable, api::kTaintNoExecute);
  add("node.kubernetes.io/disk-pressure", api::kTaintNoSchedule);
  add("node.kubernetes.io/memory-pressure", api::kTaintNoSchedule);
  add("node.kubernetes.io/pid-pressure", api::kTaintNoSchedule);
  add(api::kTaintNodeUnschedulable, api::kTaintNoSchedule);
  if (spec->host_network) add("node.kubernetes.io/network-unavailable", api::kTaintNoSchedule);
}

DaemonPlacement NodeShouldRunDaemonPod(const api::Node& node, const api::DaemonSet& ds) {
  const api::PodSpec& tmpl = ds.pod_template.spec;
  if (!tmpl.node_name.empty() && tmpl.node_name != node.metadata.name) return {false, false};
  // nodeaffinity.GetRequiredNodeAffinity(pod).Match: nodeSelector and the required terms.
  for (const auto& [k, v] : tmpl.node_selector) {
    auto it = node.metadata.labels.find(k);
    if (it == node.metadata.labels.end() || it->second != v) return {false, false};
  }
  const auto& na = tmpl.affinity.node_affinity;
  if (na && na->required && !api::NodeSelectorMatches(*na->required, node.metadata.labels, node.metadata.name)) {
    return {false, false};
  }
  api::PodSpec spec = tmpl;
  AddDaemonPodTolerations(&spec);
  if (HasUntoleratedTaint(node, spec.tolerations, {api::kTaintNoSchedule, api::kTaintNoExecute})) {
    // A pod already there keeps running unless a NoExecute taint is untolerated.
    return {false, !HasUntoleratedTaint(node, spec.tolerations, {api::kTaintNoExecute})};
  }
  return {true, true};
}

api::PodSpec DaemonPodSpec(const api::DaemonSet& ds, const std::string& node) {
  api::PodSpec spec = ds.pod_template.spec;
  AddDaemonPodTolerations(&spec);
  // ReplaceDaemonSetPodNodeNameNodeAffinity: the required terms become the one node-name term.
  api::NodeSelectorRequirement name{"metadata.name", api::NodeSelectorOp::kIn, {node}};
  api::NodeSelectorTerm term;
  term.match_fields.push_back(name);
  if (!spec.affinity.node_affinity) spec.affinity.node_affinity = api::NodeAffinity{};
  spec.affinity.node_affinity->required = api::NodeSelector{{term}};
  return spec;
}

DaemonSetController::DaemonSetController(sim::Simulation& sim, apiserver::ApiServer& api,
                                         client::SharedInformerFactory& informers, client::EventRecorder recorder)
    : sim_(sim),
      api_(sim, api, "kube-controller-manager/daemonset"),
      recorder_(std::move(recorder)),
      daemonsets_(informers.For(api::DaemonSet::kKind)),
      pods_(informers.For(api::Pod::kKind)),
      nodes_(informers.For(api::Node::kKind)),
      worker_(
          sim, [this]() { return daemonsets_.HasSynced() && pods_.HasSynced() && nodes_.HasSynced(); },
          [this](const std::string& key) { Sync(key); }) {
  AddPodControllerUIDIndexer(pods_);
}

void DaemonSetController::Start() {
  auto enqueue = [this](const api::ObjectPtr& o) { worker_.queue().Add(api::NamespacedName(o->metadata)); };
  daemonsets_.AddEventHandlers(
      {enqueue, [enqueue](const api::ObjectPtr&, const api::ObjectPtr& o) { enqueue(o); },
       [this](const api::ObjectPtr& o) { expectations_.DeleteExpectations(api::NamespacedName(o->metadata)); }});
  pods_.AddEventHandlers({[this](const api::ObjectPtr& o) { OnPod(nullptr, o, false); },
                          [this](const api::ObjectPtr& old, const api::ObjectPtr& o) { OnPod(old, o, false); },
                          [this](const api::ObjectPtr& o) { OnPod(nullptr, o, true); }});
  nodes_.AddEventHandlers({[this](const api::ObjectPtr& o) { OnNode(nullptr, o); },
                           [this](const api::ObjectPtr& old, const api::ObjectPtr& o) { OnNode(old, o); },
                           [this](const api::ObjectPtr&) { EnqueueAll(); }});
  daemonsets_.Start();
  pods_.Start();
  nodes_.Start();
}

void DaemonSetController::EnqueueAll() {
  for (const auto& [key, obj] : daemonsets_.items()) worker_.queue().Add(key);
}

void DaemonSetController::OnNode(const api::ObjectPtr& old_obj, const api::ObjectPtr& obj) {
  // Upstream addNode/updateNode: enqueue the DaemonSets whose placement on this node changes
  // (heartbeats and status-only updates change nothing).
  auto node = api::As<api::Node>(obj);
  auto old_node = api::As<api::Node>(old_obj);
  for (const auto& [key, o] : daemonsets_.items()) {
    auto ds = api::As<api::DaemonSet>(o);
    DaemonPlacement now = NodeShouldRunDaemonPod(*node, *ds);
    if (old_node) {
      DaemonPlacement before = NodeShouldRunDaemonPod(*old_node, *ds);
      if (before.should_run == now.should_run && before.should_continue_running == now.should_continue_running)
        continue;
    } else if (!now.should_run) {
      continue;
    }
    worker_.queue().Add(key);
  }
}

void DaemonSetController::OnPod(const api::ObjectPtr& old_obj, const api::ObjectPtr& obj, bool deleted) {
  const api::OwnerReference* ref = ControllerRef(obj->metadata);
  if (ref == nullptr || ref->kind != api::DaemonSet::kKind) return;
  std::string key = obj->metadata.namespace_ + "/" + ref->name;
  bool added = old_obj == nullptr && !deleted;
  // Upstream updatePod hands a pod that got a deletionTimestamp to deletePod.
  bool now_deleting = old_obj != nullptr && !old_obj->metadata.deletion_timestamp && obj->metadata.deletion_timestamp;
  if (added) expectations_.CreationObserved(key);
  if (now_deleting || (deleted && !obj->metadata.deletion_timestamp)) expectations_.DeletionObserved(key);
  worker_.queue().Add(key);
}

void DaemonSetController::Sync(const std::string& key) {
  auto ds = api::As<api::DaemonSet>(daemonsets_.Get(key));
  if (!ds) {
    expectations_.DeleteExpectations(key);
    return;
  }
  if (ds->metadata.deletion_timestamp) return;
  const sim::Time now = sim_.Now();
  const std::string hash = PodTemplateHash(ds->pod_template);

  // getNodesToDaemonPods: the DaemonSet's pods by target node, oldest first; terminal pods that
  // are being deleted are left out.
  std::map<std::string, std::vector<std::shared_ptr<const api::Pod>>> by_node;
  for (const auto& pod : FilterPodsByOwner(pods_.GetIndexer(), ds->metadata, /*include_orphans=*/false)) {
    if (pod->metadata.deletion_timestamp && pod->IsTerminal()) continue;
    by_node[TargetNode(*pod)].push_back(pod);
  }
  for (auto& [n, pods] : by_node) std::stable_sort(pods.begin(), pods.end(), PodOlderFirst);

  std::map<std::string, DaemonPlacement> placement;  // by node name: the nodes informer's order
  for (const auto& [name, obj] : nodes_.items())
    placement[name] = NodeShouldRunDaemonPod(*api::As<api::Node>(obj), *ds);

  const bool satisfied = expectations_.SatisfiedExpectations(key);
  if (satisfied) {
    // manage → podsShouldBeOnNode for every node.
    std::vector<std::string> to_create;
    std::vector<std::shared_ptr<const api::Pod>> to_delete;
    for (const auto& [node, p] : placement) {
      auto found = by_node.find(node);
      bool exists = found != by_node.end();
      if (p.should_run && !exists) {
        to_create.push_back(node);
      } else if (p.should_continue_running && exists) {
        std::vector<std::shared_ptr<const api::Pod>> running;
        for (const auto& pod : found->second) {
          if (pod->metadata.deletion_timestamp) continue;
          if (pod->status.phase == api::kPodFailed) {
            // Avoid hot-looping against a kubelet that keeps failing the pod.
            std::string bkey = key + "/" + node;
            auto b = failed_pods_backoff_.find(bkey);
            if (b != failed_pods_backoff_.end() && now - b->second.last_update < b->second.delay) {
              worker_.queue().AddAfter(key, b->second.delay);
              continue;
            }
            if (b == failed_pods_backoff_.end() || now - b->second.last_update > 2 * kFailedPodsBackoffMax) {
              failed_pods_backoff_[bkey] = Backoff{kFailedPodsBackoffBase, now};
            } else {
              b->second.delay = std::min(b->second.delay * 2, kFailedPodsBackoffMax);
              b->second.last_update = now;
            }
            recorder_.Event(now, *ds, "Warning", "FailedDaemonPod",
                            "Found failed daemon pod " + pod->metadata.namespace_ + "/" + pod->metadata.name +
                                " on node " + node + ", will try to kill it");
            to_delete.push_back(pod);
          } else if (pod->status.phase == api::kPodSucceeded) {
            to_delete.push_back(pod);
          } else {
            running.push_back(pod);
          }
        }
        // Without surge, only the oldest running pod stays.
        for (size_t i = 1; i < running.size(); ++i) to_delete.push_back(running[i]);
      } else if (!p.should_continue_running && exists) {
        for (const auto& pod : found->second) {
          if (!pod->metadata.deletion_timestamp) to_delete.push_back(pod);
        }
      }
    }
    SyncNodes(key, ds, to_delete, to_create, hash);

    if (ds->update_strategy_type == "RollingUpdate" && to_delete.empty() && to_create.empty()) {
      // rollingUpdate without surge: unavailable old pods are replaced at once; available ones
      // while fewer than maxUnavailable wanted pods are unavailable. Nodes in name order
      // (upstream ranges over a map).
      int32_t desired = 0;
      for (const auto& [node, p] : placement) desired += p.should_run;
      int32_t max_unavailable = Scaled(ds->max_unavailable, desired);
      if (max_unavailable == 0) max_unavailable = 1;  // validation refuses 0 with maxSurge 0
      int32_t unavailable = 0;
      std::vector<std::shared_ptr<const api::Pod>> replace_now, candidates;
      std::set<std::string> nodes;
      for (const auto& [node, p] : placement) {
        if (p.should_run) nodes.insert(node);
      }
      for (const auto& [node, pods] : by_node) nodes.insert(node);
      for (const auto& node : nodes) {
        std::shared_ptr<const api::Pod> fresh, old;
        bool ok = true;
        auto found = by_node.find(node);
        if (found != by_node.end()) {
          for (const auto& pod : found->second) {
            if (pod->metadata.deletion_timestamp) continue;
            auto label = pod->metadata.labels.find(kControllerRevisionHashLabel);
            bool updated = label != pod->metadata.labels.end() && label->second == hash;
            auto& slot = updated ? fresh : old;
            if (slot) ok = false;
            slot = pod;
          }
        }
        if (!ok || (!fresh && !old) || (fresh && old)) {
          ++unavailable;  // the manage loop deals with this node
        } else if (fresh) {
          if (!IsAvailable(*fresh, ds->min_ready_seconds, now)) ++unavailable;
        } else if (!IsAvailable(*old, ds->min_ready_seconds, now)) {
          replace_now.push_back(old);
        } else if (unavailable < max_unavailable) {
          candidates.push_back(old);
        }
      }
      size_t budget = static_cast<size_t>(std::max(0, max_unavailable - unavailable));
      for (size_t i = 0; i < std::min(budget, candidates.size()); ++i) replace_now.push_back(candidates[i]);
      if (!replace_now.empty()) SyncNodes(key, ds, replace_now, {}, hash);
    }
  }

  // updateDaemonSetStatus.
  api::DaemonSetStatus status;
  status.observed_generation = ds->metadata.generation;
  for (const auto& [node, p] : placement) {
    auto found = by_node.find(node);
    bool scheduled = found != by_node.end() && !found->second.empty();
    if (!p.should_run) {
      status.number_misscheduled += scheduled;
      continue;
    }
    status.desired_number_scheduled++;
    if (!scheduled) continue;
    status.current_number_scheduled++;
    const api::Pod& pod = *found->second.front();
    if (IsPodReady(pod)) {
      status.number_ready++;
      if (IsAvailable(pod, ds->min_ready_seconds, now)) status.number_available++;
    }
    auto label = pod.metadata.labels.find(kControllerRevisionHashLabel);
    if (label != pod.metadata.labels.end() && label->second == hash) status.updated_number_scheduled++;
  }
  status.number_unavailable = status.desired_number_scheduled - status.number_available;
  const api::DaemonSetStatus& old = ds->status;
  bool same = old.current_number_scheduled == status.current_number_scheduled &&
              old.number_misscheduled == status.number_misscheduled &&
              old.desired_number_scheduled == status.desired_number_scheduled &&
              old.number_ready == status.number_ready &&
              old.updated_number_scheduled == status.updated_number_scheduled &&
              old.number_available == status.number_available && old.number_unavailable == status.number_unavailable &&
              old.observed_generation == status.observed_generation;
  if (!same) {
    auto copy = ds->DeepCopy();
    copy->status = status;
    api_.UpdateStatus(copy, nullptr);
  }
  if (ds->min_ready_seconds > 0 && status.number_available != status.number_ready) {
    // Pods turn available without an event of their own: look again when the first might.
    worker_.queue().AddAfter(key, sim::Duration::Seconds(ds->min_ready_seconds));
  }
}

void DaemonSetController::SyncNodes(const std::string& key, const std::shared_ptr<const api::DaemonSet>& ds,
                                    const std::vector<std::shared_ptr<const api::Pod>>& to_delete,
                                    const std::vector<std::string>& to_create, const std::string& hash) {
  int creates = std::min<int>(static_cast<int>(to_create.size()), kBurstReplicas);
  int deletes = std::min<int>(static_cast<int>(to_delete.size()), kBurstReplicas);
  if (creates == 0 && deletes == 0) return;
  // Upstream SetExpectations(createDiff, deleteDiff) forgets what the record still waited for.
  // kubesim keeps what a record that expired unfulfilled still expects and adds the new counts to
  // it; observations beyond zero do not carry over.
  int64_t adds = creates, dels = deletes;
  if (const ControlleeExpectations* e = expectations_.GetExpectations(key); e != nullptr && !e->Fulfilled()) {
    auto [pending_adds, pending_dels] = e->GetExpectations();
    adds += std::max<int64_t>(0, pending_adds);
    dels += std::max<int64_t>(0, pending_dels);
  }
  expectations_.SetExpectations(key, adds, dels);
  auto lower = [this, key](int64_t add, int64_t del) { expectations_.LowerExpectations(key, add, del); };
  auto nodes = std::make_shared<std::vector<std::string>>(to_create.begin(), to_create.begin() + creates);
  auto create = [this, ds, nodes, hash, lower](int i, std::function<void(bool)> done) {
    auto pod = std::make_shared<api::Pod>();
    pod->api_version = api::Pod::kAPIVersion;
    pod->kind = api::Pod::kKind;
    pod->metadata.generate_name = ds->metadata.name + "-";
    pod->metadata.namespace_ = ds->metadata.namespace_;
    pod->metadata.labels = ds->pod_template.metadata.labels;
    pod->metadata.labels[kControllerRevisionHashLabel] = hash;
    pod->metadata.annotations = ds->pod_template.metadata.annotations;
    pod->metadata.owner_references = {api::OwnerReference{api::DaemonSet::kAPIVersion, api::DaemonSet::kKind,
                                                          ds->metadata.name, ds->metadata.uid, true, true}};
    pod->spec = DaemonPodSpec(*ds, (*nodes)[static_cast<size_t>(i)]);
    api_.Create(pod, owner_.Bind([this, ds, lower, done](const apiserver::Response& r) {
      if (r.ok()) {
        recorder_.Event(sim_.Now(), *ds, "Normal", "SuccessfulCreate", "Created pod: " + r.object->metadata.name);
      } else {
        recorder_.Event(sim_.Now(), *ds, "Warning", "FailedCreate", "Error creating: " + r.message);
        lower(1, 0);
      }
      done(r.ok());
    }));
  };
  SlowStartBatch(creates, create, owner_.Bind([lower](int skipped) { lower(skipped, 0); }));
  for (int i = 0; i < deletes; ++i) {
    const auto& pod = to_delete[static_cast<size_t>(i)];
    std::string name = pod->metadata.name;
    api_.Delete(api::Pod::kKind, pod->metadata.namespace_, name, {},
                owner_.Bind([this, ds, name, lower](const apiserver::Response& r) {
                  if (r.ok()) {
                    recorder_.Event(sim_.Now(), *ds, "Normal", "SuccessfulDelete", "Deleted pod: " + name);
                    return;
                  }
                  if (r.code != apiserver::Code::kNotFound) {
                    recorder_.Event(sim_.Now(), *ds, "Warning", "FailedDelete", "Error deleting: " + r.message);
                  }
                  lower(0, 1);
                }));
  }
}

}  // namespace kubesim::controllers
