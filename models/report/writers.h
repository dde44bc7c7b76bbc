// Writers for the result files of one run. Their names and columns are an interface users and CI
// scripts rely on (docs/results.md): summary.json, pods.csv, events.jsonl, metrics.csv, nodes.csv,
// trace.json, report.html, and timing.json (the only file whose content may differ between two
// runs of the same inputs).
#pragma once

#include <ostream>
#include <string>

#include "models/report/results.h"
#include "sim/status.h"

namespace kubesim::report {

struct WallClock {
  double run_seconds = 0;    // simulation loop only
  double total_seconds = 0;  // including loading and writing
};

sim::Status WriteResults(const RunResults& r, const std::string& dir);
sim::Status WriteTiming(const RunResults& r, const WallClock& wall, const std::string& dir);

// The row-per-item files come in two forms: Write*(r, stream) formats straight into a stream (what
// WriteResults uses, so a long run's files are never held whole in memory), and the string form
// returns the same bytes.
std::string SummaryJson(const RunResults& r);
std::string PodsCsv(const RunResults& r);
void WritePodsCsv(const RunResults& r, std::ostream& out);
std::string EventsJsonl(const RunResults& r);
void WriteEventsJsonl(const RunResults& r, std::ostream& out);
// "pass" when every expectation held, "fail" when one did not, "none" without expectations.
std::string VerdictOf(const RunResults& r);
// RunResults.metrics: a `time` column, then one column per metric name.
std::string MetricsCsv(const RunResults& r);
// RunResults.node_series: time,node,zone,ready, then <resource>_allocatable,<resource>_requested.
std::string NodesCsv(const RunResults& r);
void WriteNodesCsv(const RunResults& r, std::ostream& out);
// Chrome trace-event JSON (trace_json.cc), for Perfetto UI / chrome://tracing.
std::string TraceJson(const RunResults& r);
void WriteTraceJson(const RunResults& r, std::ostream& out);
// One self-contained HTML page with the summary, the verdicts and inline SVG plots (report_html.cc).
std::string ReportHtml(const RunResults& r);
// A number as the shortest decimal that reads back exactly; empty for NaN.
std::string FormatNumber(double v);
// A few lines for a person at a terminal.
std::string HumanSummary(const RunResults& r);

// Text for XML and HTML content and attribute values: & < > " ' as character references.
std::string XmlEscape(const std::string& s);

// Simulated time as exact decimal seconds ("12.018500000").
std::string FormatSeconds(sim::Time t);

}  // namespace kubesim::report
