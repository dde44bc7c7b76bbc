// One probe of one container instance: upstream's prober worker after the probe ran
// (kubernetes/kubernetes pkg/kubelet/prober/worker.go @ v1.32, doProbe from `if w.lastResult ==
// result`) together with its entry in the results cache (pkg/kubelet/prober/results). A result
// settles after successThreshold consecutive successes or failureThreshold consecutive failures; a
// liveness or startup probe that settles on failure puts the worker on hold until the container is
// replaced.
//
// A ProbeWorker is a value with no clock and no pod: the probe manager (prober_manager.h) decides
// when to probe and what the probe returned, and acts on what Record() says. A new container
// instance gets a new ProbeWorker (upstream: a new container ID resets the result to its initial
// value and lifts the hold).
//
// Invariants: on_hold() ⇒ the type is liveness or startup and the settled result is failure.
#pragma once

#include <cstdint>

namespace kubesim::kubelet {

enum class ProbeType { kReadiness, kLiveness, kStartup };

// "Readiness", "Liveness", "Startup": as the kubelet's Unhealthy events name the probe.
const char* ProbeTypeName(ProbeType type);

class ProbeWorker {
 public:
  // What one recorded result asks of the probe manager.
  enum class Action {
    kNone,     // below its threshold, or the settled result is unchanged
    kChanged,  // readiness: the settled result changed; the pod status must be written
    kStarted,  // startup: settled on success; the container has started
    kKill,     // liveness or startup: settled on failure; the container must be killed (on hold now)
  };

  // The initial result (upstream initialValue): readiness failure, liveness success, startup
  // failure (upstream Unknown, which holds liveness and readiness back just as a failure does).
  explicit ProbeWorker(ProbeType type);

  // Records one probe result under the probe's thresholds.
  // REQUIRES: !on_hold(); success_threshold >= 1; failure_threshold >= 1.
  Action Record(bool success, int32_t success_threshold, int32_t failure_threshold);

  ProbeType type() const { return type_; }
  // The settled result (upstream results.Manager.Get).
  bool success() const { return success_; }
  // Liveness or startup failed: no more probes of this container instance.
  bool on_hold() const { return on_hold_; }

 private:
  ProbeType type_;
  int32_t successes_ = 0;  // consecutive
  int32_t failures_ = 0;   // consecutive
  bool success_;
  bool on_hold_ = false;
};

}  // namespace kubesim::kubelet
