// The kubelet's record of one pod it runs: what the container runtime knows of each container and
// what the pod worker and status manager know of the pod. Upstream keeps these in three places —
// the runtime's pod cache (kubernetes/kubernetes pkg/kubelet/container/cache.go @ v1.32), the pod
// worker's podSyncStatus (pkg/kubelet/pod_workers.go) and the status manager's last sent status
// (pkg/kubelet/status/status_manager.go) — kubesim keeps one record because one owner changes all
// three in the same step.
//
// Ownership: PodWorkers (pod_workers.h) creates, changes and erases every PodRuntime, keyed by pod
// uid. The probe manager and the eviction manager get a reference for the duration of one call,
// never keep it (only the uid), and change nothing but what their contracts name.
//
// Invariants:
//  - `instance` of a container changes at every start and every kill, so a timer that captured it
//    acts only on the instance it was set for.
//  - `running` ⇒ `started_at` is the start of the running instance.
//  - `exited` ⇔ the container has a terminated instance (in status.state or status.last_state).
//  - `containers` has one entry per regular container of the pod spec, in spec order; it never
//    changes size.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "models/api/pod.h"
#include "sim/time.h"

namespace kubesim::kubelet {

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
  int64_t sent_rv = 0;  // resourceVersion of the last status the API server took
  std::vector<api::ContainerStatus> sent_containers;
};

}  // namespace kubesim::kubelet
