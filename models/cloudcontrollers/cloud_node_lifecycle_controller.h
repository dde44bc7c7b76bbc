// The cloud node lifecycle controller of the cloud-controller-manager (k8s.io/cloud-provider
// controllers/nodelifecycle/node_lifecycle_controller.go @ v0.32, CloudNodeLifecycleController).
// Every nodeMonitorPeriod (5 s) it looks at every Node (MonitorNodes): a Ready node loses the
// node.cloudprovider.kubernetes.io/shutdown taint if it has it; a node that is not Ready is
// deleted when the cloud no longer has its instance (event DeletingNode), or tainted
// node.cloudprovider.kubernetes.io/shutdown:NoSchedule when its instance is shut down. Pods bound
// to a deleted Node are the pod garbage collector's to remove, as upstream.
//
// Nodes that belong to no cloud (a scenario's own Nodes and nodePools, with no providerID and no
// instance) are left alone: kubesim's cloud is not their provider. (Upstream's provider would be
// asked about every node and answer for its own.)
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

class CloudNodeLifecycleController {
 public:
  // Upstream's --node-monitor-period default for this controller.
  static constexpr sim::Duration kNodeMonitorPeriod = sim::Duration::Seconds(5);

  CloudNodeLifecycleController(sim::Simulation& sim, apiserver::ApiServer& api,
                               client::SharedInformerFactory& informers, const cloud::CloudProvider& cloud,
                               client::EventRecorder recorder);
  void Start();

 private:
  void MonitorNodes();
  void SetShutdownTaint(const api::Node& node, bool present);

  sim::Simulation& sim_;
  apiserver::ApiClient api_;
  client::Informer& nodes_;
  const cloud::CloudProvider& cloud_;
  client::EventRecorder recorder_;
  sim::Owner owner_{sim_};
};

}  // namespace kubesim::cloudcontrollers
