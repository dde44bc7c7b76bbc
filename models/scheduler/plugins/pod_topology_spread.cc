#include "models/scheduler/plugins/pod_topology_spread.h"

#include <algorithm>
#include <climits>
#include <cmath>
#include <memory>
#include <unordered_map>
#include <unordered_set>
#include <utility>

#include "models/api/codec.h"
#include "models/api/node.h"

namespace kubesim::scheduler {
namespace {

constexpr const char* kPreFilterStateKey = "PreFilterPodTopologySpread";
constexpr const char* kPreScoreStateKey = "PreScorePodTopologySpread";
constexpr const char* kDoNotSchedule = "DoNotSchedule";
constexpr const char* kScheduleAnyway = "ScheduleAnyway";

// Upstream preFilterState: per constraint, matching pods per domain over the eligible nodes and
// the global minimum over those domains (upstream keeps the two smallest as criticalPaths for
// its AddPod/RemovePod extensions; kubesim's framework has none, so the minimum suffices).
struct PreFilterState : StateData {
  std::vector<SpreadConstraint> constraints;
  std::vector<std::unordered_map<std::string, int64_t>> tp_value_to_match_num;
  std::vector<int64_t> min_match_num;
};

// Upstream preScoreState.
struct PreScoreState : StateData {
  std::vector<SpreadConstraint> constraints;
  std::unordered_set<std::string> ignored_nodes;
  // Per constraint, pods per registered domain; hostname constraints count per node in Score.
  std::vector<std::unordered_map<std::string, int64_t>> topology_value_to_pod_counts;
  std::vector<double> topology_normalizing_weight;
  // Per constraint, the kept matching-pod counts Score reads for hostname constraints (null: none
  // kept, Score counts the node's pods).
  std::vector<std::shared_ptr<MatchingPodCounts::Table>> counts;
  // Per constraint, the kept domain totals PreScore read (null: summed over the nodes), and
  // whether its key is the hostname.
  std::vector<const MatchingPodCounts::DomainCounts*> kept;
  std::vector<bool> hostname;
  // Per hostname constraint with kept counts, which nodes carry the hostname label (invalid: Score
  // reads the node's labels).
  std::vector<MatchingPodCounts::Domains> host_domains;
};

// Upstream topologyNormalizingWeight: ln(size + 2), so that 0 and 1 domains still weigh > 0.
double TopologyNormalizingWeight(int64_t size) { return std::log(static_cast<double>(size + 2)); }

// Upstream systemDefaultConstraints (v1.32).
std::vector<api::TopologySpreadConstraint> SystemDefaultConstraints() {
  api::TopologySpreadConstraint host;
  host.max_skew = 3;
  host.topology_key = api::kLabelHostname;
  host.when_unsatisfiable = kScheduleAnyway;
  api::TopologySpreadConstraint zone;
  zone.max_skew = 5;
  zone.topology_key = api::kLabelZone;
  zone.when_unsatisfiable = kScheduleAnyway;
  return {host, zone};
}

// Whether constraint `c` includes every node for `pod`: the node inclusion policies it honours
// exclude none (no nodeSelector and no required node affinity when it honours affinity; taints
// not honoured). Only then are its sums the same for every pod of its selector, so that
// MatchingPodCounts::DomainCounts can keep them.
bool IncludesEveryNode(const SpreadConstraint& c, const api::Pod& pod) {
  if (c.honor_node_taints) return false;
  if (!c.honor_node_affinity) return true;
  const auto& na = pod.spec.affinity.node_affinity;
  return pod.spec.node_selector.empty() && !(na.has_value() && na->required.has_value());
}

// Upstream countPodsMatchSelector over `node`'s pods for constraint `c`, from the kept `table`
// when there is one.
int64_t CountOn(const MatchingPodCounts::Table* table, const NodeInfo& node, const SpreadConstraint& c,
                const std::string& ns) {
  return table != nullptr ? table->Count(node) : CountPodsMatchSelector(node.pods(), c.selector, ns);
}

std::vector<std::string> TopologyKeys(const std::vector<SpreadConstraint>& cs) {
  std::vector<std::string> keys;
  for (const auto& c : cs) keys.push_back(c.topology_key);
  return keys;
}

bool AnyHonors(const std::vector<SpreadConstraint>& cs, bool affinity) {
  for (const auto& c : cs) {
    if (affinity ? c.honor_node_affinity : c.honor_node_taints) return true;
  }
  return false;
}

}  // namespace

sim::StatusOr<PodTopologySpreadArgs> DecodePodTopologySpreadArgs(const api::YamlNode& node) {
  PodTopologySpreadArgs args;
  if (!node.Defined()) return args;
  KUBESIM_RETURN_IF_ERROR(node.CheckKeys({"apiVersion", "kind", "defaultConstraints", "defaultingType"}));
  api::YamlNode type = node["defaultingType"];
  if (type.Defined()) {
    KUBESIM_ASSIGN_OR_RETURN(args.defaulting_type, type.String());
    if (args.defaulting_type != "System" && args.defaulting_type != "List") {
      return type.Error("Unsupported value: \"" + args.defaulting_type + "\": supported values: \"List\", \"System\"");
    }
  }
  api::YamlNode list = node["defaultConstraints"];
  if (list.Defined()) {
    KUBESIM_ASSIGN_OR_RETURN(auto items, list.Items());
    for (const auto& item : items) {
      if (item["labelSelector"].Defined()) {
        return item["labelSelector"].Error(
            "Forbidden: constraint must not define a selector, as they deduced for each pod");
      }
      if (item["topologyKey"].Defined() && item["topologyKey"].IsScalar() && item["topologyKey"].Scalar().empty()) {
        return item["topologyKey"].Error("Required value: can not be empty");
      }
    }
    KUBESIM_ASSIGN_OR_RETURN(args.default_constraints, api::DecodeTopologySpreadConstraints(list));
    // Upstream validateConstraintNotRepeat.
    for (size_t i = 0; i < args.default_constraints.size(); ++i) {
      for (size_t j = 0; j < i; ++j) {
        const auto& a = args.default_constraints[i];
        const auto& b = args.default_constraints[j];
        if (a.topology_key == b.topology_key && a.when_unsatisfiable == b.when_unsatisfiable) {
          return items[i].Error("Duplicate value: {" + a.topology_key + ", " + a.when_unsatisfiable + "}");
        }
      }
    }
  }
  if (args.defaulting_type == "System" && !args.default_constraints.empty()) {
    return type.Error("Invalid value: \"System\": when .defaultConstraints are not empty");
  }
  return args;
}

PodTopologySpread::PodTopologySpread(SharedLister* lister, PodTopologySpreadArgs args, bool enable_match_label_keys)
    : lister_(lister), args_(std::move(args)), enable_match_label_keys_(enable_match_label_keys) {
  system_defaulted_ = args_.defaulting_type == "System";
  default_constraints_ = system_defaulted_ ? SystemDefaultConstraints() : args_.default_constraints;
}

Status PodTopologySpread::Constraints(const api::Pod& pod, const std::string& action,
                                      std::vector<SpreadConstraint>* out) const {
  out->clear();
  if (!pod.spec.topology_spread_constraints.empty()) {
    *out = FilterSpreadConstraints(pod.spec.topology_spread_constraints, pod.metadata.labels, action,
                                   enable_match_label_keys_);
    return Status::Success();
  }
  // Upstream buildDefaultConstraints: defaults only for pods without any constraint, with the
  // selector deduced from the pod's Services and controller; none when that selector is empty.
  std::vector<SpreadConstraint> cs =
      FilterSpreadConstraints(default_constraints_, pod.metadata.labels, action, enable_match_label_keys_);
  if (cs.empty()) return Status::Success();
  if (lister_ == nullptr) return Status::Error("PodTopologySpread: no SharedLister to build default constraints");
  api::LabelSelector selector = DefaultSelector(pod, *lister_);
  if (selector.Empty()) return Status::Success();
  for (auto& c : cs) c.selector = selector;
  *out = std::move(cs);
  return Status::Success();
}

Status PodTopologySpread::PreFilter(CycleState& state, const api::Pod& pod, const std::vector<const NodeInfo*>& nodes) {
  auto s = std::make_unique<PreFilterState>();
  if (Status st = Constraints(pod, kDoNotSchedule, &s->constraints); !st.IsSuccess()) return st;
  if (s->constraints.empty()) return Status::Skip();
  const size_t n = s->constraints.size();
  s->tp_value_to_match_num.resize(n);
  const bool need_affinity = AnyHonors(s->constraints, true);
  const bool need_taints = AnyHonors(s->constraints, false);
  const std::string& ns = pod.metadata.namespace_;
  MatchingPodCounts* kept = use_kept_counts_ && lister_ != nullptr ? lister_->MatchingPods() : nullptr;
  std::vector<std::shared_ptr<MatchingPodCounts::Table>> counts(n);
  if (kept != nullptr) {
    for (size_t i = 0; i < n; ++i) counts[i] = kept->For(ns, s->constraints[i].selector);
  }
  // Upstream calPreFilterState over all nodes: a node counts only if it has every constraint's
  // key, and per constraint only if it passes that constraint's inclusion policies. A constraint
  // that includes every node reads the totals kept by domain instead.
  std::vector<bool> summed(n, false);
  const std::vector<std::string> keys = TopologyKeys(s->constraints);
  for (size_t i = 0; i < n && kept != nullptr; ++i) {
    if (!IncludesEveryNode(s->constraints[i], pod)) continue;
    auto& match_num = s->tp_value_to_match_num[i];
    counts[i]
        ->ByDomain(s->constraints[i].topology_key, keys)
        .ForEachDomain([&](const std::string& value, int64_t pods) { match_num[value] = pods; });
    summed[i] = true;
  }
  if (std::find(summed.begin(), summed.end(), false) != summed.end()) {
    for (const NodeInfo* ni : nodes) {
      const api::Node& node = *ni->node();
      const api::StringMap& labels = node.metadata.labels;
      if (!NodeLabelsMatchSpreadConstraints(labels, s->constraints)) continue;
      NodeInclusion inclusion = ComputeNodeInclusion(pod, node, need_affinity, need_taints);
      for (size_t i = 0; i < n; ++i) {
        const SpreadConstraint& c = s->constraints[i];
        if (summed[i] || !MatchNodeInclusionPolicies(c, inclusion)) continue;
        s->tp_value_to_match_num[i][labels.at(c.topology_key)] += CountOn(counts[i].get(), *ni, c, ns);
      }
    }
  }
  // Upstream criticalPaths start at MaxInt32: with no domain at all the minimum is never used,
  // because 0 domains < minDomains (≥ 1) makes it 0.
  s->min_match_num.assign(n, INT32_MAX);
  for (size_t i = 0; i < n; ++i) {
    for (const auto& [value, num] : s->tp_value_to_match_num[i]) {
      if (num < s->min_match_num[i]) s->min_match_num[i] = num;
    }
  }
  state.Write(kPreFilterStateKey, std::move(s));
  return Status::Success();
}

Status PodTopologySpread::Filter(const CycleState& state, const api::Pod& pod, const NodeInfo& node) const {
  const auto* s = state.Read<PreFilterState>(kPreFilterStateKey);
  if (s == nullptr) return Status::Error("reading \"PreFilterPodTopologySpread\" from cycleState: not found");
  const api::StringMap& labels = node.node()->metadata.labels;
  for (size_t i = 0; i < s->constraints.size(); ++i) {
    const SpreadConstraint& c = s->constraints[i];
    auto it = labels.find(c.topology_key);
    if (it == labels.end()) return Status::Unresolvable(kErrReasonNodeLabelNotMatch);
    // Upstream minMatchNum: the global minimum is 0 while fewer than minDomains domains exist.
    const auto& counts = s->tp_value_to_match_num[i];
    int64_t min_match = s->min_match_num[i];
    if (static_cast<int64_t>(counts.size()) < c.min_domains) min_match = 0;
    int64_t self_match = c.selector.has_value() && c.selector->Matches(pod.metadata.labels) ? 1 : 0;
    auto cnt = counts.find(it->second);
    int64_t match_num = cnt == counts.end() ? 0 : cnt->second;
    if (match_num + self_match - min_match > c.max_skew) return Status::Unschedulable(kErrReasonConstraintsNotMatch);
  }
  return Status::Success();
}

Status PodTopologySpread::PreScore(CycleState& state, const api::Pod& pod, const std::vector<const NodeInfo*>& nodes) {
  if (lister_ == nullptr) return Status::Error("PodTopologySpread: no SharedLister");
  const std::vector<const NodeInfo*>& all_nodes = lister_->Nodes();
  if (nodes.empty() || all_nodes.empty()) return Status::Skip();
  auto s = std::make_unique<PreScoreState>();
  if (Status st = Constraints(pod, kScheduleAnyway, &s->constraints); !st.IsSuccess()) return st;
  if (s->constraints.empty()) return Status::Skip();
  // Only non-system-default spreading requires nodes to carry every topology key, so that nodes
  // without a zone label still get hostname spreading under the System defaults.
  const bool require_all_topologies = !pod.spec.topology_spread_constraints.empty() || !system_defaulted_;
  const size_t n = s->constraints.size();
  s->topology_value_to_pod_counts.resize(n);
  const std::string& ns = pod.metadata.namespace_;
  MatchingPodCounts* kept_counts = use_kept_counts_ ? lister_->MatchingPods() : nullptr;
  s->counts.resize(n);
  s->host_domains.resize(n);
  if (kept_counts != nullptr) {
    for (size_t i = 0; i < n; ++i) {
      s->counts[i] = kept_counts->For(ns, s->constraints[i].selector);
      if (s->constraints[i].topology_key == api::kLabelHostname) {
        s->host_domains[i] = kept_counts->DomainsOf(api::kLabelHostname, {api::kLabelHostname});
      }
    }
  }
  // A constraint that includes every node reads the totals kept by domain (the same sums as the
  // loop over all nodes below) and the domain each node was counted in; hostname constraints are
  // counted per node in Score.
  const std::vector<std::string> required =
      require_all_topologies ? TopologyKeys(s->constraints) : std::vector<std::string>();
  std::vector<const MatchingPodCounts::DomainCounts*> kept(n, nullptr);
  const MatchingPodCounts::DomainCounts* any_kept = nullptr;
  for (size_t i = 0; i < n && kept_counts != nullptr; ++i) {
    const SpreadConstraint& c = s->constraints[i];
    if (c.topology_key == api::kLabelHostname || !IncludesEveryNode(c, pod)) continue;
    kept[i] = &s->counts[i]->ByDomain(c.topology_key, required);
    any_kept = kept[i];
  }
  // Upstream initPreScoreState: domains are registered from the filtered nodes only, with a node
  // lacking any topology key ignored when all are required.
  std::vector<int64_t> topo_size(n, 0);
  std::vector<std::unordered_set<int32_t>> seen(n);
  for (const NodeInfo* ni : nodes) {
    // Kept totals count exactly the nodes with every required key.
    if (require_all_topologies &&
        (any_kept != nullptr ? any_kept->DomainOf(*ni) < 0
                             : !NodeLabelsMatchSpreadConstraints(ni->node()->metadata.labels, s->constraints))) {
      s->ignored_nodes.insert(ni->name());
      continue;
    }
    const api::StringMap& labels = ni->node()->metadata.labels;
    for (size_t i = 0; i < n; ++i) {
      const SpreadConstraint& c = s->constraints[i];
      if (c.topology_key == api::kLabelHostname) continue;
      const int32_t domain = kept[i] != nullptr ? kept[i]->DomainOf(*ni) : -1;
      if (domain >= 0) {
        if (seen[i].insert(domain).second) {
          s->topology_value_to_pod_counts[i].emplace(kept[i]->Name(domain), kept[i]->Pods(domain));
          ++topo_size[i];
        }
        continue;
      }
      auto it = labels.find(c.topology_key);
      // A node without the key registers the "" domain (only reachable with System defaulting).
      const std::string value = it == labels.end() ? std::string() : it->second;
      const int64_t count = kept[i] != nullptr ? kept[i]->PodsIn(value) : 0;
      if (s->topology_value_to_pod_counts[i].emplace(value, count).second) ++topo_size[i];
    }
  }
  s->topology_normalizing_weight.resize(n);
  for (size_t i = 0; i < n; ++i) {
    int64_t size = topo_size[i];
    if (s->constraints[i].topology_key == api::kLabelHostname) {
      size = static_cast<int64_t>(nodes.size()) - static_cast<int64_t>(s->ignored_nodes.size());
    }
    s->topology_normalizing_weight[i] = TopologyNormalizingWeight(size);
  }
  std::vector<bool> summed(n, false);
  for (size_t i = 0; i < n; ++i) {
    s->hostname.push_back(s->constraints[i].topology_key == api::kLabelHostname);
    summed[i] = kept[i] != nullptr || s->hostname[i];
  }
  s->kept = std::move(kept);
  if (std::find(summed.begin(), summed.end(), false) == summed.end()) {
    state.Write(kPreScoreStateKey, std::move(s));
    return Status::Success();
  }
  // Counting over all nodes, into the registered domains only.
  const bool need_affinity = AnyHonors(s->constraints, true);
  const bool need_taints = AnyHonors(s->constraints, false);
  for (const NodeInfo* ni : all_nodes) {
    const api::Node& node = *ni->node();
    const api::StringMap& labels = node.metadata.labels;
    if (require_all_topologies && !NodeLabelsMatchSpreadConstraints(labels, s->constraints)) continue;
    NodeInclusion inclusion = ComputeNodeInclusion(pod, node, need_affinity, need_taints);
    for (size_t i = 0; i < n; ++i) {
      const SpreadConstraint& c = s->constraints[i];
      if (summed[i] || !MatchNodeInclusionPolicies(c, inclusion)) continue;
      auto it = labels.find(c.topology_key);
      auto domain = s->topology_value_to_pod_counts[i].find(it == labels.end() ? std::string() : it->second);
      if (domain == s->topology_value_to_pod_counts[i].end()) continue;
      domain->second += CountOn(s->counts[i].get(), *ni, c, ns);
    }
  }
  state.Write(kPreScoreStateKey, std::move(s));
  return Status::Success();
}

Status PodTopologySpread::Score(const CycleState& state, const api::Pod& pod, const NodeInfo& node,
                                int64_t* score) const {
  const auto* s = state.Read<PreScoreState>(kPreScoreStateKey);
  if (s == nullptr) return Status::Error("reading \"PreScorePodTopologySpread\" from cycleState: not found");
  *score = 0;
  if (!s->ignored_nodes.empty() && s->ignored_nodes.count(node.name())) return Status::Success();
  const api::StringMap& labels = node.node()->metadata.labels;
  // Upstream scoreForCount summed in constraint order in float64, then math.Round.
  double raw = 0;
  for (size_t i = 0; i < s->constraints.size(); ++i) {
    const SpreadConstraint& c = s->constraints[i];
    int64_t cnt = 0;
    const int32_t domain = s->kept[i] != nullptr ? s->kept[i]->DomainOf(node) : -1;
    if (domain >= 0 && !s->kept[i]->Name(domain).empty()) {
      // Counted in a named domain, so the node has the key, and PreScore registered the domain with
      // these very totals: the label and map lookups below would find the same count.
      cnt = s->kept[i]->Pods(domain);
    } else if (s->host_domains[i].valid()) {
      // The node's own domain: skipped without the hostname label, else its kept count.
      if (s->host_domains[i].DomainOf(node) < 0) continue;
      cnt = s->counts[i]->Count(node);
    } else {
      auto it = labels.find(c.topology_key);
      if (it == labels.end()) continue;
      if (s->hostname[i]) {
        cnt = CountOn(s->counts[i].get(), node, c, pod.metadata.namespace_);
      } else {
        auto d = s->topology_value_to_pod_counts[i].find(it->second);
        if (d != s->topology_value_to_pod_counts[i].end()) cnt = d->second;
      }
    }
    raw += static_cast<double>(cnt) * s->topology_normalizing_weight[i] + static_cast<double>(c.max_skew - 1);
  }
  *score = static_cast<int64_t>(std::round(raw));
  return Status::Success();
}

Status PodTopologySpread::NormalizeScore(const CycleState& state, const api::Pod&, NodeScoreList& scores) const {
  const auto* s = state.Read<PreScoreState>(kPreScoreStateKey);
  if (s == nullptr) return Status::Error("reading \"PreScorePodTopologySpread\" from cycleState: not found");
  // Fewer matching pods is better: reversed by max + min − score; ignored nodes score 0.
  int64_t min_score = INT64_MAX;
  int64_t max_score = 0;
  for (const auto& ns : scores) {
    if (s->ignored_nodes.count(ns.name)) continue;
    if (ns.score < min_score) min_score = ns.score;
    if (ns.score > max_score) max_score = ns.score;
  }
  for (auto& ns : scores) {
    if (s->ignored_nodes.count(ns.name)) {
      ns.score = 0;
    } else if (max_score == 0) {
      ns.score = kMaxNodeScore;
    } else {
      ns.score = kMaxNodeScore * (max_score + min_score - ns.score) / max_score;
    }
  }
  return Status::Success();
}

PluginFactory PodTopologySpreadFactory() {
  return [](const PluginContext& ctx, const api::YamlNode* args) -> sim::StatusOr<std::shared_ptr<Plugin>> {
    PodTopologySpreadArgs a;
    if (args != nullptr) {
      KUBESIM_ASSIGN_OR_RETURN(a, DecodePodTopologySpreadArgs(*args));
    }
    return std::shared_ptr<Plugin>(std::make_shared<PodTopologySpread>(ctx.lister, std::move(a)));
  };
}

}  // namespace kubesim::scheduler
