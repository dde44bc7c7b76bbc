// The scheduling algorithm of one cycle (upstream schedule_one.go: schedulePod,
// findNodesThatFitPod, prioritizeNodes, selectHost).
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

ScheduleResult SchedulePod(Profile& profile, const api::Pod& pod, const std::vector<const NodeInfo*>& all,
                           const CycleOptions& opts) {
  ScheduleResult result;
  const bool explain = opts.explain;
  size_t start = opts.next_start_node_index != nullptr ? *opts.next_start_node_index : 0;
  int32_t n = static_cast<int32_t>(all.size());
  if (n == 0) {
    result.status = Status::Unresolvable("no nodes available to schedule pods");
    result.message = "no nodes available to schedule pods";
    return result;
  }
  CycleState state;
  Status pre = profile.RunPreFilter(state, pod, all);
  if (!pre.IsSuccess()) {
    result.status = pre;
    result.message = pre.code() == Code::kError ? pre.Message() : FitErrorMessage(n, {}, pre.Message());
    result.fit_error = pre.IsRejected();
    for (const NodeInfo* ni : all) result.node_status[ni->name()] = pre;
    return result;
  }
  int32_t percentage = profile.config().percentage_of_nodes_to_score.value_or(opts.percentage_of_nodes_to_score);
  int32_t to_find = profile.HasScorePlugins() ? NumFeasibleNodesToFind(percentage, n) : 1;
  if (explain) to_find = n;
  // Upstream evaluateNominatedNode (kubernetes/kubernetes pkg/scheduler/schedule_one.go @ v1.32): a
  // node preemption nominated is likely the only one the pod fits, so it is tried alone first and,
  // if it passes, chosen without scoring.
  // Upstream runs it through findNodesThatPassFilters over a one-node list, which leaves
  // nextStartNodeIndex at (index + 1) mod 1 = 0; kubesim does the same.
  const std::string& nominated = pod.status.nominated_node_name;
  if (!nominated.empty() && !explain) {
    for (const NodeInfo* ni : all) {
      if (ni->name() != nominated) continue;
      Status s = profile.RunFilterWithNominatedPods(state, pod, *ni, all, opts.nominator);
      start = 0;
      if (opts.next_start_node_index != nullptr) *opts.next_start_node_index = 0;
      if (s.IsSuccess()) {
        result.evaluated = 1;
        result.feasible.push_back(ni->name());
        result.selected = ni->name();
        return result;
      }
      if (s.code() == Code::kError) {
        result.status = s;
        result.message = s.Message();
        return result;
      }
      result.node_status[ni->name()] = s;
      break;
    }
  }
  std::vector<const NodeInfo*> feasible_nodes;
  int processed = 0;
  for (int32_t i = 0; i < n && static_cast<int32_t>(feasible_nodes.size()) < to_find; ++i) {
    const NodeInfo* ni = all[(start + static_cast<size_t>(i)) % all.size()];
    ++processed;
    // Without nominations (the common case) there is no "with nominated pods" pass to make.
    Status s = opts.nominator != nullptr && opts.nominator->size() > 0
                   ? profile.RunFilterWithNominatedPods(state, pod, *ni, all, opts.nominator)
                   : profile.RunFilter(state, pod, *ni);
    if (s.IsSuccess()) {
      feasible_nodes.push_back(ni);
    } else if (s.code() == Code::kError) {
      result.status = s;
      result.message = s.Message();
      return result;
    } else {
      result.node_status[ni->name()] = s;
    }
  }
  // A node that passed here after failing the nominated-node pass above is no longer a failure.
  for (const NodeInfo* ni : feasible_nodes) result.node_status.erase(ni->name());
  result.evaluated = processed;
  if (opts.next_start_node_index != nullptr) {
    *opts.next_start_node_index = (start + static_cast<size_t>(processed)) % all.size();
  }
  for (const NodeInfo* ni : feasible_nodes) result.feasible.push_back(ni->name());
  if (feasible_nodes.empty()) {
    result.status = Status(Code::kUnschedulable);
    result.fit_error = true;
    result.message = FitErrorMessage(n, result.node_status);
    return result;
  }
  if (feasible_nodes.size() == 1 && !explain) {
    result.selected = feasible_nodes[0]->name();
    return result;
  }
  Status ps = profile.RunPreScore(state, pod, feasible_nodes);
  if (!ps.IsSuccess()) {
    result.status = ps;
    result.message = ps.Message();
    return result;
  }
  Status ss = profile.RunScore(state, pod, feasible_nodes, &result.totals, explain ? &result.scores : nullptr);
  if (!ss.IsSuccess()) {
    result.status = ss;
    result.message = ss.Message();
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
