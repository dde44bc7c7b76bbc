// Node group backoff after a failed scale-up (kubernetes/autoscaler
// cluster-autoscaler/utils/backoff/exponential_backoff.go @ 1.33): the first failure backs the
// group off for the initial duration (5 min); a failure while backed off keeps the duration; one
// after the backoff ended doubles it, up to the maximum (30 min); the entry is forgotten once the
// last failure is older than the reset timeout (3 h). A successful scale-up does not clear it.
#pragma once

#include <map>
#include <string>

#include "sim/time.h"

namespace kubesim::autoscaler {

class ExponentialBackoff {
 public:
  ExponentialBackoff(sim::Duration initial, sim::Duration max, sim::Duration reset)
      : initial_(initial), max_(max), reset_(reset) {}

  // Returns when the backoff ends.
  sim::Time Backoff(const std::string& group, sim::Time now);
  bool IsBackedOff(const std::string& group, sim::Time now) const;
  void RemoveStale(sim::Time now);

 private:
  struct Entry {
    sim::Duration duration;
    sim::Time until;
    sim::Time last_failed;
  };
  sim::Duration initial_, max_, reset_;
  std::map<std::string, Entry> entries_;
};

}  // namespace kubesim::autoscaler
