// Load curves: how much CPU a workload's users demand over simulated time. A scenario gives one
// per workload (`spec.loads`), as points or a CSV time series; the metrics server spreads the
// demand evenly over the workload's ready pods, as a Service would spread requests.
#pragma once

#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "models/api/yaml_node.h"
#include "sim/status.h"
#include "sim/time.h"

namespace kubesim::metrics {

struct LoadCurve {
  std::vector<std::pair<sim::Duration, int64_t>> points;  // (time, demand in millicores), sorted
  bool step = false;  // hold each value until the next point instead of interpolating linearly
  // Demand at `t`: the first value before the first point, the last after the last.
  int64_t MilliAt(sim::Duration t) const;
};

struct WorkloadLoad {
  std::string kind;  // Deployment, ReplicaSet or StatefulSet: whose selector picks the pods
  std::string ns;
  std::string name;
  LoadCurve cpu;
};

// Parses `spec.loads`:
//   - target: {kind: Deployment, name: web, namespace: default}
//     cpu: {points: [{at: 0s, value: "1"}, {at: 10m, value: "8"}], interpolation: linear}
//     # or cpu: {csv: load.csv}: a header line, then `time,value` rows; time as a Go duration
//     # or seconds, value as a Kubernetes quantity of cores (2, 1500m)
// `defined(kind, namespace, name)` tells whether the scenario defines the target.
sim::StatusOr<std::vector<WorkloadLoad>> ParseLoads(
    const api::YamlNode& loads, const std::string& base_dir,
    const std::function<bool(const std::string&, const std::string&, const std::string&)>& defined);

}  // namespace kubesim::metrics
