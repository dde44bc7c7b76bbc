// Pod termination: what the kubelet does between a pod's deletionTimestamp and its final delete
// (kubernetes/kubernetes pkg/kubelet/pod_workers.go @ v1.32, the terminating state, which calls
// killPod; pkg/kubelet/kuberuntime/kuberuntime_container.go, killContainersWithSyncResult,
// killContainer, executePreStopHook; the status manager's final delete with grace period 0 in
// pkg/kubelet/status/status_manager.go). As upstream, the pod workers drive it: the termination
// methods are PodWorkers' (pod_workers.h, implemented in termination.cc). This header holds the
// part that needs no pod worker: the timing of one container's stop.
//
// One container's stop (killContainer, also for a failed liveness or startup probe): the preStop
// hook runs (a `sleep` action for its seconds, exec/httpGet for annotation
// kubesim.io/prestop-duration, default 0), cut off at the grace period; the grace left, at least
// 2 s (minimumGracePeriodInSeconds), is the SIGTERM → SIGKILL timeout. The process exits
// kubesim.io/sigterm-exit-after after SIGTERM (default at once, exit code 143 = 128 + SIGTERM), or
// is killed at the timeout (137 = 128 + SIGKILL).
#pragma once

#include <cstdint>

#include "models/api/pod.h"
#include "sim/time.h"

namespace kubesim::kubelet {

// minimumGracePeriodInSeconds (kuberuntime_container.go): the least time between SIGTERM and
// SIGKILL, and the least time a deleted pod's containers get.
inline constexpr sim::Duration kMinimumGracePeriod = sim::Duration::Seconds(2);

// When, after killContainer starts, the container's process is gone, and how.
struct ContainerStop {
  sim::Duration exit_after;  // preStop hook (as far as it ran) + the process's exit or the SIGKILL
  int32_t exit_code = 143;   // 143 (exited on SIGTERM) or 137 (SIGKILLed)
};

// killContainer for `container` of `pod` with `grace` (the time left of the pod's grace period,
// or terminationGracePeriodSeconds for a probe kill). REQUIRES: grace >= 0.
ContainerStop PlanContainerStop(const api::Container& container, const api::Pod& pod, sim::Duration grace);

}  // namespace kubesim::kubelet
