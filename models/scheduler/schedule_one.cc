// The scheduling algorithm of one cycle, in the steps of upstream schedule_one.go: schedulePod →
// findNodesThatFitPod (evaluateNominatedNode, findNodesThatPassFilters), prioritizeNodes, selectHost.
#include "models/scheduler/schedule_one.h"

#include <algorithm>

namespace kubesim::scheduler {

// Upstream schedule_one.go: minFeasibleNodesToFind = 100, minFeasibleNodesPercentageToFind = 5.
int32_t NumFeasibleNodesToFind(int32_t percentage, int32_t num_all_nodes) {
  constexpr int32_t kMinFeasibleNodesToFind = 100;
  constexpr int32_t kMinFeasibleNodesPercentageToFind = 5;
  if (num_all_nodes < kMinFeasibleNodesToFind) return num_all_nodes;
  int32_t p = percentage;
  if (p == 0) {
    p = 50 - num_all_nodes / 125;
    if (p < kMinFeasibleNodesPercentageToFind) p = kMinFeasibleNodesPercentageToFind;
  }
  int64_t k = static_cast<int64_t>(num_all_nodes) * p / 100;
  return static_cast<int32_t>(std::max<int64_t>(k, kMinFeasibleNodesToFind));
}

std::string FitErrorMessage(int num_all_nodes, const std::map<std::string, Status>& node_statuses,
                            const std::string& pre_filter_msg) {
  std::string msg = "0/" + std::to_string(num_all_nodes) + " nodes are available:";
  if (!pre_filter_msg.empty()) return msg + " " + pre_filter_msg + ".";
  std::map<std::string, int> histogram;
  for (const auto& [node, status] : node_statuses) {
    for (const auto& r : status.reasons()) histogram[r]++;
  }
  std::vector<std::string> parts;
  for (const auto& [reason, n] : histogram) parts.push_back(std::to_string(n) + " " + reason);
  std::sort(parts.begin(), parts.end());  // upstream sort.Strings over "<count> <reason>"
  std::string joined;
  for (const auto& p : parts) joined += (joined.empty() ? "" : ", ") + p;
  if (!joined.empty()) msg += " " + joined + ".";
  return msg;
}

namespace {

// Upstream findNodesThatPassFilters: Filter over `all` from index `start` (wrapping), in order,
// until `to_find` nodes pass or every node was tried. Rejections go into result->node_status; a
// plugin error ends the search and is returned.
Status FindNodesThatPassFilters(Profile& profile, const CycleState& state, const api::Pod& pod,
                                const std::vector<const NodeInfo*>& all, size_t start, int32_t to_find,
                                const Nominator* nominator, ScheduleResult* result,
                                std::vector<const NodeInfo*>* feasible_nodes, int* processed) {
  int32_t n = static_cast<int32_t>(all.size());
  for (int32_t i = 0; i < n && static_cast<int32_t>(feasible_nodes->size()) < to_find; ++i) {
    const NodeInfo* ni = all[(start + static_cast<size_t>(i)) % all.size()];
    ++*processed;
    // Without nominations (the common case) there is no "with nominated pods" pass to make.
    Status s = nominator != nullptr && nominator->size() > 0
                   ? profile.RunFilterWithNominatedPods(state, pod, *ni, all, nominator)
                   : profile.RunFilter(state, pod, *ni);
    if (s.IsSuccess()) {
      feasible_nodes->push_back(ni);
    } else if (s.code() == Code::kError) {
      return s;
    } else {
      result->node_status[ni->name()] = s;
    }
  }
  return Status::Success();
}

// Upstream evaluateNominatedNode (kubernetes/kubernetes pkg/scheduler/schedule_one.go @ v1.32): a
// node preemption nominated is likely the only one the pod fits, so it is tried alone first and,
// if it passes, chosen without scoring. Returns that node when it passes, else null (its
// rejection recorded in result->node_status, or a plugin error in result->status).
// Upstream runs it through findNodesThatPassFilters over a one-node list, which leaves
// nextStartNodeIndex at (index + 1) mod 1 = 0; kubesim does the same.
const NodeInfo* EvaluateNominatedNode(Profile& profile, const CycleState& state, const api::Pod& pod,
                                      const std::vector<const NodeInfo*>& all, const CycleOptions& opts,
                                      ScheduleResult* result) {
  const std::string& nominated = pod.status.nominated_node_name;
  for (const NodeInfo* ni : all) {
    if (ni->name() != nominated) continue;
    Status s = profile.RunFilterWithNominatedPods(state, pod, *ni, all, opts.nominator);
    if (opts.next_start_node_index != nullptr) *opts.next_start_node_index = 0;
    if (s.IsSuccess()) return ni;
    if (s.code() == Code::kError) {
      result->status = s;
      result->message = s.Message();
      return nullptr;
    }
    result->node_status[ni->name()] = s;
    break;
  }
  return nullptr;
}

// Upstream findNodesThatFitPod: PreFilter, the nominated node alone, then Filter over the nodes
// from the rotating start index (NumFeasibleNodesToFind of them, every one when explaining), which
// then moves past the nodes evaluated. Returns the feasible nodes in evaluation order and records
// them, the rejections and the count evaluated in `result`; a cycle that ends here (PreFilter did
// not succeed, a plugin errored) leaves result->status set to why.
std::vector<const NodeInfo*> FindNodesThatFitPod(Profile& profile, CycleState& state, const api::Pod& pod,
                                                 const std::vector<const NodeInfo*>& all, const CycleOptions& opts,
                                                 ScheduleResult* result) {
  const bool explain = opts.explain;
  int32_t n = static_cast<int32_t>(all.size());
  Status pre = profile.RunPreFilter(state, pod, all);
  if (!pre.IsSuccess()) {
    result->status = pre;
    result->message = pre.code() == Code::kError ? pre.Message() : FitErrorMessage(n, {}, pre.Message());
    result->fit_error = pre.IsRejected();
    for (const NodeInfo* ni : all) result->node_status[ni->name()] = pre;
    return {};
  }
  int32_t percentage = profile.config().percentage_of_nodes_to_score.value_or(opts.percentage_of_nodes_to_score);
  int32_t to_find = profile.HasScorePlugins() ? NumFeasibleNodesToFind(percentage, n) : 1;
  if (explain) to_find = n;
  if (!pod.status.nominated_node_name.empty() && !explain) {
    if (const NodeInfo* ni = EvaluateNominatedNode(profile, state, pod, all, opts, result)) {
      result->evaluated = 1;
      result->feasible.push_back(ni->name());
      return {ni};
    }
    if (!result->status.IsSuccess()) return {};
  }
  // Read after the nominated node, which resets it.
  size_t start = opts.next_start_node_index != nullptr ? *opts.next_start_node_index : 0;
  std::vector<const NodeInfo*> feasible_nodes;
  int processed = 0;
  Status s = FindNodesThatPassFilters(profile, state, pod, all, start, to_find, opts.nominator, result, &feasible_nodes,
                                      &processed);
  if (!s.IsSuccess()) {
    result->status = s;
    result->message = s.Message();
    return {};
  }
  // A node that passed here after failing the nominated-node pass above is no longer a failure.
  for (const NodeInfo* ni : feasible_nodes) result->node_status.erase(ni->name());
  result->evaluated = processed;
  if (opts.next_start_node_index != nullptr) {
    *opts.next_start_node_index = (start + static_cast<size_t>(processed)) % all.size();
  }
  for (const NodeInfo* ni : feasible_nodes) result->feasible.push_back(ni->name());
  return feasible_nodes;
}

// Upstream prioritizeNodes: PreScore, then Score (normalized, weighted, summed per node) into
// result->totals, keeping each plugin's scores when explaining.
Status PrioritizeNodes(Profile& profile, CycleState& state, const api::Pod& pod,
                       const std::vector<const NodeInfo*>& feasible_nodes, bool explain, ScheduleResult* result) {
  Status ps = profile.RunPreScore(state, pod, feasible_nodes);
  if (!ps.IsSuccess()) return ps;
  return profile.RunScore(state, pod, feasible_nodes, &result->totals, explain ? &result->scores : nullptr);
}

}  // namespace

ScheduleResult SchedulePod(Profile& profile, const api::Pod& pod, const std::vector<const NodeInfo*>& all,
                           const CycleOptions& opts) {
  ScheduleResult result;
  int32_t n = static_cast<int32_t>(all.size());
  if (n == 0) {
    result.status = Status::Unresolvable("no nodes available to schedule pods");
    result.message = "no nodes available to schedule pods";
    return result;
  }
  CycleState state;
  std::vector<const NodeInfo*> feasible_nodes = FindNodesThatFitPod(profile, state, pod, all, opts, &result);
  if (!result.status.IsSuccess()) return result;
  if (feasible_nodes.empty()) {
    result.status = Status(Code::kUnschedulable);
    result.fit_error = true;
    result.message = FitErrorMessage(n, result.node_status);
    return result;
  }
  // When only one node passed, it is the choice.
  if (feasible_nodes.size() == 1 && !opts.explain) {
    result.selected = feasible_nodes[0]->name();
    return result;
  }
  Status scored = PrioritizeNodes(profile, state, pod, feasible_nodes, opts.explain, &result);
  if (!scored.IsSuccess()) {
    result.status = scored;
    result.message = scored.Message();
    return result;
  }
  result.selected = SelectHost(result.feasible, result.totals, opts.tiebreak);
  return result;
}

std::string SelectHost(const std::vector<std::string>& feasible, const std::vector<int64_t>& totals, sim::Rng* rng) {
  // As upstream selectHost (v1.28–v1.34): uniform choice among the nodes with the top score, by
  // reservoir sampling — the k-th top node replaces the choice with probability 1/k.
  size_t best = 0;
  int64_t count = 1;
  for (size_t i = 1; i < feasible.size(); ++i) {
    if (totals[i] > totals[best]) {
      best = i;
      count = 1;
    } else if (totals[i] == totals[best]) {
      ++count;
      if (rng != nullptr && rng->UniformInt(static_cast<uint64_t>(count)) == 0) best = i;
    }
  }
  return feasible[best];
}

}  // namespace kubesim::scheduler
