#include "models/cloudcontrollers/cloud_controller_manager.h"

namespace kubesim::cloudcontrollers {

CloudControllerManager::CloudControllerManager(sim::Simulation& sim, apiserver::ApiServer& api,
                                               cloud::CloudProvider& cloud, client::EventSink sink)
    : informers_(sim, api, "cloud-controller-manager"),
      node_(sim, api, informers_, cloud, client::EventRecorder(sink, "cloud-node-controller")),
      node_lifecycle_(sim, api, informers_, cloud, client::EventRecorder(sink, "cloud-node-lifecycle-controller")),
      service_(sim, api, informers_, cloud, client::EventRecorder(sink, "service-controller")) {
  if (cloud.config().routes) {
    route_ =
        std::make_unique<RouteController>(sim, api, informers_, cloud, client::EventRecorder(sink, "route_controller"));
  }
}

void CloudControllerManager::Start() {
  node_.Start();
  node_lifecycle_.Start();
  service_.Start();
  if (route_) route_->Start();
}

}  // namespace kubesim::cloudcontrollers
