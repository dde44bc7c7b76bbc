// Worker: a controller's worker over its workqueue (upstream processNextWorkItem + the informers'
// WaitForCacheSync): one key per simulated event, never re-entrantly, each key handed to `sync`
// once the caches are ready (`ready`), and retried 100 ms later while they are not. An
// asynchronous sync holds its key until it calls `done`, as an upstream worker is blocked in the
// sync's API calls: events for the key meanwhile only mark it dirty, and it is synced once more
// after `done`. Other keys go on meanwhile.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "models/client/workqueue.h"
#include "sim/owner.h"
#include "sim/simulation.h"

namespace kubesim::client {

class Worker {
 public:
  Worker(sim::Simulation& sim, std::function<bool()> ready, std::function<void(const std::string&)> sync)
      : sim_(sim), queue_(sim), ready_(std::move(ready)), sync_(std::move(sync)) {
    queue_.SetOnReady([this]() { Wake(); });
  }
  using AsyncSync = std::function<void(const std::string& key, std::function<void()> done)>;
  Worker(sim::Simulation& sim, std::function<bool()> ready, AsyncSync sync)
      : sim_(sim), queue_(sim), ready_(std::move(ready)), async_sync_(std::move(sync)) {
    queue_.SetOnReady([this]() { Wake(); });
  }
  Worker(const Worker&) = delete;
  Worker& operator=(const Worker&) = delete;

  WorkQueue& queue() { return queue_; }

 private:
  void Wake() {
    if (wake_scheduled_) return;
    wake_scheduled_ = true;
    owner_.After(sim::Duration::Zero(), [this]() {
      wake_scheduled_ = false;
      ProcessNext();
    });
  }
  void ProcessNext() {
    auto key = queue_.Get();
    if (!key) return;
    if (!ready_()) {
      queue_.Done(*key);
      queue_.AddAfter(*key, sim::Duration::Milliseconds(100));
    } else if (async_sync_) {
      async_sync_(*key, owner_.Bind([this, k = *key]() {
        queue_.Done(k);
        if (queue_.Len() > 0) Wake();
      }));
    } else {
      sync_(*key);
      queue_.Done(*key);
    }
    if (queue_.Len() > 0) Wake();
  }

  sim::Simulation& sim_;
  WorkQueue queue_;
  std::function<bool()> ready_;
  std::function<void(const std::string&)> sync_;
  AsyncSync async_sync_;
  bool wake_scheduled_ = false;
  sim::Owner owner_{sim_};
};

}  // namespace kubesim::client
