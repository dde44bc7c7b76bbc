// The scheduling queue (kubernetes/kubernetes pkg/scheduler/backend/queue/scheduling_queue.go @ v1.32):
// activeQ ordered by the profile's QueueSort plugin, backoffQ ordered by backoff expiry, and the
// unschedulable pool.
//
// Backoff after n attempts: initial · 2^(n−1), capped at max (1 s → 10 s by default). Attempts
// count every Pop, as v1.32 does. A pod that failed goes to backoffQ when a move request (a
// cluster event) arrived during its cycle or it failed with an error, else to the unschedulable
// pool, from which cluster events its rejecting plugins registered for move it out
// (to backoffQ while still backing off, else activeQ). Pods left unschedulable for 5 min are
// flushed every 30 s; backoffQ is flushed every 1 s. Ties in QueueSort fall back to arrival order.
//
// Simplification (docs/fidelity.md): v1.32 enables queueing hints by default; kubesim uses the
// EventsToRegister filter without per-plugin hint functions.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "models/api/pod.h"
#include "models/scheduler/framework.h"
#include "models/scheduler/scheduler_config.h"
#include "sim/owner.h"
#include "sim/simulation.h"

namespace kubesim::scheduler {

struct QueuedPodInfo {
  std::shared_ptr<const api::Pod> pod;
  sim::Time timestamp;                  // last (re)queue time, the QueueSort key
  sim::Time initial_attempt_timestamp;  // first time it was queued
  int attempts = 0;
  std::vector<std::string> unschedulable_plugins;  // rejectors of the last failed cycle
  uint32_t requeue_events = kEventAll;             // their EventsToRegister
  bool gated = false;                              // rejected by a PreEnqueue plugin: waits for an update of the pod
};

class SchedulingQueue {
 public:
  SchedulingQueue(sim::Simulation& sim, const QueueSortPlugin& sort, QueueConfig config);

  // Starts the periodic flush loops (1 s backoffQ, 30 s unschedulable leftovers).
  void Run();

  void Add(std::shared_ptr<const api::Pod> pod);
  void Update(std::shared_ptr<const api::Pod> pod);
  void Delete(const std::string& uid);

  std::optional<QueuedPodInfo> Pop();
  // The popped pod's cycle ended with it assumed (or it vanished): it is no longer in flight.
  void Done(const std::string& uid) { in_flight_.erase(uid); }
  int64_t scheduling_cycle() const { return scheduling_cycle_; }

  // After a failed cycle that started at `pod_scheduling_cycle`.
  void AddUnschedulableIfNotPresent(QueuedPodInfo info, int64_t pod_scheduling_cycle);
  // A cluster event happened (bitmask of ClusterEvent).
  void MoveAllToActiveOrBackoffQueue(uint32_t event);

  sim::Duration BackoffDuration(int attempts) const;
  size_t active_size() const { return active_.size(); }
  size_t backoff_size() const { return backoff_.size(); }
  size_t unschedulable_size() const { return unschedulable_.size(); }
  size_t pending() const { return active_.size() + backoff_.size() + unschedulable_.size(); }

  // Called after every push into activeQ, synchronously from inside the queue call that pushed
  // (Add, Update, a move or a flush). The callback must not call the queue's mutating methods;
  // the scheduler's only schedules an event that pops later.
  void SetOnActive(std::function<void()> cb) { on_active_ = std::move(cb); }
  // The profile's PreEnqueue plugins (SchedulingGates): a pod they reject waits, gated, in the
  // unschedulable pool until an update of it passes them (upstream runPreEnqueuePlugins).
  void SetPreEnqueue(std::function<bool(const api::Pod&)> pre_enqueue) { pre_enqueue_ = std::move(pre_enqueue); }
  size_t gated_size() const;

 private:
  struct Entry {
    QueuedPodInfo info;
    uint64_t seq = 0;
  };
  // activeQ order: QueueSort Less, then arrival sequence.
  struct ActiveLess {
    const SchedulingQueue* q;
    bool operator()(const std::pair<uint64_t, std::string>& a, const std::pair<uint64_t, std::string>& b) const;
  };

  void PushActive(QueuedPodInfo info);
  void PushBackoff(QueuedPodInfo info);
  bool IsBackingOff(const QueuedPodInfo& info) const;
  sim::Time BackoffExpiry(const QueuedPodInfo& info) const;
  void MoveToActiveOrBackoff(QueuedPodInfo info);
  void FlushBackoffQCompleted();
  void FlushUnschedulableLeftover();
  void NotifyActive();

  sim::Simulation& sim_;
  const QueueSortPlugin& sort_;
  QueueConfig config_;
  uint64_t seq_ = 0;
  int64_t scheduling_cycle_ = 0;
  int64_t move_request_cycle_ = -1;
  std::map<std::string, Entry> entries_;                           // uid → entry, for pods in activeQ or backoffQ
  std::set<std::pair<uint64_t, std::string>, ActiveLess> active_;  // (seq, uid)
  std::set<std::tuple<int64_t, uint64_t, std::string>> backoff_;   // (expiry ns, seq, uid)
  std::map<std::string, QueuedPodInfo> unschedulable_;
  std::set<std::string> in_flight_;  // popped, cycle not finished
  std::function<void()> on_active_;
  std::function<bool(const api::Pod&)> pre_enqueue_;
  sim::Owner owner_{sim_};
};

}  // namespace kubesim::scheduler
