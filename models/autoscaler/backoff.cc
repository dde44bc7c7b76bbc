#include "models/autoscaler/backoff.h"

#include <algorithm>

namespace kubesim::autoscaler {

sim::Time ExponentialBackoff::Backoff(const std::string& group, sim::Time now) {
  auto it = entries_.find(group);
  sim::Duration d = initial_;
  if (it != entries_.end()) {
    d = it->second.duration;
    if (now > it->second.until) d = std::min(d * 2, max_);
  }
  Entry& e = entries_[group];
  e.duration = d;
  e.until = now + d;
  e.last_failed = now;
  return e.until;
}

bool ExponentialBackoff::IsBackedOff(const std::string& group, sim::Time now) const {
  auto it = entries_.find(group);
  return it != entries_.end() && now < it->second.until;
}

void ExponentialBackoff::RemoveStale(sim::Time now) {
  for (auto it = entries_.begin(); it != entries_.end();) {
    if (it->second.last_failed + reset_ < now) {
      it = entries_.erase(it);
    } else {
      ++it;
    }
  }
}

}  // namespace kubesim::autoscaler
