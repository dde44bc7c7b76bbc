// core/v1 Pod: the fields kubesim simulates. Everything else in a manifest is accepted and ignored;
// fields that would change scheduling but are not simulated yet are reported as warnings by the
// codec (see codec.cc), never silently.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "models/api/affinity.h"
#include "models/api/labels.h"
#include "models/api/object.h"
#include "models/api/resources.h"

namespace kubesim::api {

struct ContainerPort {
  int32_t container_port = 0;
  int32_t host_port = 0;  // 0: none
  std::string host_ip;    // empty: every address (0.0.0.0)
  std::string protocol = "TCP";

  friend bool operator==(const ContainerPort&, const ContainerPort&) = default;
};

struct Container {
  std::string name;
  std::string image;
  ResourceList requests;
  ResourceList limits;
  std::vector<ContainerPort> ports;
  std::string restart_policy;  // init containers only: "Always" marks a sidecar

  friend bool operator==(const Container&, const Container&) = default;
};

struct TopologySpreadConstraint {
  int32_t max_skew = 1;
  std::string topology_key;
  std::string when_unsatisfiable = "DoNotSchedule";  // or ScheduleAnyway
  std::optional<LabelSelector> label_selector;       // null selects nothing
  std::optional<int32_t> min_domains;
  std::string node_affinity_policy = "Honor";  // Honor or Ignore
  std::string node_taints_policy = "Ignore";   // Honor or Ignore
  std::vector<std::string> match_label_keys;

  friend bool operator==(const TopologySpreadConstraint&, const TopologySpreadConstraint&) = default;
};

struct Toleration {
  std::string key;
  std::string op;  // "Equal" (also when empty) or "Exists"
  std::string value;
  std::string effect;  // "", NoSchedule, PreferNoSchedule, NoExecute
  std::optional<int64_t> toleration_seconds;

  friend bool operator==(const Toleration&, const Toleration&) = default;
};

// The terminated state of a container (core/v1 ContainerStateTerminated): what the Job
// controller reads for a failed pod's finish time and exit code.
struct ContainerStateTerminated {
  int32_t exit_code = 0;
  std::string reason;  // Completed, Error
  sim::Time finished_at;
};

// core/v1 ContainerStatus, the fields kubesim writes. restartCount is what upstream's Job
// controller sums for restartPolicy OnFailure (pastBackoffLimitOnFailure).
struct ContainerStatus {
  std::string name;
  int32_t restart_count = 0;
  std::optional<ContainerStateTerminated> terminated;
};

struct PodCondition {
  std::string type;    // PodScheduled, Initialized, ContainersReady, Ready
  std::string status;  // True, False, Unknown
  std::string reason;
  std::string message;
  sim::Time last_transition_time;
};

inline constexpr const char* kDefaultSchedulerName = "default-scheduler";

struct PodSpec {
  std::string node_name;
  std::string scheduler_name = kDefaultSchedulerName;
  std::string priority_class_name;
  std::optional<int32_t> priority;
  std::string preemption_policy;
  std::string restart_policy = "Always";
  std::string service_account_name;
  bool host_network = false;
  int64_t termination_grace_period_seconds = 30;
  std::vector<Container> init_containers;
  std::vector<Container> containers;
  std::vector<Toleration> tolerations;
  StringMap node_selector;
  Affinity affinity;
  std::vector<TopologySpreadConstraint> topology_spread_constraints;
  ResourceList overhead;
  std::vector<std::string> scheduling_gates;

  friend bool operator==(const PodSpec&, const PodSpec&) = default;
};

inline constexpr const char* kPodPending = "Pending";
inline constexpr const char* kPodRunning = "Running";
inline constexpr const char* kPodSucceeded = "Succeeded";
inline constexpr const char* kPodFailed = "Failed";

struct PodStatus {
  std::string phase = kPodPending;
  std::vector<PodCondition> conditions;
  std::string nominated_node_name;
  std::optional<sim::Time> start_time;
  std::string reason;
  std::string message;
  std::vector<ContainerStatus> container_statuses;
};

struct Pod : ObjectOf<Pod> {
  PodSpec spec;
  PodStatus status;

  int32_t Priority() const { return spec.priority.value_or(0); }
  bool IsTerminal() const { return status.phase == kPodSucceeded || status.phase == kPodFailed; }
  const PodCondition* FindCondition(const std::string& type) const;
  // Sets (or adds) a condition; the transition time changes only when the status does.
  void SetCondition(const std::string& type, const std::string& status, sim::Time now,
                    const std::string& reason = "", const std::string& message = "");
};

// Upstream `v1helper.ToleratesTaint` semantics, see tolerations.h for the taint side.
bool ToleratesTaint(const Toleration& t, const std::string& taint_key, const std::string& taint_value,
                    const std::string& taint_effect);

// The annotation kubesim reads for how long a pod's containers run before it succeeds.
inline constexpr const char* kRunDurationAnnotation = "kubesim.io/run-duration";
// The exit code (an int, default 0) the pod's containers end with when that run time elapses.
inline constexpr const char* kExitCodeAnnotation = "kubesim.io/exit-code";

}  // namespace kubesim::api
