#include "models/scheduler/plugins/default_binder.h"

namespace kubesim::scheduler {

void DefaultBinder::Bind(const api::Pod& pod, const std::string& node, std::function<void(Status)> done) {
  if (!api_) {
    done(Status::Error("DefaultBinder has no API server to bind through"));
    return;
  }
  api_->Bind(pod.metadata.namespace_, pod.metadata.name, pod.metadata.uid, node,
             [done = std::move(done)](const apiserver::Response& r) {
               done(r.ok() ? Status::Success() : Status::Error(r.message));
             });
}

}  // namespace kubesim::scheduler
