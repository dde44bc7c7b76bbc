// Runs one resolved scheduler_perf workload (config.h) on a whole simulated cluster
// (models/cluster) and measures it as upstream's scheduler_perf does (util.go
// throughputCollector and metricsCollector), in SIMULATED time:
//
//   SchedulingThroughput: from the start of a `collectMetrics: true` createPods op until its pods
//   are scheduled, the number of scheduled pods of its namespace is sampled every simulated
//   second; each sample's pods/s goes into a list (the first non-zero sample is the baseline,
//   intervals without progress are folded into the next, as upstream) and Average, Perc50/90/95/99
//   are taken over it.
//   scheduler_scheduling_attempt_duration_seconds (per result) and
//   scheduler_pod_scheduling_sli_duration_seconds over the same window, in ms, from the
//   scheduler's per-attempt observations (exact samples, not histogram buckets).
//
// No wall clock is read here: the caller may pass one (PerfOptions::wall_clock) to time the
// collection windows; its figures never reach the data items.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "models/perf/config.h"
#include "models/scheduler/registry.h"
#include "sim/status.h"
#include "sim/time.h"

namespace kubesim::perf {

// Upstream's DataItem (test/integration/scheduler_perf/util.go): one metric's figures.
struct DataItem {
  std::map<std::string, double> data;
  std::map<std::string, std::string> labels;
  std::string unit;
};

struct PerfOptions {
  uint64_t seed = 1;
  const scheduler::Registry* registry = nullptr;  // in-tree plugins when null
  // How long (simulated) a wait for pods may take before the workload fails; upstream's per-test
  // timeout is 30 minutes.
  sim::Duration wait_timeout = sim::Duration::Minutes(30);
  // Seconds from some fixed point, for the wall-clock pods/s figure (CLI only; may be null).
  std::function<double()> wall_clock;
};

struct WorkloadResult {
  std::string name;  // "<test>/<workload>"
  std::vector<DataItem> items;
  int64_t measured_pods = 0;         // pods scheduled inside the collection windows
  double measured_sim_seconds = 0;   // simulated length of the collection windows
  double measured_wall_seconds = 0;  // wall-clock length of them (0 without wall_clock)
  double simulated_seconds = 0;      // simulated time at the end of the workload
  uint64_t events_processed = 0;
  int64_t pods_created = 0;
  int64_t pods_scheduled = 0;  // bound pods stored at the end
  int64_t churn_creates = 0;   // objects churn ops created
  int64_t churn_deletes = 0;   // and deleted
  int64_t pods_deleted = 0;    // deletions deletePods ops requested
  // What the store holds at the end: objects by kind, pods by namespace.
  std::map<std::string, int64_t> objects_by_kind;
  std::map<std::string, int64_t> pods_by_namespace;
  bool threshold_failed = false;
  std::string threshold_message;
  std::vector<std::string> warnings;
};

// Errors: a wait that did not finish within wait_timeout (names the op's FILE:LINE:COL), or a
// scheduler profile the cluster refuses.
sim::StatusOr<WorkloadResult> RunWorkload(const ResolvedWorkload& workload, const PerfOptions& options);

// `{"version":"v1","dataItems":[...]}`, as upstream's dataItems2JSONFile writes, keys sorted.
std::string DataItemsJson(const std::vector<DataItem>& items);
// A fixed-width table of the items for stdout.
std::string HumanTable(const WorkloadResult& result);

}  // namespace kubesim::perf
