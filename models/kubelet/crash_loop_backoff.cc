#include "models/kubelet/crash_loop_backoff.h"

#include <algorithm>

namespace kubesim::kubelet {

void CrashLoopBackoff::Next(const std::string& id, sim::Time now) {
  auto it = entries_.find(id);
  if (it == entries_.end() || HasExpired(now, it->second.last_update)) {
    entries_[id] = Entry{initial_, now};
    return;
  }
  it->second.backoff = std::min(it->second.backoff * 2, max_);
  it->second.last_update = now;
}

bool CrashLoopBackoff::IsInBackOffSince(const std::string& id, sim::Time finished_at, sim::Time now) const {
  auto it = entries_.find(id);
  if (it == entries_.end()) return false;
  // hasExpired(eventTime, lastUpdate, max): a container that ran long enough is not held back.
  if (HasExpired(finished_at, it->second.last_update)) return false;
  return now - finished_at < it->second.backoff;
}

bool CrashLoopBackoff::IsInBackOffSinceUpdate(const std::string& id, sim::Time now) const {
  auto it = entries_.find(id);
  if (it == entries_.end()) return false;
  if (HasExpired(now, it->second.last_update)) return false;
  return now - it->second.last_update < it->second.backoff;
}

sim::Duration CrashLoopBackoff::Get(const std::string& id) const {
  auto it = entries_.find(id);
  return it == entries_.end() ? sim::Duration::Zero() : it->second.backoff;
}

void CrashLoopBackoff::Forget(const std::string& prefix) {
  for (auto it = entries_.lower_bound(prefix);
       it != entries_.end() && it->first.compare(0, prefix.size(), prefix) == 0;) {
    it = entries_.erase(it);
  }
}

}  // namespace kubesim::kubelet
