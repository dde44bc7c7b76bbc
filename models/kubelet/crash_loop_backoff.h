// Container restart back-off: client-go `flowcontrol.Backoff` as the kubelet uses it for
// CrashLoopBackOff (kubernetes/client-go util/flowcontrol/backoff.go @ v0.32;
// kubernetes/kubernetes pkg/kubelet/kubelet.go @ v1.32, containerBackOffPeriod and
// MaxContainerBackOff): NewBackOff(10 s, 300 s) without jitter, one entry per pod and container.
// The first restart is immediate; each later one waits twice the previous delay up to the cap; an
// entry whose last update is more than 2 × cap (600 s) older than the container's exit is
// forgotten, so a container that ran ~10 min starts again from 10 s.
#pragma once

#include <map>
#include <string>

#include "sim/time.h"

namespace kubesim::kubelet {

class CrashLoopBackoff {
 public:
  CrashLoopBackoff(sim::Duration initial, sim::Duration max) : initial_(initial), max_(max) {}

  // As upstream `Backoff.Next(id, now)`: called when the kubelet (re)starts the container.
  void Next(const std::string& id, sim::Time now);
  // As upstream `IsInBackOffSince(id, finishedAt)`: true while now − finished_at < current delay.
  bool IsInBackOffSince(const std::string& id, sim::Time finished_at, sim::Time now) const;
  // The current delay of the entry (zero if none): what the CrashLoopBackOff message reports.
  sim::Duration Get(const std::string& id) const;
  // As upstream `IsInBackOffSinceUpdate(id, now)` (the image puller's check): true while
  // now − last update < current delay.
  bool IsInBackOffSinceUpdate(const std::string& id, sim::Time now) const;
  void Forget(const std::string& prefix);  // every entry whose id starts with prefix

 private:
  struct Entry {
    sim::Duration backoff;
    sim::Time last_update;
  };
  bool HasExpired(sim::Time event_time, sim::Time last_update) const { return event_time - last_update > max_ * 2; }

  sim::Duration initial_;
  sim::Duration max_;
  std::map<std::string, Entry> entries_;
};

}  // namespace kubesim::kubelet
