#include "models/autoscaler/cluster_autoscaler.h"

#include <algorithm>

#include "models/autoscaler/node_group_set.h"
#include "models/cloud/node_bootstrap.h"

namespace kubesim::autoscaler {
namespace {

// core/utils: a pod CA helps is one the scheduler gave up on for now.
bool IsUnschedulable(const api::Pod& p) {
  if (!p.spec.node_name.empty() || p.metadata.deletion_timestamp || p.IsTerminal()) return false;
  for (const auto& c : p.status.conditions) {
    if (c.type == "PodScheduled") return c.status == "False" && c.reason == "Unschedulable";
  }
  return false;
}

const api::OwnerReference* ControllerOf(const api::Pod& p) {
  for (const auto& ref : p.metadata.owner_references) {
    if (ref.controller) return &ref;
  }
  return nullptr;
}

// decreasing_pod_orderer.go: cpu/allocatable + memory/allocatable of the first pod.
double PodScore(const api::Pod& p, const api::Node& node) {
  scheduler::Resource req = scheduler::ComputePodRequests(p, false);
  scheduler::Resource alloc = scheduler::Resource::FromList(node.status.allocatable);
  double s = 0;
  if (alloc.milli_cpu > 0) s += static_cast<double>(req.milli_cpu) / static_cast<double>(alloc.milli_cpu);
  if (alloc.memory > 0) s += static_cast<double>(req.memory) / static_cast<double>(alloc.memory);
  return s;
}

int64_t CapacityOf(const api::Node& n, const char* resource) {
  auto it = n.status.capacity.find(resource);
  return it == n.status.capacity.end() ? 0 : api::AmountOf(resource, it->second);
}

}  // namespace

ClusterAutoscaler::ClusterAutoscaler(sim::Simulation& sim, apiserver::ApiServer& api, cloud::CloudProvider& cloud,
                                     const AutoscalingOptions& options,
                                     const scheduler::SchedulerConfig& scheduler_config,
                                     const scheduler::Registry& registry, client::EventSink sink)
    : sim_(sim),
      api_(sim, api, "cluster-autoscaler"),
      cloud_(cloud),
      options_(options),
      scheduler_config_(scheduler_config),
      registry_(registry),
      sink_(std::move(sink)),
      informers_(sim, api, "cluster-autoscaler"),
      pods_(informers_.For(api::Pod::kKind)),
      nodes_(informers_.For(api::Node::kKind)),
      pdbs_(informers_.For(api::PodDisruptionBudget::kKind)),
      daemonsets_(informers_.For(api::DaemonSet::kKind)),
      namespaces_(informers_.For(api::Namespace::kKind)),
      services_(informers_.For(api::Service::kKind)),
      replicasets_(informers_.For(api::ReplicaSet::kKind)),
      backoff_(options.initial_node_group_backoff_duration, options.max_node_group_backoff_duration,
               options.node_group_backoff_reset_timeout) {}

sim::Status ClusterAutoscaler::Init() {
  ClusterSnapshot check(scheduler_config_, registry_);
  return check.Init();
}

void ClusterAutoscaler::Start() {
  for (client::Informer* i : {&pods_, &nodes_, &pdbs_, &daemonsets_, &namespaces_, &services_, &replicasets_}) {
    i->Start();
  }
  // The main loop: sleep scanInterval, then RunOnce.
  owner_.Every(options_.scan_interval, [this]() { RunOnce(); });
}

void ClusterAutoscaler::Record(const std::string& type, const std::string& reason, const std::string& object,
                               const std::string& message) {
  if (sink_) sink_(client::RecordedEvent{sim_.Now(), type, reason, object, message, "cluster-autoscaler"});
}

bool ClusterAutoscaler::NodeReady(const api::Node& node) {
  if (node.metadata.deletion_timestamp) return false;
  const api::NodeCondition* ready = node.FindCondition("Ready");
  if (ready == nullptr || ready->status != "True") return false;
  for (const auto& t : node.spec.taints) {
    if (t.key == cloud::kTaintExternalCloudProviderUninitialized) return false;
  }
  return true;
}

std::string ClusterAutoscaler::GroupOf(const api::Node& node) const {
  const cloud::Instance* inst = cloud_.InstanceByNode(node.metadata.name);
  return inst == nullptr ? "" : inst->node_group;
}

std::shared_ptr<api::Node> ClusterAutoscaler::TemplateFor(const std::string& group, const std::string& name) const {
  // NodeGroup.TemplateNodeInfo: a new node of the group in its first zone, of its first type.
  const cloud::NodeGroupConfig& g = *cloud_.config().FindNodeGroup(group);
  return cloud::TemplateNode(name, g, *cloud_.config().FindInstanceType(g.instance_types.front()), g.zones.front(),
                             cloud_.config().region);
}

std::vector<std::shared_ptr<api::Pod>> ClusterAutoscaler::AddNodeWithDaemonSets(ClusterSnapshot& snap,
                                                                                std::shared_ptr<const api::Node> node) {
  const std::string name = node->metadata.name;
  snap.AddNode(std::move(node));
  std::vector<std::shared_ptr<api::Pod>> placed;
  // daemonset.GetDaemonSetPodsForNode: each DaemonSet whose pod would pass the node's filters.
  for (const auto& [key, obj] : daemonsets_.items()) {
    auto ds = api::As<api::DaemonSet>(obj);
    if (!ds || ds->metadata.deletion_timestamp) continue;
    auto pod = std::make_shared<api::Pod>();
    pod->api_version = api::Pod::kAPIVersion;
    pod->kind = api::Pod::kKind;
    pod->metadata = ds->pod_template.metadata;
    pod->metadata.namespace_ = ds->metadata.namespace_;
    pod->metadata.name = ds->metadata.name + "-" + name;
    pod->metadata.uid =
        "cluster-autoscaler/daemonset/" + ds->metadata.namespace_ + "/" + ds->metadata.name + "/" + name;
    pod->metadata.owner_references = {api::OwnerReference{api::DaemonSet::kAPIVersion, api::DaemonSet::kKind,
                                                          ds->metadata.name, ds->metadata.uid, true, true}};
    pod->spec = ds->pod_template.spec;
    if (!snap.CheckPredicates(*pod, name).IsSuccess()) continue;
    snap.Place(*pod, name);
    placed.push_back(pod);
  }
  return placed;
}

std::unique_ptr<ClusterSnapshot> ClusterAutoscaler::BuildSnapshot(std::map<std::string, int32_t>* upcoming) {
  auto snap = std::make_unique<ClusterSnapshot>(scheduler_config_, registry_);
  if (!snap->Init().ok()) return nullptr;
  scheduler::SnapshotLister& lister = snap->lister();
  for (const auto& [key, obj] : namespaces_.items()) {
    if (auto ns = api::As<api::Namespace>(obj)) lister.namespaces[ns->metadata.name] = ns;
  }
  for (const auto& [key, obj] : services_.items()) {
    if (auto s = api::As<api::Service>(obj)) lister.services.push_back(s);
  }
  for (const auto& [key, obj] : replicasets_.items()) {
    if (auto rs = api::As<api::ReplicaSet>(obj)) lister.replicasets.push_back(rs);
  }
  for (const auto& [key, obj] : pdbs_.items()) {
    if (auto pdb = api::As<api::PodDisruptionBudget>(obj)) lister.pdbs.push_back(pdb);
  }
  // Ready nodes and their pods (expendable pods left out: they give way to anything).
  std::set<std::string> in_snapshot;
  std::map<std::string, int32_t> registered;  // per group: Ready or once Ready (not upcoming)
  for (const auto& [key, obj] : nodes_.items()) {
    auto node = api::As<api::Node>(obj);
    if (!node) continue;
    std::string group = GroupOf(*node);
    if (NodeReady(*node)) {
      ever_ready_.insert(node->metadata.name);
      snap->AddNode(node);
      in_snapshot.insert(node->metadata.name);
    }
    if (!group.empty() && ever_ready_.count(node->metadata.name)) ++registered[group];
  }
  for (const auto& [key, obj] : pods_.items()) {
    auto pod = api::As<api::Pod>(obj);
    if (!pod || pod->spec.node_name.empty() || pod->IsTerminal()) continue;
    if (pod->Priority() < options_.expendable_pods_priority_cutoff) continue;
    if (in_snapshot.count(pod->spec.node_name)) snap->AddPod(pod);
  }
  // Upcoming nodes (clusterstate GetUpcomingNodes): instances the groups asked for whose Nodes are
  // not Ready yet, each a template node, so pods waiting for them do not ask again.
  for (const auto& g : cloud_.config().node_groups) {
    int32_t active = 0;
    for (const cloud::Instance* inst : cloud_.Instances(g.name)) {
      if (inst->Active() && !ever_ready_.count(inst->node_name)) ++active;
    }
    (*upcoming)[g.name] = active;
    for (int32_t i = 0; i < active; ++i) {
      AddNodeWithDaemonSets(*snap,
                            TemplateFor(g.name, "template-node-for-" + g.name + "-upcoming-" + std::to_string(i)));
    }
  }
  return snap;
}

void ClusterAutoscaler::FailedScaleUp(const std::string& group, const std::string& reason,
                                      const std::string& event_reason, const std::string& message) {
  // clusterstate RegisterFailedScaleUp: the metric, the group's backoff, and the caller's event.
  status_.failed_scale_ups.push_back({sim_.Now(), group, reason});
  ++status_.failed_scale_ups_total;
  backoff_.Backoff(group, sim_.Now());
  Record("Warning", event_reason, kStatusConfigMap, message);
}

void ClusterAutoscaler::HandleFailedInstances() {
  // clusterstate handleInstanceCreationErrors + deleteCreatedNodesWithErrors.
  for (const auto& g : cloud_.config().node_groups) {
    std::map<std::string, std::pair<int, std::string>> by_code;  // code → (count, message)
    for (const cloud::Instance* inst : cloud_.Instances(g.name)) {
      if (inst->state != cloud::InstanceState::kFailed) continue;
      auto& e = by_code[inst->error_code];
      ++e.first;
      e.second = inst->error_class + ": " + inst->error_message;
    }
    if (by_code.empty()) continue;
    for (const auto& [code, e] : by_code) {
      FailedScaleUp(g.name, code, "ScaleUpFailed",
                    "Failed adding " + std::to_string(e.first) + " nodes to group " + g.name + " due to " + code +
                        "; source errors: " + e.second);
    }
    (void)cloud_.DeleteFailedInstances(g.name);
  }
}

void ClusterAutoscaler::HandleProvisionTimeouts() {
  for (const auto& g : cloud_.config().node_groups) {
    std::vector<std::string> late;
    for (const cloud::Instance* inst : cloud_.Instances(g.name)) {
      if (!inst->Active() || ever_ready_.count(inst->node_name)) continue;
      if (inst->requested_at + options_.max_node_provision_time <= sim_.Now()) late.push_back(inst->node_name);
    }
    if (late.empty()) continue;
    FailedScaleUp(
        g.name, "timeout", "ScaleUpTimedOut",
        "Nodes added to group " + g.name + " failed to register within " + options_.max_node_provision_time.ToString());
    // removeOldUnregisteredNodes: the long-unregistered instances are deleted.
    if (cloud_.DeleteNodes(g.name, late).ok()) {
      for (const auto& n : late) Record("Normal", "DeleteUnregistered", "Node/" + n, "Removed unregistered node " + n);
    }
  }
}

void ClusterAutoscaler::RunOnce() {
  if (!pods_.HasSynced() || !nodes_.HasSynced()) return;
  const sim::Time now = sim_.Now();
  backoff_.RemoveStale(now);

  // Cluster health (clusterstate IsClusterHealthy): too many nodes that were Ready and are not.
  int64_t ready = 0, unready = 0, total = 0;
  for (const auto& [key, obj] : nodes_.items()) {
    auto node = api::As<api::Node>(obj);
    if (!node) continue;
    ++total;
    if (NodeReady(*node)) {
      ++ready;
    } else if (ever_ready_.count(node->metadata.name)) {
      ++unready;
    }
  }
  status_.nodes_ready = ready;
  if (unready > options_.ok_total_unready_count &&
      static_cast<double>(unready) > options_.max_total_unready_percentage / 100.0 * static_cast<double>(total)) {
    Record("Warning", "ClusterUnhealthy", kStatusConfigMap,
           "Cluster is unhealthy: " + std::to_string(unready) + " of " + std::to_string(total) + " nodes unready");
    return;
  }
  HandleFailedInstances();
  HandleProvisionTimeouts();

  std::map<std::string, int32_t> upcoming;
  std::unique_ptr<ClusterSnapshot> snap = BuildSnapshot(&upcoming);
  if (!snap) return;

  std::vector<const api::Pod*> pending;
  std::vector<api::ObjectPtr> keep;  // the pods stay alive for the loop (informer updates replace them)
  int64_t unschedulable = 0;
  for (const auto& [key, obj] : pods_.items()) {
    auto pod = api::As<api::Pod>(obj);
    if (!pod || !IsUnschedulable(*pod)) continue;
    ++unschedulable;
    if (pod->Priority() < options_.expendable_pods_priority_cutoff) continue;  // FilterOutExpendable
    keep.push_back(obj);
    pending.push_back(pod.get());
  }
  status_.unschedulable_pods = unschedulable;
  // NotTriggerScaleUp's memory is only for pods still waiting.
  std::set<std::string> waiting;
  for (const api::Pod* p : pending) waiting.insert(p->metadata.uid);
  for (auto it = not_triggered_.begin(); it != not_triggered_.end();) {
    it = waiting.count(it->first) ? std::next(it) : not_triggered_.erase(it);
  }
  // FilterOutSchedulable: highest priority first, each pod that fits an existing or upcoming node
  // takes its place there and needs no new node.
  std::stable_sort(pending.begin(), pending.end(),
                   [](const api::Pod* a, const api::Pod* b) { return a->Priority() > b->Priority(); });
  std::vector<const api::Pod*> remaining;
  for (const api::Pod* p : pending) {
    std::string node = snap->FitsAnyNodeMatching(*p, [](const scheduler::NodeInfo&) { return true; });
    if (!node.empty()) {
      snap->Place(*p, node);
      continue;
    }
    // filterOutYoungPods.
    if (now - p->metadata.creation_timestamp < options_.new_pod_scale_up_delay) continue;
    remaining.push_back(p);
  }
  bool scale_down_allowed = true;
  if (!remaining.empty()) {
    // All pods brand new (under 2 s, unschedulablePodTimeBuffer): wait a loop, as upstream.
    sim::Time oldest = remaining.front()->metadata.creation_timestamp;
    for (const api::Pod* p : remaining) oldest = std::min(oldest, p->metadata.creation_timestamp);
    if (now - oldest < sim::Duration::Seconds(2)) {
      scale_down_allowed = false;
    } else if (ScaleUp(*snap, remaining, upcoming)) {
      return;  // a successful scale-up ends the loop
    }
  }
  if (options_.scale_down_enabled) ScaleDown(*snap, scale_down_allowed);
}

void ClusterAutoscaler::NotTriggerScaleUp(const api::Pod& pod, const std::string& message) {
  // Recorded once per pod and message: the event recorder's aggregation would fold the repeats of
  // every loop into one event's count.
  std::string& last = not_triggered_[pod.metadata.uid];
  if (last == message) return;
  last = message;
  Record("Normal", "NotTriggerScaleUp", api::ObjectRef(pod), message);
}

bool ClusterAutoscaler::ScaleUp(ClusterSnapshot& snap, const std::vector<const api::Pod*>& pods,
                                const std::map<std::string, int32_t>& upcoming) {
  const sim::Time now = sim_.Now();
  // Equivalence groups (equivalence/groups.go): pods of one controller with equal labels and spec.
  std::vector<EquivalenceGroup> groups;
  std::map<std::string, std::vector<size_t>> by_controller;
  for (const api::Pod* p : pods) {
    const api::OwnerReference* ctrl = ControllerOf(*p);
    if (ctrl != nullptr && ctrl->kind != api::DaemonSet::kKind) {
      bool joined = false;
      for (size_t gi : by_controller[ctrl->uid]) {
        const api::Pod* first = groups[gi].pods.front();
        if (first->metadata.labels == p->metadata.labels && first->spec == p->spec) {
          groups[gi].pods.push_back(p);
          joined = true;
          break;
        }
      }
      if (joined) continue;
      by_controller[ctrl->uid].push_back(groups.size());
    }
    groups.push_back(EquivalenceGroup{{p}});
  }

  // Current totals for the cores/memory limits: every node plus the upcoming ones.
  int64_t nodes_now = 0, upcoming_total = 0;
  int64_t cores_milli = 0, memory = 0;
  for (const auto& [key, obj] : nodes_.items()) {
    auto node = api::As<api::Node>(obj);
    if (!node) continue;
    ++nodes_now;
    cores_milli += CapacityOf(*node, api::kResourceCPU);
    memory += CapacityOf(*node, api::kResourceMemory);
  }
  std::map<std::string, std::shared_ptr<api::Node>> templates;
  for (const auto& g : cloud_.config().node_groups) {
    templates[g.name] = TemplateFor(g.name, "template-node-for-" + g.name);
    int32_t n = upcoming.at(g.name);
    upcoming_total += n;
    cores_milli += n * CapacityOf(*templates[g.name], api::kResourceCPU);
    memory += n * CapacityOf(*templates[g.name], api::kResourceMemory);
  }
  const int64_t max_cores_milli = options_.max_cores_total * 1000;
  const int64_t max_memory = options_.max_memory_total_gib * (int64_t{1} << 30);

  // Why each equivalence group was not helped: reason → node groups giving it.
  std::vector<std::map<std::string, int>> reasons(groups.size());
  std::vector<Option> options;
  std::vector<std::vector<size_t>> option_groups;  // equivalence groups each option helps
  for (const auto& g : cloud_.config().node_groups) {
    const std::shared_ptr<api::Node>& tmpl = templates[g.name];
    std::string skip;
    int32_t target = cloud_.TargetSize(g.name);
    if (backoff_.IsBackedOff(g.name, now)) {
      skip = "in backoff after failed scale-up";
    } else if (target >= g.max_size) {
      skip = "max node group size reached";
    } else if (cores_milli + CapacityOf(*tmpl, api::kResourceCPU) > max_cores_milli ||
               memory + CapacityOf(*tmpl, api::kResourceMemory) > max_memory) {
      skip = "max cluster cpu, memory limit reached";
    }
    if (!skip.empty()) {
      for (auto& r : reasons) ++r[skip];
      continue;
    }
    // Which equivalence groups the template could take (first pod of each).
    std::vector<std::shared_ptr<api::Pod>> ds_pods = AddNodeWithDaemonSets(snap, tmpl);
    std::vector<size_t> fits;
    for (size_t i = 0; i < groups.size(); ++i) {
      scheduler::Status s = snap.CheckPredicates(*groups[i].pods.front(), tmpl->metadata.name);
      if (s.IsSuccess()) {
        fits.push_back(i);
        continue;
      }
      std::string why;
      for (const auto& r : s.reasons()) why += (why.empty() ? "" : ", ") + r;
      ++reasons[i][why.empty() ? scheduler::CodeName(s.code()) : why];
    }
    for (const auto& p : ds_pods) snap.Unplace(*p);
    snap.RemoveNode(tmpl->metadata.name);
    if (fits.empty()) continue;

    // The binpacking estimator (estimator/binpacking_estimator.go).
    int64_t limit = std::min<int64_t>(options_.max_nodes_per_scaleup, g.max_size - target);
    if (options_.max_nodes_total > 0) {
      limit = std::min<int64_t>(limit, options_.max_nodes_total - nodes_now - upcoming_total);
    }
    std::stable_sort(fits.begin(), fits.end(), [&](size_t a, size_t b) {
      return PodScore(*groups[a].pods.front(), *tmpl) > PodScore(*groups[b].pods.front(), *tmpl);
    });
    std::vector<std::string> new_nodes;
    std::map<std::string, int> pods_on;
    std::vector<const api::Pod*> placed;
    std::vector<std::shared_ptr<api::Pod>> all_ds;
    size_t last_index = 0;
    std::set<std::string> estimate_nodes;
    auto add_node = [&]() {
      auto n = tmpl->DeepCopy();
      n->metadata.name = "template-node-for-" + g.name + "-e-" + std::to_string(new_nodes.size());
      n->metadata.labels[api::kLabelHostname] = n->metadata.name;
      auto ds = AddNodeWithDaemonSets(snap, n);
      all_ds.insert(all_ds.end(), ds.begin(), ds.end());
      new_nodes.push_back(n->metadata.name);
      estimate_nodes.insert(n->metadata.name);
    };
    for (size_t gi : fits) {
      const auto& gpods = groups[gi].pods;
      size_t i = 0;
      for (; i < gpods.size() && !new_nodes.empty(); ++i) {
        std::string n = snap.FitsAnyNodeMatching(
            *gpods[i], [&](const scheduler::NodeInfo& info) { return estimate_nodes.count(info.name()) > 0; },
            &last_index);
        if (n.empty()) break;
        snap.Place(*gpods[i], n);
        ++pods_on[n];
        placed.push_back(gpods[i]);
      }
      for (; i < gpods.size(); ++i) {
        if (!new_nodes.empty() && snap.CheckPredicates(*gpods[i], new_nodes.back()).IsSuccess()) {
          snap.Place(*gpods[i], new_nodes.back());
          ++pods_on[new_nodes.back()];
          placed.push_back(gpods[i]);
          continue;
        }
        if (!new_nodes.empty() && pods_on[new_nodes.back()] == 0) break;  // fits no fresh node
        if (static_cast<int64_t>(new_nodes.size()) >= limit) break;
        add_node();
        if (!snap.CheckPredicates(*gpods[i], new_nodes.back()).IsSuccess()) break;
        snap.Place(*gpods[i], new_nodes.back());
        ++pods_on[new_nodes.back()];
        placed.push_back(gpods[i]);
      }
    }
    int32_t count = 0;
    for (const auto& n : new_nodes) count += pods_on[n] > 0;
    for (const api::Pod* p : placed) snap.Unplace(*p);
    for (const auto& p : all_ds) snap.Unplace(*p);
    for (const auto& n : new_nodes) snap.RemoveNode(n);
    if (count == 0) continue;
    Option o;
    o.node_group = g.name;
    o.node_count = count;
    o.pods = placed;
    o.template_node = tmpl;
    const cloud::InstanceType& type = *cloud_.config().FindInstanceType(g.instance_types.front());
    o.price_per_hour =
        g.capacity_type == cloud::CapacityType::kSpot ? type.spot_price.value_or(type.price) : type.price;
    options.push_back(std::move(o));
    option_groups.push_back(fits);
  }

  auto report_no_scale_up = [&](const std::string& extra) {
    for (size_t i = 0; i < groups.size(); ++i) {
      std::string msg;
      for (const auto& [why, n] : reasons[i]) msg += (msg.empty() ? "" : ", ") + std::to_string(n) + " " + why;
      if (!extra.empty()) msg += (msg.empty() ? "" : ", ") + extra;
      for (const api::Pod* p : groups[i].pods) NotTriggerScaleUp(*p, "pod didn't trigger scale-up: " + msg);
    }
  };
  if (options.empty()) {
    report_no_scale_up("");
    return false;
  }
  ExpanderContext ctx{&options_.expanders, &options_.priorities, nodes_now,
                      &sim_.Stream("cluster-autoscaler/expander")};
  const Option& best = options[BestOption(options, ctx)];
  int64_t count = best.node_count;
  if (options_.max_nodes_total > 0 && nodes_now + upcoming_total + count > options_.max_nodes_total) {
    count = options_.max_nodes_total - nodes_now - upcoming_total;
    Record("Warning", "MaxNodesTotalReached", kStatusConfigMap,
           "Max total nodes in cluster reached: " + std::to_string(options_.max_nodes_total));
  }
  // resource.Manager.ApplyLimits: as many nodes as the cores and memory left allow.
  int64_t node_cpu = CapacityOf(*best.template_node, api::kResourceCPU);
  int64_t node_mem = CapacityOf(*best.template_node, api::kResourceMemory);
  if (node_cpu > 0) count = std::min(count, (max_cores_milli - cores_milli) / node_cpu);
  if (node_mem > 0) count = std::min(count, (max_memory - memory) / node_mem);
  if (count <= 0) {
    report_no_scale_up("max cluster cpu, memory limit reached");
    return false;
  }
  // The groups that grow: the chosen one, and with balanceSimilarNodeGroups the similar groups
  // that could take the same pods, evened out by size.
  std::vector<GroupSize> targets;
  auto add_target = [&](const std::string& name) {
    const cloud::NodeGroupConfig& g = *cloud_.config().FindNodeGroup(name);
    targets.push_back({name, cloud_.TargetSize(name), g.max_size, 0});
  };
  add_target(best.node_group);
  if (options_.balance_similar_node_groups) {
    size_t best_index = static_cast<size_t>(&best - options.data());
    for (size_t i = 0; i < options.size(); ++i) {
      if (i == best_index || option_groups[i] != option_groups[best_index]) continue;
      if (IsSimilar(*options[i].template_node, *best.template_node)) add_target(options[i].node_group);
    }
  }
  BalanceScaleUp(targets, static_cast<int32_t>(count));
  std::string info;
  bool any = false;
  for (const GroupSize& t : targets) {
    if (t.delta == 0) continue;
    Record("Normal", "ScaledUpGroup", kStatusConfigMap,
           "Scale-up: setting group " + t.name + " size to " + std::to_string(t.target + t.delta) + " instead of " +
               std::to_string(t.target) + " (max: " + std::to_string(t.max_size) + ")");
    sim::Status st = cloud_.IncreaseSize(t.name, t.delta);
    if (!st.ok()) {
      FailedScaleUp(t.name, "cloudProviderError", "FailedToScaleUpGroup",
                    "Scale-up failed for group " + t.name + ": " + st.message());
      continue;
    }
    Record("Normal", "ScaledUpGroup", kStatusConfigMap,
           "Scale-up: group " + t.name + " size set to " + std::to_string(t.target + t.delta) + " instead of " +
               std::to_string(t.target) + " (max: " + std::to_string(t.max_size) + ")");
    status_.scale_ups.push_back({now, t.name, t.delta});
    status_.scaled_up_nodes_total += t.delta;
    // nodegroupset.ScaleUpInfo.String, in a Go slice: "[{g 1->4 (max: 10)} {h 0->1 (max: 5)}]".
    info += std::string(any ? " " : "") + "{" + t.name + " " + std::to_string(t.target) + "->" +
            std::to_string(t.target + t.delta) + " (max: " + std::to_string(t.max_size) + ")}";
    any = true;
  }
  if (!any) return false;
  last_scale_up_ = now;
  for (const api::Pod* p : best.pods) {
    Record("Normal", "TriggeredScaleUp", api::ObjectRef(*p), "pod triggered scale-up: [" + info + "]");
    not_triggered_.erase(p->metadata.uid);
  }
  return true;
}

}  // namespace kubesim::autoscaler
