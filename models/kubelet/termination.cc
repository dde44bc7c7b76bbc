// PodWorkers' termination methods (termination.h) and killContainer's timing.
#include "models/kubelet/termination.h"

#include <algorithm>

#include "models/api/kinds.h"
#include "models/api/pod.h"
#include "models/kubelet/pod_workers.h"

namespace kubesim::kubelet {
namespace {

sim::Duration AnnotationDurationOr(const api::Pod& pod, const char* name, sim::Duration fallback) {
  auto it = pod.metadata.annotations.find(name);
  if (it == pod.metadata.annotations.end()) return fallback;
  auto d = sim::ParseDuration(it->second);
  return d.ok() && *d >= sim::Duration::Zero() ? *d : fallback;  // validated at load
}

}  // namespace

ContainerStop PlanContainerStop(const api::Container& container, const api::Pod& pod, sim::Duration grace) {
  sim::Duration hook = sim::Duration::Zero();
  if (container.pre_stop_sleep_seconds) {
    hook = sim::Duration::Seconds(*container.pre_stop_sleep_seconds);
  } else if (container.has_pre_stop) {
    hook = AnnotationDurationOr(pod, api::kPreStopDurationAnnotation, sim::Duration::Zero());
  }
  // executePreStopHook runs at most the grace period; what is left (at least 2 s) is the stop
  // timeout.
  sim::Duration hook_ran = std::min(hook, grace);
  sim::Duration timeout = std::max(grace - hook_ran, kMinimumGracePeriod);
  sim::Duration exit_after = AnnotationDurationOr(pod, api::kSigtermExitAfterAnnotation, sim::Duration::Zero());
  bool exits = exit_after < timeout;
  return ContainerStop{hook_ran + (exits ? exit_after : timeout), exits ? 143 : 137};
}

void PodWorkers::TerminatePod(const api::Pod& pod) {
  const std::string& uid = pod.metadata.uid;
  std::string key = api::NamespacedName(pod.metadata);
  PodRuntime* rt = Runtime(uid);
  if (rt == nullptr) {
    // Nothing runs for it (terminal, or never admitted): the delete can finish at once.
    FinalDelete(key, uid);
    return;
  }
  // The kill deadline is the deletionTimestamp (a second, shorter delete moves it earlier).
  // Simplification: upstream counts the grace period from when the kubelet starts the kill, one
  // watch delay after the API server set the timestamp.
  sim::Duration grace = std::max(*pod.metadata.deletion_timestamp - sim_.Now(), sim::Duration::Zero());
  sim::Time deadline = sim_.Now() + std::max(grace, kMinimumGracePeriod);
  if (rt->terminating) {
    // A shorter grace period from a later delete: the containers still running are killed
    // earlier (upstream: the pod worker restarts the kill with the smaller grace).
    if (deadline >= rt->kill_deadline) return;
    rt->kill_deadline = deadline;
    for (size_t i = 0; i < rt->containers.size(); ++i) {
      if (!rt->containers[i].running) continue;
      uint64_t instance = rt->containers[i].instance;
      owner_.After(deadline - sim_.Now(), [this, uid, i, instance]() { ContainerExited(uid, i, instance, 137); });
    }
    return;
  }
  rt->terminating = true;
  rt->kill_deadline = deadline;
  for (size_t i = 0; i < rt->containers.size(); ++i) {
    ContainerRuntime& c = rt->containers[i];
    c.start_pending = false;  // a restart that has not happened yet will not
    if (c.running) KillContainer(*rt, i, grace, "Stopping container " + c.spec.name);
  }
  MaybeFinishTermination(*rt);
}

void PodWorkers::KillContainer(PodRuntime& rt, size_t idx, sim::Duration grace, const std::string& message) {
  ContainerRuntime& c = rt.containers[idx];
  recorder_.Event(sim_.Now(), *rt.pod, "Normal", "Killing", message);
  ContainerStop stop = PlanContainerStop(c.spec, *rt.pod, grace);
  std::string uid = rt.uid;
  uint64_t instance = c.instance;
  int32_t code = stop.exit_code;
  owner_.After(stop.exit_after, [this, uid, idx, instance, code]() { ContainerExited(uid, idx, instance, code); });
}

void PodWorkers::MaybeFinishTermination(PodRuntime& rt) {
  for (const auto& c : rt.containers) {
    if (c.running) return;
  }
  // Every container stopped: report their terminations, then the final delete.
  if (rt.started) WriteStatus(rt);
  FinalDelete(rt.key, rt.uid);
}

void PodWorkers::FinalDelete(const std::string& key, const std::string& uid) {
  if (deleting_.count(uid)) return;
  auto current = CurrentPod(key, uid);
  if (!current) return;
  deleting_.insert(uid);
  apiserver::DeleteOptions opts;
  opts.grace_period_seconds = 0;
  // A precondition on the uid would be upstream's; the uid check above stands in for it.
  // A delete that fails is tried again at the status manager's next sync, as its syncPod retries
  // the final delete of a pod that canBeDeleted.
  api_.Delete(api::Pod::kKind, current->metadata.namespace_, current->metadata.name, opts,
              owner_.Bind([this, key, uid](const apiserver::Response& r) {
                if (r.ok() || r.code == apiserver::Code::kNotFound) return;
                deleting_.erase(uid);
                owner_.After(kStatusSyncPeriod, [this, key, uid]() { FinalDelete(key, uid); });
              }));
}

}  // namespace kubesim::kubelet
