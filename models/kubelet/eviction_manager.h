// The kubelet's eviction manager for memory (kubernetes/kubernetes pkg/kubelet/eviction @ v1.32:
// eviction_manager.go synchronize and Admit, helpers.go rankMemoryPressure and evictionMessage;
// the hard threshold memory.available < 100Mi is DefaultEvictionHard in
// pkg/kubelet/apis/config/v1beta1/defaults_linux.go, the 10 s loop evictionMonitoringPeriod in
// pkg/kubelet/kubelet.go). Every period it observes memory.available = the node's memory capacity
// − the working set of the active pods, and compares it with the threshold. While the threshold is
// met the node is under memory pressure (cleared evictionPressureTransitionPeriod after it was last
// met) and one pod is evicted per pass, ranked by rankMemoryPressure: pods using more than their
// memory request first, then lower priority first, then larger usage above the request first
// (kubesim breaks the remaining ties by pod key). Under pressure, Admit rejects a new BestEffort
// pod unless it is critical or tolerates the memory-pressure taint.
//
// A pod's working set is its annotation kubesim.io/memory-usage (a quantity) while any of its
// containers runs, else 0 (docs/kubelet.md). System daemons use nothing.
//
// The loop keeps upstream's phase (every period from the kubelet process's start) but is armed
// only once a pod on the node carries the annotation or the node's memory is below the threshold:
// a pass with no usage model observes nothing, so skipping it changes no write.
//
// Owns: the loop's timers (through its Owner), the pressure condition and what the last pass
// observed. Not the pods: each pass asks its Host for the active pods and has the Host kill the
// victim (upstream: the activePods and killPodFunc the kubelet hands the manager). It records the
// Evicted event itself, before the kill, as upstream evictPod does.
//
// Invariants: IsUnderMemoryPressure() only changes in Synchronize() (and ForgetObservations());
// at most one pod is evicted per pass.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "models/api/pod.h"
#include "models/client/event_recorder.h"
#include "models/kubelet/config.h"
#include "models/kubelet/pod_runtime.h"
#include "sim/owner.h"
#include "sim/simulation.h"

namespace kubesim::kubelet {

class EvictionManager {
 public:
  class Host {
   public:
    virtual ~Host() = default;
    // activePods: the pods the kubelet runs that are neither terminal nor being deleted, in uid
    // order. The pointers are valid until the Host changes its records.
    virtual std::vector<const PodRuntime*> ActivePods() = 0;
    // killPodFunc: the pod's containers are gone at once and it is reported Failed, reason Evicted,
    // with `message` and the DisruptionTarget condition.
    virtual void KillPod(const std::string& uid, const std::string& message) = 0;
  };

  // One pod as rankMemoryPressure sees it.
  struct Candidate {
    std::string key;  // namespace/name: the last tie-break
    std::string uid;
    std::shared_ptr<const api::Pod> pod;
    int64_t usage = 0;    // working set, bytes
    int64_t request = 0;  // sum of the regular containers' memory requests, bytes
    int32_t priority = 0;
  };

  // `memory_capacity`: the node's memory capacity in bytes, none when the node reports none (then
  // nothing is ever observed). `config` and `host` must outlive the manager.
  EvictionManager(sim::Simulation& sim, client::EventRecorder recorder, const KubeletConfig& config,
                  std::optional<int64_t> memory_capacity, Host& host);
  EvictionManager(const EvictionManager&) = delete;
  EvictionManager& operator=(const EvictionManager&) = delete;

  // The kubelet process started now: the loop's phase is now and it is disarmed; it is armed at
  // once if one of `known_pods` (the pods the process already runs) or the node itself calls for it.
  void Start(const std::vector<std::shared_ptr<const api::Pod>>& known_pods);
  // The kubelet process stopped: the loop and every pending pass are cut off (sim::Owner::Reset).
  void Stop() { owner_.Reset(); }
  // A new kubelet process: what the old one observed (the pressure condition) is gone.
  void ForgetObservations();
  // Arms the loop if `pod` carries a memory-usage annotation. The first pass is the loop's next
  // tick strictly after now.
  void MaybeArm(const api::Pod& pod);

  // Admit (PodAdmitHandler): the message a rejected pod fails with, or none when it is admitted.
  std::optional<std::string> Admit(const api::Pod& pod) const;
  // The MemoryPressure condition the node reports.
  bool IsUnderMemoryPressure() const { return memory_pressure_; }
  // One pass of the control loop (synchronize): observe, update the pressure condition, evict at
  // most one pod.
  void Synchronize();

  // rankMemoryPressure = orderedBy(exceedMemoryRequests, priority, memory), then the pod key.
  static void RankMemoryPressure(std::vector<Candidate>& pods);
  // evictionMessage: the node's shortage, then each container using more than it requested (the
  // whole usage is attributed to the first container).
  static std::string EvictionMessage(const Candidate& victim, int64_t threshold_bytes, int64_t available_bytes);
  // The pod's working set as the summary provider would report it.
  static int64_t PodWorkingSet(const PodRuntime& rt);
  // v1qos.GetPodQOS(pod) == BestEffort: no container (init containers included) requests or
  // limits cpu or memory.
  static bool IsBestEffort(const api::Pod& pod);

 private:
  void MaybeArmForNode();
  void Arm();

  sim::Simulation& sim_;
  client::EventRecorder recorder_;
  const KubeletConfig& config_;
  std::optional<int64_t> memory_capacity_;
  Host& host_;
  bool memory_pressure_ = false;  // the MemoryPressure condition the kubelet reports
  sim::Time phase_;               // when this process's loop started
  bool armed_ = false;
  sim::Time pressure_seen_;       // when the threshold was last met
  int64_t memory_available_ = 0;  // at the last pass
  sim::Owner owner_{sim_};
};

}  // namespace kubesim::kubelet
