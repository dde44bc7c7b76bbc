#include "models/scheduler/plugins/default_preemption.h"

#include <algorithm>
#include <climits>
#include <functional>

#include "models/apiserver/api_client.h"
#include "models/client/event_recorder.h"
#include "models/scheduler/nominator.h"
#include "models/scheduler/profile.h"
#include "models/scheduler/schedule_one.h"

namespace kubesim::scheduler {

sim::StatusOr<DefaultPreemptionArgs> DecodeDefaultPreemptionArgs(const api::YamlNode& node) {
  DefaultPreemptionArgs args;
  if (!node.Defined()) return args;
  KUBESIM_RETURN_IF_ERROR(
      node.CheckKeys({"apiVersion", "kind", "minCandidateNodesPercentage", "minCandidateNodesAbsolute"}));
  api::YamlNode pct = node["minCandidateNodesPercentage"];
  api::YamlNode abs = node["minCandidateNodesAbsolute"];
  // Upstream ValidateDefaultPreemptionArgs.
  if (pct.Defined()) {
    KUBESIM_ASSIGN_OR_RETURN(int64_t v, pct.Int());
    if (v < 0 || v > 100) return pct.Error("Invalid value: " + std::to_string(v) + ": not in valid range [0, 100]");
    args.min_candidate_nodes_percentage = static_cast<int32_t>(v);
  }
  if (abs.Defined()) {
    KUBESIM_ASSIGN_OR_RETURN(int64_t v, abs.Int());
    if (v < 0 || v > INT32_MAX)
      return abs.Error("Invalid value: " + std::to_string(v) + ": not in valid range [0, inf)");
    args.min_candidate_nodes_absolute = static_cast<int32_t>(v);
  }
  if (args.min_candidate_nodes_percentage == 0 && args.min_candidate_nodes_absolute == 0) {
    const api::YamlNode& at = pct.Defined() ? pct : node;
    return at.Error("Invalid value: 0: cannot be zero at the same time as minCandidateNodesAbsolute");
  }
  return args;
}

int32_t NumPreemptionCandidates(const DefaultPreemptionArgs& args, int32_t num_potential) {
  int64_t n = static_cast<int64_t>(num_potential) * args.min_candidate_nodes_percentage / 100;
  n = std::max<int64_t>(n, args.min_candidate_nodes_absolute);
  n = std::min<int64_t>(n, num_potential);
  return static_cast<int32_t>(n);
}

namespace {
sim::Time StartTime(const api::Pod& p, sim::Time now) { return p.status.start_time.value_or(now); }

bool SelectorMatches(const api::PodDisruptionBudget& pdb, const api::Pod& pod) {
  if (!pdb.selector || pdb.selector->Empty()) return false;  // nil or empty selects nothing
  return pdb.selector->Matches(pod.metadata.labels);
}

// Upstream podTerminatingByPreemption.
bool TerminatingByPreemption(const api::Pod& p) {
  if (!p.metadata.deletion_timestamp) return false;
  const api::PodCondition* c = p.FindCondition("DisruptionTarget");
  return c != nullptr && c->status == "True" && c->reason == "PreemptionByScheduler";
}
}  // namespace

bool MoreImportantPod(const api::Pod& a, const api::Pod& b, sim::Time now) {
  if (a.Priority() != b.Priority()) return a.Priority() > b.Priority();
  return StartTime(a, now) < StartTime(b, now);
}

void FilterPodsWithPDBViolation(const std::vector<std::shared_ptr<const api::Pod>>& pods,
                                const std::vector<std::shared_ptr<const api::PodDisruptionBudget>>& pdbs,
                                std::vector<std::shared_ptr<const api::Pod>>* violating,
                                std::vector<std::shared_ptr<const api::Pod>>* non_violating) {
  std::vector<int64_t> allowed;
  for (const auto& pdb : pdbs) allowed.push_back(pdb->status.disruptions_allowed);
  for (const auto& pod : pods) {
    bool violated = false;
    if (!pod->metadata.labels.empty()) {
      for (size_t i = 0; i < pdbs.size(); ++i) {
        const auto& pdb = *pdbs[i];
        if (pdb.metadata.namespace_ != pod->metadata.namespace_ || !SelectorMatches(pdb, *pod)) continue;
        // Already processed by the API server (eviction): not charged again.
        if (pdb.status.disrupted_pods.count(pod->metadata.name)) continue;
        if (--allowed[i] < 0) violated = true;
      }
    }
    (violated ? violating : non_violating)->push_back(pod);
  }
}

Status SelectVictimsOnNode(Profile& profile, const api::Pod& pod, const NodeInfo& node,
                           const std::vector<const NodeInfo*>& all, const Nominator* nominator,
                           const std::vector<std::shared_ptr<const api::PodDisruptionBudget>>& pdbs, sim::Time now,
                           Victims* out) {
  *out = Victims{};
  NodeInfo copy = node;
  std::vector<std::shared_ptr<const api::Pod>> potential;
  for (const auto& pi : node.pods()) {
    if (pi->pod->Priority() < pod.Priority()) {
      potential.push_back(pi->pod);
      copy.RemovePod(pi->pod->metadata.uid);
    }
  }
  if (potential.empty()) return Status::Unresolvable("No preemption victims found for incoming pod");
  // The only way the pod could still fail is affinity to a victim; upstream does not try harder.
  Status fits = profile.RunFilterOnModifiedNode(pod, copy, all, nominator);
  if (!fits.IsSuccess()) return fits;
  // Stable, so equally important pods keep the node's order (upstream sort.Slice: unspecified).
  std::stable_sort(potential.begin(), potential.end(),
                   [&](const auto& a, const auto& b) { return MoreImportantPod(*a, *b, now); });
  std::vector<std::shared_ptr<const api::Pod>> violating, non_violating;
  FilterPodsWithPDBViolation(potential, pdbs, &violating, &non_violating);
  auto reprieve = [&](const std::shared_ptr<const api::Pod>& p) {
    copy.AddPod(std::make_shared<const PodInfo>(p));
    if (profile.RunFilterOnModifiedNode(pod, copy, all, nominator).IsSuccess()) return true;
    copy.RemovePod(p->metadata.uid);
    out->pods.push_back(p);
    return false;
  };
  for (const auto& p : violating) {
    if (!reprieve(p)) ++out->num_pdb_violations;
  }
  for (const auto& p : non_violating) reprieve(p);
  if (!violating.empty() && !non_violating.empty()) {
    std::stable_sort(out->pods.begin(), out->pods.end(),
                     [&](const auto& a, const auto& b) { return MoreImportantPod(*a, *b, now); });
  }
  return Status::Success();
}

int PickOneNodeForPreemption(const std::vector<PreemptionCandidate>& candidates, sim::Time now) {
  if (candidates.empty()) return -1;
  using ScoreFn = std::function<int64_t(const Victims&)>;
  const std::vector<ScoreFn> scores = {
      // Fewest PDB violations.
      [](const Victims& v) { return -v.num_pdb_violations; },
      // Lowest priority of the most important victim.
      [](const Victims& v) { return v.pods.empty() ? int64_t{0} : -static_cast<int64_t>(v.pods[0]->Priority()); },
      // Smallest sum of priorities, each shifted to be non-negative so that more victims of
      // negative priority never look cheaper.
      [](const Victims& v) {
        int64_t sum = 0;
        for (const auto& p : v.pods) sum += static_cast<int64_t>(p->Priority()) + INT32_MAX + 1;
        return -sum;
      },
      // Fewest victims.
      [](const Victims& v) { return -static_cast<int64_t>(v.pods.size()); },
      // Latest start among the highest-priority victims (upstream GetEarliestPodStartTime).
      [now](const Victims& v) {
        if (v.pods.empty()) return INT64_MIN;
        sim::Time earliest = StartTime(*v.pods[0], now);
        int32_t max_priority = v.pods[0]->Priority();
        for (const auto& p : v.pods) {
          if (p->Priority() == max_priority) {
            earliest = std::min(earliest, StartTime(*p, now));
          } else if (p->Priority() > max_priority) {
            max_priority = p->Priority();
            earliest = StartTime(*p, now);
          }
        }
        return earliest.nanos();
      },
  };
  std::vector<int> remaining(candidates.size());
  for (size_t i = 0; i < candidates.size(); ++i) remaining[i] = static_cast<int>(i);
  for (const auto& fn : scores) {
    std::vector<int> best;
    int64_t max_score = INT64_MIN;
    for (int i : remaining) {
      int64_t s = fn(candidates[static_cast<size_t>(i)].victims);
      if (best.empty() || s > max_score) {
        max_score = s;
        best = {i};
      } else if (s == max_score) {
        best.push_back(i);
      }
    }
    if (best.size() == 1) return best[0];
    remaining = std::move(best);
  }
  return remaining[0];
}

std::vector<PreemptionCandidate> DefaultPreemption::FindCandidates(const PostFilterHandle& handle, const api::Pod& pod,
                                                                   const std::map<std::string, Status>& node_status,
                                                                   std::map<std::string, Status>* no_candidate) {
  const std::vector<const NodeInfo*>& all = *handle.nodes;
  // Upstream nodesWherePreemptionMightHelp: only nodes a filter found Unschedulable; every other
  // node (also one without a status) is reported as not helped.
  std::vector<const NodeInfo*> potential;
  for (const NodeInfo* ni : all) {
    auto it = node_status.find(ni->name());
    if (it != node_status.end() && it->second.code() == Code::kUnschedulable) {
      potential.push_back(ni);
    } else {
      (*no_candidate)[ni->name()] = Status::Unresolvable("Preemption is not helpful for scheduling");
    }
  }
  if (potential.empty()) return {};
  std::vector<std::shared_ptr<const api::PodDisruptionBudget>> pdbs;
  if (lister_ != nullptr) pdbs = lister_->PodDisruptionBudgets();
  const int32_t n = static_cast<int32_t>(potential.size());
  // Upstream GetOffsetAndNumCandidates: rand.Int31n(#potential), one draw per preemption.
  const size_t offset = rng_ != nullptr ? static_cast<size_t>(rng_->UniformInt(static_cast<uint64_t>(n))) : 0;
  const int32_t wanted = NumPreemptionCandidates(args_, n);
  std::vector<PreemptionCandidate> non_violating, violating;
  for (int32_t i = 0; i < n; ++i) {
    const NodeInfo* ni = potential[(offset + static_cast<size_t>(i)) % potential.size()];
    PreemptionCandidate c;
    c.node = ni->name();
    Status s = SelectVictimsOnNode(*handle.profile, pod, *ni, all, handle.nominator, pdbs, handle.now, &c.victims);
    if (s.IsSuccess() && !c.victims.pods.empty()) {
      (c.victims.num_pdb_violations == 0 ? non_violating : violating).push_back(std::move(c));
      const int64_t found = static_cast<int64_t>(non_violating.size() + violating.size());
      if (!non_violating.empty() && found >= wanted) break;
      continue;
    }
    if (s.IsSuccess()) s = Status::Error("expected at least one victim pod on node \"" + ni->name() + "\"");
    (*no_candidate)[ni->name()] = s;
  }
  non_violating.insert(non_violating.end(), std::make_move_iterator(violating.begin()),
                       std::make_move_iterator(violating.end()));
  return non_violating;
}

Status DefaultPreemption::PostFilter(const PostFilterHandle& handle, const api::Pod& pod,
                                     const std::map<std::string, Status>& node_status, PostFilterResult* result) {
  // Upstream DefaultPreemption.PostFilter prefixes the evaluator's message with "preemption: ".
  auto fail = [](Code code, const std::string& msg) { return Status(code, {"preemption: " + msg}); };
  // 1. Eligibility (upstream PodEligibleToPreemptOthers).
  if (pod.spec.preemption_policy == "Never") {
    return fail(Code::kUnschedulable, "not eligible due to preemptionPolicy=Never.");
  }
  const std::string& nominated = pod.status.nominated_node_name;
  if (!nominated.empty()) {
    auto st = node_status.find(nominated);
    bool unresolvable = st == node_status.end() || st->second.code() == Code::kUnschedulableAndUnresolvable;
    if (!unresolvable) {
      for (const NodeInfo* ni : *handle.nodes) {
        if (ni->name() != nominated) continue;
        for (const auto& pi : ni->pods()) {
          if (pi->pod->Priority() < pod.Priority() && TerminatingByPreemption(*pi->pod)) {
            return fail(Code::kUnschedulable, "not eligible due to a terminating pod on the nominated node.");
          }
        }
      }
    }
  }
  // 2–3. Candidates from the dry run.
  std::map<std::string, Status> statuses;
  std::vector<PreemptionCandidate> candidates = FindCandidates(handle, pod, node_status, &statuses);
  for (const auto& [node, s] : statuses) {
    if (s.code() == Code::kError && candidates.empty()) return Status::Error(s.Message());
  }
  if (candidates.empty()) {
    // A FitError over the statuses of the dry run; the pod's nomination, if any, is cleared.
    result->nominated_node_name = "";
    return fail(Code::kUnschedulable, FitErrorMessage(static_cast<int>(handle.nodes->size()), statuses));
  }
  // 4. Pick one, ties to the first in snapshot order.
  std::map<std::string, size_t> order;
  for (size_t i = 0; i < handle.nodes->size(); ++i) order[(*handle.nodes)[i]->name()] = i;
  std::stable_sort(candidates.begin(), candidates.end(),
                   [&](const auto& a, const auto& b) { return order.at(a.node) < order.at(b.node); });
  int best = PickOneNodeForPreemption(candidates, handle.now);
  const PreemptionCandidate& chosen = candidates[static_cast<size_t>(best)];
  // 5. Prepare: evict the victims, clear lower-priority nominations on the node.
  Prepare(handle, pod, chosen);
  result->nominated_node_name = chosen.node;
  for (const auto& v : chosen.victims.pods) result->victims.push_back(api::NamespacedName(v->metadata));
  return Status::Success();
}

void DefaultPreemption::Prepare(const PostFilterHandle& handle, const api::Pod& pod,
                                const PreemptionCandidate& c) const {
  if (handle.api == nullptr) return;
  const apiserver::ApiClient* client = handle.api;
  for (const auto& victim : c.victims.pods) {
    auto copy = victim->DeepCopy();
    const api::PodCondition* had = victim->FindCondition("DisruptionTarget");
    const std::string message = pod.spec.scheduler_name + ": preempting to accommodate a higher priority pod";
    bool changed =
        had == nullptr || had->status != "True" || had->reason != "PreemptionByScheduler" || had->message != message;
    std::string ns = victim->metadata.namespace_, name = victim->metadata.name;
    auto del = [client, ns, name]() { client->Delete(api::Pod::kKind, ns, name, apiserver::DeleteOptions{}, nullptr); };
    if (changed) {
      copy->SetCondition("DisruptionTarget", "True", handle.now, "PreemptionByScheduler", message);
      // Upstream patches the status, then deletes (default grace period) once the patch succeeded.
      copy->metadata.resource_version = 0;  // a patch carries no resourceVersion precondition
      client->UpdateStatus(copy, [del](const apiserver::Response& r) {
        if (r.ok()) del();
      });
    } else {
      del();
    }
    if (handle.recorder != nullptr) {
      handle.recorder->Event(handle.now, *victim, "Normal", "Preempted",
                             "Preempted by pod " + pod.metadata.uid + " on node " + c.node);
    }
  }
  // Upstream getLowerPriorityNominatedPods + ClearNominatedNodeName.
  if (handle.nominator != nullptr) {
    for (const auto& p : handle.nominator->PodsForNode(c.node)) {
      if (p->Priority() >= pod.Priority() || p->status.nominated_node_name.empty()) continue;
      auto copy = p->DeepCopy();
      copy->status.nominated_node_name.clear();
      copy->metadata.resource_version = 0;  // ClearNominatedNodeName patches the status
      client->UpdateStatus(copy, nullptr);
    }
  }
}

PluginFactory DefaultPreemptionFactory() {
  return [](const PluginContext& ctx, const api::YamlNode* args) -> sim::StatusOr<std::shared_ptr<Plugin>> {
    DefaultPreemptionArgs a;
    if (args != nullptr) {
      KUBESIM_ASSIGN_OR_RETURN(a, DecodeDefaultPreemptionArgs(*args));
    }
    sim::Rng* rng = ctx.sim != nullptr ? &ctx.sim->Stream("scheduler/preemption") : nullptr;
    return std::shared_ptr<Plugin>(std::make_shared<DefaultPreemption>(ctx.lister, rng, a));
  };
}

}  // namespace kubesim::scheduler
