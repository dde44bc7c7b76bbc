// EventRecorder: what a component calls to emit a Kubernetes Event (Scheduled, FailedScheduling,
// Pulled, Started, ...), as client-go's record.EventRecorder.
//
// Simplification (docs/fidelity.md): events go straight to the run's event sink instead of being
// POSTed as Event objects through the API server, so they cost no etcd writes and do not perturb
// the fingerprint of committed object writes. Their time is the simulated time of the call.
#pragma once

#include <functional>
#include <string>

#include "models/api/object.h"
#include "sim/time.h"

namespace kubesim::client {

struct RecordedEvent {
  sim::Time time;
  std::string type;    // Normal or Warning
  std::string reason;  // Scheduled, FailedScheduling, ...
  std::string object;  // Kind/namespace/name
  std::string message;
  std::string source;  // component: default-scheduler, kubelet/<node>
};

using EventSink = std::function<void(const RecordedEvent&)>;

class EventRecorder {
 public:
  EventRecorder(EventSink sink, std::string source) : sink_(std::move(sink)), source_(std::move(source)) {}
  void Event(sim::Time now, const api::Object& obj, const std::string& type, const std::string& reason,
             const std::string& message) const {
    if (sink_) sink_(RecordedEvent{now, type, reason, api::ObjectRef(obj), message, source_});
  }

 private:
  EventSink sink_;
  std::string source_;
};

}  // namespace kubesim::client
