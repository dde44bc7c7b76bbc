// The kube-scheduler framework: status codes, cycle state, and one small interface per extension
// point (kubernetes/kubernetes pkg/scheduler/framework/interface.go @ v1.32). Plugins keep their
// upstream names and semantics; a Profile (profile.h) runs them in configured order.
//
// Contract common to every extension point:
//  - A scheduling cycle runs within one simulated instant, single-threaded. A plugin is never
//    called re-entrantly and never from two cycles at once; it must not schedule events or call
//    the API server except where its interface says so (PostFilter, Bind).
//  - The pod and every NodeInfo a plugin is given are read-only and valid only for the call; a
//    plugin keeps no pointer to them past it. What a plugin needs later in the same cycle goes
//    into the CycleState under its own key.
//  - Scores are int64 in [kMinNodeScore, kMaxNodeScore] once normalised.
//  - The Status a plugin returns decides what happens to the pod; see Code below. The profile
//    sets Status::plugin(); a plugin need not.
#pragma once

#include <cstdint>
#include <cstring>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "models/api/pod.h"
#include "models/scheduler/node_info.h"

namespace kubesim::apiserver {
class ApiClient;
}
namespace kubesim::client {
class EventRecorder;
}

namespace kubesim::scheduler {

class Nominator;
class Profile;

inline constexpr int64_t kMaxNodeScore = 100;
inline constexpr int64_t kMinNodeScore = 0;

// Status codes (upstream framework.Code, same order and names):
//  kSuccess: the plugin ran and found nothing against the pod (for Filter: the node fits).
//  kError: an internal failure, not a judgement on the pod (bad input, missing PreFilter state).
//    From PreFilter, Filter, PreScore or Score it aborts the cycle at once and no PostFilter
//    runs. Upstream requeues such a pod with no rejecting plugin, so to backoffQ; kubesim's
//    Scheduler::HandleSchedulingFailure still counts the plugins that rejected nodes before the
//    error (a PreFilter error names its own plugin for every node), so the pod may wait in the
//    unschedulable pool for their events instead.
//  kUnschedulable: the pod does not fit (this node, or from PreFilter every node). The cycle
//    goes on to the other nodes; if none fits the cycle ends in a FitError and PostFilter
//    (preemption) runs, which may make room on a node rejected this way. The reasons are shown
//    to users (FailedScheduling event, PodScheduled condition), so they are stable phrases.
//  kUnschedulableAndUnresolvable: as kUnschedulable, but preemption cannot help on that node
//    (DefaultPreemption skips it as a candidate). Use it when removing pods cannot change the
//    answer, e.g. a node selector or a taint.
//  kWait, kPending: upstream's Permit and DRA codes; no kubesim plugin returns them.
//  kSkip: from PreFilter (PreScore) only: the same plugin's Filter (Score) is skipped for this
//    pod in this cycle. It means nothing elsewhere and must not be returned there (a Filter's
//    kSkip would count as a rejection of the node).
// Both rejections name the rejecting plugin, whose EventsToRegister decide which cluster events
// requeue the pod (scheduling_queue.h).
enum class Code { kSuccess, kError, kUnschedulable, kUnschedulableAndUnresolvable, kWait, kSkip, kPending };
const char* CodeName(Code c);

// Upstream framework.Status: a code, the reasons shown to users, and the plugin that set it.
class Status {
 public:
  Status() = default;
  explicit Status(Code code, std::vector<std::string> reasons = {}) : code_(code), reasons_(std::move(reasons)) {}
  static Status Success() { return Status(); }
  static Status Unschedulable(std::string reason) { return Status(Code::kUnschedulable, {std::move(reason)}); }
  static Status Unresolvable(std::string reason) {
    return Status(Code::kUnschedulableAndUnresolvable, {std::move(reason)});
  }
  static Status Error(std::string reason) { return Status(Code::kError, {std::move(reason)}); }
  static Status Skip() { return Status(Code::kSkip); }

  Code code() const { return code_; }
  bool IsSuccess() const { return code_ == Code::kSuccess; }
  bool IsSkip() const { return code_ == Code::kSkip; }
  bool IsRejected() const { return code_ == Code::kUnschedulable || code_ == Code::kUnschedulableAndUnresolvable; }
  const std::vector<std::string>& reasons() const { return reasons_; }
  const std::string& plugin() const { return plugin_; }
  Status& WithPlugin(std::string p) {
    plugin_ = std::move(p);
    return *this;
  }
  std::string Message() const;

 private:
  Code code_ = Code::kSuccess;
  std::vector<std::string> reasons_;
  std::string plugin_;
};

// Per-cycle scratch space plugins share between their extension points (upstream CycleState).
// Ownership: the cycle (SchedulePod) owns the CycleState; it lives from PreFilter to the end of
// Score and is gone when the cycle ends. Filter and Score get it const: only PreFilter and
// PreScore write. A dry run (RunFilterWithNominatedPods, preemption) builds a fresh CycleState by
// re-running PreFilter, so a plugin must derive its state from its PreFilter arguments alone,
// never from what an earlier call left behind.
struct StateData {
  virtual ~StateData() = default;
};
//
// Read sits on the hottest path (every plugin, every node, every cycle), so entries are a short
// vector searched by key pointer first: plugins pass their own `constexpr const char*` key, so
// the pointer matches at once; equal text under another pointer still matches. Each key belongs
// to one plugin and one StateData type, so Read casts statically.
class CycleState {
 public:
  void Write(const char* key, std::unique_ptr<StateData> data) {
    for (auto& e : data_) {
      if (e.key == key || std::strcmp(e.key, key) == 0) {
        e.data = std::move(data);
        return;
      }
    }
    data_.push_back(Entry{key, std::move(data)});
  }
  template <typename T>
  const T* Read(const char* key) const {
    for (const auto& e : data_) {
      if (e.key == key) return static_cast<const T*>(e.data.get());
    }
    for (const auto& e : data_) {
      if (std::strcmp(e.key, key) == 0) return static_cast<const T*>(e.data.get());
    }
    return nullptr;
  }
  // Per-cycle Skip flags by the profile's plugin index (set by the profile, from PreFilter and
  // PreScore returning Skip).
  bool FilterSkipped(size_t i) const { return i < skip_filter_.size() && skip_filter_[i]; }
  bool ScoreSkipped(size_t i) const { return i < skip_score_.size() && skip_score_[i]; }
  void SkipFilter(size_t i) {
    if (skip_filter_.size() <= i) skip_filter_.resize(i + 1, 0);
    skip_filter_[i] = 1;
  }
  void SkipScore(size_t i) {
    if (skip_score_.size() <= i) skip_score_.resize(i + 1, 0);
    skip_score_[i] = 1;
  }

 private:
  struct Entry {
    const char* key;  // a plugin's static key
    std::unique_ptr<StateData> data;
  };
  std::vector<Entry> data_;
  std::vector<uint8_t> skip_filter_;
  std::vector<uint8_t> skip_score_;
};

struct NodeScore {
  std::string name;
  int64_t score = 0;
};
using NodeScoreList = std::vector<NodeScore>;

// Cluster events a plugin's rejection can be resolved by (upstream ClusterEvent), for requeueing.
enum ClusterEvent : uint32_t {
  kEventNodeAdd = 1u << 0,
  kEventNodeUpdate = 1u << 1,
  kEventAssignedPodDelete = 1u << 2,
  kEventAssignedPodUpdate = 1u << 3,
  kEventAssignedPodAdd = 1u << 4,
  kEventUnscheduledPodUpdate = 1u << 5,
  kEventAll = 0xffffffffu,
};

// Ownership: a Profile owns its plugins (one instance per name, shared by every extension point
// the plugin serves) for the life of the scheduler. A plugin may keep state across cycles only
// if that state cannot change a decision (counters for tests); otherwise the same pod in the same
// cluster state could be scheduled differently, which breaks determinism.
class Plugin {
 public:
  virtual ~Plugin() = default;
  // The upstream plugin name; it keys configuration, events and Status::plugin().
  virtual std::string Name() const = 0;
  // Events that may make a pod this plugin rejected schedulable (upstream
  // EnqueueExtensions.EventsToRegister, without per-event hint functions). Read when the plugin
  // rejects a pod; must not vary at run time. kEventAll, the default, is always correct but
  // requeues the pod on every event.
  virtual uint32_t EventsToRegister() const { return kEventAll; }
};

class PreEnqueuePlugin : public virtual Plugin {
 public:
  // Called when the pod is added to the queue and on every update of it while it waits gated
  // (upstream runPreEnqueuePlugins), before it may enter activeQ. Success lets it in; any other
  // status keeps it gated in the unschedulable pool, where neither cluster events nor the 5 min
  // leftover flush move it, until an update of the pod passes every PreEnqueue plugin. It sees
  // only the pod: no snapshot, no CycleState (upstream: "expected to be lightweight and
  // efficient"; the snapshot may be stale then).
  virtual Status PreEnqueue(const api::Pod& pod) const = 0;
};

class QueueSortPlugin : public virtual Plugin {
 public:
  // A strict weak order on queued pods for activeQ: true when `a` (queued at `a_timestamp`)
  // must be popped before `b`. Exactly one QueueSort plugin per profile; the first profile's
  // orders the whole queue (upstream requires every profile to configure the same one). Pods
  // neither before the other are popped in arrival order, so ties are deterministic. Must be
  // pure: the queue's ordered set breaks otherwise.
  virtual bool Less(const api::Pod& a, sim::Time a_timestamp, const api::Pod& b, sim::Time b_timestamp) const = 0;
};

class PreFilterPlugin : public virtual Plugin {
 public:
  // Called once per cycle before any Filter, with every node of the snapshot in NodeTree order;
  // it may precompute into `state` what its Filter reads. Success goes on; kSkip skips its own
  // Filter this cycle; kUnschedulable / kUnschedulableAndUnresolvable reject every node with
  // that status (a FitError: PostFilter runs); kError aborts the cycle.
  //
  // Upstream's PreFilterResult (a subset of nodes to evaluate) does not exist here: a plugin
  // that can rule nodes out must do so in its Filter, and every node is filtered.
  //
  // REQUIRES: the result depends only on the pod and `nodes` — PreFilter is re-run on copies of
  // the snapshot with a node replaced (nominated pods added, preemption victims removed) in place
  // of upstream's PreFilterExtensions AddPod/RemovePod.
  virtual Status PreFilter(CycleState& state, const api::Pod& pod, const std::vector<const NodeInfo*>& nodes) = 0;
};

class FilterPlugin : public virtual Plugin {
 public:
  // May the pod run on `node`? Success, kUnschedulable, kUnschedulableAndUnresolvable or kError
  // (see Code). Filters run in configured order and stop at the first non-success per node.
  //
  // A plugin reads the node only through `node`, never by looking its name up in the snapshot
  // (SharedLister::GetNode): `node` may be a modified copy that is in no snapshot — preemption
  // passes the node with victims removed, and filtering "with nominated pods" passes it with
  // the nominated pods added (upstream FilterPlugin.Filter: "look at the passed nodeInfo
  // reference ... instead of looking it up in the NodeInfoSnapshot because we don't guarantee
  // they will be the same"). Other nodes, for topology counts, come from PreFilter's `nodes`
  // through `state`, which is rebuilt for such copies.
  virtual Status Filter(const CycleState& state, const api::Pod& pod, const NodeInfo& node) const = 0;
};

class PreScorePlugin : public virtual Plugin {
 public:
  // Called once per cycle with the feasible nodes only; with a single feasible node the cycle
  // selects it without PreScore or Score (except when explaining a decision). Success goes on;
  // kSkip skips its own Score this cycle; anything else aborts the cycle without PostFilter, so
  // return kError for a failure.
  virtual Status PreScore(CycleState& state, const api::Pod& pod, const std::vector<const NodeInfo*>& nodes) = 0;
};

class ScorePlugin : public virtual Plugin {
 public:
  // Ranks one feasible node into `*score`. Any non-success aborts the cycle (return kError). The raw
  // score may have any range when the plugin normalises; without NormalizeScore it must already
  // lie in [kMinNodeScore, kMaxNodeScore].
  virtual Status Score(const CycleState& state, const api::Pod& pod, const NodeInfo& node, int64_t* score) const = 0;
  // True if NormalizeScore must run (upstream ScoreExtensions() != nil).
  virtual bool HasNormalize() const { return false; }
  // Runs once per cycle after this plugin scored every feasible node, with all its scores
  // (`scores[i]` for the i-th feasible node), and rewrites them in place. Afterwards — and for
  // plugins without it, straight after Score — every score must be in [kMinNodeScore,
  // kMaxNodeScore], else the cycle fails with upstream's error "plugin X returns an invalid
  // score N, it should in the range of [0, 100] after normalizing". The profile then multiplies
  // by the plugin's weight and sums over plugins.
  virtual Status NormalizeScore(const CycleState& /*state*/, const api::Pod& /*pod*/, NodeScoreList& /*scores*/) const {
    return Status::Success();
  }
};

// Upstream PostFilterResult's NominatingInfo: unset is ModeNoop (keep the pod's nomination);
// set is ModeOverride with that node ("" clears the nomination). The scheduler records it in the
// Nominator at once and writes status.nominatedNodeName through the API; the next cycle of the
// pod tries that node first, alone (schedule_one.h).
struct PostFilterResult {
  std::optional<std::string> nominated_node_name;
  std::vector<std::string> victims;  // namespace/name of the pods preempted for it, by importance
};

// What a PostFilter plugin may use of the framework and the cluster (upstream framework.Handle):
// the profile to dry-run PreFilter/Filter, the cycle's snapshot, the nominator, and — when not
// null — the API client and event recorder to act on its decision. All valid for one call.
struct PostFilterHandle {
  Profile* profile = nullptr;
  const std::vector<const NodeInfo*>* nodes = nullptr;  // snapshot, NodeTree order
  const Nominator* nominator = nullptr;
  const apiserver::ApiClient* api = nullptr;
  const client::EventRecorder* recorder = nullptr;
  sim::Time now;
};

class PostFilterPlugin : public virtual Plugin {
 public:
  // Runs when a cycle ended in a FitError (PreFilter or Filter rejected every node), never after
  // an error; `node_status` holds each node's rejection, kUnschedulableAndUnresolvable ones
  // included: ignoring those is the plugin's job (upstream PostFilterPlugin). Returns:
  //  - Success: the pod may fit later on `result->nominated_node_name`; later plugins do not run.
  //  - kUnschedulable: this plugin cannot help; the next plugin runs. Informational plugins go
  //    first and always return this.
  //  - kUnschedulableAndUnresolvable: no plugin can help; later plugins do not run.
  //  - kError: the plugin failed; later plugins do not run.
  // The pod goes back to the queue as unschedulable whatever it returns (kubernetes/kubernetes
  // pkg/scheduler/schedule_one.go schedulingCycle and handleSchedulingFailure @ v1.32). A plugin
  // may act on the cluster only through `handle.api` (e.g. delete victims), and must not assume
  // the writes have landed when it returns.
  virtual Status PostFilter(const PostFilterHandle& handle, const api::Pod& pod,
                            const std::map<std::string, Status>& node_status, PostFilterResult* result) = 0;
};

// Upstream helper.DefaultNormalizeScore: scale to [0, maxPriority] by the maximum, optionally reversed.
void DefaultNormalizeScore(int64_t max_priority, bool reverse, NodeScoreList& scores);

}  // namespace kubesim::scheduler
