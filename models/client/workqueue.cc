#include "models/client/workqueue.h"

#include <algorithm>

namespace kubesim::client {

void WorkQueue::Add(const std::string& key) {
  if (dirty_.count(key)) return;
  dirty_.insert(key);
  if (processing_.count(key)) return;  // re-queued by Done()
  queue_.push_back(key);
  if (on_ready_) on_ready_();
}

void WorkQueue::AddAfter(const std::string& key, sim::Duration d) {
  if (d <= sim::Duration::Zero()) {
    Add(key);
    return;
  }
  // As client-go's delaying queue: one waiting entry per key, which a new AddAfter may only
  // move earlier.
  sim::Time ready = sim_.Now() + d;
  auto it = waiting_.find(key);
  if (it != waiting_.end() && it->second <= ready) return;
  waiting_[key] = ready;
  owner_.At(ready, [this, key, ready]() {
    auto w = waiting_.find(key);
    if (w == waiting_.end() || w->second != ready) return;  // superseded by an earlier time
    waiting_.erase(w);
    Add(key);
  });
}

void WorkQueue::AddRateLimited(const std::string& key) {
  int n = failures_[key]++;
  // DefaultControllerRateLimiter: the larger of ItemExponentialFailureRateLimiter(5ms, 1000s)
  // and the overall BucketRateLimiter(10 qps, burst 100), which takes a token on every call.
  sim::Duration d = sim::Duration::Milliseconds(5);
  const sim::Duration cap = sim::Duration::Seconds(1000);
  for (int i = 0; i < n && d < cap; ++i) d = d * 2;
  AddAfter(key, std::max(std::min(d, cap), overall_.Reserve(sim_.Now())));
}

int WorkQueue::NumRequeues(const std::string& key) const {
  auto it = failures_.find(key);
  return it == failures_.end() ? 0 : it->second;
}

std::optional<std::string> WorkQueue::Get() {
  if (queue_.empty()) return std::nullopt;
  std::string key = std::move(queue_.front());
  queue_.pop_front();
  processing_.insert(key);
  dirty_.erase(key);
  return key;
}

void WorkQueue::Done(const std::string& key) {
  processing_.erase(key);
  if (dirty_.count(key)) {
    queue_.push_back(key);
    if (on_ready_) on_ready_();
  }
}

}  // namespace kubesim::client
