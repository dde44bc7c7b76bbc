#include "models/controllers/node_lifecycle.h"

#include <algorithm>
#include <cmath>

#include "models/api/kinds.h"
#include "models/api/pod.h"
#include "models/controllers/controller_utils.h"

namespace kubesim::controllers {

const char* ZoneStateName(ZoneState s) {
  switch (s) {
    case ZoneState::kNormal:
      return "Normal";
    case ZoneState::kPartialDisruption:
      return "PartialDisruption";
    case ZoneState::kFullDisruption:
      return "FullDisruption";
  }
  return "";
}

NodeLifecycleController::NodeLifecycleController(sim::Simulation& sim, apiserver::ApiServer& api,
                                                 client::SharedInformerFactory& informers,
                                                 client::EventRecorder recorder, NodeLifecycleConfig config)
    : sim_(sim),
      api_(sim, api, "kube-controller-manager/node-lifecycle"),
      recorder_(std::move(recorder)),
      config_(config),
      nodes_(informers.For(api::Node::kKind)),
      leases_(informers.For(api::Lease::kKind)),
      pods_(informers.For(api::Pod::kKind)) {}

void NodeLifecycleController::Start() {
  AddPodNodeNameIndexer(pods_);
  nodes_.AddEventHandlers({nullptr,
                           [this](const api::ObjectPtr&, const api::ObjectPtr& n) {
                             // Upstream doNoScheduleTaintingPass runs on every node update.
                             if (auto node = api::As<api::Node>(n)) SyncNoScheduleTaints(*node);
                           },
                           [this](const api::ObjectPtr& n) { health_.erase(n->metadata.name); }});
  nodes_.Start();
  leases_.Start();
  pods_.Start();
  // wait.Until(monitorNodeHealth, nodeMonitorPeriod) and the NoExecute tainting worker.
  owner_.Every(config_.node_monitor_period, [this]() { Monitor(); });
  owner_.Every(config_.tainting_period, [this]() { ProcessTaintQueues(); });
}

std::string NodeLifecycleController::ZoneKey(const api::Node& node) {
  const auto& l = node.metadata.labels;
  auto region = l.find(api::kLabelRegion);
  auto zone = l.find(api::kLabelZone);
  return (region == l.end() ? "" : region->second) + ":\x00:" + (zone == l.end() ? "" : zone->second);
}

const std::string& NodeLifecycleController::ReadyStatus(const api::Node& node) {
  static const std::string kUnknown = "Unknown";
  const api::NodeCondition* ready = node.FindCondition("Ready");
  return ready == nullptr ? kUnknown : ready->status;
}

void NodeLifecycleController::Monitor() {
  if (!nodes_.HasSynced() || !leases_.HasSynced()) return;
  // Every node each pass, as upstream's monitorNodeHealth; what a pass needs of a node's name and
  // labels is kept in its Health, so the pass reads the strings only of nodes that changed.
  std::vector<std::pair<std::shared_ptr<const api::Node>, Health*>> nodes;
  for (const auto& [key, obj] : nodes_.items()) {
    auto node = api::As<api::Node>(obj);
    auto [it, inserted] = health_.try_emplace(node->metadata.name);
    Health& h = it->second;
    if (inserted) {
      h.probe = sim_.Now();
      h.lease_key = "kube-node-lease/" + node->metadata.name;
    }
    if (h.labels_of != node && (h.labels_of == nullptr || h.labels_of->metadata.labels != node->metadata.labels)) {
      h.zone = ZoneKey(*node);
      h.exclude_disruption = node->metadata.labels.count("node.kubernetes.io/exclude-disruption") > 0;
    }
    h.labels_of = node;
    nodes.emplace_back(std::move(node), &h);
  }
  std::vector<std::string> current;
  for (const auto& [node, h] : nodes) current.push_back(TryUpdateHealth(*node, *h));
  HandleDisruption(nodes, current);
}

std::string NodeLifecycleController::TryUpdateHealth(const api::Node& node, Health& h) {
  const std::string& name = node.metadata.name;
  const api::NodeCondition* ready = node.FindCondition("Ready");
  auto lease = api::As<api::Lease>(leases_.Get(h.lease_key));
  // Upstream tryUpdateNodeHealth: the probe timestamp moves (on the controller's clock) whenever
  // the Ready heartbeat or the Lease renewal changes.
  std::optional<sim::Time> heartbeat = ready ? std::optional<sim::Time>(ready->last_heartbeat_time) : std::nullopt;
  if (heartbeat != h.ready_heartbeat) {
    h.ready_heartbeat = heartbeat;
    h.probe = sim_.Now();
  }
  std::optional<sim::Time> renew = lease ? lease->renew_time : std::nullopt;
  if (renew != h.lease_renew) {
    h.lease_renew = renew;
    h.probe = sim_.Now();
  }
  if (h.probe == sim_.Now()) h.not_ready_recorded = false;
  sim::Duration grace = ready ? config_.node_monitor_grace_period : config_.node_startup_grace_period;
  if (sim_.Now() <= h.probe + grace || ReadyStatus(node) == "Unknown") return ReadyStatus(node);
  auto copy = node.DeepCopy();
  bool had_ready = false;
  for (auto& c : copy->status.conditions) {
    if (c.type == "NetworkUnavailable") continue;
    had_ready = had_ready || c.type == "Ready";
    if (c.status != "Unknown") c.last_transition_time = sim_.Now();
    c.status = "Unknown";
    c.reason = "NodeStatusUnknown";
  }
  if (!had_ready) {
    copy->status.conditions.push_back(
        api::NodeCondition{"Ready", "Unknown", "NodeStatusNeverUpdated", sim_.Now(), sim_.Now()});
  }
  api_.UpdateStatus(copy, nullptr);
  if (!h.not_ready_recorded) {
    h.not_ready_recorded = true;
    recorder_.Event(sim_.Now(), node, "Normal", "NodeNotReady", "Node " + name + " status is now: NodeNotReady");
    MarkPodsNotReady(name);
  }
  return "Unknown";
}

void NodeLifecycleController::MarkPodsNotReady(const std::string& node) {
  // Upstream MarkPodsNotReady: the node's pods stop being Ready (endpoints drop them).
  for (const auto& pod : PodsAssignedToNode(pods_.GetIndexer(), node)) {
    const api::PodCondition* ready = pod->FindCondition("Ready");
    if (ready == nullptr || ready->status != "True") continue;
    auto copy = pod->DeepCopy();
    copy->SetCondition("Ready", "False", sim_.Now(), "NodeNotReady");
    api_.UpdateStatus(copy, nullptr);
  }
}

void NodeLifecycleController::SyncNoScheduleTaints(const api::Node& node) {
  // Upstream doNoScheduleTaintingPass (nodeConditionToTaintKeyStatusMap): Ready False →
  // not-ready, Ready Unknown → unreachable, MemoryPressure/DiskPressure/PIDPressure True → the
  // matching pressure taint, NetworkUnavailable True → network-unavailable (the cloud route
  // controller's condition). Taints of these keys the conditions no longer call for are removed.
  static const std::vector<std::pair<std::string, std::string>> kPressure = {
      {"MemoryPressure", "node.kubernetes.io/memory-pressure"},
      {"DiskPressure", "node.kubernetes.io/disk-pressure"},
      {"PIDPressure", "node.kubernetes.io/pid-pressure"},
      {"NetworkUnavailable", "node.kubernetes.io/network-unavailable"},
  };
  std::string status = ReadyStatus(node);
  std::vector<std::string> want;
  if (status == "False") want.push_back(api::kTaintNodeNotReady);
  if (status == "Unknown") want.push_back(api::kTaintNodeUnreachable);
  std::vector<std::string> managed = {api::kTaintNodeNotReady, api::kTaintNodeUnreachable};
  for (const auto& [cond, key] : kPressure) {
    managed.push_back(key);
    const api::NodeCondition* c = node.FindCondition(cond);
    if (c && c->status == "True") want.push_back(key);
  }
  std::vector<std::string> remove;
  std::vector<std::string> have;
  for (const auto& t : node.spec.taints) {
    if (t.effect != api::kTaintNoSchedule) continue;
    have.push_back(t.key);
    bool is_managed = std::find(managed.begin(), managed.end(), t.key) != managed.end();
    if (is_managed && std::find(want.begin(), want.end(), t.key) == want.end()) remove.push_back(t.key);
  }
  std::vector<api::Taint> add;
  for (const auto& key : want) {
    if (std::find(have.begin(), have.end(), key) == have.end())
      add.push_back(api::Taint{key, "", api::kTaintNoSchedule, sim_.Now()});
  }
  if (!add.empty() || !remove.empty()) SetTaints(node.metadata.name, add, remove, api::kTaintNoSchedule);
}

void NodeLifecycleController::SetTaints(const std::string& node_name, const std::vector<api::Taint>& add,
                                        const std::vector<std::string>& remove, const std::string& effect) {
  auto node = api::As<api::Node>(nodes_.Get(node_name));
  if (!node) return;
  auto copy = node->DeepCopy();
  auto& taints = copy->spec.taints;
  taints.erase(std::remove_if(taints.begin(), taints.end(),
                              [&](const api::Taint& t) {
                                return t.effect == effect &&
                                       std::find(remove.begin(), remove.end(), t.key) != remove.end();
                              }),
               taints.end());
  for (const auto& t : add) {
    bool present = std::any_of(taints.begin(), taints.end(),
                               [&](const api::Taint& x) { return x.key == t.key && x.effect == t.effect; });
    if (!present) taints.push_back(t);
  }
  // Optimistic concurrency: on a conflict the next pass sees the newer node and tries again.
  api_.Update(copy, nullptr);
}

void NodeLifecycleController::SwapRate(ZoneQueue& q, double rate) {
  if (q.rate == rate) return;
  Refill(q);
  q.tokens = rate > 0 && q.tokens >= 1.0 ? 1.0 : 0.0;
  q.rate = rate;
}

void NodeLifecycleController::Refill(ZoneQueue& q) {
  double dt = (sim_.Now() - q.last_refill).ToSeconds();
  q.tokens = std::min(1.0, q.tokens + q.rate * dt);
  q.last_refill = sim_.Now();
}

void NodeLifecycleController::HandleDisruption(
    const std::vector<std::pair<std::shared_ptr<const api::Node>, Health*>>& nodes,
    const std::vector<std::string>& current) {
  std::map<std::string, std::pair<int, int>> counts;  // zone → (ready, not ready)
  for (size_t i = 0; i < nodes.size(); ++i) {
    const Health& h = *nodes[i].second;
    const std::string& zone = h.zone;
    auto [q, created] = zone_queues_.try_emplace(zone);
    if (created) {
      // addPodEvictorForNewZone: a full bucket at the normal rate.
      q->second.rate = config_.node_eviction_rate;
      q->second.tokens = 1;
      q->second.last_refill = sim_.Now();
    }
    if (h.exclude_disruption) continue;
    auto& c = counts[zone];
    (current[i] == "True" ? c.first : c.second)++;
  }
  bool all_down = !counts.empty();
  std::map<std::string, ZoneState> new_states;
  std::map<std::string, int> sizes;
  for (const auto& [zone, c] : counts) {
    auto [ready, not_ready] = c;
    ZoneState state = ZoneState::kNormal;
    if (ready == 0 && not_ready > 0) {
      state = ZoneState::kFullDisruption;
    } else if (not_ready > 2 &&
               static_cast<double>(not_ready) / (ready + not_ready) >= config_.unhealthy_zone_threshold) {
      state = ZoneState::kPartialDisruption;
    }
    all_down = all_down && state == ZoneState::kFullDisruption;
    new_states[zone] = state;
    sizes[zone] = ready + not_ready;
  }
  // Upstream setLimiterInZone, called only when a zone's state changes: Normal and
  // FullDisruption (HealthyQPSFunc) taint at the normal rate, PartialDisruption
  // (ReducedQPSFunc) at the secondary rate in zones larger than the threshold, else not at all.
  auto set_limiter = [&](const std::string& zone, ZoneState state) {
    double rate = config_.node_eviction_rate;
    if (state == ZoneState::kPartialDisruption) {
      rate = sizes[zone] > config_.large_cluster_size_threshold ? config_.secondary_node_eviction_rate : 0;
    }
    SwapRate(zone_queues_[zone], rate);
  };
  // Zones with no node left are forgotten.
  for (auto it = zone_states_.begin(); it != zone_states_.end();) {
    it = new_states.count(it->first) ? std::next(it) : zone_states_.erase(it);
  }
  if (all_down) {
    for (auto& [zone, q] : zone_queues_) SwapRate(q, 0);
    zone_states_ = new_states;
  } else if (all_zones_down_) {
    for (const auto& [zone, state] : new_states) set_limiter(zone, state);
    zone_states_ = new_states;
  } else {
    for (const auto& [zone, state] : new_states) {
      auto old = zone_states_.find(zone);
      if (old != zone_states_.end() && old->second == state) continue;
      // A zone seen for the first time starts from upstream's stateInitial: always "changed".
      set_limiter(zone, state);
      zone_states_[zone] = state;
    }
  }
  if (all_down) {
    // "Master disruption mode": every zone is down, so the control plane is the likelier fault:
    // stop tainting and lift the NoExecute taints already placed.
    if (!all_zones_down_) {
      for (auto& [zone, q] : zone_queues_) q.nodes.clear();
      queued_.clear();
    }
    all_zones_down_ = true;
    for (const auto& [n, h] : nodes) {
      for (const auto& t : n->spec.taints) {
        if (t.effect == api::kTaintNoExecute &&
            (t.key == api::kTaintNodeNotReady || t.key == api::kTaintNodeUnreachable)) {
          SetTaints(n->metadata.name, {}, {api::kTaintNodeNotReady, api::kTaintNodeUnreachable}, api::kTaintNoExecute);
          break;
        }
      }
    }
    return;
  }
  if (all_zones_down_) {
    // Leaving that mode: every node gets a fresh grace period (upstream resets probe timestamps).
    for (auto& [name, h] : health_) h.probe = sim_.Now();
    all_zones_down_ = false;
  }
  for (const auto& [n, h] : nodes) {
    const std::string& name = n->metadata.name;
    const std::string& status = ReadyStatus(*n);
    const char* want = status == "False"     ? api::kTaintNodeNotReady
                       : status == "Unknown" ? api::kTaintNodeUnreachable
                                             : "";
    bool has_want = false, has_other = false;
    for (const auto& t : n->spec.taints) {
      if (t.effect != api::kTaintNoExecute) continue;
      if (*want != '\0' && t.key == want) has_want = true;
      if ((t.key == api::kTaintNodeNotReady || t.key == api::kTaintNodeUnreachable) && t.key != want) has_other = true;
    }
    if (*want == '\0') {
      if (has_other) SetTaints(name, {}, {api::kTaintNodeNotReady, api::kTaintNodeUnreachable}, api::kTaintNoExecute);
      if (queued_.erase(name)) {
        auto& q = zone_queues_[h->zone].nodes;
        q.erase(std::remove(q.begin(), q.end(), name), q.end());
      }
      continue;
    }
    if (has_want) continue;
    if (has_other) {
      // The opposite NoExecute taint is swapped at once, without the rate limit.
      SetTaints(name, {api::Taint{want, "", api::kTaintNoExecute, sim_.Now()}},
                {api::kTaintNodeNotReady, api::kTaintNodeUnreachable}, api::kTaintNoExecute);
      continue;
    }
    if (queued_.insert(name).second) zone_queues_[h->zone].nodes.push_back(name);
  }
}

void NodeLifecycleController::ProcessTaintQueues() {
  for (auto& [zone, q] : zone_queues_) {
    // Token bucket, burst 1 (flowcontrol.NewTokenBucketRateLimiter(rate, 1)); rate 0 is
    // NewFakeNeverRateLimiter.
    Refill(q);
    while (!q.nodes.empty() && q.rate > 0 && q.tokens >= 1.0) {
      // RateLimitedTimedQueue.Try takes the token before looking at the node, so a node that is
      // gone or Ready again still uses one.
      q.tokens -= 1.0;
      std::string name = q.nodes.front();
      q.nodes.erase(q.nodes.begin());
      queued_.erase(name);
      auto node = api::As<api::Node>(nodes_.Get(name));
      if (!node) continue;
      const std::string& status = ReadyStatus(*node);
      if (status == "True") continue;
      std::string key = status == "False" ? api::kTaintNodeNotReady : api::kTaintNodeUnreachable;
      SetTaints(name, {api::Taint{key, "", api::kTaintNoExecute, sim_.Now()}},
                {api::kTaintNodeNotReady, api::kTaintNodeUnreachable}, api::kTaintNoExecute);
    }
  }
}

}  // namespace kubesim::controllers
