#include "models/apiserver/priority_and_fairness.h"

#include <algorithm>
#include <cmath>

namespace kubesim::apiserver {
namespace {

// The suggested priority levels (pkg/apis/flowcontrol/bootstrap/default.go @ v0.32):
// nominalConcurrencyShares, lendablePercent, queues, handSize, queueLengthLimit.
struct LevelDefaults {
  PriorityLevel level;
  int shares;
  int lendable_percent;
  int queues;  // 0: LimitResponse Reject
  int hand_size;
  int queue_length_limit;
};
constexpr std::array<LevelDefaults, kPriorityLevels> kDefaults = {{
    {PriorityLevel::kExempt, 0, 0, 0, 0, 0},
    {PriorityLevel::kSystem, 30, 33, 64, 6, 50},
    {PriorityLevel::kNodeHigh, 40, 25, 64, 6, 50},
    {PriorityLevel::kLeaderElection, 10, 0, 16, 4, 50},
    {PriorityLevel::kWorkloadHigh, 40, 50, 128, 6, 50},
    {PriorityLevel::kWorkloadLow, 100, 90, 128, 6, 50},
    {PriorityLevel::kGlobalDefault, 20, 50, 128, 6, 50},
    {PriorityLevel::kCatchAll, 5, 0, 0, 0, 0},
}};

// A queued request waits at most a quarter of the 60 s request timeout
// (pkg/server/filters/priority-and-fairness.go, getRequestWaitContext; --request-timeout 60 s).
constexpr sim::Duration kQueueWaitLimit = sim::Duration::Seconds(15);
constexpr int kMaxRetryAfter = 32;  // dropped_requests_tracker.go, maxRetryAfter

}  // namespace

const char* PriorityLevelName(PriorityLevel level) {
  switch (level) {
    case PriorityLevel::kExempt:
      return "exempt";
    case PriorityLevel::kSystem:
      return "system";
    case PriorityLevel::kNodeHigh:
      return "node-high";
    case PriorityLevel::kLeaderElection:
      return "leader-election";
    case PriorityLevel::kWorkloadHigh:
      return "workload-high";
    case PriorityLevel::kWorkloadLow:
      return "workload-low";
    case PriorityLevel::kGlobalDefault:
      return "global-default";
    case PriorityLevel::kCatchAll:
      return "catch-all";
  }
  return "";
}

ClientClass ClassifyClient(std::string_view name) {
  auto starts = [name](std::string_view p) { return name.substr(0, p.size()) == p; };
  // The kubelet's clients (its own Node informer included) authenticate as system:node:<name>.
  if (starts("kubelet/")) return ClientClass::kNode;
  // The scenario's own requests (timeline actions, workload arrivals) are an administrator's
  // kubectl with kubeadm's admin.conf, whose group system:masters the `exempt` FlowSchema matches.
  if (name == "scenario") return ClientClass::kAdmin;
  if (starts("kube-controller-manager") || starts("scheduler") || starts("kube-scheduler") ||
      starts("cloud-controller-manager")) {
    return ClientClass::kControlPlane;
  }
  // Add-ons kubeadm and managed clusters run under kube-system service accounts.
  if (starts("kube-proxy/") || starts("cluster-autoscaler") || starts("metrics-server")) {
    return ClientClass::kKubeSystemAccount;
  }
  return ClientClass::kUser;
}

uint64_t FlowHash(std::string_view distinguisher) {
  uint64_t h = 14695981039346656037ULL;
  for (char c : distinguisher) {
    h ^= static_cast<unsigned char>(c);
    h *= 1099511628211ULL;
  }
  return h;
}

FlowSchemaMatch Classify(ClientClass client, std::string_view kind, bool list) {
  if (client == ClientClass::kAdmin) return {"exempt", PriorityLevel::kExempt};
  // Lowest matchingPrecedence first. Leader election: get/create/update of leases by the control
  // plane's users and kube-system service accounts (system-leader-election, 100;
  // workload-leader-election, 200).
  const bool control_plane = client == ClientClass::kControlPlane || client == ClientClass::kKubeSystemAccount;
  const bool lease = kind == "Lease";
  if (control_plane && lease && !list) return {"system-leader-election", PriorityLevel::kLeaderElection};
  if (client == ClientClass::kNode) {
    if (kind == "Node" || lease) return {"system-node-high", PriorityLevel::kNodeHigh};
    return {"system-nodes", PriorityLevel::kSystem};
  }
  if (client == ClientClass::kControlPlane) return {"kube-controller-manager", PriorityLevel::kWorkloadHigh};
  if (client == ClientClass::kKubeSystemAccount) {
    return {"kube-system-service-accounts", PriorityLevel::kWorkloadHigh};
  }
  return {"global-default", PriorityLevel::kGlobalDefault};
}

PriorityAndFairness::PriorityAndFairness(sim::Simulation& sim, int server_concurrency)
    : sim_(sim), server_concurrency_(server_concurrency) {
  int total_shares = 0;
  for (const LevelDefaults& d : kDefaults) total_shares += d.shares;
  for (size_t i = 0; i < kPriorityLevels; ++i) {
    const LevelDefaults& d = kDefaults[i];
    State& s = levels_[i];
    s.config.level = d.level;
    // apf_controller.go: NominalCL = ceil(ServerCL × shares / Σ shares); LendableCL =
    // round(NominalCL × lendablePercent / 100).
    s.config.nominal = static_cast<int>(
        std::ceil(static_cast<double>(server_concurrency) * d.shares / static_cast<double>(total_shares)));
    const int lendable = static_cast<int>(std::lround(s.config.nominal * d.lendable_percent / 100.0));
    s.config.minimum = s.config.nominal - lendable;
    s.config.queues = d.queues;
    s.config.hand_size = d.hand_size;
    s.config.queue_length_limit = d.queue_length_limit;
    s.queues.resize(static_cast<size_t>(d.queues));
  }
}

bool PriorityAndFairness::CanDispatch(const State& s) const {
  // Its guaranteed part (NominalCL − LendableCL) is always there: no other level may take it.
  if (s.in_use < s.config.minimum) return true;
  // Any other seat, within its nominal share or borrowed beyond it, if every other level keeps
  // its guaranteed part.
  int reserved = 0;
  for (const State& o : levels_) {
    if (&o != &s) reserved += std::max(0, o.config.minimum - o.in_use);
  }
  return total_in_use_ + 1 + reserved <= server_concurrency_;
}

bool PriorityAndFairness::TryDispatch(PriorityLevel level) {
  State& s = levels_[static_cast<size_t>(level)];
  const auto i = static_cast<size_t>(level);
  if (level == PriorityLevel::kExempt) {
    // Exempt requests run at once and take none of the server's seats (apf_controller.go gives
    // the exempt level no share of ServerCL).
    stats_.dispatched[i]++;
    return true;
  }
  // Requests already waiting at the level go first.
  if (s.waiting > 0 || !CanDispatch(s)) return false;
  ++s.in_use;
  ++total_in_use_;
  stats_.dispatched[i]++;
  stats_.max_in_use[i] = std::max(stats_.max_in_use[i], s.in_use);
  return true;
}

void PriorityAndFairness::Wait(PriorityLevel level, uint64_t flow, Dispatch dispatch, Reject reject) {
  State& s = levels_[static_cast<size_t>(level)];
  if (s.config.queues == 0) {
    RejectLater(s, std::move(reject), "concurrency-limit");
    return;
  }
  // Shuffle sharding (k8s.io/apiserver pkg/util/shufflesharding, Dealer.Deal): the flow's hash
  // deals a hand of distinct queues; the request joins the shortest.
  const int deck = s.config.queues;
  const int hand = std::min(s.config.hand_size, deck);
  std::array<int, 16> remainders{};
  uint64_t h = flow;
  for (int i = 0; i < hand; ++i) {
    const auto size = static_cast<uint64_t>(deck - i);
    remainders[static_cast<size_t>(i)] = static_cast<int>(h % size);
    h /= size;
  }
  size_t best = 0;
  size_t best_len = SIZE_MAX;
  for (int i = 0; i < hand; ++i) {
    int card = remainders[static_cast<size_t>(i)];
    for (int j = i; j > 0; --j) {
      if (card >= remainders[static_cast<size_t>(j - 1)]) ++card;
    }
    const size_t len = s.queues[static_cast<size_t>(card)].size();
    if (len < best_len) {
      best_len = len;
      best = static_cast<size_t>(card);
    }
  }
  if (best_len >= static_cast<size_t>(s.config.queue_length_limit)) {
    RejectLater(s, std::move(reject), "queue-full");
    return;
  }
  auto done = std::make_shared<bool>(false);
  s.queues[best].push_back(Waiting{std::move(dispatch), reject, done});
  ++s.waiting;
  stats_.queued[static_cast<size_t>(level)]++;
  owner_.After(kQueueWaitLimit, [this, level, done, reject = std::move(reject)]() mutable {
    if (*done) return;
    *done = true;
    State& st = levels_[static_cast<size_t>(level)];
    --st.waiting;
    RecordDrop(st);
    stats_.rejected[static_cast<size_t>(level)]++;
    reject(RetryAfter(st), "time-out");
  });
}

void PriorityAndFairness::RejectLater(State& s, Reject reject, const char* reason) {
  RecordDrop(s);
  stats_.rejected[static_cast<size_t>(s.config.level)]++;
  const int retry_after = RetryAfter(s);
  owner_.After(sim::Duration::Zero(),
               [reject = std::move(reject), retry_after, reason]() { reject(retry_after, reason); });
}

void PriorityAndFairness::Finish(PriorityLevel level) {
  if (level == PriorityLevel::kExempt) return;
  State& s = levels_[static_cast<size_t>(level)];
  --s.in_use;
  --total_in_use_;
  DispatchWaiting();
}

void PriorityAndFairness::DispatchWaiting() {
  // Any level with waiting requests may take the freed seat (borrowing); levels in upstream order.
  for (State& s : levels_) {
    while (s.waiting > 0 && CanDispatch(s)) {
      // Round-robin over the queues, skipping requests already timed out.
      bool found = false;
      for (size_t n = 0; n < s.queues.size() && !found; ++n) {
        std::deque<Waiting>& q = s.queues[s.next_queue];
        s.next_queue = (s.next_queue + 1) % s.queues.size();
        while (!q.empty() && *q.front().done) q.pop_front();
        if (q.empty()) continue;
        Waiting w = std::move(q.front());
        q.pop_front();
        *w.done = true;
        --s.waiting;
        ++s.in_use;
        ++total_in_use_;
        const auto i = static_cast<size_t>(s.config.level);
        stats_.dispatched[i]++;
        stats_.max_in_use[i] = std::max(stats_.max_in_use[i], s.in_use);
        // From its own event: a dispatch never runs inside the Finish that freed the seat.
        owner_.After(sim::Duration::Zero(), std::move(w.dispatch));
        found = true;
      }
      if (!found) break;
    }
  }
}

void PriorityAndFairness::DispatchAll() {
  for (State& s : levels_) {
    for (std::deque<Waiting>& q : s.queues) {
      for (Waiting& w : q) {
        if (*w.done) continue;
        *w.done = true;
        --s.waiting;
        ++s.in_use;
        ++total_in_use_;
        owner_.After(sim::Duration::Zero(), std::move(w.dispatch));
      }
      q.clear();
    }
  }
}

void PriorityAndFairness::RecordDrop(State& s) {
  // dropped_requests_tracker.go: per level, the drops of the last retryAfter seconds decide.
  const int64_t now = static_cast<int64_t>(sim_.Now().ToSeconds());
  s.drops.push_back(now);
  while (!s.drops.empty() && now - s.drops.front() > kMaxRetryAfter) s.drops.pop_front();
  int64_t recent = 0;
  for (auto it = s.drops.rbegin(); it != s.drops.rend() && now - *it <= s.retry_after; ++it) ++recent;
  if (now - s.last_increase_second >= s.retry_after && recent >= 3 * static_cast<int64_t>(s.retry_after)) {
    s.retry_after = std::min(kMaxRetryAfter, s.retry_after * 2);
    s.last_increase_second = now;
  } else if (recent < s.retry_after && s.retry_after > 1) {
    --s.retry_after;
  }
}

int PriorityAndFairness::RetryAfter(State& s) { return s.retry_after; }

}  // namespace kubesim::apiserver
