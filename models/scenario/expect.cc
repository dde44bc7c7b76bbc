#include "models/scenario/expect.h"

#include <algorithm>
#include <charconv>
#include <cmath>

namespace kubesim::scenario {
namespace {

constexpr std::string_view kComparators[] = {"<", "<=", ">", ">=", "==", "!="};

std::string Join(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : ", ") + x;
  return s;
}

// A Prometheus-style name with an optional {label="value",...} selector.
bool WellFormedMetric(const std::string& m) {
  size_t open = m.find('{');
  std::string base = m.substr(0, open);
  if (base.empty()) return false;
  for (size_t i = 0; i < base.size(); ++i) {
    char c = base[i];
    bool ok =
        (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':' || (i > 0 && c >= '0' && c <= '9');
    if (!ok) return false;
  }
  if (open == std::string::npos) return true;
  return m.back() == '}' && std::count(m.begin(), m.end(), '"') % 2 == 0;
}

}  // namespace

sim::StatusOr<report::Expectation> ParseExpectation(const api::YamlNode& node, sim::Duration duration) {
  KUBESIM_RETURN_IF_ERROR(node.ExpectMap());
  KUBESIM_RETURN_IF_ERROR(node.CheckKeys({"name", "metric", "aggregate", "window", "comparator", "threshold"}));
  report::Expectation e;
  e.source = node.file() + ":" + std::to_string(node.line()) + ":" + std::to_string(node.column());
  if (node["name"].Defined()) {
    KUBESIM_ASSIGN_OR_RETURN(e.name, node["name"].String());
  }
  if (!node["metric"].Defined()) {
    return node["metric"].Error("Required value: a metrics.csv column, a run total (" +
                                Join(report::TotalMetricNames()) +
                                "), pod_scheduling_latency_seconds, pod_startup_latency_seconds or "
                                "events_total{reason=\"...\"}");
  }
  KUBESIM_ASSIGN_OR_RETURN(e.metric, node["metric"].String());
  if (!WellFormedMetric(e.metric)) {
    return node["metric"].Error(
        "Invalid value: \"" + e.metric +
        "\": a metric name ([a-zA-Z_:][a-zA-Z0-9_:]*) with an optional {label=\"value\"} selector");
  }
  report::MetricFamily family = report::FamilyOf(e.metric);
  const auto& series = report::SeriesBaseNames();
  bool sampled = std::find(series.begin(), series.end(), report::BaseName(e.metric)) != series.end();
  // nodes_used and pods_running are run totals and sampled series: an aggregation other than
  // `value`, or a window, asks for the series.
  if (family == report::MetricFamily::kTotal && sampled) {
    bool wants_series = node["window"].Defined();
    if (node["aggregate"].Defined()) {
      auto agg = node["aggregate"].String();
      wants_series = wants_series || (agg.ok() && *agg != "value");
    }
    if (wants_series) family = report::MetricFamily::kSeries;
  }
  if (family == report::MetricFamily::kSeries && !sampled) {
    return node["metric"].Error(
        "Unsupported value: \"" + e.metric + "\": not a metric kubesim records; metrics.csv series: " + Join(series) +
        "; run totals: " + Join(report::TotalMetricNames()) +
        "; pod_scheduling_latency_seconds, pod_startup_latency_seconds, events_total{reason=\"...\"}");
  }
  e.family = family;
  std::vector<std::string> allowed = report::AggregatesFor(family);
  if (node["aggregate"].Defined()) {
    KUBESIM_ASSIGN_OR_RETURN(e.aggregate, node["aggregate"].String());
    if (std::find(allowed.begin(), allowed.end(), e.aggregate) == allowed.end()) {
      return node["aggregate"].Error("Unsupported value: \"" + e.aggregate + "\" for " + e.metric +
                                     ": supported values: " + Join(allowed));
    }
  } else {
    e.aggregate = report::DefaultAggregate(family);
    if (e.aggregate.empty()) {
      return node["aggregate"].Error("Required value: how to reduce " + e.metric + " to one number: " + Join(allowed));
    }
  }
  if (node["window"].Defined()) {
    if (family == report::MetricFamily::kTotal) {
      return node["window"].Error("Forbidden: " + e.metric + " is a total at the end of the run; it has no window");
    }
    api::YamlNode w = node["window"];
    KUBESIM_RETURN_IF_ERROR(w.ExpectMap());
    KUBESIM_RETURN_IF_ERROR(w.CheckKeys({"from", "to"}));
    for (auto [field, out] : {std::pair{"from", &e.from_seconds}, std::pair{"to", &e.to_seconds}}) {
      if (!w[field].Defined()) continue;
      KUBESIM_ASSIGN_OR_RETURN(sim::Duration d, w[field].ToDuration());
      if (d < sim::Duration::Zero()) return w[field].Error("Invalid value: must not be negative");
      if (d > duration) {
        return w[field].Error("Invalid value: " + d.ToString() + " is after the scenario's duration (" +
                              duration.ToString() + ")");
      }
      *out = d.ToSeconds();
    }
    if (e.from_seconds && e.to_seconds && *e.from_seconds > *e.to_seconds) {
      return w["to"].Error("Invalid value: the window ends before it starts");
    }
  }
  if (!node["comparator"].Defined()) return node["comparator"].Error("Required value: one of <, <=, >, >=, ==, !=");
  KUBESIM_ASSIGN_OR_RETURN(e.comparator, node["comparator"].String());
  if (std::find(std::begin(kComparators), std::end(kComparators), e.comparator) == std::end(kComparators)) {
    return node["comparator"].Error("Unsupported value: \"" + e.comparator +
                                    "\": supported values: <, <=, >, >=, ==, !=");
  }
  if (!node["threshold"].Defined()) return node["threshold"].Error("Required value: the number to compare with");
  KUBESIM_ASSIGN_OR_RETURN(std::string t, node["threshold"].String());
  double v = 0;
  auto [p, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
  if (ec != std::errc() || p != t.data() + t.size() || !std::isfinite(v)) {
    return node["threshold"].Error("Invalid value: \"" + t + "\": expected a number");
  }
  e.threshold = v;
  return e;
}

}  // namespace kubesim::scenario
