#include "models/apiserver/priority_and_fairness.h"

#include <algorithm>
#include <array>
#include <climits>
#include <cmath>

#include "models/apiserver/flow_control_config.h"

namespace kubesim::apiserver {
namespace {

// A queued request waits at most a quarter of the 60 s request timeout
// (pkg/server/filters/priority-and-fairness.go, getRequestWaitContext; --request-timeout 60 s).
constexpr sim::Duration kQueueWaitLimit = sim::Duration::Seconds(15);
constexpr int kMaxRetryAfter = 32;  // dropped_requests_tracker.go, maxRetryAfter

constexpr uint64_t kFnvOffset = 14695981039346656037ULL;
uint64_t Fnv(uint64_t h, std::string_view bytes) {
  for (char c : bytes) {
    h ^= static_cast<unsigned char>(c);
    h *= 1099511628211ULL;
  }
  return h;
}
}  // namespace

uint64_t FlowHash(std::string_view distinguisher) { return Fnv(kFnvOffset, distinguisher); }

uint64_t FlowHash(std::string_view schema, std::string_view distinguisher) {
  return Fnv(Fnv(Fnv(kFnvOffset, schema), std::string_view("\0", 1)), distinguisher);
}

PriorityAndFairness::PriorityAndFairness(sim::Simulation& sim, int server_concurrency, const FlowControlConfig& config)
    : sim_(sim), server_concurrency_(server_concurrency) {
  Reconfigure(config);
}

int PriorityAndFairness::LevelIndex(std::string_view name) const {
  for (size_t i = 0; i < levels_.size(); ++i) {
    if (levels_[i].config.name == name) return static_cast<int>(i);
  }
  return -1;
}

void PriorityAndFairness::Reconfigure(const FlowControlConfig& config) {
  for (State& s : levels_) s.config.retired = true;
  const std::vector<PriorityLevelSettings>& settings = config.levels();
  by_config_.assign(settings.size(), -1);
  int64_t total_shares = 0;
  for (const PriorityLevelSettings& p : settings) total_shares += p.shares;
  for (size_t i = 0; i < settings.size(); ++i) {
    const PriorityLevelSettings& p = settings[i];
    int index = LevelIndex(p.name);
    if (index < 0) {
      levels_.emplace_back();
      index = static_cast<int>(levels_.size()) - 1;
    }
    State& s = levels_[static_cast<size_t>(index)];
    Level& c = s.config;
    c.name = p.name;
    c.exempt = p.exempt;
    c.retired = false;
    // apf_controller.go: NominalCL = ceil(ServerCL × shares / Σ shares); LendableCL =
    // round(NominalCL × lendablePercent / 100); BorrowingCL = round(NominalCL ×
    // borrowingLimitPercent / 100), unlimited when unset.
    c.nominal = total_shares == 0 ? 0
                                  : static_cast<int>(std::ceil(static_cast<double>(server_concurrency_) * p.shares /
                                                               static_cast<double>(total_shares)));
    const int lendable = static_cast<int>(std::lround(c.nominal * p.lendable_percent / 100.0));
    c.minimum = c.nominal - lendable;
    c.maximum = p.borrowing_limit_percent
                    ? c.nominal + static_cast<int>(std::lround(c.nominal * *p.borrowing_limit_percent / 100.0))
                    : INT_MAX;
    c.queues = p.queues;
    c.hand_size = p.hand_size;
    c.queue_length_limit = p.queue_length_limit;
    const int fifteen_percent = static_cast<int>(std::ceil(0.15 * c.nominal));
    c.max_seats = std::max(1, p.hand_size > 0 ? std::min(fifteen_percent, c.nominal / p.hand_size) : fifteen_percent);
    // Queues a shrunk level no longer deals keep their requests until dispatched.
    if (s.queues.size() < static_cast<size_t>(p.queues)) s.queues.resize(static_cast<size_t>(p.queues));
    by_config_[i] = index;
  }
  for (State& s : levels_) {
    if (!s.config.retired) continue;
    // A level no longer configured reserves nothing and may use any seat left over.
    s.config.nominal = 0;
    s.config.minimum = 0;
    s.config.maximum = INT_MAX;
    s.config.queues = 0;
  }
  DispatchWaiting();
}

bool PriorityAndFairness::CanDispatch(const State& s, int seats) const {
  if (s.in_use + seats > s.config.maximum) return false;
  // Its guaranteed part (NominalCL − LendableCL) is always there: no other level may take it.
  if (s.in_use + seats <= s.config.minimum) return true;
  // Any other seat, within its nominal share or borrowed beyond it, if every other level keeps
  // its guaranteed part.
  int reserved = 0;
  for (const State& o : levels_) {
    if (&o != &s) reserved += std::max(0, o.config.minimum - o.in_use);
  }
  return total_in_use_ + seats + reserved <= server_concurrency_;
}

void PriorityAndFairness::Seat(State& s, int seats) {
  s.in_use += seats;
  total_in_use_ += seats;
  s.stats.dispatched++;
  s.stats.max_in_use = std::max(s.stats.max_in_use, s.in_use);
}

bool PriorityAndFairness::TryDispatch(int level, int seats) {
  State& s = levels_[static_cast<size_t>(level)];
  if (s.config.exempt) {
    // Exempt requests run at once and take none of the server's seats.
    s.stats.dispatched++;
    return true;
  }
  // Requests already waiting at the level go first.
  if (s.waiting > 0 || !CanDispatch(s, seats)) return false;
  Seat(s, seats);
  return true;
}

void PriorityAndFairness::Wait(int level, uint64_t flow, Dispatch dispatch, Reject reject, int seats) {
  State& s = levels_[static_cast<size_t>(level)];
  if (s.config.queues == 0) {
    RejectLater(s, std::move(reject), "concurrency-limit");
    return;
  }
  // Shuffle sharding (k8s.io/apiserver pkg/util/shufflesharding, Dealer.Deal): the flow's hash
  // deals a hand of distinct queues; the request joins the shortest. Validation keeps a hand
  // within 60 bits of entropy, so at most 15 cards.
  const int deck = s.config.queues;
  const int hand = std::min({s.config.hand_size, deck, 64});
  std::array<int, 64> remainders{};
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
  s.queues[best].push_back(Waiting{std::move(dispatch), reject, done, seats});
  ++s.waiting;
  s.stats.queued++;
  owner_.After(kQueueWaitLimit, [this, level, done, reject = std::move(reject)]() mutable {
    if (*done) return;
    *done = true;
    State& st = levels_[static_cast<size_t>(level)];
    --st.waiting;
    RecordDrop(st);
    st.stats.rejected++;
    reject(st.retry_after, "time-out");
  });
}

void PriorityAndFairness::RejectLater(State& s, Reject reject, const char* reason) {
  RecordDrop(s);
  s.stats.rejected++;
  const int retry_after = s.retry_after;
  owner_.After(sim::Duration::Zero(),
               [reject = std::move(reject), retry_after, reason]() { reject(retry_after, reason); });
}

void PriorityAndFairness::Finish(int level, int seats) {
  State& s = levels_[static_cast<size_t>(level)];
  if (s.config.exempt) return;
  s.in_use -= seats;
  total_in_use_ -= seats;
  DispatchWaiting();
}

void PriorityAndFairness::DispatchWaiting() {
  // Any level with waiting requests may take the freed seat (borrowing); levels in order.
  for (State& s : levels_) {
    while (s.waiting > 0) {
      // Round-robin over the queues, skipping requests already timed out. When the next
      // request's seats are not free, the level waits for more to finish.
      bool found = false;
      bool blocked = false;
      const size_t start = s.next_queue;
      for (size_t n = 0; n < s.queues.size() && !found && !blocked; ++n) {
        std::deque<Waiting>& q = s.queues[s.next_queue];
        while (!q.empty() && *q.front().done) q.pop_front();
        if (q.empty()) {
          s.next_queue = (s.next_queue + 1) % s.queues.size();
          continue;
        }
        if (!CanDispatch(s, q.front().seats)) {
          s.next_queue = start;
          blocked = true;
          break;
        }
        s.next_queue = (s.next_queue + 1) % s.queues.size();
        Waiting w = std::move(q.front());
        q.pop_front();
        *w.done = true;
        --s.waiting;
        Seat(s, w.seats);
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
        s.in_use += w.seats;
        total_in_use_ += w.seats;
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

}  // namespace kubesim::apiserver
