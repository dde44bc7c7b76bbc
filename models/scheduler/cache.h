// The scheduler cache (upstream pkg/scheduler/backend/cache): NodeInfos built from the node and
// assigned-pod informers, plus pods the scheduler has *assumed* onto a node before their binding
// commits, so the next cycle already sees them.
//
// Node order is upstream's NodeTree: nodes grouped by zone (region + zone labels), listed
// round-robin across zones in the order zones appeared, so consecutive indices alternate zones.
// Scheduling cycles happen at one simulated instant, so the cache itself serves as the cycle's
// snapshot (upstream copies it; nothing can change it mid-cycle here).
#pragma once

#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "models/scheduler/node_info.h"

namespace kubesim::scheduler {

class Cache {
 public:
  void AddNode(std::shared_ptr<const api::Node> node);
  void UpdateNode(std::shared_ptr<const api::Node> node);
  void RemoveNode(const std::string& name);

  // Assigned pods from the informer. Adding a pod that was assumed confirms the assumption.
  void AddPod(std::shared_ptr<const api::Pod> pod);
  void UpdatePod(std::shared_ptr<const api::Pod> pod);
  void RemovePod(const api::Pod& pod);

  // `pod` must carry the chosen node in spec.nodeName.
  void AssumePod(std::shared_ptr<const api::Pod> pod);
  void ForgetPod(const std::string& uid);
  bool IsAssumed(const std::string& uid) const;

  // Nodes in NodeTree order (only nodes with a Node object).
  const std::vector<const NodeInfo*>& NodeList();
  const NodeInfo* GetNode(const std::string& name) const;
  size_t node_count() const { return node_names_in_tree_; }

  // Upstream snapshot lists, kept incrementally (see SharedLister): nodes with pods that have
  // pod (anti-)affinity / required anti-affinity, in NodeTree order; and per image name, how many
  // nodes list it.
  const std::vector<const NodeInfo*>& NodesWithAffinityPods();
  const std::vector<const NodeInfo*>& NodesWithRequiredAntiAffinityPods();
  int64_t ImageNodeCount(const std::string& name) const;

 private:
  struct PodState {
    std::string node;
    bool assumed = false;
  };
  NodeInfo& NodeInfoFor(const std::string& name);
  void PodsChangedOn(const std::string& node);
  void CountImages(const api::Node& node, int64_t delta);
  const std::vector<const NodeInfo*>& Filtered(const std::set<std::string>& names, std::vector<const NodeInfo*>* out);
  void AddToTree(const api::Node& node);
  void RemoveFromTree(const std::string& name);
  static std::string ZoneKey(const api::Node& node);

  std::map<std::string, NodeInfo> nodes_;
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
};

}  // namespace kubesim::scheduler
