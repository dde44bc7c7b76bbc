// Helpers of PodTopologySpread (upstream plugins/podtopologyspread/common.go and
// plugins/helper/spread.go): the scheduler's internal form of a TopologySpreadConstraint, pod
// counting, the node inclusion policies, and the default selector built from a pod's owners.
//
// Selectors follow upstream labels.Selector: std::nullopt is labels.Nothing() (matches nothing,
// not Empty), an empty LabelSelector is labels.Everything().
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "models/api/labels.h"
#include "models/api/node.h"
#include "models/api/pod.h"
#include "models/scheduler/matching_pod_counts.h"
#include "models/scheduler/node_info.h"
#include "models/scheduler/shared_lister.h"

namespace kubesim::scheduler {

// Upstream topologySpreadConstraint: a validated constraint with its selector already merged
// with the matchLabelKeys values of the incoming pod.
struct SpreadConstraint {
  int32_t max_skew = 1;
  std::string topology_key;
  int32_t min_domains = 1;  // nil minDomains counts as 1
  std::optional<api::LabelSelector> selector;
  bool honor_node_affinity = true;  // nodeAffinityPolicy Honor (default)
  bool honor_node_taints = false;   // nodeTaintsPolicy Ignore (default)
};

// Upstream filterTopologySpreadConstraints: the constraints whose whenUnsatisfiable is `action`.
// With `enable_match_label_keys` (MatchLabelKeysInPodTopologySpread, on in v1.32) each key of
// matchLabelKeys the pod carries is ANDed into the selector as `key In (value)`; a null selector
// stays null (mergeLabelSetWithSelector keeps labels.Nothing()).
std::vector<SpreadConstraint> FilterSpreadConstraints(const std::vector<api::TopologySpreadConstraint>& constraints,
                                                      const api::StringMap& pod_labels, const std::string& action,
                                                      bool enable_match_label_keys);

// Upstream nodeLabelsMatchSpreadConstraints: the node carries every constraint's topology key.
bool NodeLabelsMatchSpreadConstraints(const api::StringMap& node_labels,
                                      const std::vector<SpreadConstraint>& constraints);

// Upstream countPodsMatchSelector: pods in namespace `ns`, not terminating, matching `selector`.
// An empty (Everything) or null (Nothing) selector counts 0.
int64_t CountPodsMatchSelector(const std::vector<PodInfoPtr>& pods, const std::optional<api::LabelSelector>& selector,
                               const std::string& ns);

// Upstream nodeaffinity.GetRequiredNodeAffinity(pod).Match(node): spec.nodeSelector (every
// key=value) and the required node affinity terms (ORed).
bool MatchesRequiredNodeAffinity(const api::Pod& pod, const api::Node& node);

// Upstream FindMatchingUntoleratedTaint with DoNotScheduleTaintsFilterFunc: false when the node
// has a NoSchedule or NoExecute taint the pod does not tolerate.
bool ToleratesDoNotScheduleTaints(const api::Pod& pod, const api::Node& node);

// The two node inclusion policies of a node for one pod, computed once per node.
struct NodeInclusion {
  bool matches_node_affinity = true;
  bool tolerates_taints = true;
};
NodeInclusion ComputeNodeInclusion(const api::Pod& pod, const api::Node& node, bool need_affinity, bool need_taints);
// Upstream topologySpreadConstraint.matchNodeInclusionPolicies.
inline bool MatchNodeInclusionPolicies(const SpreadConstraint& c, const NodeInclusion& n) {
  return (!c.honor_node_affinity || n.matches_node_affinity) && (!c.honor_node_taints || n.tolerates_taints);
}

// Upstream helper.DefaultSelector: the union of the selectors of the Services selecting the pod,
// ANDed with the selector of the controlling ReplicaSet (ownerReferences controller, apps/v1).
// ReplicationControllers and StatefulSets are not in kubesim's SharedLister and contribute nothing.
// Returns an empty (Everything) selector when the pod has no such owners.
api::LabelSelector DefaultSelector(const api::Pod& pod, SharedLister& lister);

}  // namespace kubesim::scheduler
