// metrics-server: scrapes every node's pods every 15 s (--metric-resolution) and serves the
// resource metrics API (metrics.k8s.io) the HPA reads. Usage comes from the scenario's load
// model: a workload's CPU demand (`spec.loads`) is spread evenly over its ready pods, as a
// Service spreads requests; pods with no load use no CPU. Memory usage is the pod annotation
// `kubesim.io/memory-usage` (a quantity), if any.
//
// A pod has metrics once it was running at two consecutive scrapes: metrics-server turns the
// kubelet's cumulative CPU counters into a rate between two samples. Scrapes happen every 15 s
// from the start; kubesim evaluates them lazily, when the metrics API is read, so a cluster
// without HPAs pays nothing — the shares of a scrape are computed over the pods ready when it
// is first read.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "models/api/pod.h"
#include "models/apiserver/api_client.h"
#include "models/client/informer.h"
#include "models/metrics/load.h"
#include "sim/simulation.h"

namespace kubesim::metrics {

inline constexpr const char* kMemoryUsageAnnotation = "kubesim.io/memory-usage";

// One pod's entry in the resource metrics API (PodMetrics, summed over containers).
struct PodMetric {
  int64_t cpu_milli = 0;
  int64_t memory_bytes = 0;
  sim::Time timestamp;
  sim::Duration window;
};

// What the HPA controller sees of metrics.k8s.io.
class PodMetricsSource {
 public:
  virtual ~PodMetricsSource() = default;
  // The latest metric of pod `namespace/name`, or nullopt while it has none.
  virtual std::optional<PodMetric> Get(const std::string& key) const = 0;
};

class MetricsServer : public PodMetricsSource {
 public:
  static constexpr sim::Duration kResolution = sim::Duration::Seconds(15);

  MetricsServer(sim::Simulation& sim, apiserver::ApiServer& api, std::vector<WorkloadLoad> loads);
  void Start();

  std::optional<PodMetric> Get(const std::string& key) const override;

 private:
  sim::Time LastScrape() const;
  // The pod keys of a workload's ready pods, in key order.
  std::vector<std::string> ReadyPods(const WorkloadLoad& load) const;

  sim::Simulation& sim_;
  apiserver::ApiClient api_;
  std::vector<WorkloadLoad> loads_;
  client::Informer pods_;
  client::Informer deployments_;
  client::Informer replicasets_;
  client::Informer statefulsets_;
  sim::Time started_;
  // CPU shares (pod key → millicores) of the scrape at `shares_at_`, computed on first read.
  mutable std::optional<sim::Time> shares_at_;
  mutable std::map<std::string, int64_t> shares_;
};

}  // namespace kubesim::metrics
