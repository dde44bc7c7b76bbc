// cloud-controller-manager: the cloud's controllers on one process's shared informers
// (k8s.io/cloud-provider app/controllermanager.go @ v0.32), run when the scenario has a `cloud`.
// kubesim runs the cloud node controller, the cloud node lifecycle controller, the service
// controller and, when the cloud routes pod traffic (spec.cloud.routes), the route controller.
#pragma once

#include <memory>

#include "models/client/event_recorder.h"
#include "models/client/shared_informer_factory.h"
#include "models/cloud/cloud_provider.h"
#include "models/cloudcontrollers/cloud_node_controller.h"
#include "models/cloudcontrollers/cloud_node_lifecycle_controller.h"
#include "models/cloudcontrollers/route_controller.h"
#include "models/cloudcontrollers/service_controller.h"

namespace kubesim::cloudcontrollers {

class CloudControllerManager {
 public:
  CloudControllerManager(sim::Simulation& sim, apiserver::ApiServer& api, cloud::CloudProvider& cloud,
                         client::EventSink sink);
  void Start();

 private:
  client::SharedInformerFactory informers_;
  CloudNodeController node_;
  CloudNodeLifecycleController node_lifecycle_;
  ServiceController service_;
  std::unique_ptr<RouteController> route_;  // null without spec.cloud.routes
};

}  // namespace kubesim::cloudcontrollers
