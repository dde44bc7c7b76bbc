// API Priority and Fairness as kube-apiserver v1.32 runs it (KEP-1040; kubernetes/apiserver
// pkg/util/flowcontrol @ v0.32), over the priority levels of a FlowControlConfig (the suggested
// and mandatory configuration, or the cluster's FlowSchema and PriorityLevelConfiguration objects).
//
// Every request the server serves needs a seat. The server's concurrency limit is
// --max-requests-inflight + --max-mutating-requests-inflight (400 + 200 = 600); each priority
// level's nominal share is ceil(600 × shares / Σ shares), its guaranteed minimum the part it does
// not lend, its maximum its nominal share plus what borrowingLimitPercent lets it borrow. A request
// is classified to a FlowSchema and its priority level (FlowControlConfig::Classify); it is
// dispatched when a seat is free, else it joins the shortest of a hand of queues dealt by shuffle
// sharding from its flow, and is rejected with 429 when that queue is full, when it has waited
// 15 s (a quarter of the 60 s request timeout), or at once at a level that rejects instead of
// queuing (catch-all). A rejection carries Retry-After, which adapts per level (1 s, doubling under
// sustained drops to 32 s, back down one second at a time).
//
// Simplifications (docs/control-plane.md, Fidelity): a level may borrow any seat that leaves every
// other level its guaranteed minimum, decided per request instead of upstream's periodic
// reallocation; queued requests are dispatched round-robin over queues, not by virtual finish
// time; a request holds its seats for its request latency (no mutating "final seats").
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "sim/owner.h"
#include "sim/simulation.h"

namespace kubesim::apiserver {

class FlowControlConfig;

// FNV-1a of a flow's identity: the hash shuffle sharding deals queues from.
uint64_t FlowHash(std::string_view distinguisher);
// The same of (schema, distinguisher) joined by a NUL byte, as upstream's hashFlowID joins them
// (pkg/util/flowcontrol/apf_controller.go; upstream hashes with SHA-256).
uint64_t FlowHash(std::string_view schema, std::string_view distinguisher);

class PriorityAndFairness {
 public:
  // `server_concurrency`: --max-requests-inflight + --max-mutating-requests-inflight.
  PriorityAndFairness(sim::Simulation& sim, int server_concurrency, const FlowControlConfig& config);

  // A new configuration (a FlowSchema or PriorityLevelConfiguration changed): a level of the same
  // name keeps its seats in use and its queued requests; a level no longer configured takes no new
  // requests and keeps its queued ones until they are dispatched or time out, as upstream's
  // quiescing queue sets do.
  void Reconfigure(const FlowControlConfig& config);

  struct Level {
    std::string name;
    bool exempt = false;  // never limited
    int nominal = 0;      // NominalCL
    int minimum = 0;      // NominalCL − LendableCL
    int maximum = 0;      // NominalCL + BorrowingCL
    int queues = 0;       // 0: reject instead of queuing
    int hand_size = 0;
    int queue_length_limit = 0;
    // The most seats one request may take: max(1, min(ceil(0.15 × nominal), nominal / handSize))
    // (apf_controller.go, the MaxSeatsTracker's value; its test vectors in apf_controller_test.go
    // Test_GetMaxSeats).
    int max_seats = 1;
    bool retired = false;  // no longer configured
  };
  // Levels are numbered once and keep their number across reconfigurations.
  int level_count() const { return static_cast<int>(levels_.size()); }
  const Level& level(int l) const { return levels_[static_cast<size_t>(l)].config; }
  int LevelIndex(std::string_view name) const;  // -1: no such level
  // The level of the configuration's priority level `config_level` (FlowControlConfig::levels()).
  int LevelOf(int config_level) const { return by_config_[static_cast<size_t>(config_level)]; }

  using Dispatch = std::function<void()>;
  // Called with the Retry-After seconds and upstream's rejection reason
  // ("queue-full", "time-out", "concurrency-limit").
  using Reject = std::function<void(int retry_after_seconds, const char* reason)>;
  // A request of `seats` seats (its work estimate) arrives: true when they are free and now taken
  // (call Finish when it is done). The fast path: no allocation.
  bool TryDispatch(int level, int seats = 1);
  // After TryDispatch said no: the request is queued (`dispatch` runs, from its own event, once it
  // has its seats; Finish afterwards) or rejected (`reject` runs from a later event). `flow` is the
  // hash of its flow (schema, distinguisher).
  void Wait(int level, uint64_t flow, Dispatch dispatch, Reject reject, int seats = 1);
  void Finish(int level, int seats = 1);
  // The server stops: every queued request is dispatched now, whatever the seats, each from its
  // own event (its dispatch then fails it; Finish as usual).
  void DispatchAll();

  struct Stats {
    int64_t dispatched = 0;
    int64_t rejected = 0;  // apiserver_flowcontrol_rejected_requests_total
    int64_t queued = 0;    // requests that waited in a queue
    int max_in_use = 0;
  };
  const Stats& stats(int l) const { return levels_[static_cast<size_t>(l)].stats; }
  int in_use(int l) const { return levels_[static_cast<size_t>(l)].in_use; }
  int waiting(int l) const { return levels_[static_cast<size_t>(l)].waiting; }

 private:
  struct Waiting {
    Dispatch dispatch;
    Reject reject;
    std::shared_ptr<bool> done;  // set when dispatched or timed out
    int seats = 1;
  };
  struct State {
    Level config;
    int in_use = 0;
    int waiting = 0;
    std::vector<std::deque<Waiting>> queues;
    size_t next_queue = 0;  // round-robin dispatch
    // dropped_requests_tracker: the adaptive Retry-After.
    int retry_after = 1;
    int64_t last_increase_second = 0;
    std::deque<int64_t> drops;  // seconds of recent drops
    Stats stats;
  };

  bool CanDispatch(const State& s, int seats) const;
  void Seat(State& s, int seats);
  void RecordDrop(State& s);
  void DispatchWaiting();
  void RejectLater(State& s, Reject reject, const char* reason);

  sim::Simulation& sim_;
  int server_concurrency_;
  std::vector<State> levels_;
  std::vector<int> by_config_;
  int total_in_use_ = 0;
  sim::Owner owner_{sim_};
};

}  // namespace kubesim::apiserver
