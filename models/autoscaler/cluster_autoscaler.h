// The cluster-autoscaler (kubernetes/autoscaler cluster-autoscaler @ 1.33, StaticAutoscaler),
// run when the scenario has `spec.clusterAutoscaler`. Every scanInterval (RunOnce):
//   1. instances that failed to launch are deleted and their group backed off
//      (deleteCreatedNodesWithErrors); instances that have not registered a Ready Node within
//      maxNodeProvisionTime are deleted, the scale-up counted as timed out (ScaleUpTimedOut);
//   2. pods the scheduler marked unschedulable (PodScheduled=False, reason Unschedulable),
//      neither expendable (priority below expendablePodsPriorityCutoff) nor younger than
//      newPodScaleUpDelay, are first tried on the existing and upcoming nodes (FilterOutSchedulable);
//   3. the rest are grouped by controller and spec (equivalence groups) and checked against each
//      node group's template node with kubesim's own scheduler plugins (ClusterSnapshot); the
//      binpacking estimator counts the nodes each group needs, the expanders pick one group, the
//      count is capped by maxNodesTotal and the cores/memory totals, and the group grows
//      (TriggeredScaleUp on the pods; NotTriggerScaleUp with the reasons when no group can help);
//   4. unless a scale-up happened, scale-down: nodes of groups above minSize whose requests are at
//      or below the utilisation threshold and whose pods can all move elsewhere (replicated, not
//      kube-system without a PDB, not safe-to-evict=false, PDBs allowing) are unneeded; after
//      scaleDownUnneededTime, outside the cooldowns after an add, a delete or a failure, they are
//      tainted ToBeDeletedByClusterAutoscaler, drained through the Eviction API and deleted from
//      the cloud, at most maxScaleDownParallelism at a time (maxDrainParallelism draining).
// Unneeded nodes carry the soft taint DeletionCandidateOfClusterAutoscaler (PreferNoSchedule).
//
// The autoscaler reads the cluster through its informers and writes only through the API server
// (taints, evictions), and resizes node groups through the cloud's API, as the real one does.
#pragma once

#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "models/apiserver/api_client.h"
#include "models/autoscaler/backoff.h"
#include "models/autoscaler/cluster_snapshot.h"
#include "models/autoscaler/expander.h"
#include "models/autoscaler/options.h"
#include "models/client/event_recorder.h"
#include "models/client/informer.h"
#include "models/client/shared_informer_factory.h"
#include "models/cloud/cloud_provider.h"
#include "sim/owner.h"
#include "sim/simulation.h"

namespace kubesim::autoscaler {

// Upstream's taints (utils/taints/taints.go).
inline constexpr const char* kToBeDeletedTaint = "ToBeDeletedByClusterAutoscaler";
inline constexpr const char* kDeletionCandidateTaint = "DeletionCandidateOfClusterAutoscaler";
inline constexpr const char* kSafeToEvictAnnotation = "cluster-autoscaler.kubernetes.io/safe-to-evict";
inline constexpr const char* kScaleDownDisabledAnnotation = "cluster-autoscaler.kubernetes.io/scale-down-disabled";
// Events about the autoscaler itself go to its status ConfigMap, as upstream's LogRecorder does.
inline constexpr const char* kStatusConfigMap = "ConfigMap/kube-system/cluster-autoscaler-status";

struct ScaleUpRecord {
  sim::Time at;
  std::string node_group;
  int32_t delta = 0;
};
struct ScaleDownRecord {
  sim::Time at;
  std::string node;
  std::string node_group;
  std::string reason;  // empty or underutilized (cluster_autoscaler_scaled_down_nodes_total's label)
};
struct FailedScaleUpRecord {
  sim::Time at;
  std::string node_group;
  std::string reason;  // cloudProviderError, timeout, or the instance error code
};

struct AutoscalerStatus {
  std::vector<ScaleUpRecord> scale_ups;
  std::vector<ScaleDownRecord> scale_downs;
  std::vector<FailedScaleUpRecord> failed_scale_ups;
  int64_t scaled_up_nodes_total = 0;
  int64_t scaled_down_nodes_total = 0;
  int64_t failed_scale_ups_total = 0;
  int64_t evicted_pods_total = 0;
  // As of the last loop (the gauges cluster_autoscaler_nodes_count{state=ready} and
  // cluster_autoscaler_unschedulable_pods_count).
  int64_t nodes_ready = 0;
  int64_t unschedulable_pods = 0;
  int64_t unneeded_nodes = 0;
};

class ClusterAutoscaler {
 public:
  ClusterAutoscaler(sim::Simulation& sim, apiserver::ApiServer& api, cloud::CloudProvider& cloud,
                    const AutoscalingOptions& options, const scheduler::SchedulerConfig& scheduler_config,
                    const scheduler::Registry& registry, client::EventSink sink);
  ClusterAutoscaler(const ClusterAutoscaler&) = delete;
  ClusterAutoscaler& operator=(const ClusterAutoscaler&) = delete;

  // Checks that the scheduler configuration builds for the autoscaler's simulations.
  sim::Status Init();
  void Start();
  const AutoscalerStatus& status() const { return status_; }

 private:
  struct EquivalenceGroup {
    std::vector<const api::Pod*> pods;
  };
  struct Deletion {
    std::string group;
    bool drain = false;
    sim::Time started;
    std::set<std::string> evicting;  // pod keys not yet evicted
  };

  void RunOnce();
  void Record(const std::string& type, const std::string& reason, const std::string& object,
              const std::string& message);
  // Ready=True and initialised by the cloud (no uninitialized taint), not being deleted.
  static bool NodeReady(const api::Node& node);
  std::string GroupOf(const api::Node& node) const;
  std::unique_ptr<ClusterSnapshot> BuildSnapshot(std::map<std::string, int32_t>* upcoming);
  std::shared_ptr<api::Node> TemplateFor(const std::string& group, const std::string& name) const;
  // Adds `node` to the snapshot with the pods its DaemonSets would run there; returns them.
  std::vector<std::shared_ptr<api::Pod>> AddNodeWithDaemonSets(ClusterSnapshot& snap,
                                                               std::shared_ptr<const api::Node> node);
  // A failed scale-up of `group`: counted under `reason` (the metric's label), the group backed off,
  // and `event_reason` recorded on the status ConfigMap with `message`.
  void FailedScaleUp(const std::string& group, const std::string& reason, const std::string& event_reason,
                     const std::string& message);
  void HandleFailedInstances();
  void HandleProvisionTimeouts();
  // Returns true when a group was resized.
  bool ScaleUp(ClusterSnapshot& snap, const std::vector<const api::Pod*>& pods,
               const std::map<std::string, int32_t>& upcoming);
  void NotTriggerScaleUp(const api::Pod& pod, const std::string& message);
  void ScaleDown(ClusterSnapshot& snap, bool may_delete);
  bool InCooldown() const;
  void UpdateSoftTaints(const std::set<std::string>& unneeded);
  void SetTaint(const std::string& node, const std::string& key, const std::string& effect, bool present);
  void StartDeletion(const std::string& node, const std::string& group, const std::vector<std::string>& pods);
  void EvictPods(const std::string& node);
  void WaitForPodsGone(const std::string& node);
  void DeleteNode(const std::string& node);
  void AbortDeletion(const std::string& node, const std::string& message);
  // Pods (namespace/name) on the node that a drain must move: not DaemonSet pods, not terminal.
  std::vector<std::string> PodsToMove(const std::string& node) const;

  sim::Simulation& sim_;
  apiserver::ApiClient api_;
  cloud::CloudProvider& cloud_;
  const AutoscalingOptions& options_;
  const scheduler::SchedulerConfig& scheduler_config_;
  const scheduler::Registry& registry_;
  client::EventSink sink_;
  client::SharedInformerFactory informers_;
  client::Informer& pods_;
  client::Informer& nodes_;
  client::Informer& pdbs_;
  client::Informer& daemonsets_;
  client::Informer& namespaces_;
  client::Informer& services_;
  client::Informer& replicasets_;
  ExponentialBackoff backoff_;
  AutoscalerStatus status_;
  std::set<std::string> ever_ready_;                 // nodes seen Ready (a later NotReady is Unready)
  std::map<std::string, sim::Time> unneeded_since_;  // node → since
  std::set<std::string> soft_tainted_;
  std::map<std::string, Deletion> deleting_;          // node → deletion in progress
  std::map<std::string, std::string> not_triggered_;  // pod uid → last NotTriggerScaleUp message
  std::optional<sim::Time> last_scale_up_, last_scale_down_delete_, last_scale_down_failure_;
  sim::Owner owner_{sim_};
};

}  // namespace kubesim::autoscaler
