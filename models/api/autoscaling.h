// autoscaling/v2 HorizontalPodAutoscaler: the spec the HPA controller reads (Resource metrics on
// cpu/memory; behavior with upstream's defaults filled in when given) and the status it writes.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "models/api/object.h"
#include "models/api/quantity.h"

namespace kubesim::api {

struct CrossVersionObjectReference {
  std::string api_version;
  std::string kind;
  std::string name;
  friend bool operator==(const CrossVersionObjectReference&, const CrossVersionObjectReference&) = default;
};

// A Resource metric source: `resource` (cpu, memory) against a target Utilization (percent of
// requests) or AverageValue (per pod).
struct ResourceMetricSource {
  std::string resource;
  std::string target_type;  // Utilization | AverageValue
  int32_t average_utilization = 0;
  Quantity average_value;
  friend bool operator==(const ResourceMetricSource&, const ResourceMetricSource&) = default;
};

struct HPAScalingPolicy {
  std::string type;  // Pods | Percent
  int32_t value = 0;
  int32_t period_seconds = 0;
  friend bool operator==(const HPAScalingPolicy&, const HPAScalingPolicy&) = default;
};

struct HPAScalingRules {
  std::optional<int32_t> stabilization_window_seconds;
  std::string select_policy = "Max";  // Max | Min | Disabled
  std::vector<HPAScalingPolicy> policies;
  friend bool operator==(const HPAScalingRules&, const HPAScalingRules&) = default;
};

struct HPABehavior {
  HPAScalingRules scale_up;
  HPAScalingRules scale_down;
  friend bool operator==(const HPABehavior&, const HPABehavior&) = default;
};

struct HPACondition {
  std::string type;  // AbleToScale, ScalingActive, ScalingLimited
  std::string status;
  std::string reason;
  std::string message;
  sim::Time last_transition_time;
  friend bool operator==(const HPACondition&, const HPACondition&) = default;
};

struct HPAStatus {
  int64_t observed_generation = 0;
  std::optional<sim::Time> last_scale_time;
  int32_t current_replicas = 0;
  int32_t desired_replicas = 0;
  // Per metric, in spec order: the current average utilization (percent) and average value.
  std::vector<int32_t> current_utilization;
  std::vector<Quantity> current_average_value;
  std::vector<HPACondition> conditions;
  friend bool operator==(const HPAStatus&, const HPAStatus&) = default;
};

struct HorizontalPodAutoscaler : ObjectOf<HorizontalPodAutoscaler> {
  static constexpr const char* kKind = "HorizontalPodAutoscaler";
  static constexpr const char* kAPIVersion = "autoscaling/v2";
  CrossVersionObjectReference scale_target_ref;
  int32_t min_replicas = 1;
  int32_t max_replicas = 0;
  std::vector<ResourceMetricSource> metrics;  // defaulted: cpu at 80% utilization
  std::optional<HPABehavior> behavior;        // nil: the controller's legacy normalization
  HPAStatus status;
};

}  // namespace kubesim::api
