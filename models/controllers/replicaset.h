// The ReplicaSet controller of kube-controller-manager (kubernetes/kubernetes
// pkg/controller/replicaset/replica_set.go @ v1.32, manageReplicas): keeps the number of active
// pods a ReplicaSet controls equal to spec.replicas. Creations go out in slow-start batches (1, 2,
// 4, …, at most burstReplicas = 500 per sync), deletions pick pods in upstream's
// ActivePodsWithRanks order, and expectations keep a ReplicaSet from being synced again until its
// last creations and deletions have been observed (or 5 minutes passed).
//
// Status (replicas, fullyLabeledReplicas, readyReplicas, availableReplicas with minReadySeconds,
// observedGeneration) is written through the status subresource when it changes. Its counts are
// kept from pod events (ReplicaSetPodCounts) rather than recounted over every pod on each sync,
// except while orphans wait for adoption or minReadySeconds makes availability a matter of time.
//
// Orphaned pods (no controller ownerReference) that match a ReplicaSet's selector are adopted
// (upstream PodControllerRefManager.ClaimPods): the controller sets itself as their controller
// owner and counts them from that sync on. Not yet: releasing owned pods that stop matching.
#pragma once

#include <functional>
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
#include "models/controllers/controller_expectations.h"
#include "models/controllers/replicaset_pod_counts.h"
#include "sim/owner.h"
#include "sim/simulation.h"

namespace kubesim::controllers {

class ReplicaSetController {
 public:
  static constexpr int kBurstReplicas = 500;
  static constexpr int kSlowStartInitialBatchSize = 1;

  ReplicaSetController(sim::Simulation& sim, apiserver::ApiServer& api, client::SharedInformerFactory& informers,
                       client::EventRecorder recorder);

  void Start();

 private:
  void OnPod(const api::ObjectPtr& obj, bool added, bool deleted);
  // Holds the key until manageReplicas' requests and the status write answered (`done`), as
  // upstream's worker is blocked in them: pod events meanwhile coalesce into one more sync.
  void Sync(const std::string& key, std::function<void()> done);
  // The pod with this ReplicaSet as its controller owner (the write is sent), or null if the
  // ReplicaSet may not adopt it.
  std::shared_ptr<const api::Pod> Adopt(const api::ReplicaSet& rs, std::shared_ptr<const api::Pod> pod);
  // `then` runs once every create (slowStartBatch) or delete it sent has answered.
  void ManageReplicas(const std::string& key, std::shared_ptr<const api::ReplicaSet> rs,
                      std::vector<std::shared_ptr<const api::Pod>> active, std::function<void()> then);
  // The active pods `rs` controls, adopting the orphans it may adopt (upstream ClaimPods).
  std::vector<std::shared_ptr<const api::Pod>> ActivePods(const api::ReplicaSet& rs);
  void UpdateStatus(const std::string& key, const api::ReplicaSet& rs, const ReplicaSetPodCountsValue& counts,
                    int32_t available, std::function<void()> done);
  void CreateBatch(const std::string& key, std::shared_ptr<const api::ReplicaSet> rs, int remaining, int batch,
                   std::function<void()> then);
  std::map<std::string, int> RelatedActivePodsPerNode(const api::ReplicaSet& rs,
                                                      const std::vector<std::shared_ptr<const api::Pod>>& own) const;

  sim::Simulation& sim_;
  apiserver::ApiClient api_;
  client::EventRecorder recorder_;
  client::Informer& replicasets_;
  client::Informer& pods_;
  client::ReplicaSetLister rs_lister_;
  client::PodLister pod_lister_;
  client::Worker worker_;
  ControllerExpectations expectations_{sim_};  // by ReplicaSet key
  ReplicaSetPodCounts pod_counts_;
  sim::Owner owner_{sim_};
};

}  // namespace kubesim::controllers
