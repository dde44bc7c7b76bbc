// The namespace controller of kube-controller-manager (upstream pkg/controller/namespace,
// namespaced_resources_deleter.go, v1.32): when a Namespace is deleted the API server marks it
// Terminating; this controller deletes every namespaced object in it, kind by kind (a LIST per
// kind, then a DELETE per object, as its deleteCollection fallback), and once a pass finds
// nothing left removes the `kubernetes` spec finalizer, which lets the API server remove the
// namespace. While content remains it looks again: after the time the remaining pods still need
// (upstream estimateGracefulTermination), or, when nothing gives an estimate (objects held by
// finalizers), with upstream nsControllerRateLimiter's backoff (5 ms doubling, at most 60 s).
// Namespace events are handled namespaceDeletionGracePeriod (5 s) after they are seen.
//
// Kinds covered: the namespaced ones among those given (the cluster passes every typed kind and
// the opaque kinds its scenario stores).
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "models/apiserver/api_client.h"
#include "models/client/event_recorder.h"
#include "models/client/informer.h"
#include "models/client/shared_informer_factory.h"
#include "models/client/worker.h"
#include "sim/owner.h"
#include "sim/simulation.h"

namespace kubesim::controllers {

class NamespaceController {
 public:
  static constexpr sim::Duration kNamespaceDeletionGracePeriod = sim::Duration::Seconds(5);
  static constexpr sim::Duration kMaxRetryDelay = sim::Duration::Seconds(60);

  NamespaceController(sim::Simulation& sim, apiserver::ApiServer& api, client::SharedInformerFactory& informers,
                      client::EventRecorder recorder, std::vector<std::string> kinds);
  void Start();

 private:
  void Sync(const std::string& name);

  sim::Simulation& sim_;
  apiserver::ApiClient api_;
  client::EventRecorder recorder_;
  std::vector<std::string> kinds_;  // namespaced kinds, in a fixed order
  client::Informer& namespaces_;
  client::Worker worker_;
  std::map<std::string, int> failures_;  // namespace → passes that found content left
  sim::Owner owner_{sim_};
};

}  // namespace kubesim::controllers
