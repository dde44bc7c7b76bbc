// WorkQueue: client-go's workqueue semantics (kubernetes/client-go util/workqueue/queue.go,
// delaying_queue.go and default_rate_limiters.go @ v0.32). A key added while queued is not
// queued twice; a key added while being processed is queued again when Done() is called, so one
// key is never processed by two workers at once. AddRateLimited applies the default
// controller rate limiter: per item 5 ms · 2^failures, capped at 1000 s, and at most 10 requeues
// per second over all items after a burst of 100.
#pragma once

#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>

#include "models/apiserver/client_connection.h"
#include "sim/owner.h"
#include "sim/simulation.h"

namespace kubesim::client {

class WorkQueue {
 public:
  explicit WorkQueue(sim::Simulation& sim) : sim_(sim) {}

  void Add(const std::string& key);
  void AddAfter(const std::string& key, sim::Duration d);
  void AddRateLimited(const std::string& key);
  void Forget(const std::string& key) { failures_.erase(key); }
  int NumRequeues(const std::string& key) const;

  std::optional<std::string> Get();  // next key, now marked as processing
  void Done(const std::string& key);
  size_t Len() const { return queue_.size(); }

  // Called after a key becomes available (not re-entrantly); lets a worker wake up.
  void SetOnReady(std::function<void()> cb) { on_ready_ = std::move(cb); }

 private:
  sim::Simulation& sim_;
  std::deque<std::string> queue_;
  std::set<std::string> dirty_;
  std::set<std::string> processing_;
  std::map<std::string, int> failures_;
  std::map<std::string, sim::Time> waiting_;  // AddAfter: key → when it becomes ready
  std::function<void()> on_ready_;
  apiserver::TokenBucket overall_{{10, 100}};
  sim::Owner owner_{sim_};
};

}  // namespace kubesim::client
