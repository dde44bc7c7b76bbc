// `kubesim perf CONFIG [--workload NAME] [--label FILTER] [--out DIR] [--seed N]`: runs upstream
// scheduler_perf workload files (models/perf, docs/perf.md).
//
// Exit status: 0 success, 2 bad input (config, templates, unknown workload), 1 a workload failed
// (a wait timed out, a threshold was not met) or results could not be written.
#include "cli/perf.h"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "cli/wall_clock.h"
#include "models/perf/config.h"
#include "models/perf/runner.h"

namespace kubesim::cli {
namespace {

constexpr int kExitBadInput = 2;
constexpr int kExitFailure = 1;

std::string FileName(std::string s) {
  for (char& c : s) {
    if (c == '/') c = '_';
  }
  return s + ".json";
}

}  // namespace

int PerfMain(const PerfArgs& args, const scheduler::Registry& registry) {
  WallSeconds();
  auto config = perf::LoadPerfConfig(args.config);
  if (!config.ok()) {
    std::cerr << config.status().message() << "\n";
    return kExitBadInput;
  }
  // Selection: --workload names "<test>/<workload>", a test case (all its workloads) or a
  // workload name; --label applies upstream's label filter on top.
  std::vector<std::pair<const perf::TestCase*, const perf::Workload*>> selected;
  for (const auto& tc : config->test_cases) {
    for (const auto& w : tc.workloads) {
      if (!args.workload.empty() && args.workload != tc.name + "/" + w.name && args.workload != tc.name &&
          args.workload != w.name) {
        continue;
      }
      std::vector<std::string> labels = tc.labels;
      labels.insert(labels.end(), w.labels.begin(), w.labels.end());
      if (!args.label.empty() && !perf::LabelsEnabled(args.label, labels)) continue;
      selected.emplace_back(&tc, &w);
    }
  }
  if (selected.empty()) {
    std::cerr << args.config << ":1:1: ";
    if (!args.workload.empty()) {
      std::cerr << "--workload: no test case or workload named \"" << args.workload << "\"";
    } else {
      std::cerr << "--label: no workload matches \"" << args.label << "\"";
    }
    std::cerr << "; workloads:";
    for (const auto& tc : config->test_cases) {
      for (const auto& w : tc.workloads) std::cerr << " " << tc.name << "/" << w.name;
    }
    std::cerr << "\n";
    return kExitBadInput;
  }
  // Resolve everything before running anything: bad input never costs a long run first.
  std::vector<perf::ResolvedWorkload> resolved;
  for (const auto& [tc, w] : selected) {
    auto r = perf::ResolveWorkload(*config, *tc, *w, registry);
    if (!r.ok()) {
      std::cerr << r.status().message() << "\n";
      return kExitBadInput;
    }
    for (const auto& warning : r->warnings) std::cerr << "warning: " << warning << "\n";
    resolved.push_back(std::move(r).value());
  }
  std::string dir = args.out_dir.empty() ? "out/perf" : args.out_dir;
  int rc = 0;
  for (const auto& w : resolved) {
    perf::PerfOptions opts;
    opts.seed = args.seed;
    opts.registry = &registry;
    opts.wall_clock = WallSeconds;
    double t0 = WallSeconds();
    auto result = perf::RunWorkload(w, opts);
    double wall = WallSeconds() - t0;
    if (!result.ok()) {
      std::cerr << result.status().message() << "\n";
      rc = kExitFailure;
      continue;
    }
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    std::string path = (std::filesystem::path(dir) / FileName(w.test_name + "_" + w.workload_name)).string();
    std::ofstream out(path, std::ios::binary);
    out << perf::DataItemsJson(result->items);
    out.close();
    if (ec || !out) {
      std::cerr << path << ": cannot write results\n";
      return kExitFailure;
    }
    std::cout << perf::HumanTable(*result);
    std::printf(
        "  measured %lld pods in %.1f s simulated (%.1f pods/s simulated), %.3f s wall (%.0f pods/s wall)\n",
        static_cast<long long>(result->measured_pods), result->measured_sim_seconds,
        result->measured_sim_seconds > 0 ? static_cast<double>(result->measured_pods) / result->measured_sim_seconds
                                         : 0.0,
        result->measured_wall_seconds,
        result->measured_wall_seconds > 0 ? static_cast<double>(result->measured_pods) / result->measured_wall_seconds
                                          : 0.0);
    std::printf("  workload: %lld pods created, %lld scheduled, %.1f s simulated, %.3f s wall, %llu events; %s\n",
                static_cast<long long>(result->pods_created), static_cast<long long>(result->pods_scheduled),
                result->simulated_seconds, wall, static_cast<unsigned long long>(result->events_processed),
                path.c_str());
    std::fflush(stdout);
    if (result->threshold_failed) {
      std::cerr << "threshold: " << result->threshold_message << "\n";
      rc = kExitFailure;
    }
  }
  return rc;
}

}  // namespace kubesim::cli
