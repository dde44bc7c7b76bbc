// The namespace controller of kube-controller-manager (upstream pkg/controller/namespace,
// namespaced_resources_deleter.go, v1.32): when a Namespace is deleted the API server marks it
// Terminating; this controller deletes every namespaced object in it, kind by kind (a LIST per
// kind, then a DELETE per object, as its deleteCollection fallback), and once a pass finds
// nothing left removes the `kubernetes` spec finalizer, which lets the API server remove the
// namespace. While content remains (pods in their grace period, objects held by finalizers) it
// looks again after the time the remaining pods still need (at least 1 s; upstream
// estimateGracefulTermination).
//
// Kinds covered: the namespaced ones among those given (the cluster passes every typed kind and
// the opaque kinds its scenario stores).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "models/apiserver/api_client.h"
#include "models/client/event_recorder.h"
#include "models/client/informer.h"
#include "models/client/worker.h"
#include "sim/simulation.h"

namespace kubesim::controllers {

class NamespaceController {
 public:
  NamespaceController(sim::Simulation& sim, apiserver::ApiServer& api, client::EventRecorder recorder,
                      std::vector<std::string> kinds);
  ~NamespaceController();
  void Start();

 private:
  void Sync(const std::string& name);

  sim::Simulation& sim_;
  apiserver::ApiClient api_;
  client::EventRecorder recorder_;
  std::vector<std::string> kinds_;  // namespaced kinds, in a fixed order
  client::Informer namespaces_;
  client::Worker worker_;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace kubesim::controllers
