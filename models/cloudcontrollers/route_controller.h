// The route controller of the cloud-controller-manager (k8s.io/cloud-provider
// controllers/route/route_controller.go @ v0.32), run when the scenario's cloud has `routes`
// (--configure-cloud-routes). Every routeReconciliationPeriod (10 s, reconcileNodeRoutes) it
// creates a cloud route for each Node's podCIDR that has none and deletes the routes of Nodes that
// are gone; a route it cannot create (a full route table, a cloud error) is reported with
// FailedToCreateRoute. Each Node's NetworkUnavailable condition then says whether its route exists
// (False, RouteCreated, "RouteController created a route") or not (True, NoRouteCreated,
// "RouteController failed to create a route"), written only when it changes. The node lifecycle
// controller taints a node whose network is unavailable node.kubernetes.io/network-unavailable,
// so the scheduler keeps pods off it. Nodes without a podCIDR are skipped (nothing to route yet).
#pragma once

#include <string>

#include "models/apiserver/api_client.h"
#include "models/client/event_recorder.h"
#include "models/client/informer.h"
#include "models/client/shared_informer_factory.h"
#include "models/cloud/cloud_provider.h"
#include "sim/owner.h"
#include "sim/simulation.h"

namespace kubesim::cloudcontrollers {

class RouteController {
 public:
  static constexpr sim::Duration kRouteReconciliationPeriod = sim::Duration::Seconds(10);

  RouteController(sim::Simulation& sim, apiserver::ApiServer& api, client::SharedInformerFactory& informers,
                  cloud::CloudProvider& cloud, client::EventRecorder recorder);
  void Start();

 private:
  void ReconcileNodeRoutes();
  void UpdateNetworkingCondition(const api::Node& node, bool route_created);

  sim::Simulation& sim_;
  apiserver::ApiClient api_;
  client::Informer& nodes_;
  cloud::CloudProvider& cloud_;
  client::EventRecorder recorder_;
  sim::Owner owner_{sim_};
};

}  // namespace kubesim::cloudcontrollers
