// Explain one scheduling decision on a static snapshot: what `kubesim schedule` prints.
//
// The snapshot is built from manifests (Nodes; Pods with spec.nodeName are the existing pods;
// Namespaces, Services, ReplicaSets and PriorityClasses as given), the pod goes through the
// same admission (Priority, DefaultTolerationSeconds) and the same cycle code as in a run, with
// every node filtered and every feasible node scored, and the result keeps each plugin's
// verdict and scores per node.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "models/api/object.h"
#include "models/api/pod.h"
#include "models/scheduler/registry.h"
#include "models/scheduler/schedule_one.h"
#include "models/scheduler/scheduler.h"

namespace kubesim::scheduler {

struct Explanation {
  std::string pod;                 // namespace/name
  std::string profile;             // schedulerName
  std::vector<std::string> nodes;  // every node, in NodeTree order
  ScheduleResult result;
  // PostFilter (DefaultPreemption) as a dry run when no node fits: what it would preempt.
  std::optional<std::string> nominated_node;
  std::vector<std::string> victims;
  std::vector<std::string> warnings;
};

// `cluster` objects and `pod` as decoded from manifests. Errors (no profile for the pod's
// schedulerName, a PriorityClass that does not exist) are input errors.
sim::StatusOr<Explanation> Explain(const std::vector<std::shared_ptr<const api::Object>>& cluster,
                                   std::shared_ptr<const api::Pod> pod, const SchedulerConfig& config,
                                   const Registry& registry, uint64_t seed);

// The stable JSON interface (issue #3): {"selected", "message", "nodes": {name: {"filter": {code,
// plugin, reasons}, "scores": {plugin: {raw, normalized, weighted}}, "total"}}, "victims"}.
std::string ExplanationJson(const Explanation& e);
// A table for people; ends with upstream's message when the pod does not fit.
std::string ExplanationText(const Explanation& e);

}  // namespace kubesim::scheduler
