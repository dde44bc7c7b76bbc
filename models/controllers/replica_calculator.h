// The HPA's replica calculator (upstream pkg/controller/podautoscaler/replica_calculator.go,
// v1.32): from the target's pods and their metrics, the replica count that brings the metric to
// its target. Unready pods (starting within the CPU initialization period), pods without metrics
// and deleted or failed pods are handled as upstream (GetResourceReplicas, groupPods): missing
// pods count as 100% of their request when scaling down and 0% when scaling up; unready pods count
// as 0% only when scaling up; a change of direction or a ratio within the tolerance keeps the
// current count.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "models/api/pod.h"
#include "models/metrics/metrics_server.h"
#include "sim/status.h"
#include "sim/time.h"

namespace kubesim::controllers {

struct ReplicaCalculatorConfig {
  double tolerance = 0.1;                                                 // --horizontal-pod-autoscaler-tolerance
  sim::Duration cpu_initialization_period = sim::Duration::Minutes(5);    // …-cpu-initialization-period
  sim::Duration delay_of_initial_readiness = sim::Duration::Seconds(30);  // …-initial-readiness-delay
};

struct ReplicaRecommendation {
  int32_t replicas = 0;
  int32_t utilization = 0;  // percent of requests (Utilization targets)
  int64_t raw_average = 0;  // average usage per pod: millicores or bytes
};

// Utilization target: `target_utilization` percent of the pods' requests of `resource`.
sim::StatusOr<ReplicaRecommendation> GetResourceReplicas(int32_t current_replicas, int32_t target_utilization,
                                                         const std::string& resource,
                                                         const std::vector<std::shared_ptr<const api::Pod>>& pods,
                                                         const std::map<std::string, metrics::PodMetric>& metrics,
                                                         sim::Time now, const ReplicaCalculatorConfig& config = {});

// AverageValue target: `target_average` (millicores or bytes) per pod.
sim::StatusOr<ReplicaRecommendation> GetRawResourceReplicas(int32_t current_replicas, int64_t target_average,
                                                            const std::string& resource,
                                                            const std::vector<std::shared_ptr<const api::Pod>>& pods,
                                                            const std::map<std::string, metrics::PodMetric>& metrics,
                                                            sim::Time now, const ReplicaCalculatorConfig& config = {});

}  // namespace kubesim::controllers
