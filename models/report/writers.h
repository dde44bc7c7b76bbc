// Writers for the result files of one run (DESIGN.md §5). Their names and columns are an
// interface users and CI scripts rely on: summary.json, pods.csv, events.jsonl, and timing.json
// (the only file whose content may differ between two runs of the same inputs).
#pragma once

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

std::string SummaryJson(const RunResults& r);
std::string PodsCsv(const RunResults& r);
std::string EventsJsonl(const RunResults& r);
// "pass" when every expectation held, "fail" when one did not, "none" without expectations.
std::string VerdictOf(const RunResults& r);
// A few lines for a person at a terminal.
std::string HumanSummary(const RunResults& r);

// Simulated time as exact decimal seconds ("12.018500000").
std::string FormatSeconds(sim::Time t);

}  // namespace kubesim::report
