// The node IPAM controller's range allocator (kube-controller-manager `node-ipam-controller`,
// kubernetes/kubernetes pkg/controller/nodeipam/ipam/range_allocator.go @ v1.32), active with
// --allocate-node-cidrs (spec.controllerManager.allocateNodeCIDRs): each Node without a podCIDR
// gets the lowest free block of --node-cidr-mask-size bits from --cluster-cidr; a deleted Node's
// block is released. When the range is exhausted the Node keeps none and the event
// CIDRNotAvailable says so. The cloud route controller routes each Node's block.
#pragma once

#include <map>
#include <set>
#include <string>

#include "models/apiserver/api_client.h"
#include "models/client/event_recorder.h"
#include "models/client/informer.h"
#include "models/client/shared_informer_factory.h"
#include "models/controllers/node_ipam_config.h"
#include "sim/owner.h"
#include "sim/simulation.h"

namespace kubesim::controllers {

class NodeIpamController {
 public:
  NodeIpamController(sim::Simulation& sim, apiserver::ApiServer& api, client::SharedInformerFactory& informers,
                     client::EventRecorder recorder, NodeIpamConfig config);
  void Start();

 private:
  void OnNode(const api::ObjectPtr& obj);
  void OnNodeDeleted(const api::ObjectPtr& obj);
  void Allocate(const std::string& node);

  sim::Simulation& sim_;
  apiserver::ApiClient api_;
  client::Informer& nodes_;
  client::EventRecorder recorder_;
  NodeIpamConfig config_;
  std::map<std::string, int64_t> used_;  // node → block index
  std::set<int64_t> taken_;
  std::set<std::string> pending_;  // allocations in flight
  sim::Owner owner_{sim_};
};

}  // namespace kubesim::controllers
