// The kubelet of one node: registers its Node, renews its Lease, reports node status, and runs
// the pods bound to it through their lifecycle, writing every change through the API server.
//
// Pod lifecycle (kubernetes/kubernetes pkg/kubelet/pod_workers.go and
// kuberuntime/kuberuntime_manager.go @ v1.32; docs/kubelet.md): Pending → (start latency) → the
// pod's containers run. Each container runs for annotation `kubesim.io/run-duration` (forever if
// unset) and then exits with `kubesim.io/exit-code` (default 0). The pod's restartPolicy decides
// what follows, as upstream: Always restarts after any exit, OnFailure after a non-zero exit,
// Never not at all; restarts go through CrashLoopBackOff (crash_loop_backoff.h). When no container
// runs and none will restart, the pod is Succeeded (all exited 0) or Failed. Readiness, liveness
// and startup probes (prober.cc) gate Ready and restart containers.
//
// A pod with a deletionTimestamp has its containers stopped (termination.cc: preStop hook,
// SIGTERM, SIGKILL at the grace deadline) and is then deleted with grace period 0, as the
// kubelet's final delete. Stop() models a kubelet that stops talking (process killed or node
// partitioned): no more lease renewals, status writes or deletes; the control plane has to notice
// on its own.
//
// Files by upstream concept: kubelet.cc (registration, lease, node status, pod informer),
// pod_workers.cc (syncPod: container starts, exits, restarts, status), prober.cc (probe workers),
// crash_loop_backoff.cc (flowcontrol.Backoff), image_manager.cc (image cache and serial puller),
// termination.cc (killPod: graceful stop and the final delete), eviction_manager.cc
// (node-pressure eviction by memory).
#pragma once

#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "models/api/node.h"
#include "models/api/pod.h"
#include "models/apiserver/api_client.h"
#include "models/apiserver/api_server.h"
#include "models/client/event_recorder.h"
#include "models/client/informer.h"
#include "models/kubelet/config.h"
#include "models/kubelet/crash_loop_backoff.h"
#include "models/kubelet/image_manager.h"
#include "sim/owner.h"
#include "sim/simulation.h"

namespace kubesim::kubelet {

class Kubelet {
 public:
  Kubelet(sim::Simulation& sim, apiserver::ApiServer& api, client::EventRecorder recorder,
          std::shared_ptr<const api::Node> node, KubeletConfig config);

  void Start();
  // stopKubelet: the kubelet process stops (or is cut off); its containers keep running.
  void Stop();
  // crashNode: the kubelet stops and its containers are gone.
  void Crash();
  // restartKubelet: the kubelet comes back after Stop() or Crash().
  void Restart();
  bool running() const { return running_; }
  const std::string& node_name() const { return node_name_; }
  // The node conditions a healthy kubelet reports (also what nodes of a scenario's initial state
  // start with).
  static std::vector<api::NodeCondition> NodeConditions(sim::Time now, bool memory_pressure);

 private:
  // One probe of one container (upstream prober `worker` plus its results cache entry).
  struct ProbeState {
    int32_t successes = 0;  // consecutive
    int32_t failures = 0;   // consecutive
    bool success = false;   // the settled result
    bool on_hold = false;   // liveness/startup after a failure-triggered kill, until the next start
  };
  // What the container runtime knows of one container, plus the kubelet's view of it.
  struct ContainerRuntime {
    api::Container spec;
    api::ContainerStatus status;  // as reported
    bool running = false;
    bool exited = false;  // has a terminated instance (status.state or last_state)
    bool start_pending = false;
    uint64_t instance = 0;  // bumped at every start and kill; stale timers compare it
    sim::Time started_at;
    sim::Time finished_at;
    ProbeState readiness, liveness, startup;
    int64_t pull_failures_left = 0;  // kubesim.io/image-pull-failures not yet spent

    // The running instance ended at `at` with `exit_code` and the runtime's `reason`: its state
    // becomes terminated and it is neither ready nor started; timers of the instance go stale.
    void Terminate(int32_t exit_code, const std::string& reason, sim::Time at);
  };
  struct PodRuntime {
    std::string key, uid;
    std::shared_ptr<const api::Pod> pod;  // last version seen
    std::vector<ContainerRuntime> containers;
    sim::Time worker_start;    // when the pod worker (and its probe workers) started
    bool started = false;      // the first start happened
    bool terminating = false;  // deletionTimestamp seen: containers being stopped
    sim::Time kill_deadline;   // when the last container is SIGKILLed at the latest
    bool terminal = false;     // Succeeded/Failed written
    bool resync_scheduled = false;
    int images_pending = 0;          // image pulls the first start waits for
    sim::Duration start_latency;     // drawn at admission, applied after the pulls
    bool pull_failures_set = false;  // pull_failures_left initialised from the annotation
    bool image_error = false;        // ErrImageNeverPull: the pod stays Pending
    std::string evicted_message;     // set when the eviction manager evicted or rejected the pod
    bool rejected = false;           // rejected at admission: it never ran, no DisruptionTarget
    // What the status manager last sent, so an unchanged status is not written again.
    bool sent = false;
    std::string sent_phase, sent_ready;
    std::vector<api::ContainerStatus> sent_containers;
  };

  void Register();
  void RenewLease();
  void SyncNodeStatus();
  void OnPod(const api::ObjectPtr& obj);
  void OnPodGone(const api::ObjectPtr& obj);
  std::shared_ptr<const api::Pod> CurrentPod(const std::string& key, const std::string& uid) const;
  template <typename F>
  void AfterAlive(sim::Duration d, F f);

  // pod_workers.cc
  void AddPod(const std::shared_ptr<const api::Pod>& pod);
  void PullImages(PodRuntime& rt, sim::Duration start_latency);
  void EnsureContainerImage(PodRuntime& rt, size_t idx);
  void RetryImagePull(const std::string& uid, size_t idx);
  void ReconcileRuntime();
  void StartPod(const std::string& uid);
  void StartContainer(PodRuntime& rt, size_t idx);
  void ContainerExited(const std::string& uid, size_t idx, uint64_t instance, int32_t exit_code);
  void SyncPod(const std::string& uid);
  void WriteStatus(PodRuntime& rt);
  std::string ComputePhase(const PodRuntime& rt) const;
  PodRuntime* Runtime(const std::string& uid);
  std::string BackoffKey(const PodRuntime& rt, size_t idx) const;

  // termination.cc
  void TerminatePod(const api::Pod& pod);
  // killContainer: Killing event with `message`, preStop hook, SIGTERM, SIGKILL after `grace`.
  void StopContainerGracefully(PodRuntime& rt, size_t idx, sim::Duration grace, const std::string& message);
  void MaybeFinishTermination(PodRuntime& rt);
  void FinalDelete(const std::string& key, const std::string& uid);

  // eviction_manager.cc
  void EvictionTick();
  void MaybeArmEvictionLoop(const api::Pod& pod);
  void MaybeArmEvictionLoop();
  void ArmEvictionLoop();
  int64_t PodMemoryUsage(const PodRuntime& rt) const;
  void EvictPod(PodRuntime& rt, const std::string& message);

  // prober.cc
  void StartProbeWorkers(PodRuntime& rt, size_t idx);
  void ProbeTick(const std::string& uid, size_t idx, int kind);
  bool RunProbe(PodRuntime& rt, size_t idx, int kind);
  bool ContainerReady(const ContainerRuntime& c) const;

  sim::Simulation& sim_;
  apiserver::ApiClient api_;
  client::EventRecorder recorder_;
  std::shared_ptr<const api::Node> node_manifest_;
  std::string node_name_;
  KubeletConfig config_;
  client::Informer pods_;
  sim::Rng& rng_;          // first start of a pod (kubelet/<node>/pod-start)
  sim::Rng& restart_rng_;  // container restarts (kubelet/<node>/container-restart)
  sim::Rng& worker_rng_;   // pod worker requeue jitter (kubelet/<node>/pod-workers)
  bool running_ = false;
  bool handlers_added_ = false;
  bool force_status_write_ = false;
  sim::Time last_status_report_;
  std::shared_ptr<const api::Object> lease_;
  CrashLoopBackoff backoff_;
  // Image pull back-off (imageBackOffPeriod 10 s, MaxImageBackOff 300 s; kubernetes/kubernetes
  // pkg/kubelet/kubelet.go @ v1.32), the same flowcontrol.Backoff keyed by pod uid and image.
  CrashLoopBackoff image_backoff_{sim::Duration::Seconds(10), sim::Duration::Seconds(300)};
  std::unique_ptr<ImageManager> images_;
  uint64_t reported_images_ = 0;  // images_->generation() at the last node status write
  bool memory_pressure_ = false;  // the MemoryPressure condition the kubelet reports
  sim::Time eviction_phase_;      // when this process's eviction loop started
  bool eviction_armed_ = false;
  sim::Time memory_pressure_seen_;  // when the threshold was last met
  bool reported_memory_pressure_ = false;
  int64_t memory_available_ = 0;                                 // at the last eviction check
  std::map<std::string, std::unique_ptr<PodRuntime>> runtimes_;  // by uid
  std::set<std::string> deleting_;                               // uids whose final delete was sent
  sim::Owner owner_{sim_};
};

template <typename F>
void Kubelet::AfterAlive(sim::Duration d, F f) {
  owner_.After(d, [this, f = std::move(f)]() mutable {
    if (!running_) return;
    f();
  });
}

}  // namespace kubesim::kubelet
