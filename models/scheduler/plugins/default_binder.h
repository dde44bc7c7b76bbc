// DefaultBinder (upstream plugins/defaultbinder): POSTs a Binding of the pod to the chosen node to
// the pods/binding subresource through the API server (kubernetes/kubernetes
// pkg/scheduler/framework/plugins/defaultbinder/default_binder.go @ v1.32).
#pragma once

#include <functional>
#include <optional>

#include "models/apiserver/api_client.h"
#include "models/scheduler/framework.h"

namespace kubesim::scheduler {

// The Bind extension point (upstream BindPlugin). kubesim runs only the first bind plugin of a
// profile: upstream's Skip hand-over to the next binder is not modelled.
class BindPlugin : public virtual Plugin {
 public:
  // Starts binding the assumed `pod` (spec.nodeName already `node`) and calls `done` exactly once
  // with the outcome: Success once the binding is stored, Error otherwise (conflict, pod gone, no
  // API server). `done` normally runs from the API response's event, after the bind latency; a
  // binder that fails before sending anything may call it before Bind returns, so callers must
  // not hold state that `done` changes across the call. Success does not mean the informers have
  // seen the bound pod yet: the scheduler cache keeps the pod assumed until they do. `pod` is
  // valid only during the call. The binding cycle runs after the scheduling cycle's instant, so
  // the snapshot must not be read here (upstream Handle.SnapshotSharedLister: not in the binding
  // cycle).
  virtual void Bind(const api::Pod& pod, const std::string& node, std::function<void(Status)> done) = 0;
};

class DefaultBinder : public BindPlugin {
 public:
  static constexpr const char* kName = "DefaultBinder";
  // `api` may be null (no cluster): Bind then fails.
  explicit DefaultBinder(const apiserver::ApiClient* api)
      : api_(api ? std::optional<apiserver::ApiClient>(*api) : std::nullopt) {}
  std::string Name() const override { return kName; }
  void Bind(const api::Pod& pod, const std::string& node, std::function<void(Status)> done) override;

 private:
  std::optional<apiserver::ApiClient> api_;
};

}  // namespace kubesim::scheduler
