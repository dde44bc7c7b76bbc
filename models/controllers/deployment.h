// The Deployment controller of kube-controller-manager (kubernetes/kubernetes
// pkg/controller/deployment @ v1.32: deployment_controller.go, rolling.go, recreate.go, sync.go).
// Each Deployment owns a ReplicaSet per pod template, named `<deployment>-<pod-template-hash>`
// with the hash label added to its selector and template. RollingUpdate scales the new ReplicaSet
// up within maxSurge and old ones down within maxUnavailable (upstream rounding: surge up,
// unavailable down); Recreate scales old ones to zero and waits for their pods to be gone before
// starting the new one. Revisions are kept in the `deployment.kubernetes.io/revision` annotations,
// old ReplicaSets beyond revisionHistoryLimit are deleted, a change of replicas during a rollout
// is spread over the ReplicaSets proportionally, and the status (replicas, updated, ready,
// available, Available and Progressing conditions with progressDeadlineSeconds) is what
// `kubectl rollout status` reads.
//
// Upstream's sync is synchronous against its own writes; kubesim's API calls take simulated
// time, so a sync that creates a ReplicaSet or rewrites annotations ends there and the informer
// event of that write starts the next one (one API round trip later than upstream).
// The hash is kubesim's own FNV-1a of the template, in upstream's SafeEncodeString alphabet
// (api::SafeEncodeDigits), not upstream's exact value; hash collisions (collisionCount) are not
// handled.
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
#include "models/controllers/deployment_util.h"
#include "sim/owner.h"
#include "sim/simulation.h"

namespace kubesim::controllers {

inline constexpr const char* kPodTemplateHashLabel = "pod-template-hash";

// A short, stable name suffix for a pod template.
std::string PodTemplateHash(const api::PodTemplate& t);

class DeploymentController {
 public:
  DeploymentController(sim::Simulation& sim, apiserver::ApiServer& api, client::SharedInformerFactory& informers,
                       client::EventRecorder recorder);
  void Start();

 private:
  // The ReplicaSets a Deployment owns, split as upstream getAllReplicaSetsAndSyncRevision does.
  struct Owned {
    ReplicaSetPtr new_rs;
    std::vector<ReplicaSetPtr> old;  // oldest first
    std::vector<ReplicaSetPtr> all() const;
  };
  // Replica counts decided during one sync, written once per ReplicaSet at its end so that two
  // decisions about the same ReplicaSet do not race each other through the API server.
  struct Plan {
    std::map<std::string, int32_t> scale;  // ReplicaSet name → new spec.replicas
  };

  void Sync(const std::string& key);
  Owned Find(const api::Deployment& d) const;
  // Syncs revision annotations and creates the new ReplicaSet when `create`; false when a write
  // was sent and the sync must wait for its informer event.
  bool SyncRevision(const api::Deployment& d, Owned& owned, bool create);
  void CreateNewReplicaSet(const api::Deployment& d, const Owned& owned, int64_t revision);
  void RolloutRolling(const api::Deployment& d, Owned owned);
  void RolloutRecreate(const api::Deployment& d, Owned owned);
  bool IsScalingEvent(const api::Deployment& d, const Owned& owned) const;
  void Scale(const api::Deployment& d, const Owned& owned, Plan& plan);
  bool ReconcileNewReplicaSet(const api::Deployment& d, const Owned& owned, Plan& plan);
  bool ReconcileOldReplicaSets(const api::Deployment& d, Owned& owned, Plan& plan);
  bool OldPodsRunning(const Owned& owned) const;
  // Records the target size of `rs` in `plan`; true when it changes.
  bool PlanScale(const api::Deployment& d, const ReplicaSetPtr& rs, int32_t replicas, Plan& plan);
  void Apply(const api::Deployment& d, const Owned& owned, const Plan& plan);
  void Cleanup(const api::Deployment& d, const Owned& owned);
  void SyncRolloutStatus(const api::Deployment& d, const Owned& owned);
  void WriteStatus(const api::Deployment& d, api::DeploymentStatus st);

  sim::Simulation& sim_;
  apiserver::ApiClient api_;
  client::EventRecorder recorder_;
  client::Informer& deployments_;
  client::Informer& replicasets_;
  client::Informer& pods_;  // for Recreate: old pods must be gone before new ones start
  client::ReplicaSetLister rs_lister_;
  client::PodLister pod_lister_;
  client::Worker worker_;
  sim::Owner owner_{sim_};
};

}  // namespace kubesim::controllers
