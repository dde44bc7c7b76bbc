// RunResults: everything one run produced, in the form the writers (writers.h), the CLI and the
// Python module consume. Built by the Recorder from committed writes and recorded events, so it
// reflects what the API server stored, not what components intended.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "models/client/event_recorder.h"
#include "models/report/node_failures.h"
#include "sim/time.h"

namespace kubesim::report {

struct PodRecord {
  std::string uid;
  std::string namespace_;
  std::string name;
  std::string node;
  std::optional<sim::Time> created;    // committed
  std::optional<sim::Time> scheduled;  // binding committed
  std::optional<sim::Time> running;    // status.phase Running committed
  std::optional<sim::Time> finished;   // Succeeded or Failed committed
  std::optional<sim::Time> deleted;    // removed from the store
  std::string phase = "Pending";
  int attempts = 0;          // scheduling attempts (FailedScheduling + Scheduled events)
  std::string last_failure;  // message of the last FailedScheduling event
};

// One Node stored at the end of the run, with what its bound, non-terminal pods request
// (scheduler arithmetic: milli-CPU and bytes, as NodeResourcesFit counts them).
struct NodeRecord {
  std::string name;
  std::string zone;  // topology.kubernetes.io/zone, or empty
  bool ready = false;
  bool unschedulable = false;
  int64_t capacity_milli_cpu = 0, capacity_memory = 0, capacity_pods = 0;
  int64_t allocatable_milli_cpu = 0, allocatable_memory = 0, allocatable_pods = 0;
  int64_t requested_milli_cpu = 0, requested_memory = 0;
  int64_t pods = 0;  // bound and not terminal
};

struct LatencySummary {
  int64_t count = 0;
  double p50 = 0, p90 = 0, p99 = 0, max = 0, mean = 0;  // seconds
};

// Time series sampled at a fixed simulated interval (metrics.csv): one row per sample, columns
// named as Prometheus names them (`scheduler_pending_pods`, `cluster_cpu_utilisation`, ...).
// Filled by the cluster's sampler; read by metrics.csv, report.html, `expect:` and Python.
struct MetricsTable {
  double interval_seconds = 0;
  std::vector<double> time;                  // seconds since the start, ascending
  std::vector<std::string> names;            // column names, in output order
  std::vector<std::vector<double>> columns;  // columns[i][row], one per name
  // Null when there is no column of that name.
  const std::vector<double>* Column(const std::string& name) const;
};

// Per-node samples at the same times as MetricsTable (nodes.csv), columnar: row r is node
// NodeName(r) at time[r]. Resources are "cpu" (cores), "memory" (bytes), "pods", then extended
// resources by name (e.g. "nvidia.com/gpu"); requested counts bound, non-terminal pods as
// NodeResourcesFit does.
struct NodeSeries {
  std::vector<std::string> resources;
  std::vector<double> time;
  // A row names its node and zone by index into `names` and `zones`: a large cluster samples
  // millions of rows, and two strings per row were half of the series' memory.
  std::vector<std::string> names;
  std::vector<std::string> zones;
  std::vector<uint32_t> node;
  std::vector<uint32_t> zone;
  std::vector<uint8_t> ready;
  std::vector<std::vector<double>> allocatable;  // [resource][row]
  std::vector<std::vector<double>> requested;    // [resource][row]

  const std::string& NodeName(size_t row) const { return names[node[row]]; }
  const std::string& ZoneName(size_t row) const { return zones[zone[row]]; }
};

// The outcome of one `expect:` assertion of the scenario.
struct Verdict {
  std::string name;        // the expectation's name, or a description of it
  std::string expression;  // e.g. "max(scheduler_pending_pods) over [0s, 30m] <= 5"
  bool passed = false;
  double observed = 0;  // the aggregated value the threshold was compared with
  std::string message;  // why it failed, or empty
  std::string source;   // FILE:LINE:COL of the expectation
};

// spec.cloud: what the cloud did and what it cost (summary.json `cloud`).
struct CloudResults {
  int64_t instances_launched = 0;    // during the run; the node groups' initial instances are not counted
  int64_t instances_terminated = 0;  // stopped for any reason (scale-down, spot, the scenario)
  int64_t instances_failed = 0;      // launches that failed (stockout, quota)
  int64_t spot_interruptions = 0;
  double cost_usd = 0;  // running time × hourly price, billed per second
  std::map<std::string, double> cost_usd_by_node_group;
  struct LoadBalancer {
    std::string service;  // namespace/name
    std::string ingress;
    double requested_at;
    std::optional<double> ready_at;
    std::vector<std::string> backends;  // at the end
    int64_t backend_updates;
  };
  std::vector<LoadBalancer> load_balancers;  // by service
};

// A timeline action whose API call failed, as kubectl would report it (summary.json
// `failed_actions`): the run goes on.
struct FailedAction {
  double at;
  std::string object;  // Kind/namespace/name, or Node/name
  std::string reason;  // FailedCreate, FailedUpdate, FailedDelete, FailedEviction, ...
  std::string message;
};

// The etcd cluster (summary.json `etcd`).
struct EtcdResults {
  int members = 0;
  int64_t leader_changes = 0;  // elections after the start
  double seconds_without_leader = 0;
  double seconds_without_quorum = 0;
  int64_t failed_writes = 0;  // writes etcd dropped, timed out or refused for space (the API server answered 500)
  int64_t failed_reads = 0;   // linearizable reads that failed (leader changed, timed out)
  // The backend (etcd_mvcc_db_total_size_in_bytes and _in_use_in_bytes at the end, the file's
  // largest size) against --quota-backend-bytes; NOSPACE alarms raised and the puts they refused.
  int64_t quota_backend_bytes = 0;
  int64_t db_size_bytes = 0;
  int64_t db_size_in_use_bytes = 0;
  int64_t db_size_bytes_max = 0;
  int64_t nospace_alarms = 0;
  int64_t nospace_rejected_writes = 0;
  bool nospace_alarm_active = false;
};

// A leader-elected control-plane component (summary.json `leader_election`): new processes that
// took its lease over and the time no process of it was working.
struct LeaderElectionResults {
  std::string component;  // the lease's name: kube-scheduler, kube-controller-manager
  int64_t leader_changes = 0;
  double seconds_without_leader = 0;
};

// The API server (summary.json `apiserver`): requests by verb and code, 429s of API Priority and
// Fairness, and latency quantiles by verb.
struct ApiServerResults {
  int replicas = 1;
  int max_requests_inflight = 0;  // per replica
  int max_mutating_requests_inflight = 0;
  int64_t requests_total = 0;
  std::vector<int64_t> requests_by_replica;                 // requests each replica was sent, 429 retries included
  int64_t throttled_total = 0;                              // 429 rejections, retries included
  std::map<std::string, std::map<int, int64_t>> responses;  // verb → code → count
  std::map<std::string, int64_t> rejected_by_priority_level;
  std::map<std::string, int> max_seats_in_use_by_priority_level;
  struct Latency {
    int64_t count = 0;
    double p50 = 0, p99 = 0;
  };
  std::map<std::string, Latency> request_latency_seconds;  // by verb
};

// One apiserverLoad of the timeline (summary.json `apiserver_load`): what it sent and the answers.
struct ApiServerLoadResults {
  double at = 0;
  std::string verb;
  std::string resource;
  int64_t sent = 0;
  std::map<int, int64_t> responses_by_code;
};

// spec.clusterAutoscaler: its decisions (summary.json `cluster_autoscaler`).
struct AutoscalerResults {
  struct ScaleUp {
    double at;
    std::string node_group;
    int32_t delta;
  };
  struct ScaleDown {
    double at;
    std::string node;
    std::string node_group;
    std::string reason;  // empty (an empty node) or underutilized
  };
  struct FailedScaleUp {
    double at;
    std::string node_group;
    std::string reason;
  };
  std::vector<ScaleUp> scale_ups;
  std::vector<ScaleDown> scale_downs;
  std::vector<FailedScaleUp> failed_scale_ups;
  int64_t evicted_pods = 0;
};

struct RunResults {
  std::string scenario;
  std::string scenario_file;
  uint64_t seed = 0;
  double simulated_seconds = 0;
  uint64_t events_processed = 0;
  std::string fingerprint;
  int64_t store_revision = 0;
  std::vector<PodRecord> pods;  // in creation order
  std::vector<client::RecordedEvent> events;
  std::vector<NodeFailure> node_failures;          // in the order the failures began
  std::vector<NodeRecord> nodes;                   // stored at the end, by name
  MetricsTable metrics;                            // sampled time series (empty when sampling is off)
  NodeSeries node_series;                          // per-node samples at the same times
  std::vector<Verdict> verdicts;                   // one per `expect:` entry, in scenario order
  std::map<std::string, int64_t> objects_by_kind;  // live at the end
  std::map<std::string, int> not_simulated_kinds;
  std::vector<std::string> warnings;
  int nodes_total = 0;
  int nodes_ready = 0;
  EtcdResults etcd;
  std::vector<LeaderElectionResults> leader_election;
  std::vector<ApiServerLoadResults> apiserver_load;
  ApiServerResults apiserver;
  std::vector<FailedAction> failed_actions;  // in the order they failed
  int64_t watch_relists_total = 0;           // watches ended by an error (410, a broken connection): each relists
  std::optional<CloudResults> cloud;
  std::optional<AutoscalerResults> cluster_autoscaler;

  // Derived figures, computed by Finalize().
  int64_t pods_scheduled = 0;
  int64_t pods_unscheduled = 0;  // exist at the end, never bound
  int64_t pods_running = 0;
  int64_t pods_succeeded = 0;
  int64_t pods_failed = 0;
  int64_t pods_deleted = 0;
  LatencySummary scheduling_latency;  // created → scheduled
  LatencySummary startup_latency;     // created → running
  int64_t scheduling_attempts = 0;

  void Finalize();
};

// Nearest-rank percentile of sorted values (p in (0, 100]).
double Percentile(const std::vector<double>& sorted, double p);
LatencySummary Summarize(std::vector<double> values);

}  // namespace kubesim::report
