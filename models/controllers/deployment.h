// The Deployment controller of kube-controller-manager, first part (spec C.4): each Deployment
// gets a ReplicaSet for its current pod template, named `<deployment>-<pod-template-hash>` with
// the hash label added to its selector and template, owned by the Deployment, and kept at the
// Deployment's replicas.
//
// Not yet (docs/fidelity.md): RollingUpdate with maxSurge/maxUnavailable — a template change
// scales the old ReplicaSets to zero and the new one to full at once, as Recreate does —
// revision history, rollout status, proportional scaling. The hash is kubesim's own FNV-1a of
// the template, encoded as upstream's SafeEncodeString, not upstream's exact value.
#pragma once

#include <memory>
#include <string>

#include "models/api/kinds.h"
#include "models/apiserver/api_client.h"
#include "models/client/event_recorder.h"
#include "models/client/informer.h"
#include "models/client/worker.h"
#include "sim/simulation.h"

namespace kubesim::controllers {

inline constexpr const char* kPodTemplateHashLabel = "pod-template-hash";

// A short, stable name suffix for a pod template.
std::string PodTemplateHash(const api::PodTemplate& t);

class DeploymentController {
 public:
  DeploymentController(sim::Simulation& sim, apiserver::ApiServer& api, client::EventRecorder recorder);
  ~DeploymentController();
  void Start();

 private:
  void Sync(const std::string& key);

  sim::Simulation& sim_;
  apiserver::ApiClient api_;
  client::EventRecorder recorder_;
  client::Informer deployments_;
  client::Informer replicasets_;
  client::Worker worker_;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace kubesim::controllers
