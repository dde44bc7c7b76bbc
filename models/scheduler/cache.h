// The scheduler cache (upstream pkg/scheduler/backend/cache): NodeInfos built from the node and
// assigned-pod informers, plus pods the scheduler has *assumed* onto a node before their binding
// commits, so the next cycle already sees them.
//
// Node order is upstream's NodeTree: nodes grouped by zone (region + zone labels), listed
// round-robin across zones in the order zones appeared, so consecutive indices alternate zones.
// Scheduling cycles happen at one simulated instant, so the cache itself serves as the cycle's
// snapshot (upstream copies it; nothing can change it mid-cycle here).
//
// Ownership: the cache holds the informers' immutable objects (shared_ptr<const>) and never
// copies or changes them; a pod or node passed in must not be mutated afterwards by anyone.
// NodeInfo pointers it hands out stay valid until the next mutating call (any Add/Update/Remove/
// Assume/Forget), so a cycle may hold them, an event handler may not keep them.
//
// Unlike upstream there is no FinishBinding and no expiry of assumed pods: v1.32 creates its
// cache with durationToExpireAssumedPod = 0, "never expire" (kubernetes/kubernetes
// pkg/scheduler/scheduler.go @ v1.32), so an assumed pod leaves only by AddPod (confirmed),
// ForgetPod (binding failed) or its deletion.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "models/scheduler/matching_pod_counts.h"
#include "models/scheduler/node_info.h"

namespace kubesim::scheduler {

class Cache {
 public:
  Cache() = default;
  Cache(const Cache&) = delete;
  Cache& operator=(const Cache&) = delete;

  // Adds a node, or updates it when one of that name is known (upstream AddNode does the same).
  // A node whose region/zone labels change moves to its new zone at the end of that zone's list.
  void AddNode(std::shared_ptr<const api::Node> node);
  void UpdateNode(std::shared_ptr<const api::Node> node);
  // Removes the node from the node list; pods still bound to it stay counted, in a node-less
  // NodeInfo, until they are removed (upstream RemoveNode). A missing name is a no-op.
  void RemoveNode(const std::string& name);

  // Assigned pods from the informer (REQUIRES: spec.nodeName set). Adding a pod that was assumed
  // confirms the assumption, on the node the informer says — which wins if it differs (upstream
  // AddPod: "The pod was added to a different node than it was assumed"). Adding a known pod
  // replaces it. Nodes need not exist yet: the pod waits in a node-less NodeInfo.
  void AddPod(std::shared_ptr<const api::Pod> pod);
  // Same as AddPod (kubesim does not distinguish; the informer's latest object wins).
  void UpdatePod(std::shared_ptr<const api::Pod> pod);
  // Removes the pod, assumed or not, by uid; an unknown pod is a no-op (upstream logs an error).
  void RemovePod(const api::Pod& pod);

  // Counts `pod` on its node before the binding commits, so the next cycle sees it.
  // REQUIRES: spec.nodeName holds the chosen node and the pod is not in the cache yet (upstream
  // AssumePod errors on a known pod; here it would be counted twice).
  void AssumePod(std::shared_ptr<const api::Pod> pod);
  // Undoes AssumePod after a failed binding. No-op for an unknown uid or a pod that is no longer
  // assumed (confirmed by AddPod): upstream ForgetPod errors then, kubesim keeps the confirmed pod.
  void ForgetPod(const std::string& uid);
  bool IsAssumed(const std::string& uid) const;

  // Nodes in NodeTree order (only nodes with a Node object), rebuilt lazily after a node change.
  // The reference and the pointers stay valid until the next mutating call.
  const std::vector<const NodeInfo*>& NodeList();
  // The NodeInfo of `name`, also for a removed node that still holds pods (node() is null then);
  // null when unknown.
  const NodeInfo* GetNode(const std::string& name) const;
  size_t node_count() const { return node_names_in_tree_; }

  // Upstream snapshot lists, kept incrementally (see SharedLister): nodes with pods that have
  // pod (anti-)affinity / required anti-affinity, in NodeTree order; and per image name, how many
  // nodes list it.
  const std::vector<const NodeInfo*>& NodesWithAffinityPods();
  const std::vector<const NodeInfo*>& NodesWithRequiredAntiAffinityPods();
  int64_t ImageNodeCount(const std::string& name) const;
  // Matching pods per selector, node and topology domain, kept from this cache's changes for
  // PodTopologySpread (see MatchingPodCounts).
  MatchingPodCounts& matching_pods() { return matching_pods_; }

 private:
  struct PodState {
    std::string node;
    bool assumed = false;
  };
  NodeInfo& NodeInfoFor(const std::string& name);
  // Every change of a NodeInfo's Node or pods goes through these, so that MatchingPodCounts sees it.
  void SetNode(NodeInfo& info, std::shared_ptr<const api::Node> node);
  void PutPod(NodeInfo& info, std::shared_ptr<const api::Pod> pod);
  void TakePod(NodeInfo& info, const std::string& uid);
  void PodsChangedOn(const std::string& node);
  void CountImages(const api::Node& node, int64_t delta);
  const std::vector<const NodeInfo*>& Filtered(const std::set<std::string>& names, std::vector<const NodeInfo*>* out);
  void AddToTree(const api::Node& node);
  void RemoveFromTree(const std::string& name);
  static std::string ZoneKey(const api::Node& node);

  std::map<std::string, NodeInfo> nodes_;
  uint32_t next_slot_ = 0;                // NodeInfo::slot() of the next node (never reused)
  std::map<std::string, PodState> pods_;  // uid → where it is counted
  // NodeTree: zone key → node names (insertion order); zones in first-seen order.
  std::map<std::string, std::vector<std::string>> tree_;
  std::vector<std::string> zones_;
  std::map<std::string, std::string> zone_of_;
  size_t node_names_in_tree_ = 0;
  std::vector<const NodeInfo*> list_;
  bool list_dirty_ = true;
  std::set<std::string> affinity_nodes_;
  std::set<std::string> anti_affinity_nodes_;
  std::vector<const NodeInfo*> affinity_list_;
  std::vector<const NodeInfo*> anti_affinity_list_;
  bool affinity_dirty_ = true;
  std::map<std::string, int64_t> image_nodes_;
  MatchingPodCounts matching_pods_{nodes_};  // after nodes_, which it reads
};

}  // namespace kubesim::scheduler
