#include "models/compare/metrics.h"

#include <algorithm>
#include <cmath>
#include <cstdint>

namespace kubesim::compare {
namespace {

using report::RunResults;

// Nodes holding at least one bound, non-terminal pod at the end: what bin packing minimises
// (the nodes a cluster autoscaler could not remove).
std::optional<double> NodesUsed(const RunResults& r) {
  return static_cast<double>(
      std::count_if(r.nodes.begin(), r.nodes.end(), [](const report::NodeRecord& n) { return n.pods > 0; }));
}

// Nodes whose bound, non-terminal pods request more CPU, memory or pod slots than the node has
// allocatable. A policy that fits correctly never does this; upstream's kubelet would reject the
// excess pods at admission (OutOfcpu, OutOfmemory, OutOfpods), which kubesim's kubelet does not
// model (docs/compare.md), so the overcommit is counted where the scheduler made it.
std::optional<double> NodesOvercommitted(const RunResults& r) {
  return static_cast<double>(std::count_if(r.nodes.begin(), r.nodes.end(), [](const report::NodeRecord& n) {
    return n.requested_milli_cpu > n.allocatable_milli_cpu || n.requested_memory > n.allocatable_memory ||
           n.pods > n.allocatable_pods;
  }));
}

// Victims of preemption. Upstream DefaultPreemption's prepareCandidate records a Normal event with
// reason "Preempted" on every victim it deletes ("Preempted by pod ... on node ..."), so one
// event is one preempted pod.
std::optional<double> Preemptions(const RunResults& r) {
  return static_cast<double>(std::count_if(r.events.begin(), r.events.end(),
                                           [](const client::RecordedEvent& e) { return e.reason == "Preempted"; }));
}

// Scheduling attempts (Scheduled + FailedScheduling events) per pod that ever existed: 1.0 when
// every pod fit on its first cycle; retries of unschedulable pods push it up.
std::optional<double> AttemptsPerPod(const RunResults& r) {
  if (r.pods.empty()) return 0.0;
  return static_cast<double>(r.scheduling_attempts) / static_cast<double>(r.pods.size());
}

// Requested/allocatable CPU of each node that holds pods at the end, averaged over those nodes:
// how full the used nodes are (higher is tighter packing).
std::optional<double> UsedNodeCpuUtilisation(const RunResults& r) {
  double sum = 0;
  int64_t n = 0;
  for (const auto& node : r.nodes) {
    if (node.pods == 0 || node.allocatable_milli_cpu <= 0) continue;
    sum += static_cast<double>(node.requested_milli_cpu) / static_cast<double>(node.allocatable_milli_cpu);
    ++n;
  }
  if (n == 0) return 0.0;
  return sum / static_cast<double>(n);
}

// The peak of scheduler_pending_pods summed over its queue label (what `sum(scheduler_pending_pods)`
// shows in Prometheus): none when the run recorded no samples.
std::optional<double> PendingPodsPeak(const RunResults& r) {
  std::vector<double> total;
  for (const char* queue : {"active", "backoff", "unschedulable", "gated"}) {
    const std::vector<double>* col = r.metrics.Column(std::string("scheduler_pending_pods{queue=\"") + queue + "\"}");
    if (col == nullptr) continue;
    if (total.size() < col->size()) total.resize(col->size(), 0.0);
    for (size_t i = 0; i < col->size(); ++i) total[i] += (*col)[i];
  }
  if (total.empty()) return std::nullopt;
  return *std::max_element(total.begin(), total.end());
}

constexpr Direction kLower = Direction::kLowerIsBetter;
constexpr Direction kHigher = Direction::kHigherIsBetter;

// Default tolerances: counts of pods tolerate one pod or a few percent, so seed-to-seed jitter of
// a run is not a regression; latencies tolerate 10% or a few scheduling cycles.
const std::vector<MetricDef> kMetrics = {
    {"pods_unscheduled",
     "pods",
     kLower,
     {0.02, 1},
     "pods that exist at the end and were never bound",
     [](const RunResults& r) -> std::optional<double> { return static_cast<double>(r.pods_unscheduled); }},
    {"pods_scheduled",
     "pods",
     kHigher,
     {0.02, 1},
     "pods bound during the run",
     [](const RunResults& r) -> std::optional<double> { return static_cast<double>(r.pods_scheduled); }},
    {"nodes_used", "nodes", kLower, {0.02, 1}, "nodes with at least one bound, non-terminal pod at the end", NodesUsed},
    {"nodes_overcommitted",
     "nodes",
     kLower,
     {0, 0},
     "nodes whose pods request more than their allocatable cpu, memory or pods",
     NodesOvercommitted},
    {"used_node_cpu_utilisation",
     "ratio",
     kHigher,
     {0.02, 0.01},
     "mean requested/allocatable CPU over the nodes used at the end",
     UsedNodeCpuUtilisation},
    {"scheduling_latency_p50",
     "s",
     kLower,
     {0.10, 0.05},
     "creation to binding, median over scheduled pods",
     [](const RunResults& r) -> std::optional<double> { return r.scheduling_latency.p50; }},
    {"scheduling_latency_p99",
     "s",
     kLower,
     {0.10, 0.1},
     "creation to binding, 99th percentile",
     [](const RunResults& r) -> std::optional<double> { return r.scheduling_latency.p99; }},
    {"startup_latency_p99",
     "s",
     kLower,
     {0.10, 0.5},
     "creation to Running, 99th percentile",
     [](const RunResults& r) -> std::optional<double> { return r.startup_latency.p99; }},
    {"scheduling_attempts_per_pod",
     "attempts",
     kLower,
     {0.10, 0.1},
     "scheduling cycles (Scheduled + FailedScheduling events) per pod",
     AttemptsPerPod},
    {"pods_failed",
     "pods",
     kLower,
     {0.02, 1},
     "pods that ended in phase Failed",
     [](const RunResults& r) -> std::optional<double> { return static_cast<double>(r.pods_failed); }},
    {"preemptions", "pods", kLower, {0.10, 1}, "pods preempted (events with reason Preempted)", Preemptions},
    {"pending_pods_peak",
     "pods",
     kLower,
     {0.10, 1},
     "peak of the sampled scheduler_pending_pods series",
     PendingPodsPeak},
    // The cloud's (spec.cloud; not applicable without one): what an expander or node-group layout
    // costs, so it can be gated in CI.
    {"cloud_cost_usd",
     "USD",
     kLower,
     {0.05, 0.01},
     "what the node groups' instances cost over the run (running time x hourly price)",
     [](const RunResults& r) -> std::optional<double> {
       if (!r.cloud) return std::nullopt;
       return r.cloud->cost_usd;
     }},
    {"cloud_instances_launched",
     "instances",
     kLower,
     {0.05, 1},
     "instances launched during the run",
     [](const RunResults& r) -> std::optional<double> {
       if (!r.cloud) return std::nullopt;
       return static_cast<double>(r.cloud->instances_launched);
     }},
    {"cluster_autoscaler_failed_scale_ups",
     "scale-ups",
     kLower,
     {0, 0},
     "scale-ups that failed (cloud errors, stockouts, quotas, provision timeouts)",
     [](const RunResults& r) -> std::optional<double> {
       if (!r.cluster_autoscaler) return std::nullopt;
       return static_cast<double>(r.cluster_autoscaler->failed_scale_ups.size());
     }},
};

}  // namespace

double Tolerance::Allowed(double baseline_mean) const {
  return std::max(absolute, relative * std::fabs(baseline_mean));
}

const std::vector<MetricDef>& Metrics() { return kMetrics; }

const MetricDef* FindMetric(std::string_view name) {
  for (const auto& m : kMetrics) {
    if (m.name == name) return &m;
  }
  return nullptr;
}

std::string MetricNames() {
  std::string out;
  for (const auto& m : kMetrics) {
    if (!out.empty()) out += ", ";
    out += m.name;
  }
  return out;
}

}  // namespace kubesim::compare
