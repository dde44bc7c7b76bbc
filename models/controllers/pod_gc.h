// The pod garbage collector (kube-controller-manager `pod-garbage-collector-controller`;
// kubernetes/kubernetes pkg/controller/podgc/gc_controller.go @ v1.32). Every gcCheckPeriod (20 s)
// it force-deletes (grace period 0), from what upstream's list of every pod and node would show:
//   - terminated pods (phase Succeeded or Failed) above --terminated-pod-gc-threshold (default
//     12,500; 0 turns this pass off), evicted pods first, then oldest first (gcTerminated);
//   - terminating pods on a node that is not Ready and has the node.kubernetes.io/out-of-service
//     taint (gcTerminating, non-graceful node shutdown);
//   - pods bound to a node that no longer exists, once the node has been missing for the
//     quarantine (40 s) and a GET confirms it is gone, marked Failed with the DisruptionTarget
//     condition DeletionByPodGC first (gcOrphaned);
//   - terminating pods never bound to a node (gcUnscheduledTerminating).
// A pod that is not yet terminal is first written Failed (markFailedAndDeletePodWithCondition), so
// that a pod whose kubelet is gone does not stay Running in the results.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "models/api/pod.h"
#include "models/apiserver/api_client.h"
#include "models/client/informer.h"
#include "models/client/shared_informer_factory.h"
#include "models/controllers/pod_gc_config.h"
#include "sim/owner.h"
#include "sim/simulation.h"

namespace kubesim::controllers {

class PodGCController {
 public:
  PodGCController(sim::Simulation& sim, apiserver::ApiServer& api, client::SharedInformerFactory& informers,
                  int64_t terminated_pod_threshold);

  void Start();

  // Upstream's constants (gc_controller.go): how often gc runs, and how long a node must be
  // missing before its pods count as orphaned.
  static constexpr sim::Duration kGCCheckPeriod = sim::Duration::Seconds(20);
  static constexpr sim::Duration kQuarantineTime = sim::Duration::Seconds(40);

 private:
  // One gc pass runs to completion within one event (every API call answers later), so the
  // informer's objects outlive the pass and plain pointers to them do.
  using PodPtr = const api::Pod*;

  // Upstream's byEvictionAndCreationTimestamp order as a key: evicted first (they spare the
  // terminated pods of controllers), then the oldest, then by name (and namespace, so that the
  // order is total).
  struct DeletionOrder {
    bool not_evicted;
    sim::Time created;
    std::string name;
    std::string namespace_;
    auto operator<=>(const DeletionOrder&) const = default;
  };
  static DeletionOrder DeletionOrderOf(const api::Pod& pod);

  // What gc reads of the pods, kept from the informer's events instead of listing every pod each
  // pass (upstream lists them all; the sets are what that list would give at the same instant).
  void Track(const api::Pod& pod);
  void Untrack(const api::Pod& pod);

  void GC();
  void GCTerminated();
  void GCTerminating();
  void GCOrphaned();
  void GCUnscheduledTerminating();
  // Confirms with the API server that `node` is gone, then deletes the pods still bound to it.
  void DeleteOrphansIfNodeGone(const std::string& node);
  // Upstream markFailedAndDeletePodWithCondition: phase Failed (with `condition_reason` as a
  // DisruptionTarget condition when not empty) unless already terminal, then delete with grace 0.
  void MarkFailedAndDelete(const api::Pod& pod, const std::string& condition_reason,
                           const std::string& condition_message);

  sim::Simulation& sim_;
  apiserver::ApiClient api_;
  client::Informer& pods_;
  client::Informer& nodes_;
  int64_t terminated_pod_threshold_;
  // The delaying node queue of gcOrphaned: node name → when its quarantine ends (an entry already
  // waiting keeps its earlier time, as a delaying queue's AddAfter does).
  std::map<std::string, sim::Time> quarantine_;
  std::set<DeletionOrder> terminated_;  // terminated pods in deletion order
  std::set<std::string> terminating_;   // informer keys of pods with a deletionTimestamp
  std::map<std::string, int> bound_;    // node name → pods bound to it
  sim::Owner owner_{sim_};
};

}  // namespace kubesim::controllers
