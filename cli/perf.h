// `kubesim perf`: upstream scheduler_perf workloads on a simulated cluster (cli/perf.cc).
#pragma once

#include <cstdint>
#include <string>

#include "models/scheduler/registry.h"

namespace kubesim::cli {

struct PerfArgs {
  std::string config;
  std::string workload;  // "<test>/<workload>", a test case or a workload name; empty: all
  std::string label;     // upstream label filter, e.g. "performance,-fast"; empty: all
  std::string out_dir;   // default out/perf
  uint64_t seed = 1;
};

// Returns the process exit status.
int PerfMain(const PerfArgs& args, const scheduler::Registry& registry);

}  // namespace kubesim::cli
