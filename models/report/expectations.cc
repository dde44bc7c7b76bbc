#include "models/report/expectations.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>

namespace kubesim::report {
namespace {

const std::vector<std::string> kSeriesAggregates = {"min", "max", "mean", "first", "last",
                                                    "p50", "p90", "p95",  "p99",   "count"};

std::string FormatNumber(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.6g", v);
  return buf;
}

std::string FormatWindowBound(double s) {
  sim::Duration d = sim::Duration::Nanoseconds(static_cast<int64_t>(std::llround(s * 1e9)));
  return d.ToString();
}

bool Compare(double observed, const std::string& op, double threshold) {
  if (op == "<") return observed < threshold;
  if (op == "<=") return observed <= threshold;
  if (op == ">") return observed > threshold;
  if (op == ">=") return observed >= threshold;
  if (op == "==") return observed == threshold;
  return observed != threshold;
}

bool InWindow(double t, const Expectation& e) {
  return (!e.from_seconds || t >= *e.from_seconds) && (!e.to_seconds || t <= *e.to_seconds);
}

// Reduces `values` (any order). nullopt when there is nothing to reduce.
std::optional<double> Reduce(std::vector<double> values, const std::string& how) {
  if (how == "count") return static_cast<double>(values.size());
  if (values.empty()) return std::nullopt;
  if (how == "first") return values.front();
  if (how == "last") return values.back();
  if (how == "mean") {
    double sum = 0;
    for (double v : values) sum += v;
    return sum / static_cast<double>(values.size());
  }
  std::sort(values.begin(), values.end());
  if (how == "min") return values.front();
  if (how == "max") return values.back();
  double p = std::stod(how.substr(1));
  return Percentile(values, p);
}

// `events_total{reason="X",type="Y"}` → its label values.
std::map<std::string, std::string> Labels(const std::string& metric) {
  std::map<std::string, std::string> out;
  size_t open = metric.find('{');
  if (open == std::string::npos) return out;
  std::string body = metric.substr(open + 1, metric.size() - open - 2);
  size_t i = 0;
  while (i < body.size()) {
    size_t eq = body.find('=', i);
    if (eq == std::string::npos) break;
    std::string key = body.substr(i, eq - i);
    size_t q1 = body.find('"', eq);
    size_t q2 = q1 == std::string::npos ? q1 : body.find('"', q1 + 1);
    if (q2 == std::string::npos) break;
    out[key] = body.substr(q1 + 1, q2 - q1 - 1);
    i = q2 + 1;
    if (i < body.size() && body[i] == ',') ++i;
  }
  return out;
}

std::optional<double> Total(const std::string& m, const RunResults& r) {
  if (m == "pods_scheduled") return static_cast<double>(r.pods_scheduled);
  if (m == "pods_unscheduled") return static_cast<double>(r.pods_unscheduled);
  if (m == "pods_running") return static_cast<double>(r.pods_running);
  if (m == "pods_succeeded") return static_cast<double>(r.pods_succeeded);
  if (m == "pods_failed") return static_cast<double>(r.pods_failed);
  if (m == "pods_deleted") return static_cast<double>(r.pods_deleted);
  if (m == "nodes_total") return static_cast<double>(r.nodes_total);
  if (m == "nodes_ready") return static_cast<double>(r.nodes_ready);
  if (m == "nodes_used") {
    return static_cast<double>(
        std::count_if(r.nodes.begin(), r.nodes.end(), [](const NodeRecord& n) { return n.pods > 0; }));
  }
  if (m == "scheduling_attempts") return static_cast<double>(r.scheduling_attempts);
  if (m == "node_failures") return static_cast<double>(r.node_failures.size());
  return std::nullopt;
}

}  // namespace

const std::vector<std::string>& TotalMetricNames() {
  static const std::vector<std::string> kNames = {
      "pods_scheduled", "pods_unscheduled", "pods_running", "pods_succeeded",      "pods_failed",  "pods_deleted",
      "nodes_total",    "nodes_ready",      "nodes_used",   "scheduling_attempts", "node_failures"};
  return kNames;
}

const std::vector<std::string>& ControlPlaneSeriesNames() {
  static const std::vector<std::string> kNames = {"etcd_mvcc_db_total_size_in_bytes",
                                                  "etcd_mvcc_db_total_size_in_use_in_bytes",
                                                  "etcd_server_quota_backend_bytes",
                                                  "etcd_server_has_leader",
                                                  "etcd_server_leader_changes_seen_total",
                                                  "etcd_server_proposals_failed_total",
                                                  "apiserver_request_total",
                                                  "apiserver_flowcontrol_rejected_requests_total",
                                                  "apiserver_flowcontrol_current_executing_seats",
                                                  "apiserver_flowcontrol_current_inqueue_requests"};
  return kNames;
}

const std::vector<std::string>& SeriesBaseNames() {
  static const std::vector<std::string> kNames = [] {
    std::vector<std::string> names = {"scheduler_pending_pods",
                                      "scheduler_schedule_attempts_total",
                                      "scheduler_pod_scheduling_sli_duration_seconds",
                                      "nodes_ready",
                                      "nodes_used",
                                      "pods_running",
                                      "cluster_allocatable",
                                      "cluster_requested",
                                      "cluster_utilisation",
                                      "cluster_fragmentation"};
    const std::vector<std::string>& control_plane = ControlPlaneSeriesNames();
    names.insert(names.end(), control_plane.begin(), control_plane.end());
    return names;
  }();
  return kNames;
}

std::string BaseName(const std::string& metric) { return metric.substr(0, metric.find('{')); }

MetricFamily FamilyOf(const std::string& metric) {
  const auto& totals = TotalMetricNames();
  if (std::find(totals.begin(), totals.end(), metric) != totals.end()) return MetricFamily::kTotal;
  if (metric == "pod_scheduling_latency_seconds" || metric == "pod_startup_latency_seconds") {
    return MetricFamily::kDistribution;
  }
  if (metric == "events_total" || metric.rfind("events_total{", 0) == 0) return MetricFamily::kEvents;
  return MetricFamily::kSeries;
}

std::vector<std::string> AggregatesFor(MetricFamily family) {
  switch (family) {
    case MetricFamily::kTotal:
      return {"value"};
    case MetricFamily::kEvents:
      return {"count"};
    default:
      return kSeriesAggregates;
  }
}

std::string DefaultAggregate(MetricFamily family) {
  switch (family) {
    case MetricFamily::kTotal:
      return "value";
    case MetricFamily::kEvents:
      return "count";
    default:
      return "";
  }
}

std::string ExpressionOf(const Expectation& e) {
  std::string s = e.aggregate == "value" ? e.metric : e.aggregate + "(" + e.metric + ")";
  if (e.from_seconds || e.to_seconds) {
    s += " over [" + (e.from_seconds ? FormatWindowBound(*e.from_seconds) : std::string("start")) + ", " +
         (e.to_seconds ? FormatWindowBound(*e.to_seconds) : std::string("end")) + "]";
  }
  return s + " " + e.comparator + " " + FormatNumber(e.threshold);
}

std::vector<Verdict> EvaluateExpectations(const std::vector<Expectation>& expectations, const RunResults& r) {
  std::vector<Verdict> out;
  for (const auto& e : expectations) {
    Verdict v;
    v.name = e.name.empty() ? ExpressionOf(e) : e.name;
    v.expression = ExpressionOf(e);
    v.source = e.source;
    std::optional<double> observed;
    std::string missing;
    switch (e.family.value_or(FamilyOf(e.metric))) {
      case MetricFamily::kTotal:
        observed = Total(e.metric, r);
        break;
      case MetricFamily::kDistribution: {
        std::vector<double> values;
        bool startup = e.metric == "pod_startup_latency_seconds";
        for (const auto& p : r.pods) {
          if (!p.created || !InWindow(p.created->ToSeconds(), e)) continue;
          const auto& end = startup ? p.running : p.scheduled;
          if (end) values.push_back((*end - *p.created).ToSeconds());
        }
        observed = Reduce(std::move(values), e.aggregate);
        if (!observed) missing = "no pod created in the window reached that point";
        break;
      }
      case MetricFamily::kEvents: {
        auto labels = Labels(e.metric);
        double n = 0;
        for (const auto& ev : r.events) {
          if (!InWindow(ev.time.ToSeconds(), e)) continue;
          if (labels.count("reason") && labels["reason"] != ev.reason) continue;
          if (labels.count("type") && labels["type"] != ev.type) continue;
          ++n;
        }
        observed = n;
        break;
      }
      case MetricFamily::kSeries: {
        const std::vector<double>* col = r.metrics.Column(e.metric);
        if (col == nullptr) {
          missing = r.metrics.names.empty() ? "the run recorded no metrics time series"
                                            : "metrics.csv has no column \"" + e.metric + "\"";
          break;
        }
        std::vector<double> values;
        for (size_t i = 0; i < col->size() && i < r.metrics.time.size(); ++i) {
          if (InWindow(r.metrics.time[i], e)) values.push_back((*col)[i]);
        }
        observed = Reduce(std::move(values), e.aggregate);
        if (!observed) missing = "no sample in the window";
        break;
      }
    }
    if (!observed) {
      v.passed = false;
      v.message = missing.empty() ? "no value" : missing;
    } else {
      v.observed = *observed;
      v.passed = Compare(*observed, e.comparator, e.threshold);
      if (!v.passed)
        v.message =
            "observed " + FormatNumber(*observed) + ", expected " + e.comparator + " " + FormatNumber(e.threshold);
    }
    out.push_back(std::move(v));
  }
  return out;
}

}  // namespace kubesim::report
