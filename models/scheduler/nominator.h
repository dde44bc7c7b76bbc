// The nominator (upstream backend/queue nominator): pods that preemption nominated to a node,
// indexed per node, so that "filters with nominated pods" (kubernetes/kubernetes
// pkg/scheduler/framework/runtime/framework.go RunFilterPluginsWithNominatedPods @ v1.32) keep room
// for them.
//
// A pod is nominated by its status.nominatedNodeName (seen through the informer) or, before that
// status write comes back, by the scheduler itself after a PostFilter nominated a node. A pod
// leaves the nominator when it is assumed (bound), deleted, or its nomination is cleared.
// Pods of one node are kept in nomination order; everything is keyed by ordered maps.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "models/api/pod.h"

namespace kubesim::scheduler {

class Nominator {
 public:
  // Upstream addNominatedPodUnlocked: `node_override` set (ModeOverride) wins, even when empty
  // (which clears); unset (ModeNoop) uses pod.status.nominatedNodeName.
  void Add(std::shared_ptr<const api::Pod> pod, const std::optional<std::string>& node_override = std::nullopt);
  // Upstream UpdateNominatedPod: an update carrying no nomination either side keeps the node the
  // scheduler reserved in memory.
  void Update(const api::Pod& old_pod, std::shared_ptr<const api::Pod> pod);
  void Delete(const std::string& uid);

  // Nominated pods of `node`, in nomination order.
  std::vector<std::shared_ptr<const api::Pod>> PodsForNode(const std::string& node) const;
  // The node `uid` is nominated to, or "".
  std::string NodeOf(const std::string& uid) const;
  size_t size() const { return node_of_.size(); }

 private:
  std::map<std::string, std::vector<std::shared_ptr<const api::Pod>>> by_node_;
  std::map<std::string, std::string> node_of_;  // uid → node
};

}  // namespace kubesim::scheduler
