// core/v1 Affinity: node affinity (node selector terms) and pod (anti-)affinity terms, with the
// matching rules upstream's component-helpers `nodeaffinity` package applies.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "models/api/labels.h"
#include "models/api/object.h"

namespace kubesim::api {

// NodeSelectorRequirement operators: In, NotIn, Exists, DoesNotExist, Gt, Lt.
enum class NodeSelectorOp { kIn, kNotIn, kExists, kDoesNotExist, kGt, kLt };

struct NodeSelectorRequirement {
  std::string key;
  NodeSelectorOp op = NodeSelectorOp::kIn;
  std::vector<std::string> values;

  friend bool operator==(const NodeSelectorRequirement&, const NodeSelectorRequirement&) = default;
};

// A term matches when every expression matches the node's labels and every field expression
// matches its fields (only metadata.name exists upstream).
struct NodeSelectorTerm {
  std::vector<NodeSelectorRequirement> match_expressions;
  std::vector<NodeSelectorRequirement> match_fields;

  friend bool operator==(const NodeSelectorTerm&, const NodeSelectorTerm&) = default;
};

// Terms are ORed. A term with neither expressions nor fields matches no node (upstream).
struct NodeSelector {
  std::vector<NodeSelectorTerm> terms;

  friend bool operator==(const NodeSelector&, const NodeSelector&) = default;
};

struct PreferredSchedulingTerm {
  int32_t weight = 0;  // 1..100
  NodeSelectorTerm preference;

  friend bool operator==(const PreferredSchedulingTerm&, const PreferredSchedulingTerm&) = default;
};

struct NodeAffinity {
  std::optional<NodeSelector> required;
  std::vector<PreferredSchedulingTerm> preferred;

  friend bool operator==(const NodeAffinity&, const NodeAffinity&) = default;
};

struct PodAffinityTerm {
  std::optional<LabelSelector> label_selector;  // null selects nothing
  std::vector<std::string> namespaces;
  std::optional<LabelSelector> namespace_selector;  // null: only `namespaces` (or the pod's own)
  std::string topology_key;
  std::vector<std::string> match_label_keys;
  std::vector<std::string> mismatch_label_keys;

  friend bool operator==(const PodAffinityTerm&, const PodAffinityTerm&) = default;
};

struct WeightedPodAffinityTerm {
  int32_t weight = 0;  // 1..100
  PodAffinityTerm term;

  friend bool operator==(const WeightedPodAffinityTerm&, const WeightedPodAffinityTerm&) = default;
};

struct PodAffinity {
  std::vector<PodAffinityTerm> required;
  std::vector<WeightedPodAffinityTerm> preferred;

  friend bool operator==(const PodAffinity&, const PodAffinity&) = default;
};

struct Affinity {
  std::optional<NodeAffinity> node_affinity;
  std::optional<PodAffinity> pod_affinity;
  std::optional<PodAffinity> pod_anti_affinity;

  friend bool operator==(const Affinity&, const Affinity&) = default;
};

bool NodeSelectorRequirementMatches(const NodeSelectorRequirement& r, const StringMap& labels);
bool NodeSelectorTermMatches(const NodeSelectorTerm& term, const StringMap& labels, const std::string& node_name);
bool NodeSelectorMatches(const NodeSelector& selector, const StringMap& labels, const std::string& node_name);

}  // namespace kubesim::api
