// API Priority and Fairness as kube-apiserver v1.32 configures it by default (KEP-1040;
// kubernetes/apiserver pkg/util/flowcontrol @ v0.32, and the suggested configuration in
// pkg/apis/flowcontrol/bootstrap/default.go).
//
// Every request the server serves needs a seat. The server's concurrency limit is
// --max-requests-inflight + --max-mutating-requests-inflight (400 + 200 = 600); each priority
// level's nominal share is ceil(600 × shares / Σ shares) and its guaranteed minimum the part it
// does not lend. A request is classified by its client and resource to a FlowSchema and its
// priority level; it is dispatched when a seat is free, else it joins the shortest of a hand of
// queues dealt by shuffle sharding from its flow, and is rejected with 429 when that queue is full
// (50), when it has waited 15 s (a quarter of the 60 s request timeout), or at once at a level
// that rejects instead of queuing (catch-all). A rejection carries Retry-After, which adapts per
// level (1 s, doubling under sustained drops to 32 s, back down one second at a time).
//
// Simplifications (docs/control-plane.md, Fidelity): a level may borrow any seat that leaves every
// other level its guaranteed minimum, decided per request instead of upstream's periodic
// reallocation; queued requests are dispatched round-robin over queues, not by virtual finish
// time; every request costs one seat for as long as its request latency (no LIST work estimate,
// no mutating "final seats").
#pragma once

#include <array>
#include <cstdint>
#include <deque>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "sim/owner.h"
#include "sim/simulation.h"

namespace kubesim::apiserver {

// The suggested priority levels, in upstream's order; kExempt is never limited.
enum class PriorityLevel : uint8_t {
  kExempt,
  kSystem,
  kNodeHigh,
  kLeaderElection,
  kWorkloadHigh,
  kWorkloadLow,
  kGlobalDefault,
  kCatchAll,
};
inline constexpr size_t kPriorityLevels = 8;
const char* PriorityLevelName(PriorityLevel level);

// Who sends requests, as the default FlowSchemas tell them apart (by user and group).
enum class ClientClass : uint8_t {
  kAdmin,              // the cluster admin's kubectl (kubeadm's admin.conf: group system:masters)
  kNode,               // a kubelet: system:node:<name>, group system:nodes
  kControlPlane,       // kube-controller-manager, kube-scheduler, cloud-controller-manager
  kKubeSystemAccount,  // kube-system service accounts: kube-proxy, cluster-autoscaler, metrics-server
  kUser,               // anyone else: other users, load generators
};
// From an ApiClient's name: "kubelet/…", "kube-controller-manager/…", "scheduler", … .
ClientClass ClassifyClient(std::string_view client_name);

// The FlowSchema a request matches (default FlowSchemas, lowest matchingPrecedence first) and its
// priority level, from the client, the object's kind and whether it is a LIST.
struct FlowSchemaMatch {
  const char* flow_schema;
  PriorityLevel level;
};
FlowSchemaMatch Classify(ClientClass client, std::string_view kind, bool list);
// FNV-1a of the flow distinguisher: the flow's hash, which shuffle sharding deals queues from.
uint64_t FlowHash(std::string_view distinguisher);

class PriorityAndFairness {
 public:
  // `server_concurrency`: --max-requests-inflight + --max-mutating-requests-inflight.
  PriorityAndFairness(sim::Simulation& sim, int server_concurrency);

  struct Level {
    PriorityLevel level;
    int nominal = 0;  // NominalCL
    int minimum = 0;  // NominalCL − LendableCL
    int queues = 0;   // 0: reject instead of queuing
    int hand_size = 0;
    int queue_length_limit = 0;
  };
  const Level& level(PriorityLevel l) const { return levels_[static_cast<size_t>(l)].config; }

  using Dispatch = std::function<void()>;
  // Called with the Retry-After seconds and upstream's rejection reason
  // ("queue-full", "time-out", "concurrency-limit").
  using Reject = std::function<void(int retry_after_seconds, const char* reason)>;
  // A request arrives: true when a seat is free and now taken (call Finish when it is done). The
  // fast path: no allocation.
  bool TryDispatch(PriorityLevel level);
  // After TryDispatch said no: the request is queued (`dispatch` runs, from its own event, once it
  // has a seat; Finish afterwards) or rejected (`reject` runs from a later event). `flow` is the
  // hash of its flow (schema, distinguisher).
  void Wait(PriorityLevel level, uint64_t flow, Dispatch dispatch, Reject reject);
  void Finish(PriorityLevel level);
  // The server stops: every queued request is dispatched now, whatever the seats, each from its
  // own event (its dispatch then fails it; Finish as usual).
  void DispatchAll();

  struct Stats {
    std::array<int64_t, kPriorityLevels> dispatched{};
    std::array<int64_t, kPriorityLevels> rejected{};  // apiserver_flowcontrol_rejected_requests_total
    std::array<int64_t, kPriorityLevels> queued{};    // requests that waited in a queue
    std::array<int, kPriorityLevels> max_in_use{};
  };
  const Stats& stats() const { return stats_; }
  int in_use(PriorityLevel l) const { return levels_[static_cast<size_t>(l)].in_use; }
  int waiting(PriorityLevel l) const { return levels_[static_cast<size_t>(l)].waiting; }

 private:
  struct Waiting {
    Dispatch dispatch;
    Reject reject;
    std::shared_ptr<bool> done;  // set when dispatched or timed out
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
  };

  bool CanDispatch(const State& s) const;
  int RetryAfter(State& s);
  void RecordDrop(State& s);
  void DispatchWaiting();
  void RejectLater(State& s, Reject reject, const char* reason);

  sim::Simulation& sim_;
  int server_concurrency_;
  std::array<State, kPriorityLevels> levels_;
  int total_in_use_ = 0;
  Stats stats_;
  sim::Owner owner_{sim_};
};

}  // namespace kubesim::apiserver
