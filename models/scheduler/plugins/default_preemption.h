// DefaultPreemption (kubernetes/kubernetes pkg/scheduler/framework/plugins/defaultpreemption/
// default_preemption.go over pkg/scheduler/framework/preemption/preemption.go @ v1.32):
// the PostFilter that, when a pod fits nowhere, looks for a node where evicting lower-priority
// pods would let it fit, deletes those victims through the API and nominates the node.
//
// Steps (upstream Evaluator.Preempt): eligibility; potential nodes (filter status Unschedulable,
// not UnschedulableAndUnresolvable); a dry run from a random offset (stream
// "scheduler/preemption") over the potential nodes that stops once at least one candidate
// violates no PodDisruptionBudget and max(10 %, 100) (capped at all) candidates are known;
// SelectVictimsOnNode per node; pickOneNodeForPreemption; prepare (DisruptionTarget condition,
// graceful delete, Preempted event, lower-priority nominations on the node cleared).
//
// Deviations (docs/fidelity.md): the dry run is sequential in node order from the offset, so
// "enough candidates" stops at a deterministic point (upstream checks 16 nodes in parallel);
// the final tie of pickOneNodeForPreemption takes the first node in snapshot order (upstream:
// map iteration order); PreFilter state follows removed/added pods by re-running PreFilter
// (see Profile::RunFilterOnModifiedNode) instead of the AddPod/RemovePod extensions; no
// extenders, no waiting (Permit) pods, no async preemption (alpha in v1.32).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "models/api/kinds.h"
#include "models/api/yaml_node.h"
#include "models/scheduler/framework.h"
#include "models/scheduler/registry.h"
#include "sim/random.h"
#include "sim/status.h"

namespace kubesim::scheduler {

// DefaultPreemptionArgs (kubescheduler.config.k8s.io/v1) with upstream defaults.
struct DefaultPreemptionArgs {
  int32_t min_candidate_nodes_percentage = 10;
  int32_t min_candidate_nodes_absolute = 100;
};

// Decodes `pluginConfig[].args` with upstream's ValidateDefaultPreemptionArgs; errors name the
// file, line and field.
sim::StatusOr<DefaultPreemptionArgs> DecodeDefaultPreemptionArgs(const api::YamlNode& args);

// Upstream calculateNumCandidates: max(potential · percentage / 100, absolute), capped at
// `num_potential` (with the defaults 10 % and 100: 50 → 50, 500 → 100, 2000 → 200).
int32_t NumPreemptionCandidates(const DefaultPreemptionArgs& args, int32_t num_potential);

// Upstream util.MoreImportantPod: higher priority first, then the earlier status.startTime
// (`now` when unset).
bool MoreImportantPod(const api::Pod& a, const api::Pod& b, sim::Time now);

// Upstream filterPodsWithPDBViolation: walks `pods` in order, charging each matching budget
// (same namespace, non-empty selector matching the pod's labels, pod not in disruptedPods); a pod
// that takes any budget below zero is violating. Both outputs keep the input order.
void FilterPodsWithPDBViolation(const std::vector<std::shared_ptr<const api::Pod>>& pods,
                                const std::vector<std::shared_ptr<const api::PodDisruptionBudget>>& pdbs,
                                std::vector<std::shared_ptr<const api::Pod>>* violating,
                                std::vector<std::shared_ptr<const api::Pod>>* non_violating);

struct Victims {
  std::vector<std::shared_ptr<const api::Pod>> pods;  // most important first
  int64_t num_pdb_violations = 0;
};

struct PreemptionCandidate {
  std::string node;
  Victims victims;
};

// Upstream SelectVictimsOnNode (default_preemption.go) on a copy of `node`: remove every pod of lower
// priority, check the pod fits (filters with nominated pods), then reprieve victims — violating
// ones first, each group most important first — keeping each one whose return still lets the
// pod fit. Success with the victims, or the status that makes the node no candidate.
Status SelectVictimsOnNode(Profile& profile, const api::Pod& pod, const NodeInfo& node,
                           const std::vector<const NodeInfo*>& all, const Nominator* nominator,
                           const std::vector<std::shared_ptr<const api::PodDisruptionBudget>>& pdbs, sim::Time now,
                           Victims* out);

// Upstream pickOneNodeForPreemption (preemption.go): fewest PDB violations; lowest priority
// of the most important victim; smallest sum of victim priorities (each shifted by 2^31); fewest
// victims; latest earliest-start-time among the highest-priority victims; then the first of
// `candidates` remaining. Returns the index into `candidates`, -1 when empty.
int PickOneNodeForPreemption(const std::vector<PreemptionCandidate>& candidates, sim::Time now);

class DefaultPreemption : public PostFilterPlugin {
 public:
  static constexpr const char* kName = "DefaultPreemption";
  DefaultPreemption(SharedLister* lister, sim::Rng* rng, DefaultPreemptionArgs args = {})
      : lister_(lister), rng_(rng), args_(args) {}
  std::string Name() const override { return kName; }
  const DefaultPreemptionArgs& args() const { return args_; }

  Status PostFilter(const PostFilterHandle& handle, const api::Pod& pod,
                    const std::map<std::string, Status>& node_status, PostFilterResult* result) override;

  // The dry run alone (no API calls): candidates in dry-run order, non-violating first, and the
  // status of every node that is no candidate. Exposed for tests and explanations.
  std::vector<PreemptionCandidate> FindCandidates(const PostFilterHandle& handle, const api::Pod& pod,
                                                  const std::map<std::string, Status>& node_status,
                                                  std::map<std::string, Status>* no_candidate_status);

 private:
  void Prepare(const PostFilterHandle& handle, const api::Pod& pod, const PreemptionCandidate& c) const;

  SharedLister* lister_;
  sim::Rng* rng_;  // the offset of the dry run; null: offset 0
  DefaultPreemptionArgs args_;
};

// Registry factory: decodes DefaultPreemptionArgs when given; draws the dry-run offset from
// ctx.sim's stream "scheduler/preemption".
PluginFactory DefaultPreemptionFactory();

}  // namespace kubesim::scheduler
