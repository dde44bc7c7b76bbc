// The node lifecycle controller of kube-controller-manager (kubernetes/kubernetes
// pkg/controller/nodelifecycle/node_lifecycle_controller.go @ v1.32): it notices nodes whose
// kubelet stopped talking and taints them so the scheduler avoids them and the taint eviction
// controller evicts their pods.
//
// Every node-monitor-period (5 s) it compares each node's heartbeats — the Ready condition's
// lastHeartbeatTime and the Lease's renewTime, timed by its own clock (probe timestamps) — with
// the grace period (50 s in v1.32). A node past it gets Ready=Unknown ("Kubelet stopped posting
// node status."), its pods Ready=False, a NodeNotReady event, the NoSchedule taint at once and
// the NoExecute taint through its zone's rate-limited queue: 0.1 nodes/s in a Normal zone,
// 0.01/s (zones larger than 50 nodes) or none in a PartialDisruption zone (≥ 55 % not ready,
// more than 2), 0.1/s in a FullDisruption zone, and none at all — with NoExecute taints
// removed — when every zone is fully disrupted. A node Ready again loses both taints.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "models/api/node.h"
#include "models/apiserver/api_client.h"
#include "models/client/event_recorder.h"
#include "models/client/informer.h"
#include "models/client/shared_informer_factory.h"
#include "sim/owner.h"
#include "sim/simulation.h"

namespace kubesim::controllers {

struct NodeLifecycleConfig {
  sim::Duration node_monitor_period = sim::Duration::Seconds(5);
  sim::Duration node_monitor_grace_period = sim::Duration::Seconds(50);  // v1.32 (PR #126287)
  sim::Duration node_startup_grace_period = sim::Duration::Seconds(60);
  double node_eviction_rate = 0.1;             // nodes/s per zone
  double secondary_node_eviction_rate = 0.01;  // PartialDisruption in large zones
  double unhealthy_zone_threshold = 0.55;
  int large_cluster_size_threshold = 50;
  sim::Duration tainting_period = sim::Duration::Milliseconds(100);  // NoExecute worker
};

enum class ZoneState { kNormal, kPartialDisruption, kFullDisruption };
const char* ZoneStateName(ZoneState s);

class NodeLifecycleController {
 public:
  NodeLifecycleController(sim::Simulation& sim, apiserver::ApiServer& api, client::SharedInformerFactory& informers,
                          client::EventRecorder recorder, NodeLifecycleConfig config = {});

  void Start();
  // Zone key (region + zone) → state after the last monitor pass.
  const std::map<std::string, ZoneState>& zone_states() const { return zone_states_; }

 private:
  struct Health {
    sim::Time probe;                           // controller clock of the last heartbeat seen
    std::optional<sim::Time> ready_heartbeat;  // last Ready lastHeartbeatTime seen
    std::optional<sim::Time> lease_renew;      // last Lease renewTime seen
    std::string lease_key;                     // the node's Lease, kube-node-lease/<name>
    // What each pass needs of the Node's labels, read again only when the informer holds another
    // object (held here, so the pointer cannot name a newer one).
    std::shared_ptr<const api::Node> labels_of;
    std::string zone;                 // ZoneKey
    bool exclude_disruption = false;  // node.kubernetes.io/exclude-disruption
    // NodeNotReady was recorded (and the pods marked) for the current silence; a write of Unknown
    // the API server failed is retried each pass without repeating them.
    bool not_ready_recorded = false;
  };
  // Upstream RateLimitedTimedQueue of one zone: a token bucket (burst 1) and FIFO of nodes.
  struct ZoneQueue {
    std::vector<std::string> nodes;
    double rate = 0;
    double tokens = 1;
    sim::Time last_refill;
  };

  void Monitor();
  // Returns the node's Ready status after this pass (upstream's currentReadyCondition).
  std::string TryUpdateHealth(const api::Node& node, Health& h);
  void MarkPodsNotReady(const std::string& node);
  void SyncNoScheduleTaints(const api::Node& node);
  // `current`: each node's Ready status after this pass's health updates, for the zone states;
  // the NoExecute queueing uses the status observed before them, as upstream's
  // processTaintBaseEviction does with observedReadyCondition.
  void HandleDisruption(const std::vector<std::pair<std::shared_ptr<const api::Node>, Health*>>& nodes,
                        const std::vector<std::string>& current);
  void ProcessTaintQueues();
  // Upstream RateLimitedTimedQueue.SwapLimiter: a new bucket at `rate` (0: never accepts), drained
  // if the old one had no token left.
  void SwapRate(ZoneQueue& q, double rate);
  void Refill(ZoneQueue& q);
  void SetTaints(const std::string& node_name, const std::vector<api::Taint>& add,
                 const std::vector<std::string>& remove, const std::string& effect);
  static std::string ZoneKey(const api::Node& node);
  static const std::string& ReadyStatus(const api::Node& node);

  sim::Simulation& sim_;
  apiserver::ApiClient api_;
  client::EventRecorder recorder_;
  NodeLifecycleConfig config_;
  client::Informer& nodes_;
  client::Informer& leases_;
  client::Informer& pods_;
  // By node name; looked up by each pass over the nodes (in the informer's key order) and only
  // iterated to reset every probe, so hash order is never observable.
  std::unordered_map<std::string, Health> health_;
  std::map<std::string, ZoneState> zone_states_;
  std::map<std::string, ZoneQueue> zone_queues_;
  std::set<std::string> queued_;  // nodes waiting for the NoExecute taint
  bool all_zones_down_ = false;
  sim::Owner owner_{sim_};
};

}  // namespace kubesim::controllers
