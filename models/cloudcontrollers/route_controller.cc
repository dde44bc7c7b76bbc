#include "models/cloudcontrollers/route_controller.h"

#include <set>

#include "models/api/node.h"

namespace kubesim::cloudcontrollers {

RouteController::RouteController(sim::Simulation& sim, apiserver::ApiServer& api,
                                 client::SharedInformerFactory& informers, cloud::CloudProvider& cloud,
                                 client::EventRecorder recorder)
    : sim_(sim),
      api_(sim, api, "cloud-controller-manager/route-controller"),
      nodes_(informers.For(api::Node::kKind)),
      cloud_(cloud),
      recorder_(std::move(recorder)) {}

void RouteController::Start() {
  nodes_.Start();
  // wait.NonSlidingUntil(reconcileNodeRoutes, routeReconciliationPeriod).
  owner_.Every(kRouteReconciliationPeriod, [this]() { ReconcileNodeRoutes(); });
}

void RouteController::ReconcileNodeRoutes() {
  if (!nodes_.HasSynced()) return;
  std::set<std::string> nodes;
  for (const auto& [key, obj] : nodes_.items()) {
    auto node = api::As<api::Node>(obj);
    if (!node) continue;
    nodes.insert(node->metadata.name);
    if (node->spec.pod_cidr.empty()) continue;
    auto route = cloud_.routes().find(node->metadata.name);
    bool created = route != cloud_.routes().end() && route->second == node->spec.pod_cidr;
    if (!created) {
      sim::Status st = cloud_.CreateRoute(node->metadata.name, node->spec.pod_cidr);
      created = st.ok();
      if (!st.ok()) {
        recorder_.Event(sim_.Now(), *node, "Warning", "FailedToCreateRoute",
                        "Could not create route " + node->metadata.name + " " + node->spec.pod_cidr + " for node " +
                            node->metadata.name + ": " + st.message());
      }
    }
    UpdateNetworkingCondition(*node, created);
  }
  // Routes whose node is gone.
  std::vector<std::string> stale;
  for (const auto& [node, cidr] : cloud_.routes()) {
    if (!nodes.count(node)) stale.push_back(node);
  }
  for (const auto& n : stale) (void)cloud_.DeleteRoute(n);  // a failure is retried next period
}

void RouteController::UpdateNetworkingCondition(const api::Node& node, bool route_created) {
  const std::string want = route_created ? "False" : "True";
  const api::NodeCondition* cur = node.FindCondition("NetworkUnavailable");
  if (cur != nullptr && cur->status == want) return;
  auto updated = node.DeepCopy();
  api::NodeCondition cond{"NetworkUnavailable", want, route_created ? "RouteCreated" : "NoRouteCreated", sim_.Now(),
                          sim_.Now()};
  bool replaced = false;
  for (auto& c : updated->status.conditions) {
    if (c.type == cond.type) {
      c = cond;
      replaced = true;
    }
  }
  if (!replaced) updated->status.conditions.push_back(cond);
  // A conflict is retried at the next reconciliation.
  api_.UpdateStatus(updated, nullptr);
}

}  // namespace kubesim::cloudcontrollers
