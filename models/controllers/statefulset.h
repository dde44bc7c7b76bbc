// The StatefulSet controller of kube-controller-manager (upstream pkg/controller/statefulset,
// stateful_set_control.go, v1.32): pods with stable names `<set>-<ordinal>` for the ordinals
// [ordinals.start, ordinals.start + replicas).
//
// Each sync walks the ordinals upward (upstream updateStatefulSet / processReplica): a Failed or
// Succeeded pod is deleted so it is recreated under the same name, a missing pod is created. With
// podManagementPolicy OrderedReady (the default) the walk stops at the first pod it created or
// deleted and at the first pod that is not Running and Ready (for minReadySeconds), so ordinal
// i starts only after 0..i−1 are Ready; then pods above the range are deleted highest ordinal
// first, one at a time, each only once the one before is gone. With Parallel nothing waits.
//
// RollingUpdate replaces pods whose controller-revision-hash differs from the template's, from
// the highest ordinal down to `partition`, one at a time, each after the one above is healthy;
// ordinals below the partition are (re)created from the current revision. OnDelete leaves
// running pods alone. Status: replicas, readyReplicas, availableReplicas, currentReplicas,
// updatedReplicas, currentRevision, updateRevision.
//
// Simplifications (docs/fidelity.md): no ControllerRevision objects — the revisions' templates
// are kept in the controller and named by kubesim's PodTemplateHash; volumeClaimTemplates create
// no claims (the codec warns); no hostname/subdomain (no DNS is simulated); maxUnavailable
// (alpha) is not simulated; Parallel creations go out together rather than in slow-start batches.
// Creates and deletes in flight are remembered so a sync before their watch event does not
// repeat them.
#pragma once

#include <map>
#include <memory>
#include <set>
#include <string>

#include "models/api/kinds.h"
#include "models/apiserver/api_client.h"
#include "models/client/event_recorder.h"
#include "models/client/informer.h"
#include "models/client/shared_informer_factory.h"
#include "models/client/worker.h"
#include "sim/owner.h"
#include "sim/simulation.h"

namespace kubesim::controllers {

inline constexpr const char* kStatefulSetPodNameLabel = "statefulset.kubernetes.io/pod-name";
inline constexpr const char* kPodIndexLabel = "apps.kubernetes.io/pod-index";

class StatefulSetController {
 public:
  StatefulSetController(sim::Simulation& sim, apiserver::ApiServer& api, client::SharedInformerFactory& informers,
                        client::EventRecorder recorder);

  void Start();

 private:
  void OnSet(const api::ObjectPtr& obj);
  void OnPod(const api::ObjectPtr& old_obj, const api::ObjectPtr& obj, bool deleted);
  void Sync(const std::string& key);
  void CreatePod(const std::shared_ptr<const api::StatefulSet>& set, int32_t ordinal, const std::string& revision);
  void DeletePod(const std::shared_ptr<const api::StatefulSet>& set, const api::Pod& pod);

  sim::Simulation& sim_;
  apiserver::ApiClient api_;
  client::EventRecorder recorder_;
  client::Informer& sets_;
  client::Informer& pods_;
  client::Worker worker_;
  // StatefulSet uid → revision hash → template (what ControllerRevisions hold upstream).
  std::map<std::string, std::map<std::string, api::PodTemplate>> revisions_;
  std::set<std::string> creating_;  // "namespace/name" of pods whose create is in flight
  std::set<std::string> deleting_;  // uids of pods whose delete is in flight
  sim::Owner owner_{sim_};
};

}  // namespace kubesim::controllers
