// report.html: one self-contained page a person opens after a run. No scripts, no stylesheets or
// fonts from the network: the plots are inline SVG drawn here, with stable element ids
// (plot-pending-pods, plot-utilisation, plot-latency-cdf, plot-timeline, verdict) that tests
// and users can find. Numbers are formatted with fixed precision, so the page is byte-identical
// for the same run.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>

#include "models/report/writers.h"

namespace kubesim::report {
namespace {

std::string Fixed(double v, int digits = 2) {
  if (!std::isfinite(v)) return "-";
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%.*f", digits, v);
  return buf;
}

// A "nice" upper bound for an axis (1, 2, 5 × 10^k at or above v).
double NiceCeil(double v) {
  if (!(v > 0)) return 1;
  double p = std::pow(10.0, std::floor(std::log10(v)));
  for (double m : {1.0, 2.0, 5.0, 10.0}) {
    if (m * p >= v) return m * p;
  }
  return 10 * p;
}

// Decimals for tick labels of an axis that ends at `max` (quarters of it).
int Digits(double max) { return max < 1 ? 3 : max < 10 ? 2 : max < 100 ? 1 : 0; }

struct Series {
  std::string label;
  std::vector<double> x, y;
  std::string color;
  bool step = false;  // draw as a step function (a CDF)
};

constexpr int kWidth = 720, kHeight = 260;
constexpr int kLeft = 60, kRight = 160, kTop = 28, kBottom = 40;

double Px(double x, double x_max) { return kLeft + (x_max > 0 ? x / x_max : 0) * (kWidth - kLeft - kRight); }
double Py(double y, double y_max) {
  return kHeight - kBottom - (y_max > 0 ? y / y_max : 0) * (kHeight - kTop - kBottom);
}

void Axes(std::ostringstream& out, const std::string& title, const std::string& x_label, const std::string& y_label,
          double x_max, double y_max) {
  out << "<text x=\"" << kLeft << "\" y=\"18\" class=\"title\">" << XmlEscape(title) << "</text>\n";
  int x0 = kLeft, x1 = kWidth - kRight, y0 = kHeight - kBottom, y1 = kTop;
  out << "<line x1=\"" << x0 << "\" y1=\"" << y0 << "\" x2=\"" << x1 << "\" y2=\"" << y0 << "\" class=\"axis\"/>\n";
  out << "<line x1=\"" << x0 << "\" y1=\"" << y0 << "\" x2=\"" << x0 << "\" y2=\"" << y1 << "\" class=\"axis\"/>\n";
  for (int i = 0; i <= 4; ++i) {
    double yv = y_max * i / 4, xv = x_max * i / 4;
    double py = Py(yv, y_max), px = Px(xv, x_max);
    out << "<line x1=\"" << x0 << "\" y1=\"" << Fixed(py) << "\" x2=\"" << x1 << "\" y2=\"" << Fixed(py)
        << "\" class=\"grid\"/>\n";
    out << "<text x=\"" << x0 - 6 << "\" y=\"" << Fixed(py + 4) << "\" text-anchor=\"end\">" << Fixed(yv, Digits(y_max))
        << "</text>\n";
    out << "<text x=\"" << Fixed(px) << "\" y=\"" << y0 + 16 << "\" text-anchor=\"middle\">" << Fixed(xv, Digits(x_max))
        << "</text>\n";
  }
  out << "<text x=\"" << (x0 + x1) / 2 << "\" y=\"" << kHeight - 6 << "\" text-anchor=\"middle\">" << XmlEscape(x_label)
      << "</text>\n";
  out << "<text x=\"14\" y=\"" << (y0 + y1) / 2 << "\" text-anchor=\"middle\" transform=\"rotate(-90 14 "
      << (y0 + y1) / 2 << ")\">" << XmlEscape(y_label) << "</text>\n";
}

// A line chart as an <svg> element with the given id. At most ~2000 points per series are drawn
// (every k-th sample, and the last), which a 560-pixel-wide plot cannot tell apart from all.
std::string LineChart(const std::string& id, const std::string& title, const std::string& x_label,
                      const std::string& y_label, const std::vector<Series>& series, double x_max, double y_max) {
  std::ostringstream out;
  out << "<svg id=\"" << id << "\" class=\"plot\" xmlns=\"http://www.w3.org/2000/svg\" width=\"" << kWidth
      << "\" height=\"" << kHeight << "\" viewBox=\"0 0 " << kWidth << " " << kHeight << "\" role=\"img\" aria-label=\""
      << XmlEscape(title) << "\">\n";
  Axes(out, title, x_label, y_label, x_max, y_max);
  int legend_y = kTop + 6;
  for (const auto& s : series) {
    size_t n = std::min(s.x.size(), s.y.size());
    size_t stride = std::max<size_t>(1, n / 2000);
    std::string points;
    double last_py = Py(0, y_max);
    bool have_last = false;
    for (size_t i = 0; i < n; i += stride) {
      size_t j = (i + stride >= n) ? n - 1 : i;  // always end on the last point
      if (!std::isfinite(s.y[j])) continue;
      double px = Px(s.x[j], x_max), py = Py(std::min(s.y[j], y_max), y_max);
      if (s.step && have_last) points += Fixed(px) + "," + Fixed(last_py) + " ";
      points += Fixed(px) + "," + Fixed(py) + " ";
      last_py = py;
      have_last = true;
      if (j == n - 1) break;
    }
    out << "<polyline class=\"series\" data-series=\"" << XmlEscape(s.label) << "\" fill=\"none\" stroke=\"" << s.color
        << "\" stroke-width=\"1.5\" points=\"" << points << "\"/>\n";
    out << "<rect x=\"" << kWidth - kRight + 12 << "\" y=\"" << legend_y - 9 << "\" width=\"10\" height=\"10\" fill=\""
        << s.color << "\"/>\n";
    out << "<text x=\"" << kWidth - kRight + 26 << "\" y=\"" << legend_y << "\">" << XmlEscape(s.label) << "</text>\n";
    legend_y += 16;
  }
  out << "</svg>\n";
  return out.str();
}

std::vector<double> ColumnOrEmpty(const MetricsTable& m, const std::string& name) {
  const std::vector<double>* c = m.Column(name);
  return c ? *c : std::vector<double>{};
}

std::string PendingPlot(const RunResults& r, double x_max) {
  const MetricsTable& m = r.metrics;
  std::vector<Series> series;
  const char* colors[] = {"#1f77b4", "#ff7f0e", "#d62728", "#7f7f7f"};
  int i = 0;
  double y_max = 0;
  for (const char* queue : {"active", "backoff", "unschedulable", "gated"}) {
    Series s{queue, m.time, ColumnOrEmpty(m, std::string("scheduler_pending_pods{queue=\"") + queue + "\"}"),
             colors[i++]};
    for (double v : s.y) y_max = std::max(y_max, v);
    series.push_back(std::move(s));
  }
  return LineChart("plot-pending-pods", "Pending pods by scheduler queue (scheduler_pending_pods)",
                   "simulated time (s)", "pods", series, x_max, NiceCeil(y_max));
}

std::string UtilisationPlot(const RunResults& r, double x_max) {
  const MetricsTable& m = r.metrics;
  std::vector<Series> series = {
      {"cpu requested", m.time, ColumnOrEmpty(m, "cluster_utilisation{resource=\"cpu\"}"), "#1f77b4"},
      {"memory requested", m.time, ColumnOrEmpty(m, "cluster_utilisation{resource=\"memory\"}"), "#2ca02c"},
      {"cpu fragmentation", m.time, ColumnOrEmpty(m, "cluster_fragmentation{resource=\"cpu\"}"), "#9467bd"},
  };
  return LineChart("plot-utilisation", "Utilisation of Ready nodes (requested / allocatable) and fragmentation",
                   "simulated time (s)", "fraction", series, x_max, 1.0);
}

std::string LatencyCdfPlot(const RunResults& r) {
  std::vector<double> lat;
  for (const auto& p : r.pods) {
    if (p.scheduled && p.created) lat.push_back((*p.scheduled - *p.created).ToSeconds());
  }
  std::sort(lat.begin(), lat.end());
  Series s{"created → scheduled", {}, {}, "#d62728", true};
  // At most ~1000 steps: every k-th pod and the last.
  size_t stride = std::max<size_t>(1, lat.size() / 1000);
  for (size_t i = 0; i < lat.size(); i += stride) {
    size_t j = (i + stride >= lat.size()) ? lat.size() - 1 : i;
    s.x.push_back(lat[j]);
    s.y.push_back(static_cast<double>(j + 1) / static_cast<double>(lat.size()));
    if (j == lat.size() - 1) break;
  }
  double x_max = NiceCeil(lat.empty() ? 1 : lat.back());
  return LineChart("plot-latency-cdf", "Scheduling latency CDF (" + std::to_string(lat.size()) + " pods)",
                   "seconds from creation to binding", "fraction of scheduled pods", {s}, x_max, 1.0);
}

std::string TimelinePlot(const RunResults& r, double x_max) {
  std::ostringstream out;
  const int height = 80 + 18 * static_cast<int>(std::min<size_t>(r.node_failures.size(), 20));
  out << "<svg id=\"plot-timeline\" class=\"plot\" xmlns=\"http://www.w3.org/2000/svg\" width=\"" << kWidth
      << "\" height=\"" << height << "\" viewBox=\"0 0 " << kWidth << " " << height
      << "\" role=\"img\" aria-label=\"Timeline of actions\">\n";
  out << "<text x=\"" << kLeft << "\" y=\"18\" class=\"title\">Timeline: scenario actions and node outages</text>\n";
  int axis_y = height - 24;
  out << "<line x1=\"" << kLeft << "\" y1=\"" << axis_y << "\" x2=\"" << kWidth - kRight << "\" y2=\"" << axis_y
      << "\" class=\"axis\"/>\n";
  for (int i = 0; i <= 4; ++i) {
    double xv = x_max * i / 4;
    out << "<text x=\"" << Fixed(Px(xv, x_max)) << "\" y=\"" << axis_y + 16 << "\" text-anchor=\"middle\">"
        << Fixed(xv, 0) << " s</text>\n";
  }
  int actions = 0;
  for (const auto& e : r.events) {
    if (e.source != "scenario" || e.reason != "TimelineAction") continue;
    double px = Px(e.time.ToSeconds(), x_max);
    out << "<g class=\"action\"><title>"
        << XmlEscape(Fixed(e.time.ToSeconds(), 3) + " s: " + e.object + " " + e.message) << "</title><line x1=\""
        << Fixed(px) << "\" y1=\"28\" x2=\"" << Fixed(px) << "\" y2=\"" << axis_y
        << "\" stroke=\"#ff7f0e\" stroke-width=\"2\"/><text x=\"" << Fixed(px + 3) << "\" y=\""
        << 40 + 12 * (actions % 3) << "\">" << XmlEscape(e.object) << "</text></g>\n";
    ++actions;
  }
  int row = 0;
  for (const auto& f : r.node_failures) {
    if (row == 20 || !f.failed) continue;
    double a = Px(f.failed->ToSeconds(), x_max);
    double b = Px(f.ready_again ? f.ready_again->ToSeconds() : r.simulated_seconds, x_max);
    int y = 60 + 18 * row++;
    out << "<g class=\"outage\"><title>" << XmlEscape(f.node) << " down</title><rect x=\"" << Fixed(a) << "\" y=\"" << y
        << "\" width=\"" << Fixed(std::max(1.0, b - a))
        << "\" height=\"12\" fill=\"#d62728\" opacity=\"0.6\"/><text x=\"" << kWidth - kRight + 6 << "\" y=\"" << y + 10
        << "\">" << XmlEscape(f.node) << "</text></g>\n";
  }
  if (actions == 0 && row == 0) {
    out << "<text x=\"" << kLeft << "\" y=\"48\">No timeline actions and no node outages in this run.</text>\n";
  }
  out << "</svg>\n";
  return out.str();
}

}  // namespace

std::string ReportHtml(const RunResults& r) {
  std::ostringstream out;
  out << "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>kubesim report: "
      << XmlEscape(r.scenario) << "</title>\n"
      << "<style>\n"
         "body{font-family:sans-serif;margin:24px;color:#222;max-width:960px}\n"
         "table{border-collapse:collapse;margin:8px 0 16px}td,th{border:1px solid #ccc;padding:3px "
         "8px;text-align:left}\n"
         "th{background:#f3f3f3}.pass{color:#176f2c;font-weight:bold}.fail{color:#b00020;font-weight:bold}\n"
         "svg.plot{display:block;margin:8px 0 20px;border:1px solid #eee}svg text{font-size:11px;fill:#333}\n"
         "svg text.title{font-size:13px;font-weight:bold}svg .axis{stroke:#333}svg .grid{stroke:#eee}\n"
         "</style>\n</head>\n<body>\n";
  out << "<h1>kubesim report: " << XmlEscape(r.scenario) << "</h1>\n";
  out << "<table id=\"summary\">\n";
  auto row = [&](const std::string& k, const std::string& v) {
    out << "<tr><th>" << XmlEscape(k) << "</th><td>" << XmlEscape(v) << "</td></tr>\n";
  };
  row("scenario file", r.scenario_file);
  row("seed", std::to_string(r.seed));
  row("simulated time", Fixed(r.simulated_seconds, 3) + " s");
  row("events processed", std::to_string(r.events_processed));
  row("nodes", std::to_string(r.nodes_total) + " (" + std::to_string(r.nodes_ready) + " Ready at the end)");
  row("pods", std::to_string(r.pods.size()) + " total: " + std::to_string(r.pods_scheduled) + " scheduled, " +
                  std::to_string(r.pods_unscheduled) + " unscheduled, " + std::to_string(r.pods_running) +
                  " running, " + std::to_string(r.pods_succeeded) + " succeeded, " + std::to_string(r.pods_failed) +
                  " failed, " + std::to_string(r.pods_deleted) + " deleted");
  row("scheduling latency", "p50 " + Fixed(r.scheduling_latency.p50, 3) + " s, p99 " +
                                Fixed(r.scheduling_latency.p99, 3) + " s, max " + Fixed(r.scheduling_latency.max, 3) +
                                " s");
  row("pod startup latency",
      "p50 " + Fixed(r.startup_latency.p50, 3) + " s, p99 " + Fixed(r.startup_latency.p99, 3) + " s");
  row("node failures", std::to_string(r.node_failures.size()));
  row("fingerprint", r.fingerprint);
  out << "</table>\n";

  // Verdicts of the scenario's expect: entries.
  size_t failed = 0;
  for (const auto& v : r.verdicts) failed += v.passed ? 0 : 1;
  std::string overall = r.verdicts.empty() ? "none" : failed == 0 ? "pass" : "fail";
  out << "<h2>Verdict</h2>\n<p id=\"verdict\" data-verdict=\"" << overall << "\" class=\""
      << (overall == "fail" ? "fail" : "pass") << "\">";
  if (r.verdicts.empty()) {
    out << "No expectations (the scenario has no expect: entries).";
  } else if (failed == 0) {
    out << "PASS: all " << r.verdicts.size() << " expectations hold.";
  } else {
    out << "FAIL: " << failed << " of " << r.verdicts.size() << " expectations do not hold.";
  }
  out << "</p>\n";
  if (!r.verdicts.empty()) {
    out << "<table id=\"verdicts\">\n<tr><th>result</th><th>expectation</th><th>expression</th><th>observed</th>"
           "<th>message</th><th>source</th></tr>\n";
    for (const auto& v : r.verdicts) {
      out << "<tr class=\"" << (v.passed ? "pass" : "fail") << "\"><td>" << (v.passed ? "PASS" : "FAIL") << "</td><td>"
          << XmlEscape(v.name) << "</td><td><code>" << XmlEscape(v.expression) << "</code></td><td>"
          << FormatNumber(v.observed) << "</td><td>" << XmlEscape(v.message) << "</td><td>" << XmlEscape(v.source)
          << "</td></tr>\n";
    }
    out << "</table>\n";
  }

  out << "<h2>Plots</h2>\n";
  // Time axes end at the end of the run.
  double x_max = r.simulated_seconds > 0 ? r.simulated_seconds : 1;
  if (r.metrics.time.empty()) {
    out << "<p>Sampling was off (spec.output.interval: 0s): no time series.</p>\n";
  }
  out << PendingPlot(r, x_max) << UtilisationPlot(r, x_max) << LatencyCdfPlot(r) << TimelinePlot(r, x_max);
  if (!r.warnings.empty()) {
    out << "<h2>Warnings</h2>\n<ul>\n";
    for (const auto& w : r.warnings) out << "<li>" << XmlEscape(w) << "</li>\n";
    out << "</ul>\n";
  }
  out << "<p>Files of this run: summary.json, pods.csv, events.jsonl, metrics.csv, nodes.csv, trace.json (open in "
         "Perfetto UI). Times are simulated.</p>\n</body>\n</html>\n";
  return out.str();
}

}  // namespace kubesim::report
