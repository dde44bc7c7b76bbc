// The DaemonSet controller of kube-controller-manager (kubernetes/kubernetes
// pkg/controller/daemon/daemon_controller.go @ v1.32): one pod of each DaemonSet on every node
// that should run it.
//
// Eligibility is upstream's NodeShouldRunDaemonPod: the template's nodeName (if any), its
// nodeSelector and required node affinity, and the node's NoSchedule/NoExecute taints against
// the template's tolerations plus the ones every daemon pod gets (AddOrUpdateDaemonPodTolerations).
// A node whose only untolerated taints are NoSchedule keeps a pod it already runs.
//
// Pods are placed by the scheduler, as since v1.12 (ScheduleDaemonSetPods): each carries the
// required node affinity `matchFields metadata.name In [<node>]` in place of the template's
// required terms, never a nodeName. Failed daemon pods are deleted (FailedDaemonPod) behind a
// per-node backoff of 1 s doubling to 15 min, then replaced. Creations go in slow-start batches,
// at most 250 per sync (BurstReplicas), behind expectations.
//
// Updates: RollingUpdate deletes out-of-date pods, unavailable ones first, while at most
// maxUnavailable (int, or a percentage of desiredNumberScheduled rounded up; default 1) of the
// wanted pods are unavailable; the next sync creates their replacements. OnDelete replaces only
// pods deleted by someone else. Status: desired/current/updated numbers scheduled, numberReady,
// numberAvailable, numberUnavailable, numberMisscheduled.
//
// Simplifications (docs/fidelity.md): no ControllerRevision objects — the controller-revision-hash
// label is kubesim's hash of the template (PodTemplateHash) — and maxSurge is not simulated.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "models/api/kinds.h"
#include "models/api/node.h"
#include "models/apiserver/api_client.h"
#include "models/client/event_recorder.h"
#include "models/client/informer.h"
#include "models/client/shared_informer_factory.h"
#include "models/client/worker.h"
#include "models/controllers/controller_expectations.h"
#include "sim/owner.h"
#include "sim/simulation.h"

namespace kubesim::controllers {

inline constexpr const char* kControllerRevisionHashLabel = "controller-revision-hash";

// Upstream util.AddOrUpdateDaemonPodTolerations: not-ready and unreachable NoExecute (forever),
// disk-, memory-, pid-pressure and unschedulable NoSchedule, and network-unavailable NoSchedule
// for hostNetwork pods. A toleration equal but for tolerationSeconds is replaced.
void AddDaemonPodTolerations(api::PodSpec* spec);

struct DaemonPlacement {
  bool should_run = false;               // a daemon pod should be started on the node
  bool should_continue_running = false;  // a daemon pod already there may stay
};
// Upstream NodeShouldRunDaemonPod.
DaemonPlacement NodeShouldRunDaemonPod(const api::Node& node, const api::DaemonSet& ds);

// The pod the controller creates for `node` (upstream CreatePod with the node-name affinity of
// ReplaceDaemonSetPodNodeNameNodeAffinity): no name, owner or revision label yet.
api::PodSpec DaemonPodSpec(const api::DaemonSet& ds, const std::string& node);

class DaemonSetController {
 public:
  static constexpr int kBurstReplicas = 250;
  static constexpr sim::Duration kFailedPodsBackoffBase = sim::Duration::Seconds(1);
  static constexpr sim::Duration kFailedPodsBackoffMax = sim::Duration::Minutes(15);

  DaemonSetController(sim::Simulation& sim, apiserver::ApiServer& api, client::SharedInformerFactory& informers,
                      client::EventRecorder recorder);

  void Start();

 private:
  // client-go flowcontrol.Backoff entry, per DaemonSet and node.
  struct Backoff {
    sim::Duration delay;
    sim::Time last_update;
  };

  void OnPod(const api::ObjectPtr& old_obj, const api::ObjectPtr& obj, bool deleted);
  void OnNode(const api::ObjectPtr& old_obj, const api::ObjectPtr& obj);
  void EnqueueAll();
  void Sync(const std::string& key);
  void SyncNodes(const std::string& key, const std::shared_ptr<const api::DaemonSet>& ds,
                 const std::vector<std::shared_ptr<const api::Pod>>& to_delete,
                 const std::vector<std::string>& to_create, const std::string& hash);

  sim::Simulation& sim_;
  apiserver::ApiClient api_;
  client::EventRecorder recorder_;
  client::Informer& daemonsets_;
  client::Informer& pods_;
  client::Informer& nodes_;
  client::Worker worker_;
  ControllerExpectations expectations_{sim_};           // by DaemonSet key
  std::map<std::string, Backoff> failed_pods_backoff_;  // "<ds key>/<node>"
  sim::Owner owner_{sim_};
};

}  // namespace kubesim::controllers
