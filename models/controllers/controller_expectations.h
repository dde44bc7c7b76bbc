// ControllerExpectations: the creations and deletions a controller has asked the API server for
// and not yet seen come back through its informer (kubernetes/kubernetes
// pkg/controller/controller_utils.go @ v1.32, ControllerExpectations and ControlleeExpectations).
// A controller acts on a key again only once its expectations are satisfied, so a sync that runs
// before its own writes are observed does not create or delete the same pods twice.
//
// Upstream's API, with two changes of form: the simulated clock stands in for clock.RealClock
// (the record's timestamp is the Simulation's Now() when it is set, and it expires against
// Now()), and nothing returns an error (the store is a map, not a cache.Store).
//
// As upstream, Lower/CreationObserved/DeletionObserved may take a count below zero: more
// observations than expected ("surpassed") still satisfy the record.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <utility>

#include "sim/simulation.h"
#include "sim/time.h"

namespace kubesim::controllers {

// Upstream ExpectationsTimeout: expectations that were not observed within this long no longer
// hold a controller back (a lost watch event must not stall it forever).
inline constexpr sim::Duration kExpectationsTimeout = sim::Duration::Minutes(5);

// One controller's pending adds and deletes (upstream ControlleeExpectations).
class ControlleeExpectations {
 public:
  ControlleeExpectations(int64_t add, int64_t del, sim::Time timestamp) : add_(add), del_(del), timestamp_(timestamp) {}

  // Increments both counters (negative values lower them).
  void Add(int64_t add, int64_t del) {
    add_ += add;
    del_ += del;
  }
  // Every expected add and delete has been observed.
  bool Fulfilled() const { return add_ <= 0 && del_ <= 0; }
  // (adds, dels) still expected.
  std::pair<int64_t, int64_t> GetExpectations() const { return {add_, del_}; }
  sim::Time timestamp() const { return timestamp_; }
  // Upstream isExpired: set more than ExpectationsTimeout before `now`.
  bool IsExpired(sim::Time now) const { return now - timestamp_ > kExpectationsTimeout; }

 private:
  int64_t add_;
  int64_t del_;
  sim::Time timestamp_;
};

class ControllerExpectations {
 public:
  // `sim` is the clock; it must outlive the expectations.
  explicit ControllerExpectations(const sim::Simulation& sim) : sim_(sim) {}

  // The record of `key`, or null when there is none (upstream's exists = false).
  const ControlleeExpectations* GetExpectations(const std::string& key) const;
  // True when the record of `key` is fulfilled or expired, or when there is none (a controller
  // that never set expectations, or whose record was deleted, syncs).
  bool SatisfiedExpectations(const std::string& key) const;
  void DeleteExpectations(const std::string& key);
  // Replaces the record of `key` with `add` and `del`, stamped now. Forgets the old counts.
  void SetExpectations(const std::string& key, int64_t add, int64_t del);
  void ExpectCreations(const std::string& key, int64_t adds) { SetExpectations(key, adds, 0); }
  void ExpectDeletions(const std::string& key, int64_t dels) { SetExpectations(key, 0, dels); }
  // Lower/raise the counts of an existing record; no-ops without one. The timestamp stays.
  void LowerExpectations(const std::string& key, int64_t add, int64_t del);
  void RaiseExpectations(const std::string& key, int64_t add, int64_t del);
  void CreationObserved(const std::string& key) { LowerExpectations(key, 1, 0); }
  void DeletionObserved(const std::string& key) { LowerExpectations(key, 0, 1); }

 private:
  const sim::Simulation& sim_;
  std::map<std::string, ControlleeExpectations> store_;
};

}  // namespace kubesim::controllers
