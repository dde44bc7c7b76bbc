// The service account controllers of kube-controller-manager (upstream
// pkg/controller/serviceaccount, v1.32).
//
// - serviceaccount-controller: every active Namespace gets the ServiceAccount `default`
//   (ServiceAccountsControllerOptions.ServiceAccounts = [{Name: default}]); it is created again
//   if deleted, and not created in a namespace that is terminating.
// - serviceaccount-token-controller: NOT MODELLED, on purpose. Since v1.24
//   (LegacyServiceAccountTokenNoAutoGeneration, GA in v1.26) no Secret is created for a service
//   account; pods get short-lived bound tokens through the TokenRequest API, which the kubelet
//   requests for the projected volume. No simulated component consumes tokens, so kubesim writes
//   nothing for them; user-created Secrets of type kubernetes.io/service-account-token are kept
//   opaque and not populated (docs/fidelity.md).
#pragma once

#include <memory>
#include <string>

#include "models/apiserver/api_client.h"
#include "models/client/event_recorder.h"
#include "models/client/informer.h"
#include "models/client/shared_informer_factory.h"
#include "models/client/worker.h"
#include "sim/simulation.h"

namespace kubesim::controllers {

inline constexpr const char* kDefaultServiceAccountName = "default";

class ServiceAccountsController {
 public:
  ServiceAccountsController(sim::Simulation& sim, apiserver::ApiServer& api, client::SharedInformerFactory& informers, client::EventRecorder recorder);
  ~ServiceAccountsController();
  void Start();

 private:
  void Sync(const std::string& ns);

  sim::Simulation& sim_;
  apiserver::ApiClient api_;
  client::EventRecorder recorder_;
  client::Informer& namespaces_;
  client::Informer& service_accounts_;
  client::Worker worker_;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace kubesim::controllers
