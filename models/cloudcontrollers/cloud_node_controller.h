// The cloud node controller of the cloud-controller-manager (k8s.io/cloud-provider
// controllers/node/node_controller.go @ v0.32, CloudNodeController). A Node registered by a
// kubelet with --cloud-provider=external carries the node.cloudprovider.kubernetes.io/uninitialized
// taint, so nothing schedules there until this controller has asked the cloud for the instance's
// metadata and written it to the Node: spec.providerID, status.addresses, and the labels
// node.kubernetes.io/instance-type, topology.kubernetes.io/zone and topology.kubernetes.io/region
// (with their beta twins) — then it removes the taint (syncNode → initializeNode). It records
// the event Synced "Node synced successfully". A Node whose instance the cloud does not know is
// retried with the workqueue's rate limit.
#pragma once

#include <string>

#include "models/apiserver/api_client.h"
#include "models/client/event_recorder.h"
#include "models/client/informer.h"
#include "models/client/shared_informer_factory.h"
#include "models/client/worker.h"
#include "models/cloud/cloud_provider.h"
#include "sim/owner.h"
#include "sim/simulation.h"

namespace kubesim::cloudcontrollers {

class CloudNodeController {
 public:
  CloudNodeController(sim::Simulation& sim, apiserver::ApiServer& api, client::SharedInformerFactory& informers,
                      const cloud::CloudProvider& cloud, client::EventRecorder recorder);
  void Start();

 private:
  void Enqueue(const api::ObjectPtr& obj);
  void SyncNode(const std::string& name);

  sim::Simulation& sim_;
  apiserver::ApiClient api_;
  client::Informer& nodes_;
  const cloud::CloudProvider& cloud_;
  client::EventRecorder recorder_;
  client::Worker worker_;
  sim::Owner owner_{sim_};
};

}  // namespace kubesim::cloudcontrollers
