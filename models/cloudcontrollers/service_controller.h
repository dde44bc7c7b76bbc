// The service controller of the cloud-controller-manager (k8s.io/cloud-provider
// controllers/service/controller.go @ v0.32). A Service of type LoadBalancer gets a cloud load
// balancer: EnsuringLoadBalancer, the provider's EnsureLoadBalancer (which takes the provisioning
// latency), status.loadBalancer.ingress written through the status subresource, then
// EnsuredLoadBalancer. A failed sync (SyncLoadBalancerFailed) is retried with the controller's
// per-item backoff, 5 s doubling to 300 s (minRetryDelay, maxRetryDelay).
//
// Backends are the nodes that pass upstream's stableNodeSetPredicates: not being deleted, without
// the node.kubernetes.io/exclude-from-external-load-balancers label and without the
// ToBeDeletedByClusterAutoscaler taint. (v0.32 does not look at the Ready condition: a node that
// stops is dropped when the cloud node lifecycle controller deletes it.) The node set is synced
// when a Node is added or deleted, or its exclusion label or providerID changes
// (shouldSyncUpdatedNode); a taint or readiness change alone waits for the next such event, as
// upstream. A deleted LoadBalancer Service's load balancer is deleted.
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

#include "models/apiserver/api_client.h"
#include "models/client/event_recorder.h"
#include "models/client/informer.h"
#include "models/client/shared_informer_factory.h"
#include "models/cloud/cloud_provider.h"
#include "sim/owner.h"
#include "sim/simulation.h"

namespace kubesim::cloudcontrollers {

inline constexpr const char* kLabelExcludeFromExternalLoadBalancers =
    "node.kubernetes.io/exclude-from-external-load-balancers";

class ServiceController {
 public:
  static constexpr sim::Duration kMinRetryDelay = sim::Duration::Seconds(5);
  static constexpr sim::Duration kMaxRetryDelay = sim::Duration::Seconds(300);

  ServiceController(sim::Simulation& sim, apiserver::ApiServer& api, client::SharedInformerFactory& informers,
                    cloud::CloudProvider& cloud, client::EventRecorder recorder);
  void Start();

 private:
  void OnService(const api::ObjectPtr& obj);
  void OnServiceDeleted(const api::ObjectPtr& obj);
  void OnNodeChange(const api::ObjectPtr& old_obj, const api::ObjectPtr& obj);
  void SyncService(const std::string& key);
  void Retry(const std::string& key);
  void SyncNodes();
  std::vector<std::string> Backends() const;

  sim::Simulation& sim_;
  apiserver::ApiClient api_;
  client::Informer& services_;
  client::Informer& nodes_;
  cloud::CloudProvider& cloud_;
  client::EventRecorder recorder_;
  std::set<std::string> syncing_;                     // keys whose EnsureLoadBalancer is in flight
  std::map<std::string, sim::Duration> retry_delay_;  // key → next retry delay
  bool node_sync_pending_ = false;
  sim::Owner owner_{sim_};
};

}  // namespace kubesim::cloudcontrollers
