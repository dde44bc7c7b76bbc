// DefaultBinder (upstream plugins/defaultbinder): POSTs a Binding of the pod to the chosen node to
// the pods/binding subresource through the API server (kubernetes/kubernetes
// pkg/scheduler/framework/plugins/defaultbinder/default_binder.go @ v1.32).
#pragma once

#include <functional>
#include <optional>

#include "models/apiserver/api_client.h"
#include "models/scheduler/framework.h"

namespace kubesim::scheduler {

class BindPlugin : public virtual Plugin {
 public:
  // Calls `done` with the outcome once the API server answered.
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
