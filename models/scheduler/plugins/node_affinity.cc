#include "models/scheduler/plugins/node_affinity.h"

#include <algorithm>
#include <iterator>
#include <optional>
#include <set>

#include "models/api/codec.h"
#include "models/api/labels.h"

namespace kubesim::scheduler {
namespace {

const api::NodeAffinity* PodNodeAffinity(const api::Pod& pod) {
  return pod.spec.affinity.node_affinity ? &*pod.spec.affinity.node_affinity : nullptr;
}

// The pod's requiredDuringSchedulingIgnoredDuringExecution, or null.
const api::NodeSelector* PodRequired(const api::Pod& pod) {
  const api::NodeAffinity* na = PodNodeAffinity(pod);
  return na != nullptr && na->required ? &*na->required : nullptr;
}

// As component-helpers nodeaffinity.RequiredNodeAffinity.Match: spec.nodeSelector (a label
// set selector: every key present with an equal value) AND the required terms (ORed).
bool MatchesPodRequired(const api::Pod& pod, const api::Node& node) {
  const auto& labels = node.metadata.labels;
  if (!api::SetMatches(pod.spec.node_selector, labels)) return false;
  const api::NodeSelector* required = PodRequired(pod);
  return required == nullptr || api::NodeSelectorMatches(*required, labels, node.metadata.name);
}

// As component-helpers PreferredSchedulingTerms.Score: terms with weight 0 or an empty
// preference are dropped when parsed, so they never count.
int64_t PreferredScore(const std::vector<api::PreferredSchedulingTerm>& terms, const api::Node& node) {
  int64_t sum = 0;
  for (const auto& t : terms) {
    if (t.weight == 0) continue;
    if (api::NodeSelectorTermMatches(t.preference, node.metadata.labels, node.metadata.name)) sum += t.weight;
  }
  return sum;
}

}  // namespace

sim::StatusOr<NodeAffinityArgs> DecodeNodeAffinityArgs(const api::YamlNode& node) {
  NodeAffinityArgs args;
  if (!node.Defined()) return args;
  KUBESIM_RETURN_IF_ERROR(node.CheckKeys({"apiVersion", "kind", "addedAffinity"}));
  api::YamlNode added = node["addedAffinity"];
  if (added.Defined()) {
    KUBESIM_RETURN_IF_ERROR(added.CheckKeys(
        {"requiredDuringSchedulingIgnoredDuringExecution", "preferredDuringSchedulingIgnoredDuringExecution"}));
    KUBESIM_ASSIGN_OR_RETURN(args.added_affinity, api::DecodeNodeAffinity(added));
  }
  return args;
}

NodeAffinity::NodeAffinity(NodeAffinityArgs args) : args_(std::move(args)) {
  if (args_.added_affinity) {
    added_node_selector_ = args_.added_affinity->required;
    added_preferred_ = args_.added_affinity->preferred;
  }
}

// Upstream PreFilter: Skip when there is nothing to filter on. Upstream also returns a
// PreFilterResult naming the nodes of `matchFields metadata.name In` terms; kubesim's framework
// has no PreFilterResult, so Filter enforces those terms per node (same feasible set). The
// conflict case (every term names nodes and their union is empty) is kept: it rejects the pod
// for all nodes with upstream's reason.
Status NodeAffinity::PreFilter(CycleState&, const api::Pod& pod, const std::vector<const NodeInfo*>&) {
  const api::NodeSelector* required = PodRequired(pod);
  if (required == nullptr && !added_node_selector_ && pod.spec.node_selector.empty()) return Status::Skip();
  if (required == nullptr || required->terms.empty()) return Status::Success();
  std::set<std::string> union_names;
  for (const auto& term : required->terms) {
    std::optional<std::set<std::string>> term_names;  // intersection within the term (ANDed)
    for (const auto& r : term.match_fields) {
      if (r.key != "metadata.name" || r.op != api::NodeSelectorOp::kIn) continue;
      std::set<std::string> values(r.values.begin(), r.values.end());
      if (!term_names) {
        term_names = std::move(values);
      } else {
        std::set<std::string> both;
        std::set_intersection(term_names->begin(), term_names->end(), values.begin(), values.end(),
                              std::inserter(both, both.end()));
        term_names = std::move(both);
      }
    }
    // A term without a node-name restriction makes every node eligible (terms are ORed).
    if (!term_names) return Status::Success();
    union_names.insert(term_names->begin(), term_names->end());
  }
  if (union_names.empty()) return Status::Unresolvable(kErrReasonConflict);
  return Status::Success();
}

// Upstream Filter: the scheduler-enforced selector first (its own reason), then the pod's.
Status NodeAffinity::Filter(const CycleState&, const api::Pod& pod, const NodeInfo& node_info) const {
  const api::Node& node = *node_info.node();
  if (added_node_selector_ &&
      !api::NodeSelectorMatches(*added_node_selector_, node.metadata.labels, node.metadata.name)) {
    return Status::Unresolvable(kErrReasonEnforced);
  }
  if (!MatchesPodRequired(pod, node)) return Status::Unresolvable(kErrReasonPod);
  return Status::Success();
}

// Upstream PreScore: Skip when neither the pod nor the args have preferred terms. Upstream caches
// the parsed pod terms in CycleState; kubesim's terms need no parsing, so Score reads the pod.
Status NodeAffinity::PreScore(CycleState&, const api::Pod& pod, const std::vector<const NodeInfo*>&) {
  const api::NodeAffinity* na = PodNodeAffinity(pod);
  bool pod_preferred = na != nullptr && !na->preferred.empty();
  if (!pod_preferred && added_preferred_.empty()) return Status::Skip();
  return Status::Success();
}

Status NodeAffinity::Score(const CycleState&, const api::Pod& pod, const NodeInfo& node_info, int64_t* score) const {
  const api::Node& node = *node_info.node();
  int64_t count = PreferredScore(added_preferred_, node);
  if (const api::NodeAffinity* na = PodNodeAffinity(pod)) count += PreferredScore(na->preferred, node);
  *score = count;
  return Status::Success();
}

Status NodeAffinity::NormalizeScore(const CycleState&, const api::Pod&, NodeScoreList& scores) const {
  DefaultNormalizeScore(kMaxNodeScore, false, scores);
  return Status::Success();
}

PluginFactory NodeAffinityFactory() {
  return [](const PluginContext&, const api::YamlNode* args) -> sim::StatusOr<std::shared_ptr<Plugin>> {
    NodeAffinityArgs a;
    if (args != nullptr) {
      KUBESIM_ASSIGN_OR_RETURN(a, DecodeNodeAffinityArgs(*args));
    }
    return std::shared_ptr<Plugin>(std::make_shared<NodeAffinity>(std::move(a)));
  };
}

}  // namespace kubesim::scheduler
