#include "models/cluster/metrics_sampler.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "models/api/node.h"
#include "models/api/pod.h"
#include "models/report/fragmentation.h"
#include "models/scheduler/node_info.h"

namespace kubesim::cluster {
namespace {

// Columns of every metrics row before the per-resource ones, named as upstream exports them:
// kube-scheduler's scheduler_pending_pods (v1.32 labels queue="active|backoff|unschedulable|gated")
// and scheduler_schedule_attempts_total (result="scheduled|unschedulable|error"); the
// scheduler_pod_scheduling_sli_duration_seconds histogram as two quantiles over the interval;
// kube-state-metrics-style cluster counts.
const std::vector<std::string>& ScalarNames() {
  static const std::vector<std::string> kNames = {
      R"(scheduler_pending_pods{queue="active"})",
      R"(scheduler_pending_pods{queue="backoff"})",
      R"(scheduler_pending_pods{queue="unschedulable"})",
      R"(scheduler_pending_pods{queue="gated"})",
      R"(scheduler_schedule_attempts_total{result="scheduled"})",
      R"(scheduler_schedule_attempts_total{result="unschedulable"})",
      R"(scheduler_schedule_attempts_total{result="error"})",
      R"(scheduler_pod_scheduling_sli_duration_seconds{quantile="0.5"})",
      R"(scheduler_pod_scheduling_sli_duration_seconds{quantile="0.99"})",
      "nodes_ready",
      "nodes_used",
      "pods_running",
  };
  return kNames;
}

void AddInto(std::vector<int64_t>& into, const std::vector<int64_t>& v, int sign) {
  if (into.size() < v.size()) into.resize(v.size(), 0);
  for (size_t i = 0; i < v.size(); ++i) into[i] += sign * v[i];
}

int64_t At(const std::vector<int64_t>& v, size_t i) { return i < v.size() ? v[i] : 0; }

bool IsReady(const api::Node& node) {
  const api::NodeCondition* c = node.FindCondition("Ready");
  return c != nullptr && c->status == "True";
}

}  // namespace

MetricsSampler::MetricsSampler(sim::Duration interval) : interval_seconds_(interval.ToSeconds()) {
  for (size_t i = 0; i < resources_.size(); ++i) resource_index_[resources_[i]] = i;
}

size_t MetricsSampler::ResourceIndex(const std::string& name) {
  auto it = resource_index_.find(name);
  if (it != resource_index_.end()) return it->second;
  resources_.push_back(name);
  resource_index_[name] = resources_.size() - 1;
  return resources_.size() - 1;
}

std::vector<int64_t> MetricsSampler::Requests(const api::Pod& pod) {
  // What NodeResourcesFit counts: real requests (no non-zero defaults), one pod slot.
  scheduler::Resource r = scheduler::ComputePodRequests(pod, false);
  std::vector<int64_t> v(resources_.size(), 0);
  v[0] = r.milli_cpu;
  v[1] = r.memory;
  v[2] = 1;
  for (const auto& [name, amount] : r.scalar) {
    size_t i = ResourceIndex(name);
    if (v.size() <= i) v.resize(i + 1, 0);
    v[i] = amount;
  }
  return v;
}

void MetricsSampler::Account(const PodState& pod, int sign) {
  running_pods_ += pod.running ? sign : 0;
  if (pod.node.empty()) return;
  AddInto(requested_[pod.node], pod.requests, sign);
  pods_on_[pod.node] += sign;
  AddInto(bound_requests_, pod.requests, sign);
  bound_pods_ += sign;
}

void MetricsSampler::OnCommit(const etcd::Event& e) {
  if (auto node = api::As<api::Node>(e.object)) {
    const std::string& name = node->metadata.name;
    if (e.type == etcd::EventType::kDelete) {
      nodes_.erase(name);
      return;
    }
    auto [it, added] = nodes_.try_emplace(name);
    NodeState& s = it->second;
    if (added) s.name_id = Intern(name, series_.names, name_ids_);
    auto zone = node->metadata.labels.find("topology.kubernetes.io/zone");
    static const std::string kNoZone;
    s.zone_id = Intern(zone == node->metadata.labels.end() ? kNoZone : zone->second, series_.zones, zone_ids_);
    s.ready = IsReady(*node);
    s.unschedulable = node->spec.unschedulable;
    scheduler::Resource alloc = scheduler::Resource::FromList(node->status.allocatable);
    s.allocatable.assign(resources_.size(), 0);
    s.allocatable[0] = alloc.milli_cpu;
    s.allocatable[1] = alloc.memory;
    s.allocatable[2] = alloc.allowed_pod_number;
    for (const auto& [res, amount] : alloc.scalar) {
      size_t i = ResourceIndex(res);
      if (s.allocatable.size() <= i) s.allocatable.resize(i + 1, 0);
      s.allocatable[i] = amount;
    }
    return;
  }
  auto pod = api::As<api::Pod>(e.object);
  if (!pod) return;
  const std::string& uid = pod->metadata.uid;
  auto it = pods_.find(uid);
  PodState next;
  if (it != pods_.end()) {
    Account(it->second, -1);
    next = std::move(it->second);
    pods_.erase(it);
  }
  if (e.type == etcd::EventType::kDelete) return;
  next.running = pod->status.phase == api::kPodRunning;
  bool bound = !pod->spec.node_name.empty() && !pod->IsTerminal();
  if (!bound) {
    next.node.clear();
    next.requests.clear();
  } else if (next.node != pod->spec.node_name || next.requests.empty()) {
    // Requests are computed once per binding: a bound pod's resources do not change here
    // (in-place resize is not modelled).
    next.node = pod->spec.node_name;
    next.requests = Requests(*pod);
  }
  Account(next, +1);
  pods_.emplace(uid, std::move(next));
}

void MetricsSampler::Sample(sim::Time now, const scheduler::Scheduler& scheduler) {
  Row row;
  row.time = now.ToSeconds();
  const scheduler::SchedulingQueue* q = scheduler.queue();
  double gated = q ? static_cast<double>(q->gated_size()) : 0;
  double active = q ? static_cast<double>(q->active_size()) : 0;
  double backoff = q ? static_cast<double>(q->backoff_size()) : 0;
  // Upstream counts gated pods under queue="gated" only, though they wait in the unschedulable pool.
  double unschedulable = q ? static_cast<double>(q->unschedulable_size()) - gated : 0;
  const scheduler::SchedulerMetrics& m = scheduler.metrics();
  std::vector<double> sli(
      m.sli_seconds.begin() + static_cast<std::ptrdiff_t>(std::min(sli_seen_, m.sli_seconds.size())),
      m.sli_seconds.end());
  sli_seen_ = m.sli_seconds.size();
  std::sort(sli.begin(), sli.end());
  // No pod scheduled in the interval: no quantile (Prometheus' histogram_quantile gives NaN).
  const double nan = std::numeric_limits<double>::quiet_NaN();
  double p50 = sli.empty() ? nan : report::Percentile(sli, 50);
  double p99 = sli.empty() ? nan : report::Percentile(sli, 99);

  const size_t nres = resources_.size();
  std::vector<double> scale(nres, 1.0);
  scale[0] = 1.0 / 1000;  // milli-CPU → cores
  std::vector<int64_t> alloc_ready(nres, 0), req_ready(nres, 0);
  std::vector<double> free_matrix;  // Ready, schedulable nodes × resources
  size_t free_rows = 0;
  int64_t ready = 0, used = 0;
  for (const auto& [name, node] : nodes_) {
    auto req_it = requested_.find(name);
    static const std::vector<int64_t> kNone;
    const std::vector<int64_t>& req = req_it == requested_.end() ? kNone : req_it->second;
    auto pods_it = pods_on_.find(name);
    if (pods_it != pods_on_.end() && pods_it->second > 0) ++used;
    series_.time.push_back(row.time);
    series_.node.push_back(node.name_id);
    series_.zone.push_back(node.zone_id);
    series_.ready.push_back(node.ready ? 1 : 0);
    if (series_.allocatable.size() < nres) {
      // A resource first seen now: earlier rows had none of it.
      size_t rows_before = series_.time.size() - 1;
      series_.allocatable.resize(nres, std::vector<double>(rows_before, 0.0));
      series_.requested.resize(nres, std::vector<double>(rows_before, 0.0));
    }
    for (size_t r = 0; r < nres; ++r) {
      series_.allocatable[r].push_back(static_cast<double>(At(node.allocatable, r)) * scale[r]);
      series_.requested[r].push_back(static_cast<double>(At(req, r)) * scale[r]);
    }
    if (!node.ready) continue;
    ++ready;
    for (size_t r = 0; r < nres; ++r) {
      alloc_ready[r] += At(node.allocatable, r);
      req_ready[r] += At(req, r);
    }
    if (node.unschedulable) continue;
    ++free_rows;
    for (size_t r = 0; r < nres; ++r) free_matrix.push_back(static_cast<double>(At(node.allocatable, r) - At(req, r)));
  }
  std::vector<double> typical(nres, 0.0);
  if (bound_pods_ > 0) {
    for (size_t r = 0; r < nres; ++r) {
      typical[r] = static_cast<double>(At(bound_requests_, r)) / static_cast<double>(bound_pods_);
    }
  }
  row.fragmentation = report::Fragmentation(free_matrix, free_rows, nres, typical);
  for (size_t r = 0; r < nres; ++r) {
    row.allocatable.push_back(static_cast<double>(alloc_ready[r]) * scale[r]);
    row.requested.push_back(static_cast<double>(req_ready[r]) * scale[r]);
    row.utilisation.push_back(
        alloc_ready[r] > 0 ? static_cast<double>(req_ready[r]) / static_cast<double>(alloc_ready[r]) : 0.0);
  }
  row.scalars = {active,
                 backoff,
                 unschedulable,
                 gated,
                 static_cast<double>(m.scheduled),
                 static_cast<double>(m.unschedulable),
                 static_cast<double>(m.error),
                 p50,
                 p99,
                 static_cast<double>(ready),
                 static_cast<double>(used),
                 static_cast<double>(running_pods_)};
  rows_.push_back(std::move(row));
}

std::vector<size_t> MetricsSampler::ResourceOrder() const {
  // Output order of resources: cpu, memory, pods, then extended resources by name.
  std::vector<size_t> order = {0, 1, 2};
  std::vector<size_t> extended;
  for (size_t i = 3; i < resources_.size(); ++i) extended.push_back(i);
  std::sort(extended.begin(), extended.end(), [&](size_t a, size_t b) { return resources_[a] < resources_[b]; });
  order.insert(order.end(), extended.begin(), extended.end());
  return order;
}

void MetricsSampler::FillMetrics(report::RunResults* out, const std::vector<size_t>& order) const {
  report::MetricsTable& t = out->metrics;
  t = report::MetricsTable{};
  t.interval_seconds = interval_seconds_;
  t.names = ScalarNames();
  const size_t scalars = t.names.size();
  for (const char* metric :
       {"cluster_allocatable", "cluster_requested", "cluster_utilisation", "cluster_fragmentation"}) {
    for (size_t r : order) t.names.push_back(std::string(metric) + "{resource=\"" + resources_[r] + "\"}");
  }
  t.columns.assign(t.names.size(), {});
  for (auto& c : t.columns) c.reserve(rows_.size());
  auto get = [](const std::vector<double>& v, size_t i) { return i < v.size() ? v[i] : 0.0; };
  for (const Row& row : rows_) {
    t.time.push_back(row.time);
    for (size_t i = 0; i < scalars; ++i) t.columns[i].push_back(row.scalars[i]);
    size_t col = scalars;
    for (const auto* values : {&row.allocatable, &row.requested, &row.utilisation, &row.fragmentation}) {
      for (size_t r : order) t.columns[col++].push_back(get(*values, r));
    }
  }
}

report::NodeSeries MetricsSampler::Ordered(report::NodeSeries s, const std::vector<size_t>& order) const {
  const size_t rows = s.time.size();
  std::vector<std::vector<double>> allocatable = std::move(s.allocatable);
  std::vector<std::vector<double>> requested = std::move(s.requested);
  s.resources.clear();
  s.allocatable.clear();
  s.requested.clear();
  for (size_t r : order) {
    s.resources.push_back(resources_[r]);
    // A resource first seen after the last sample has no column yet.
    s.allocatable.push_back(r < allocatable.size() ? std::move(allocatable[r]) : std::vector<double>(rows, 0.0));
    s.requested.push_back(r < requested.size() ? std::move(requested[r]) : std::vector<double>(rows, 0.0));
  }
  return s;
}

void MetricsSampler::Fill(report::RunResults* out) const {
  const std::vector<size_t> order = ResourceOrder();
  FillMetrics(out, order);
  out->node_series = Ordered(series_, order);
}

void MetricsSampler::Take(report::RunResults* out) {
  const std::vector<size_t> order = ResourceOrder();
  FillMetrics(out, order);
  out->node_series = Ordered(std::move(series_), order);
  // The rows are gone; the name tables stay, so that a later sample's ids still name its nodes.
  series_ = report::NodeSeries{};
  series_.names = out->node_series.names;
  series_.zones = out->node_series.zones;
}

uint32_t MetricsSampler::Intern(const std::string& value, std::vector<std::string>& table,
                                std::unordered_map<std::string, uint32_t>& ids) {
  auto [it, added] = ids.try_emplace(value, static_cast<uint32_t>(table.size()));
  if (added) table.push_back(value);
  return it->second;
}

}  // namespace kubesim::cluster
