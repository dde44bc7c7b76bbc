// The disruption controller of kube-controller-manager (upstream pkg/controller/disruption,
// v1.32): keeps each PodDisruptionBudget's status — expectedPods, desiredHealthy,
// currentHealthy, disruptionsAllowed, observedGeneration, disruptedPods and the
// DisruptionAllowed condition — from the pods its selector picks, written through the status
// subresource. Scheduler preemption reads disruptionsAllowed and disruptedPods.
//
// As upstream trySync / getExpectedPodCount:
// - minAvailable as an int: desiredHealthy = minAvailable, expectedPods = the selected pods;
// - minAvailable as a percent, or maxUnavailable: expectedPods = the sum of the scales of the
//   pods' controllers, each counted once (ReplicaSet replicas, or its Deployment's when a
//   Deployment controls it); percentages are rounded up (GetScaledValueFromIntOrPercent with
//   roundUp); desiredHealthy = ceil(minAvailable% × expected), or expected − maxUnavailable;
//   pods without a controller are left out and reported once per sync (UnmanagedPods event);
// - currentHealthy = selected pods Ready, not being deleted and not in disruptedPods;
// - disruptionsAllowed = max(0, currentHealthy − desiredHealthy), 0 when expectedPods is 0;
// - disruptedPods entries go once the pod is being deleted or after DeletionTimeout (2 min), and
//   the budget is synced again when the next entry would expire.
// A selector that is absent selects no pod; an empty one ({}) selects every pod of the
// namespace (policy/v1).
//
// Not modelled: StatefulSet and ReplicationController scales and the scale subresource of
// custom controllers (their pods count as unmanaged), the stale DisruptionTarget condition
// clean-up.
#pragma once

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
#include "models/controllers/controller_utils.h"
#include "sim/owner.h"
#include "sim/simulation.h"

namespace kubesim::controllers {

// Upstream DeletionTimeout: how long a disruptedPods entry waits for the pod's deletion.
inline constexpr sim::Duration kDisruptionDeletionTimeout = sim::Duration::Minutes(2);

class DisruptionController {
 public:
  DisruptionController(sim::Simulation& sim, apiserver::ApiServer& api, client::SharedInformerFactory& informers,
                       client::EventRecorder recorder);
  void Start();

 private:
  void OnPod(const api::ObjectPtr& obj);
  void Sync(const std::string& key);
  // The scale of a pod's controller, with its UID; false when the pod has none we know.
  bool ControllerScale(const api::Pod& pod, std::string* uid, int32_t* scale) const;

  sim::Simulation& sim_;
  apiserver::ApiClient api_;
  client::EventRecorder recorder_;
  client::Informer& pdbs_;
  client::Informer& pods_;
  client::Informer& replicasets_;
  client::Informer& deployments_;
  client::Informer& statefulsets_;
  client::PodDisruptionBudgetLister pdb_lister_;
  client::PodLister pod_lister_;
  client::Worker worker_;
  sim::Owner owner_{sim_};
};

}  // namespace kubesim::controllers
