// One scheduling cycle's algorithm, independent of the component around it, so the scheduler
// and `kubesim schedule` (which explains a single decision) run the same code: PreFilter, Filter
// over the sampled nodes from a rotating start index, PreScore/Score/Normalize, selectHost.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "models/scheduler/nominator.h"
#include "models/scheduler/profile.h"
#include "sim/random.h"

namespace kubesim::scheduler {

// kubernetes/kubernetes pkg/scheduler/schedule_one.go numFeasibleNodesToFind @ v1.32: how many
// feasible nodes a cycle looks for among `num_all_nodes`.
int32_t NumFeasibleNodesToFind(int32_t percentage, int32_t num_all_nodes);

// Upstream FitError.Error(): "0/N nodes are available: <count> <reason>, ... ." with the reason
// histogram sorted as strings.
std::string FitErrorMessage(int num_all_nodes, const std::map<std::string, Status>& node_statuses,
                            const std::string& pre_filter_msg = "");

struct CycleOptions {
  int32_t percentage_of_nodes_to_score = 0;  // global; a profile's own value wins
  // Explain: filter every node and score every feasible node, keeping per-plugin scores.
  bool explain = false;
  size_t* next_start_node_index = nullptr;  // advanced by the nodes evaluated; null: start at 0
  sim::Rng* tiebreak = nullptr;             // reservoir sampling among top scores; null: first
  // Pods nominated to nodes, for filtering "with nominated pods" (upstream
  // RunFilterPluginsWithNominatedPods); null: none.
  const Nominator* nominator = nullptr;
};

// The result of one scheduling cycle, also used to explain decisions.
struct ScheduleResult {
  std::string selected;                       // empty: unschedulable
  std::map<std::string, Status> node_status;  // nodes that failed a filter
  std::vector<std::string> feasible;          // in evaluation order
  std::vector<int64_t> totals;                // per feasible node
  std::vector<std::vector<PluginScore>> scores;
  int evaluated = 0;
  Status status;  // Success, or the FitError / PreFilter / Error status
  // The cycle ended in a FitError (PreFilter or Filter rejected every node): PostFilter may run.
  bool fit_error = false;
  std::string message;
};

ScheduleResult SchedulePod(Profile& profile, const api::Pod& pod, const std::vector<const NodeInfo*>& nodes,
                           const CycleOptions& opts);

// As upstream selectHost (v1.28–v1.34): uniform choice among the nodes with the top score.
std::string SelectHost(const std::vector<std::string>& feasible, const std::vector<int64_t>& totals, sim::Rng* rng);

}  // namespace kubesim::scheduler
