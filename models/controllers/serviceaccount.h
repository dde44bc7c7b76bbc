// The service account controllers of kube-controller-manager (upstream
// pkg/controller/serviceaccount, v1.32).
//
// - serviceaccount-controller: every active Namespace gets the ServiceAccount `default`
//   (ServiceAccountsControllerOptions.ServiceAccounts = [{Name: default}]); it is created again
//   if deleted, and not created in a namespace that is terminating.
// - serviceaccount-token-controller: tokens_controller.h (since v1.24 it only populates and
//   cleans up Secrets users create).
#pragma once

#include <memory>
#include <string>

#include "models/apiserver/api_client.h"
#include "models/client/event_recorder.h"
#include "models/client/informer.h"
#include "models/client/shared_informer_factory.h"
#include "models/client/worker.h"
#include "sim/owner.h"
#include "sim/simulation.h"

namespace kubesim::controllers {

inline constexpr const char* kDefaultServiceAccountName = "default";

class ServiceAccountsController {
 public:
  ServiceAccountsController(sim::Simulation& sim, apiserver::ApiServer& api, client::SharedInformerFactory& informers,
                            client::EventRecorder recorder);
  void Start();

 private:
  void Sync(const std::string& ns);

  sim::Simulation& sim_;
  apiserver::ApiClient api_;
  client::EventRecorder recorder_;
  client::Informer& namespaces_;
  client::Informer& service_accounts_;
  client::Worker worker_;
  sim::Owner owner_{sim_};
};

}  // namespace kubesim::controllers
