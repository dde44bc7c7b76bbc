// The kubelet's pod workers (kubernetes/kubernetes pkg/kubelet/pod_workers.go @ v1.32: one worker
// per pod, UpdatePod, the back-off requeue after a sync error) together with what a pod sync does
// in kubesim: the kubelet's SyncPod and kuberuntime's SyncPod / computePodActions
// (pkg/kubelet/kuberuntime/kuberuntime_manager.go) — pull the images, start the containers, notice
// their exits, restart them as the pod's restartPolicy says through CrashLoopBackOff
// (crash_loop_backoff.h) — and the status manager's writes (generateAPIPodStatus and getPhase in
// pkg/kubelet/kubelet_pods.go, pkg/kubelet/status). Pod termination (termination.h: killPod, the
// graceful stop and the final delete) is part of the pod workers, as upstream.
//
// Lifecycle of a pod (docs/kubelet.md): AddPod draws the start latency, starts the probe workers
// and ensures the images; once every image is there and the latency passed, every container starts.
// Each runs for kubesim.io/run-duration (forever if unset) and exits with kubesim.io/exit-code
// (default 0); restartPolicy decides what follows: Always restarts after any exit, OnFailure after
// a non-zero exit, Never not at all. When no container runs and none will restart, the pod is
// Succeeded (all exited 0) or Failed. A pod with a deletionTimestamp has its containers stopped and
// is then deleted with grace period 0.
//
// Simplifications (docs/fidelity.md): PLEG notices an exit at once (upstream: within the 1 s
// relist); the regular containers start together; a restart takes the same start latency as the
// pod's first start; status writes are unconditional updates of the whole status, sent only when
// the status changed (the status manager's PATCH).
//
// Owns: the record of every pod the kubelet runs (PodRuntime, by uid), the container and image
// back-offs, the random streams kubelet/<node>/pod-start, /container-restart and /pod-workers,
// and the timers of starts, exits, kills and requeues (through its Owner).
// Uses (does not own): the kubelet's API client (status writes, final deletes), its pod informer
// (the pod as the API server last said), the node's ImageManager, and the ProbeManager, which
// it tells about admitted pods and started containers and asks whether a container is ready.
//
// Invariants:
//  - every write goes through the API client the kubelet owns, in the order the methods below
//    are called: a pod's status is written only when it differs from what was last sent;
//  - a pod has a record from AddPod or RejectPod until ForgetPod (or until Resync finds it gone);
//  - a terminal pod's containers never start again; a terminating pod's never restart;
//  - the final delete of a pod is sent at most once.
#pragma once

#include <cstddef>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "models/api/object.h"
#include "models/api/pod.h"
#include "models/apiserver/api_client.h"
#include "models/client/event_recorder.h"
#include "models/client/informer.h"
#include "models/kubelet/config.h"
#include "models/kubelet/crash_loop_backoff.h"
#include "models/kubelet/image_manager.h"
#include "models/kubelet/pod_runtime.h"
#include "models/kubelet/prober_manager.h"
#include "models/kubelet/termination.h"
#include "sim/owner.h"
#include "sim/random.h"
#include "sim/simulation.h"

namespace kubesim::kubelet {

// kubecontainer.ShouldContainerBeRestarted for a container that exited with `exit_code`.
bool ShouldContainerBeRestarted(const std::string& restart_policy, int32_t exit_code);
// getPhase for the regular containers: Pending while one waits (never ran, or is starting),
// Running while one runs or will restart, else Succeeded when all exited 0, else Failed.
std::string GetPhase(const std::vector<ContainerRuntime>& containers, const std::string& restart_policy);

// The status manager's batch sync period: statuses the API server did not take are sent again
// (kubernetes/kubernetes pkg/kubelet/status/status_manager.go @ v1.32, syncPeriod).
inline constexpr sim::Duration kStatusSyncPeriod = sim::Duration::Seconds(10);

class PodWorkers {
 public:
  // Every reference must outlive the pod workers. `api` is the kubelet's own client (its
  // latency stream), `pods` its informer on the node's pods.
  PodWorkers(sim::Simulation& sim, apiserver::ApiClient& api, client::EventRecorder recorder,
             const client::Informer& pods, const KubeletConfig& config, const std::string& node_name,
             ImageManager& images, ProbeManager& prober);
  PodWorkers(const PodWorkers&) = delete;
  PodWorkers& operator=(const PodWorkers&) = delete;

  // The record of the pod with this uid, or null.
  PodRuntime* Runtime(const std::string& uid);
  // The newest version of a pod, from the informer: a pod with a record keeps it. Returns whether
  // the pod has a record.
  bool UpdatePodObject(const std::shared_ptr<const api::Pod>& pod);
  // An admitted pod the workers do not know (HandlePodAdditions → UpdatePod SyncPodCreate): its
  // record, its probe workers, its image pulls, then its start.
  // REQUIRES: Runtime(uid) == nullptr; the pod is neither terminal nor being deleted.
  void AddPod(const std::shared_ptr<const api::Pod>& pod);
  // A pod an admit handler rejected (rejectPod): Failed with reason Evicted and `message`, a
  // Warning Evicted event; it gets a record so it is neither admitted nor started later.
  // REQUIRES: Runtime(uid) == nullptr.
  void RejectPod(const std::shared_ptr<const api::Pod>& pod, const std::string& message);
  // The pod has a deletionTimestamp (UpdatePod SyncPodKill): every running container is stopped
  // with the grace left, then the pod is deleted with grace period 0. A pod without a record is
  // deleted at once; a later, shorter deletion moves the SIGKILL deadline earlier.
  // REQUIRES: pod.metadata.deletion_timestamp.
  void TerminatePod(const api::Pod& pod);
  // The pod is gone from the API server: its record, back-offs and probe results are forgotten.
  void ForgetPod(const std::string& uid);
  // A new kubelet process listed the node's pods (`listed`, a fresh list): records get the listed
  // versions, pods no longer listed are forgotten (their containers are orphans), and every other
  // pod is resynced: running containers adopted, exits meanwhile handled per restartPolicy, pods
  // not started yet start over, terminations in progress restart their kill.
  void Resync(const std::vector<api::ObjectPtr>& listed);
  // The eviction manager's killPodFunc: every container is gone at once (exit 137) and the pod is
  // written Failed with reason Evicted, `message` and the DisruptionTarget condition.
  void EvictPod(const std::string& uid, const std::string& message);
  // The pods that are neither terminal nor terminating, in uid order (activePods).
  std::vector<const PodRuntime*> ActivePods() const;
  // Every pod with a record, in uid order.
  std::vector<std::shared_ptr<const api::Pod>> Pods() const;

  // The status manager: writes the pod's status (phase, conditions, container statuses) if it
  // differs from what was last sent; nothing once the pod is gone from the informer's cache.
  void WriteStatus(PodRuntime& rt);
  // killContainer (termination.h): the Killing event with `message`, then the container exits
  // as PlanContainerStop says. REQUIRES: rt.containers[idx].running.
  void KillContainer(PodRuntime& rt, size_t idx, sim::Duration grace, const std::string& message);

  // The kubelet process stopped: every pending start, exit, kill and requeue is cut off, and so
  // is every image pull callback (sim::Owner::Reset). The records stay: the containers run on.
  void Stop() { owner_.Reset(); }
  // The node crashed: every container is gone; a restarted runtime reports each running one exited
  // with code 255, reason Unknown (containerd after a reboot). Starts in progress are lost.
  void CrashContainers();
  // A new kubelet process: the container and image back-offs lived in the old one's memory.
  void ResetBackoffs();

 private:
  // The record of a pod the workers start knowing: every container waiting (ContainerCreating).
  PodRuntime& NewRuntime(const std::shared_ptr<const api::Pod>& pod);
  // The pod as the informer has it, if it is still this uid.
  std::shared_ptr<const api::Pod> CurrentPod(const std::string& key, const std::string& uid) const;
  std::string BackoffKey(const PodRuntime& rt, size_t idx) const;
  // backOffPeriod × [1, 1.5) (workerBackOffPeriodJitterFactor 0.5), from kubelet/<node>/pod-workers.
  sim::Duration RequeueDelay();

  void PullImages(PodRuntime& rt, sim::Duration start_latency);
  void EnsureContainerImage(PodRuntime& rt, size_t idx);
  void RetryImagePull(const std::string& uid, size_t idx);
  void ReconcileRuntime();
  void StartPod(const std::string& uid);
  void StartContainer(PodRuntime& rt, size_t idx);
  void ContainerExited(const std::string& uid, size_t idx, uint64_t instance, int32_t exit_code);
  void SyncPod(const std::string& uid);

  // termination.cc
  void MaybeFinishTermination(PodRuntime& rt);
  void FinalDelete(const std::string& key, const std::string& uid);

  sim::Simulation& sim_;
  apiserver::ApiClient& api_;
  client::EventRecorder recorder_;
  const client::Informer& pods_;
  const KubeletConfig& config_;
  ImageManager& images_;
  ProbeManager& prober_;
  sim::Rng& start_rng_;    // first start of a pod (kubelet/<node>/pod-start)
  sim::Rng& restart_rng_;  // container restarts (kubelet/<node>/container-restart)
  sim::Rng& worker_rng_;   // pod worker requeue jitter (kubelet/<node>/pod-workers)
  CrashLoopBackoff backoff_;
  // Image pull back-off (imageBackOffPeriod 10 s, MaxImageBackOff 300 s; kubernetes/kubernetes
  // pkg/kubelet/kubelet.go @ v1.32), the same flowcontrol.Backoff keyed by pod uid and image.
  CrashLoopBackoff image_backoff_;
  std::map<std::string, std::unique_ptr<PodRuntime>> runtimes_;  // by uid
  std::set<std::string> deleting_;                               // uids whose final delete was sent
  sim::Owner owner_{sim_};
};

}  // namespace kubesim::kubelet
