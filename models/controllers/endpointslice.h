// The EndpointSlice controller of kube-controller-manager (kubernetes/kubernetes
// pkg/controller/endpointslice/endpointslice_controller.go and
// staging/src/k8s.io/endpointslice/reconciler.go @ v1.32): for every Service with a selector, the
// EndpointSlices (discovery.k8s.io/v1, address type IPv4) listing the pods the selector picks.
//
// - A pod is listed once it is bound and running (standing in for "has a pod IP": kubesim models
//   no pod networking) and until it is terminal; a pod being deleted stays listed with
//   terminating=true (upstream ShouldPodBeInEndpoints with includeTerminating).
// - Conditions: ready = Ready condition True and not terminating (always true with
//   publishNotReadyAddresses); serving = Ready condition True; terminating = deletionTimestamp set.
// - nodeName from the pod, zone from its node's `topology.kubernetes.io/zone` label.
// - At most maxEndpointsPerSlice (100) endpoints per slice, placed as upstream's reconciler does:
//   an endpoint stays in its slice; new ones fill slices being written anyway (fullest first),
//   then an unchanged slice that can take them all, then new slices; empty slices are deleted
//   except one placeholder for a Service without endpoints. Slices are named `<service>-<suffix>`
//   (generateName), labelled `kubernetes.io/service-name` and
//   `endpointslice.kubernetes.io/managed-by: endpointslice-controller.k8s.io`, owned by the
//   Service (so the garbage collector removes them with it).
// - endpointUpdatesBatchPeriod 0 (the default): a pod change syncs its Services at once.
//
// Simplifications (docs/fidelity.md): new endpoints are placed in pod-name order (upstream: Go
// map order); addresses are kubesim's stand-in pod IPs (10.x.y.z from the pod UID's counter); Service ports
// are not modelled, so slices carry no ports.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "models/api/kinds.h"
#include "models/apiserver/api_client.h"
#include "models/client/event_recorder.h"
#include "models/client/informer.h"
#include "models/client/listers.h"
#include "models/client/shared_informer_factory.h"
#include "models/client/worker.h"
#include "sim/owner.h"
#include "sim/simulation.h"

namespace kubesim::controllers {

inline constexpr const char* kLabelServiceName = "kubernetes.io/service-name";
inline constexpr const char* kLabelManagedBy = "endpointslice.kubernetes.io/managed-by";
inline constexpr const char* kEndpointSliceControllerName = "endpointslice-controller.k8s.io";
inline constexpr const char* kLabelTopologyZone = "topology.kubernetes.io/zone";

// kubesim's stand-in for a pod's IP, derived from the counter in its UID.
std::string PodAddress(const api::Pod& pod);

class EndpointSliceController {
 public:
  // Upstream --max-endpoints-per-slice default.
  static constexpr size_t kMaxEndpointsPerSlice = 100;

  EndpointSliceController(sim::Simulation& sim, apiserver::ApiServer& api, client::SharedInformerFactory& informers,
                          client::EventRecorder recorder);
  void Start();

 private:
  void OnPod(const api::ObjectPtr& obj);
  void Sync(const std::string& key);

  sim::Simulation& sim_;
  apiserver::ApiClient api_;
  client::EventRecorder recorder_;
  client::Informer& services_;
  client::Informer& pods_;
  client::Informer& nodes_;
  client::Informer& slices_;
  client::ServiceLister service_lister_;
  client::PodLister pod_lister_;
  client::EndpointSliceLister slice_lister_;
  client::Worker worker_;
  std::map<std::string, int> pending_creates_;  // Service key → slice creates not yet in the cache
  sim::Owner owner_{sim_};
};

}  // namespace kubesim::controllers
