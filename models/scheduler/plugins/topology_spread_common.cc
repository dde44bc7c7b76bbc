#include "models/scheduler/plugins/topology_spread_common.h"

#include <utility>

#include "models/api/affinity.h"
#include "models/api/labels.h"

namespace kubesim::scheduler {

std::vector<SpreadConstraint> FilterSpreadConstraints(const std::vector<api::TopologySpreadConstraint>& constraints,
                                                      const api::StringMap& pod_labels, const std::string& action,
                                                      bool enable_match_label_keys) {
  std::vector<SpreadConstraint> out;
  for (const auto& c : constraints) {
    if (c.when_unsatisfiable != action) continue;
    SpreadConstraint s;
    s.max_skew = c.max_skew;
    s.topology_key = c.topology_key;
    s.min_domains = c.min_domains.value_or(1);
    s.selector = c.label_selector;
    s.honor_node_affinity = c.node_affinity_policy != "Ignore";
    s.honor_node_taints = c.node_taints_policy == "Honor";
    if (enable_match_label_keys && s.selector.has_value()) {
      // As upstream mergeLabelSetWithSelector: requirements, so a key the selector already
      // constrains is ANDed rather than overwritten.
      for (const auto& key : c.match_label_keys) {
        auto it = pod_labels.find(key);
        if (it == pod_labels.end()) continue;
        s.selector->match_expressions.push_back(api::LabelSelectorRequirement{key, api::SelectorOp::kIn, {it->second}});
      }
    }
    out.push_back(std::move(s));
  }
  return out;
}

bool NodeLabelsMatchSpreadConstraints(const api::StringMap& node_labels,
                                      const std::vector<SpreadConstraint>& constraints) {
  for (const auto& c : constraints) {
    if (node_labels.find(c.topology_key) == node_labels.end()) return false;
  }
  return true;
}

int64_t CountPodsMatchSelector(const std::vector<PodInfoPtr>& pods, const std::optional<api::LabelSelector>& selector,
                               const std::string& ns) {
  // labels.Everything().Empty() is true and upstream returns 0 for it; Nothing matches nothing.
  if (!selector.has_value() || selector->Empty()) return 0;
  int64_t count = 0;
  for (const auto& p : pods) count += PodCountsForSelector(*p->pod, *selector, ns) ? 1 : 0;
  return count;
}

bool MatchesRequiredNodeAffinity(const api::Pod& pod, const api::Node& node) {
  const api::StringMap& labels = node.metadata.labels;
  if (!api::SetMatches(pod.spec.node_selector, labels)) return false;
  const auto& na = pod.spec.affinity.node_affinity;
  if (na.has_value() && na->required.has_value()) {
    return api::NodeSelectorMatches(*na->required, labels, node.metadata.name);
  }
  return true;
}

bool ToleratesDoNotScheduleTaints(const api::Pod& pod, const api::Node& node) {
  for (const auto& taint : node.spec.taints) {
    if (taint.effect != api::kTaintNoSchedule && taint.effect != api::kTaintNoExecute) continue;
    bool tolerated = false;
    for (const auto& t : pod.spec.tolerations) {
      if (api::ToleratesTaint(t, taint.key, taint.value, taint.effect)) {
        tolerated = true;
        break;
      }
    }
    if (!tolerated) return false;
  }
  return true;
}

NodeInclusion ComputeNodeInclusion(const api::Pod& pod, const api::Node& node, bool need_affinity, bool need_taints) {
  NodeInclusion n;
  if (need_affinity) n.matches_node_affinity = MatchesRequiredNodeAffinity(pod, node);
  if (need_taints) n.tolerates_taints = ToleratesDoNotScheduleTaints(pod, node);
  return n;
}

api::LabelSelector DefaultSelector(const api::Pod& pod, SharedLister& lister) {
  api::LabelSelector selector;
  // Upstream GetPodServices: Services of the pod's namespace whose selector matches the pod. A
  // Service without a selector selects nothing (kubesim cannot tell nil from empty; both skip).
  for (const auto& svc : lister.Services(pod.metadata.namespace_)) {
    if (svc->selector.empty()) continue;
    api::LabelSelector s;
    s.match_labels = svc->selector;
    if (!s.Matches(pod.metadata.labels)) continue;
    // labels.Merge: services matching the same pod cannot conflict, later keys win.
    for (const auto& [k, v] : svc->selector) selector.match_labels[k] = v;
  }
  // metav1.GetControllerOfNoCopy: the first owner reference marked controller.
  const api::OwnerReference* owner = nullptr;
  for (const auto& ref : pod.metadata.owner_references) {
    if (ref.controller) {
      owner = &ref;
      break;
    }
  }
  if (owner == nullptr || owner->kind != api::ReplicaSet::kKind || owner->api_version != api::ReplicaSet::kAPIVersion)
    return selector;
  // rsl.ReplicaSets(pod.Namespace).Get(controllerRef.Name): by name, not a scan of the namespace.
  if (auto rs = lister.GetReplicaSet(pod.metadata.namespace_, owner->name)) {
    // selector.Add(requirements...): the ReplicaSet's matchLabels become In requirements so they
    // AND with (never overwrite) the Services' labels.
    for (const auto& [k, v] : rs->selector.match_labels) {
      selector.match_expressions.push_back(api::LabelSelectorRequirement{k, api::SelectorOp::kIn, {v}});
    }
    for (const auto& r : rs->selector.match_expressions) selector.match_expressions.push_back(r);
  }
  return selector;
}

}  // namespace kubesim::scheduler
