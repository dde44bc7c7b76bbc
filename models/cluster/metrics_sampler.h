// MetricsSampler: the run's time series (RunResults.metrics → metrics.csv, RunResults.node_series
// → nodes.csv), sampled every spec.output.interval of simulated time.
//
// It plays Prometheus: between two slices of the simulation the Cluster calls Sample(), which
// scrapes the scheduler's exported counters and queue sizes (kube-scheduler /metrics) and reads
// the cluster state the committed writes describe (what kube-state-metrics serves from its
// informers). It schedules no event and writes nothing, so sampling never changes a run.
//
// Node and pod state is kept incrementally from the commit stream (OnCommit), so a sample costs
// O(nodes × resources), not a walk over the store.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <unordered_map>
#include <vector>

#include "models/etcd/mvcc_store.h"
#include "models/report/results.h"
#include "models/scheduler/scheduler.h"
#include "sim/time.h"

namespace kubesim::cluster {

class MetricsSampler {
 public:
  explicit MetricsSampler(sim::Duration interval);

  void OnCommit(const etcd::Event& e);
  // One row of metrics and one row per stored Node, at `now`.
  void Sample(sim::Time now, const scheduler::Scheduler& scheduler);
  // Copies the series into `out` (metrics and node_series).
  void Fill(report::RunResults* out) const;
  // Moves them instead, for the last look at a run: the sampler keeps no rows afterwards.
  void Take(report::RunResults* out);

 private:
  struct NodeState {
    uint32_t name_id = 0;  // in series_.names
    uint32_t zone_id = 0;  // in series_.zones
    bool ready = false;
    bool unschedulable = false;
    std::vector<int64_t> allocatable;  // by resource index
  };
  struct PodState {
    std::string node;               // bound node, empty when not bound or terminal
    std::vector<int64_t> requests;  // by resource index, when bound and not terminal
    bool running = false;           // status.phase Running
  };
  // Scalar values of one sample, in kScalarNames order, then per resource index.
  struct Row {
    double time = 0;
    std::vector<double> scalars;
    std::vector<double> allocatable, requested, utilisation, fragmentation;  // by resource index
  };

  size_t ResourceIndex(const std::string& name);
  // The id of `value` in `table`, added when new.
  static uint32_t Intern(const std::string& value, std::vector<std::string>& table,
                         std::unordered_map<std::string, uint32_t>& ids);
  // Fill and Take: the metrics table, and the node series' resource columns in output order.
  void FillMetrics(report::RunResults* out, const std::vector<size_t>& order) const;
  std::vector<size_t> ResourceOrder() const;
  // `s` with its resource columns in output order, padded for resources first seen after the last
  // sample.
  report::NodeSeries Ordered(report::NodeSeries s, const std::vector<size_t>& order) const;
  std::vector<int64_t> Requests(const api::Pod& pod);
  void Account(const PodState& pod, int sign);

  double interval_seconds_;
  std::vector<std::string> resources_ = {"cpu", "memory", "pods"};  // then extended, as first seen
  std::map<std::string, size_t> resource_index_;
  std::map<std::string, NodeState> nodes_;  // by name (the sample's row order)
  // Only looked up (hash order is never observable):
  std::unordered_map<std::string, std::vector<int64_t>> requested_;  // node → Σ requests of its pods
  std::unordered_map<std::string, int64_t> pods_on_;                 // node → bound, non-terminal pods
  std::unordered_map<std::string, PodState> pods_;                   // by uid
  std::vector<int64_t> bound_requests_;                              // Σ over all bound, non-terminal pods
  int64_t bound_pods_ = 0;
  int64_t running_pods_ = 0;
  size_t sli_seen_ = 0;  // scheduler SLI observations already attributed to a sample

  std::vector<Row> rows_;
  report::NodeSeries series_;  // allocatable/requested indexed by resource index, padded in Fill
  std::unordered_map<std::string, uint32_t> name_ids_, zone_ids_;  // of series_.names and .zones
};

}  // namespace kubesim::cluster
