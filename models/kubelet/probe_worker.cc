#include "models/kubelet/probe_worker.h"

namespace kubesim::kubelet {

const char* ProbeTypeName(ProbeType type) {
  return type == ProbeType::kReadiness ? "Readiness" : type == ProbeType::kLiveness ? "Liveness" : "Startup";
}

ProbeWorker::ProbeWorker(ProbeType type) : type_(type), success_(type == ProbeType::kLiveness) {}

ProbeWorker::Action ProbeWorker::Record(bool success, int32_t success_threshold, int32_t failure_threshold) {
  bool before = success_;
  if (success) {
    failures_ = 0;
    if (++successes_ >= success_threshold) success_ = true;
  } else {
    successes_ = 0;
    if (++failures_ >= failure_threshold) success_ = false;
    // Liveness starts as success, startup as not started: the threshold must be reached before a
    // failure counts.
    if (failures_ < failure_threshold && type_ != ProbeType::kReadiness) return Action::kNone;
  }
  if (type_ == ProbeType::kReadiness) return success_ != before ? Action::kChanged : Action::kNone;
  if (success) return type_ == ProbeType::kStartup && success_ ? Action::kStarted : Action::kNone;
  // Failed failureThreshold times in a row: the container is to be restarted; stop probing it
  // until a new instance runs (kubernetes/kubernetes #21751: exec into a stopping container).
  on_hold_ = true;
  return Action::kKill;
}

}  // namespace kubesim::kubelet
