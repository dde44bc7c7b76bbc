#include "models/scheduler/plugins/inter_pod_affinity.h"

#include <climits>
#include <memory>
#include <utility>

#include "models/scheduler/plugins/inter_pod_affinity_common.h"

namespace kubesim::scheduler {
namespace {

constexpr const char* kPreFilterStateKey = "PreFilterInterPodAffinity";
constexpr const char* kPreScoreStateKey = "PreScoreInterPodAffinity";

const std::vector<api::PodAffinityTerm>& RequiredTerms(const std::optional<api::PodAffinity>& a) {
  static const std::vector<api::PodAffinityTerm> kNone;
  return a.has_value() ? a->required : kNone;
}
const std::vector<api::WeightedPodAffinityTerm>& PreferredTerms(const std::optional<api::PodAffinity>& a) {
  static const std::vector<api::WeightedPodAffinityTerm> kNone;
  return a.has_value() ? a->preferred : kNone;
}

// Upstream preFilterState. The incoming pod's terms are re-read from the pod in Filter.
struct PreFilterState : StateData {
  // Existing pods' required anti-affinity terms matching the incoming pod.
  TopologyCounts existing_anti_affinity_counts;
  // Existing pods matching all the incoming pod's required affinity terms, per term.
  TopologyCounts affinity_counts;
  // Existing pods matching each of the incoming pod's required anti-affinity terms.
  TopologyCounts anti_affinity_counts;
  // Upstream podMatchesAllAffinityTerms(incoming terms, incoming pod), for the first-pod rule.
  bool pod_matches_own_affinity = false;
};

// Upstream preScoreState: the summed weights per topology pair (upstream scoreMap keeps zeros).
struct PreScoreState : StateData {
  TopologyCounts topology_score;
};

// Upstream podMatchesAllAffinityTerms: false for no terms.
bool MatchesAllTerms(const api::Pod& owner, const std::vector<api::PodAffinityTerm>& terms, const api::Pod& target,
                     NamespaceLabelCache& namespaces) {
  if (terms.empty()) return false;
  for (const auto& t : terms) {
    if (!AffinityTermMatches(owner, t, target, namespaces, false)) return false;
  }
  return true;
}

// Upstream scoreMap.processTerm: `weight` at (key, node[key]) when the node has the key.
void AddScore(TopologyCounts& score, const api::StringMap& node_labels, const std::string& key, int64_t weight) {
  auto it = node_labels.find(key);
  if (it == node_labels.end()) return;
  score[key][it->second] += weight;
}

}  // namespace

sim::StatusOr<InterPodAffinityArgs> DecodeInterPodAffinityArgs(const api::YamlNode& node) {
  InterPodAffinityArgs args;
  if (!node.Defined()) return args;
  KUBESIM_RETURN_IF_ERROR(
      node.CheckKeys({"apiVersion", "kind", "hardPodAffinityWeight", "ignorePreferredTermsOfExistingPods"}));
  api::YamlNode weight = node["hardPodAffinityWeight"];
  if (weight.Defined()) {
    KUBESIM_ASSIGN_OR_RETURN(int64_t w, weight.Int());
    // Upstream ValidateInterPodAffinityArgs.
    if (w < 0 || w > 100) return weight.Error("Invalid value: " + std::to_string(w) + ": not in valid range [0, 100]");
    args.hard_pod_affinity_weight = static_cast<int32_t>(w);
  }
  api::YamlNode ignore = node["ignorePreferredTermsOfExistingPods"];
  if (ignore.Defined()) {
    KUBESIM_ASSIGN_OR_RETURN(args.ignore_preferred_terms_of_existing_pods, ignore.Bool());
  }
  return args;
}

Status InterPodAffinity::PreFilter(CycleState& state, const api::Pod& pod, const std::vector<const NodeInfo*>& nodes) {
  const auto& affinity_terms = RequiredTerms(pod.spec.affinity.pod_affinity);
  const auto& anti_terms = RequiredTerms(pod.spec.affinity.pod_anti_affinity);
  const bool incoming = !affinity_terms.empty() || !anti_terms.empty();
  auto s = std::make_unique<PreFilterState>();
  NamespaceLabelCache namespaces(lister_);
  // One pass over the snapshot: upstream's getExistingAntiAffinityCounts (pods with required
  // anti-affinity) and getIncomingAffinityAntiAffinityCounts (all pods, only with incoming terms).
  // Without terms of its own, only nodes holding pods with required anti-affinity matter; the
  // lister's list of them describes the snapshot, so it is used only when `nodes` is the
  // snapshot itself (a preemption dry run passes a modified copy).
  const bool snapshot = lister_ != nullptr && &nodes == &lister_->Nodes();
  for (const NodeInfo* ni : incoming || !snapshot ? nodes : lister_->NodesWithRequiredAntiAffinityPods()) {
    const api::StringMap& labels = ni->node()->metadata.labels;
    for (const auto& pi : ni->pods_with_required_anti_affinity()) {
      const api::Pod& existing = *pi->pod;
      for (const auto& t : RequiredTerms(existing.spec.affinity.pod_anti_affinity)) {
        // The existing pod's namespaceSelector is matched against the incoming pod's namespace.
        if (AffinityTermMatches(existing, t, pod, namespaces, true)) {
          UpdateTopologyCount(s->existing_anti_affinity_counts, labels, t.topology_key, 1);
        }
      }
    }
    if (!incoming) continue;
    for (const auto& pi : ni->pods()) {
      const api::Pod& existing = *pi->pod;
      if (MatchesAllTerms(pod, affinity_terms, existing, namespaces)) {
        for (const auto& t : affinity_terms) UpdateTopologyCount(s->affinity_counts, labels, t.topology_key, 1);
      }
      for (const auto& t : anti_terms) {
        if (AffinityTermMatches(pod, t, existing, namespaces, false)) {
          UpdateTopologyCount(s->anti_affinity_counts, labels, t.topology_key, 1);
        }
      }
    }
  }
  if (s->existing_anti_affinity_counts.empty() && !incoming) return Status::Skip();
  s->pod_matches_own_affinity = MatchesAllTerms(pod, affinity_terms, pod, namespaces);
  state.Write(kPreFilterStateKey, std::move(s));
  return Status::Success();
}

Status InterPodAffinity::Filter(const CycleState& state, const api::Pod& pod, const NodeInfo& node) const {
  const auto* s = state.Read<PreFilterState>(kPreFilterStateKey);
  if (s == nullptr) return Status::Error("reading \"PreFilterInterPodAffinity\" from cycleState: not found");
  const api::StringMap& labels = node.node()->metadata.labels;

  // Upstream satisfyPodAffinity: every term's key on the node, and matching pods in each term's
  // domain — unless no pod anywhere matches and the pod matches its own terms (the first pod of
  // a self-affine group).
  bool pods_exist = true;
  for (const auto& t : RequiredTerms(pod.spec.affinity.pod_affinity)) {
    auto it = labels.find(t.topology_key);
    if (it == labels.end()) return Status::Unresolvable(kErrReasonAffinityRulesNotMatch);
    if (TopologyCount(s->affinity_counts, t.topology_key, it->second) <= 0) pods_exist = false;
  }
  if (!pods_exist && !(s->affinity_counts.empty() && s->pod_matches_own_affinity)) {
    return Status::Unresolvable(kErrReasonAffinityRulesNotMatch);
  }

  // Upstream satisfyPodAntiAffinity.
  if (!s->anti_affinity_counts.empty()) {
    for (const auto& t : RequiredTerms(pod.spec.affinity.pod_anti_affinity)) {
      auto it = labels.find(t.topology_key);
      if (it != labels.end() && TopologyCount(s->anti_affinity_counts, t.topology_key, it->second) > 0) {
        return Status::Unschedulable(kErrReasonAntiAffinityRulesNotMatch);
      }
    }
  }

  // Upstream satisfyExistingPodsAntiAffinity: any node label (k, v) with a count. Walking the
  // (few) counted keys and looking up the node's label is the same test.
  for (const auto& [key, values] : s->existing_anti_affinity_counts) {
    auto it = labels.find(key);
    if (it == labels.end()) continue;
    auto v = values.find(it->second);
    if (v != values.end() && v->second > 0) return Status::Unschedulable(kErrReasonExistingAntiAffinityRulesNotMatch);
  }
  return Status::Success();
}

Status InterPodAffinity::PreScore(CycleState& state, const api::Pod& pod, const std::vector<const NodeInfo*>& nodes) {
  if (nodes.empty()) return Status::Skip();
  const auto& pref_affinity = PreferredTerms(pod.spec.affinity.pod_affinity);
  const auto& pref_anti = PreferredTerms(pod.spec.affinity.pod_anti_affinity);
  const bool has_constraints = !pref_affinity.empty() || !pref_anti.empty();
  if (args_.ignore_preferred_terms_of_existing_pods && !has_constraints) return Status::Skip();
  if (lister_ == nullptr) return Status::Error("InterPodAffinity: no SharedLister");

  auto s = std::make_unique<PreScoreState>();
  NamespaceLabelCache namespaces(lister_);
  bool accumulated = false;
  // Upstream processExistingPod over every node (only pods with affinity unless the incoming pod
  // has preferred terms — the others contribute nothing).
  for (const NodeInfo* ni : has_constraints ? lister_->Nodes() : lister_->NodesWithAffinityPods()) {
    const api::StringMap& labels = ni->node()->metadata.labels;
    if (labels.empty()) continue;
    // Without preferred terms of its own, only existing pods with affinity can contribute.
    for (const auto& pi : has_constraints ? ni->pods() : ni->pods_with_affinity()) {
      const api::Pod& existing = *pi->pod;
      auto add = [&](const std::string& key, int64_t weight) {
        if (labels.count(key)) accumulated = true;
        AddScore(s->topology_score, labels, key, weight);
      };
      // The incoming pod's preferred terms against the existing pod.
      for (const auto& w : pref_affinity) {
        if (AffinityTermMatches(pod, w.term, existing, namespaces, false)) add(w.term.topology_key, w.weight);
      }
      for (const auto& w : pref_anti) {
        if (AffinityTermMatches(pod, w.term, existing, namespaces, false)) add(w.term.topology_key, -w.weight);
      }
      // The existing pod's terms against the incoming pod (symmetry); its required
      // anti-affinity is a Filter matter only.
      if (args_.hard_pod_affinity_weight > 0) {
        for (const auto& t : RequiredTerms(existing.spec.affinity.pod_affinity)) {
          if (AffinityTermMatches(existing, t, pod, namespaces, true))
            add(t.topology_key, args_.hard_pod_affinity_weight);
        }
      }
      for (const auto& w : PreferredTerms(existing.spec.affinity.pod_affinity)) {
        if (AffinityTermMatches(existing, w.term, pod, namespaces, true)) add(w.term.topology_key, w.weight);
      }
      for (const auto& w : PreferredTerms(existing.spec.affinity.pod_anti_affinity)) {
        if (AffinityTermMatches(existing, w.term, pod, namespaces, true)) add(w.term.topology_key, -w.weight);
      }
    }
  }
  if (!accumulated) return Status::Skip();
  state.Write(kPreScoreStateKey, std::move(s));
  return Status::Success();
}

Status InterPodAffinity::Score(const CycleState& state, const api::Pod&, const NodeInfo& node, int64_t* score) const {
  const auto* s = state.Read<PreScoreState>(kPreScoreStateKey);
  if (s == nullptr) return Status::Error("reading \"PreScoreInterPodAffinity\" from cycleState: not found");
  const api::StringMap& labels = node.node()->metadata.labels;
  int64_t sum = 0;
  for (const auto& [key, values] : s->topology_score) {
    auto it = labels.find(key);
    if (it == labels.end()) continue;
    auto v = values.find(it->second);
    if (v != values.end()) sum += v->second;
  }
  *score = sum;
  return Status::Success();
}

Status InterPodAffinity::NormalizeScore(const CycleState& state, const api::Pod&, NodeScoreList& scores) const {
  const auto* s = state.Read<PreScoreState>(kPreScoreStateKey);
  if (s == nullptr) return Status::Error("reading \"PreScoreInterPodAffinity\" from cycleState: not found");
  if (s->topology_score.empty()) return Status::Success();
  // The true minimum and maximum (scores may be negative); float64 in upstream's order.
  int64_t min_count = INT64_MAX;
  int64_t max_count = INT64_MIN;
  for (const auto& ns : scores) {
    if (ns.score > max_count) max_count = ns.score;
    if (ns.score < min_count) min_count = ns.score;
  }
  const int64_t diff = max_count - min_count;
  for (auto& ns : scores) {
    double f = 0;
    if (diff > 0) {
      f = static_cast<double>(kMaxNodeScore) * (static_cast<double>(ns.score - min_count) / static_cast<double>(diff));
    }
    ns.score = static_cast<int64_t>(f);
  }
  return Status::Success();
}

PluginFactory InterPodAffinityFactory() {
  return [](const PluginContext& ctx, const api::YamlNode* args) -> sim::StatusOr<std::shared_ptr<Plugin>> {
    InterPodAffinityArgs a;
    if (args != nullptr) {
      KUBESIM_ASSIGN_OR_RETURN(a, DecodeInterPodAffinityArgs(*args));
    }
    return std::shared_ptr<Plugin>(std::make_shared<InterPodAffinity>(ctx.lister, a));
  };
}

}  // namespace kubesim::scheduler
