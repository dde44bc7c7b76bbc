// The kubelet's probe manager (kubernetes/kubernetes pkg/kubelet/prober/prober_manager.go @ v1.32,
// Manager; the workers of pkg/kubelet/prober/worker.go): one worker per container and probe type,
// ticking every periodSeconds from when the pod was admitted. A worker probes only a running
// container of the current instance, past initialDelaySeconds; liveness and readiness wait for the
// startup probe, the startup probe stops once it passed. Results settle as ProbeWorker
// (probe_worker.h) says.
//
// kubesim runs no processes, so what a probe returns comes from the scenario (docs/kubelet.md):
//   kubesim.io/readiness-fails-after: <duration>   readiness fails from this long after each start
//   kubesim.io/liveness-fails-after: <duration>    liveness fails from this long after each start
//   kubesim.io/startup-succeeds-after: <duration>  the startup probe fails until then (default 0)
// A failing probe fails at once (connection refused), it does not wait for timeoutSeconds; each
// failure emits an Unhealthy event.
//
// Owns: the workers' timers (through its Owner) and their results, per container instance
// (ProbeWorker). Not the pods: at each tick it asks its Host for the pod worker's record by uid.
//
// What it needs from the kubelet (Host), and why:
//  - the pod worker's record of a pod, which it reads (and whose containers' status.started it
//    sets when a startup probe passes: upstream statusManager.SetContainerStartup);
//  - a status write when a result changed what the pod status shows (upstream: the results
//    manager's update that the status manager turns into a status);
//  - killContainer for a liveness or startup failure (upstream: the sync loop's reaction to
//    livenessManager.Updates() / startupManager.Updates()).
//
// Invariants:
//  - a worker ticks only while the Host knows its pod and the pod is neither terminating nor
//    terminal (upstream RemovePod and the worker's exit on a terminal phase);
//  - a container's results are those of its current instance: ContainerStarted resets them before
//    any probe of the new instance runs.
#pragma once

#include <cstddef>
#include <map>
#include <string>

#include "models/client/event_recorder.h"
#include "models/kubelet/pod_runtime.h"
#include "models/kubelet/probe_worker.h"
#include "sim/owner.h"
#include "sim/simulation.h"

namespace kubesim::kubelet {

class ProbeManager {
 public:
  class Host {
   public:
    virtual ~Host() = default;
    // The pod worker's record of the pod with this uid, or null once the kubelet forgot it.
    virtual PodRuntime* Runtime(const std::string& uid) = 0;
    // A probe result changed the pod's readiness or a container's started flag.
    virtual void ProbeResultChanged(PodRuntime& rt) = 0;
    // killContainer after a failed liveness or startup probe: the Killing event with `message`,
    // preStop hook, SIGTERM, SIGKILL after `grace`; the exit then takes the ordinary restart path.
    virtual void KillContainer(PodRuntime& rt, size_t idx, sim::Duration grace, const std::string& message) = 0;
  };

  // `host` must outlive the manager.
  ProbeManager(sim::Simulation& sim, client::EventRecorder recorder, Host& host);
  ProbeManager(const ProbeManager&) = delete;
  ProbeManager& operator=(const ProbeManager&) = delete;

  // AddPod: starts a worker for every probe of every container; each first ticks one period from
  // now. Called when the pod is admitted and again by a new kubelet process (the old workers died).
  void AddPod(const PodRuntime& rt);
  // A new instance of container `idx` is running: its results go back to their initial values
  // and any hold is lifted (upstream: the worker sees a new container ID).
  void ContainerStarted(const PodRuntime& rt, size_t idx);
  // The status sync right after a start triggers the readiness probe of a started container at
  // once (UpdatePodStatus, manualTriggerCh), so a container whose probe passes is Ready without
  // waiting a period. REQUIRES: ContainerStarted(rt, idx) for the running instance.
  void TriggerReadinessProbe(PodRuntime& rt, size_t idx);
  // UpdatePodStatus: the container is ready when it runs, has started, and has no readiness probe
  // or its readiness result is success.
  bool IsContainerReady(const PodRuntime& rt, size_t idx) const;
  // Forgets the results of a pod the kubelet no longer knows (its workers stop at their next
  // tick on their own).
  void RemovePod(const std::string& uid);
  // The kubelet process stopped: every pending tick is cut off (sim::Owner::Reset); the results
  // stay, as the pod workers' records do.
  void Stop() { owner_.Reset(); }

 private:
  // The workers of one container instance.
  struct ContainerWorkers {
    ProbeWorker readiness{ProbeType::kReadiness};
    ProbeWorker liveness{ProbeType::kLiveness};
    ProbeWorker startup{ProbeType::kStartup};
    ProbeWorker& For(ProbeType type) {
      return type == ProbeType::kReadiness ? readiness : type == ProbeType::kLiveness ? liveness : startup;
    }
  };

  void Tick(const std::string& uid, size_t idx, ProbeType type);
  // One probe; true when the pod status must be written.
  bool RunProbe(PodRuntime& rt, size_t idx, ProbeType type);
  ContainerWorkers& Workers(const std::string& uid, size_t idx);

  sim::Simulation& sim_;
  client::EventRecorder recorder_;
  Host& host_;
  std::map<std::string, std::map<size_t, ContainerWorkers>> workers_;  // by pod uid, container index
  sim::Owner owner_{sim_};
};

}  // namespace kubesim::kubelet
