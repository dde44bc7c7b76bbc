// The kube-scheduler framework: status codes, cycle state, and one small interface per extension
// point (upstream pkg/scheduler/framework/interface.go). Plugins keep their upstream names and
// semantics; a Profile (profile.h) runs them in configured order.
//
// Everything a plugin sees is immutable for the duration of a cycle: the pod and the node infos
// of the snapshot. Scores are int64 in [0, kMaxNodeScore] after normalisation.
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

class Plugin {
 public:
  virtual ~Plugin() = default;
  virtual std::string Name() const = 0;
  // Events that may make a pod this plugin rejected schedulable (upstream EventsToRegister).
  virtual uint32_t EventsToRegister() const { return kEventAll; }
};

class PreEnqueuePlugin : public virtual Plugin {
 public:
  // Non-success keeps the pod out of activeQ (gated in the unschedulable pool) until an update
  // of the pod lets it pass.
  virtual Status PreEnqueue(const api::Pod& pod) const = 0;
};

class QueueSortPlugin : public virtual Plugin {
 public:
  virtual bool Less(const api::Pod& a, sim::Time a_timestamp, const api::Pod& b, sim::Time b_timestamp) const = 0;
};

class PreFilterPlugin : public virtual Plugin {
 public:
  // Skip status: the plugin's Filter is skipped for this pod.
  virtual Status PreFilter(CycleState& state, const api::Pod& pod, const std::vector<const NodeInfo*>& nodes) = 0;
};

class FilterPlugin : public virtual Plugin {
 public:
  virtual Status Filter(const CycleState& state, const api::Pod& pod, const NodeInfo& node) const = 0;
};

class PreScorePlugin : public virtual Plugin {
 public:
  // Skip status: the plugin's Score is skipped for this pod.
  virtual Status PreScore(CycleState& state, const api::Pod& pod, const std::vector<const NodeInfo*>& nodes) = 0;
};

class ScorePlugin : public virtual Plugin {
 public:
  virtual Status Score(const CycleState& state, const api::Pod& pod, const NodeInfo& node, int64_t* score) const = 0;
  virtual bool HasNormalize() const { return false; }
  virtual Status NormalizeScore(const CycleState& /*state*/, const api::Pod& /*pod*/, NodeScoreList& /*scores*/) const {
    return Status::Success();
  }
};

// Upstream PostFilterResult's NominatingInfo: unset is ModeNoop (keep the pod's nomination);
// set is ModeOverride with that node ("" clears the nomination).
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
  // Runs when a cycle found no feasible node (a FitError); `node_status` holds each node's filter
  // status. Success means the pod may fit later on `result->nominated_node_name`; the pod goes
  // back to the queue as unschedulable either way (kubernetes/kubernetes pkg/scheduler/schedule_one.go
  // schedulingCycle and handleSchedulingFailure @ v1.32).
  virtual Status PostFilter(const PostFilterHandle& handle, const api::Pod& pod,
                            const std::map<std::string, Status>& node_status, PostFilterResult* result) = 0;
};

// Upstream helper.DefaultNormalizeScore: scale to [0, maxPriority] by the maximum, optionally reversed.
void DefaultNormalizeScore(int64_t max_priority, bool reverse, NodeScoreList& scores);

}  // namespace kubesim::scheduler
