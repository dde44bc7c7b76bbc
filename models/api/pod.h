// core/v1 Pod: the fields kubesim simulates. Everything else in a manifest is accepted and ignored;
// fields that would change scheduling but are not simulated yet are reported as warnings by the
// codec (see codec.cc), never silently.
#pragma once

#include <optional>
#include <string>
#include <string_view>
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

// core/v1 Probe: only the timing fields. The handler (exec, httpGet, tcpSocket, grpc) is accepted
// and ignored; whether a probe succeeds comes from the scenario (docs/kubelet.md), since kubesim
// runs no processes. Defaults as upstream SetDefaults_Probe.
struct Probe {
  int32_t initial_delay_seconds = 0;
  int32_t timeout_seconds = 1;
  int32_t period_seconds = 10;
  int32_t success_threshold = 1;
  int32_t failure_threshold = 3;

  friend bool operator==(const Probe&, const Probe&) = default;
};

struct Container {
  std::string name;
  std::string image;
  std::string image_pull_policy;  // Always, IfNotPresent, Never; defaulted by the codec from the tag
  ResourceList requests;
  ResourceList limits;
  std::vector<ContainerPort> ports;
  std::string restart_policy;  // init containers only: "Always" marks a sidecar
  std::optional<Probe> readiness_probe;
  std::optional<Probe> liveness_probe;
  std::optional<Probe> startup_probe;
  // lifecycle.preStop: how long the hook runs. A `sleep` action runs for its seconds; exec and
  // httpGet hooks run for the duration in annotation kubesim.io/prestop-duration (default 0).
  bool has_pre_stop = false;
  std::optional<int64_t> pre_stop_sleep_seconds;

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

// core/v1 ContainerState: exactly one of waiting, running, terminated is set in a real API
// object; here `kind` says which, and the fields of the others are ignored.
struct ContainerStateTerminated {
  int32_t exit_code = 0;
  std::string reason;  // Completed (exit 0), Error, OOMKilled, ...
  std::string message;
  sim::Time started_at;
  sim::Time finished_at;

  friend bool operator==(const ContainerStateTerminated&, const ContainerStateTerminated&) = default;
};

struct ContainerState {
  enum class Kind { kNone, kWaiting, kRunning, kTerminated };
  Kind kind = Kind::kNone;
  std::string waiting_reason;  // ContainerCreating, CrashLoopBackOff, ErrImagePull, ...
  std::string waiting_message;
  sim::Time running_started_at;
  ContainerStateTerminated terminated;

  friend bool operator==(const ContainerState&, const ContainerState&) = default;
};

struct ContainerStatus {
  std::string name;
  std::string image;
  bool ready = false;
  std::optional<bool> started;
  int32_t restart_count = 0;
  ContainerState state;
  ContainerState last_state;

  friend bool operator==(const ContainerStatus&, const ContainerStatus&) = default;
};

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
  static constexpr const char* kKind = "Pod";
  static constexpr const char* kAPIVersion = "v1";
  PodSpec spec;
  PodStatus status;

  int32_t Priority() const { return spec.priority.value_or(0); }
  // Compared as views: lengths first, so most mismatches cost no memcmp (these run per pod in
  // every controller's and the scheduler's loops).
  bool IsTerminal() const {
    const std::string_view phase = status.phase;
    return phase == kPodSucceeded || phase == kPodFailed;
  }
  const PodCondition* FindCondition(std::string_view type) const;
  // Sets (or adds) a condition; the transition time changes only when the status does.
  void SetCondition(const std::string& type, const std::string& status, sim::Time now, const std::string& reason = "",
                    const std::string& message = "");
};

// Upstream `v1helper.ToleratesTaint` semantics, see tolerations.h for the taint side.
bool ToleratesTaint(const Toleration& t, const std::string& taint_key, const std::string& taint_value,
                    const std::string& taint_effect);

// The annotation kubesim reads for how long a pod's containers run before they exit.
inline constexpr const char* kRunDurationAnnotation = "kubesim.io/run-duration";
// The exit code of the containers when the run duration elapses (default 0); see docs/kubelet.md.
inline constexpr const char* kExitCodeAnnotation = "kubesim.io/exit-code";
// The value of kubesim.io/exit-code: a decimal integer 0–255 (a process's exit status), else none.
std::optional<int32_t> ParseExitCode(const std::string& text);
// Probe failure model (docs/kubelet.md): from this long after the container starts, the probe
// fails; unset, it always succeeds.
inline constexpr const char* kReadinessFailsAfterAnnotation = "kubesim.io/readiness-fails-after";
inline constexpr const char* kLivenessFailsAfterAnnotation = "kubesim.io/liveness-fails-after";
inline constexpr const char* kStartupSucceedsAfterAnnotation = "kubesim.io/startup-succeeds-after";
// Graceful termination: how long exec/httpGet preStop hooks run, and how long the process takes
// to exit after SIGTERM (default: at once).
inline constexpr const char* kPreStopDurationAnnotation = "kubesim.io/prestop-duration";
inline constexpr const char* kSigtermExitAfterAnnotation = "kubesim.io/sigterm-exit-after";
// The pod's memory working set once running (a quantity), for node-pressure eviction.
inline constexpr const char* kMemoryUsageAnnotation = "kubesim.io/memory-usage";

}  // namespace kubesim::api
