// The `kubesim` command line: a thin shell over models/cluster.
//
//   kubesim run SCENARIO [--seed N] [--out DIR] [--until D] [--set NAME=VALUE]...
//   kubesim validate SCENARIO [--set NAME=VALUE]...
//   kubesim schema
//   kubesim schedule --cluster FILE... --pod FILE [--config FILE] [--output text|json]
//   kubesim perf CONFIG [--workload NAME] [--label FILTER] [--out DIR] [--seed N]   (cli/perf.cc)
//   kubesim compare --baseline FILE --candidate FILE SCENARIO... [--seeds N] [--junit F] [--markdown F]
//
// Exit status: 0 success, 2 bad input (message `FILE:LINE:COL: field: what is wrong`, one line
// per problem), 1 when an `expect:` assertion failed or results cannot be written.
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "cli/compare.h"
#include "cli/perf.h"
#include "cli/wall_clock.h"
#include "examples/plugins/node_label_preference.h"
#include "models/api/codec.h"
#include "models/cluster/cluster.h"
#include "models/compare/compare.h"
#include "models/report/writers.h"
#include "models/scenario/scenario.h"
#include "models/scenario/schema.h"
#include "models/scheduler/config.h"
#include "models/scheduler/explain.h"

namespace {

using namespace kubesim;

constexpr int kExitBadInput = 2;
constexpr int kExitFailure = 1;

// In-tree plugins plus the examples, built once: what scenarios and configurations may name.
const scheduler::Registry& CliRegistry() {
  static const scheduler::Registry kRegistry = [] {
    scheduler::Registry r = scheduler::Registry::InTree();
    if (sim::Status st = examples::RegisterExamplePlugins(r); !st.ok()) std::cerr << st.message() << "\n";
    return r;
  }();
  return kRegistry;
}

using cli::WallSeconds;

// `--set name=value` pairs → parameter overrides; a malformed pair is bad input.
std::optional<std::map<std::string, std::string>> ParseSets(const std::vector<std::string>& sets) {
  std::map<std::string, std::string> out;
  for (const auto& s : sets) {
    size_t eq = s.find('=');
    if (eq == std::string::npos || eq == 0) {
      std::cerr << "--set " << s << ": expected NAME=VALUE, e.g. --set nodes=500\n";
      return std::nullopt;
    }
    std::string name = s.substr(0, eq);
    if (out.count(name)) {
      std::cerr << "--set " << s << ": parameter \"" << name << "\" is set twice\n";
      return std::nullopt;
    }
    out[name] = s.substr(eq + 1);
  }
  return out;
}

sim::StatusOr<scenario::Scenario> Load(const std::string& path, const std::map<std::string, std::string>& sets) {
  scenario::LoadOptions opts;
  opts.registry = &CliRegistry();
  opts.parameters = sets;
  return scenario::LoadScenario(path, opts);
}

int Validate(const std::string& path, const std::map<std::string, std::string>& sets) {
  auto sc = Load(path, sets);
  if (!sc.ok()) {
    const std::string& msg = sc.status().message();
    std::cerr << msg << "\n";
    size_t problems = 1 + static_cast<size_t>(std::count(msg.begin(), msg.end(), '\n'));
    if (problems > 1) std::cerr << path << ": " << problems << " problems\n";
    return kExitBadInput;
  }
  // spec.compare's metric names are defined by models/compare, above the scenario layer.
  if (auto plan = compare::PlanMetrics(sc->compare); !plan.ok()) {
    std::cerr << plan.status().message() << "\n";
    return kExitBadInput;
  }
  for (const auto& w : sc->warnings) std::cerr << "warning: " << w << "\n";
  std::cout << path << ": valid (" << sc->objects.size() << " objects, " << sc->timeline.size() << " timeline actions, "
            << sc->workloads.size() << " workload sources, " << sc->expectations.size() << " expectations, duration "
            << sc->duration.ToString() << ")\n";
  return 0;
}

// Runs `c` to its end in slices of simulated time. Slicing changes nothing (Cluster::RunUntil is
// exact), so it happens whether or not anyone watches; when the run has lasted a second of wall
// time and stderr is a terminal, a progress line is rewritten in place after a slice and cleared
// at the end. Nothing is printed otherwise (pipes, CI logs, --quiet with redirected stderr).
void RunWithProgress(cluster::Cluster& c, double wall_start) {
  const bool tty = isatty(STDERR_FILENO) == 1;
  const sim::Time end = c.end();
  const sim::Time start = c.simulation().Now();
  const int64_t span = (end - start).nanos();
  // 1000 slices: a tenth of a percent of progress per update, and too few to cost anything.
  const sim::Duration slice = sim::Duration::Nanoseconds(std::max<int64_t>(span / 1000, 1'000'000));
  double last_print = 0;
  bool printed = false;
  for (sim::Time t = start; t < end;) {
    t = end - t <= slice ? end : t + slice;
    c.RunUntil(t);
    if (!tty) continue;
    double now = WallSeconds();
    double elapsed = now - wall_start;
    if (elapsed < 1.0 || now - last_print < 0.25) continue;
    last_print = now;
    printed = true;
    double eps = static_cast<double>(c.simulation().events_processed()) / elapsed;
    std::fprintf(
        stderr, "\r\033[Ksimulated %s / %s (%.0f%%)  wall %.1f s  %.0f events/s",
        (c.simulation().Now() - sim::Time::Zero()).ToString().c_str(), (end - sim::Time::Zero()).ToString().c_str(),
        span > 0 ? 100.0 * static_cast<double>((c.simulation().Now() - start).nanos()) / static_cast<double>(span)
                 : 100.0,
        elapsed, eps);
    std::fflush(stderr);
  }
  if (printed) {
    std::fputs("\r\033[K", stderr);  // clear the line: the summary follows on stdout
    std::fflush(stderr);
  }
}

// Freeing a finished run object by object takes a visible share of a large run (4 % of
// bench/scenarios/scheduling-basic.yaml) and changes nothing: the process exits right after. So
// release builds leave the cluster and its results to the operating system; sanitizer builds free
// them, so that their leak check still covers every destructor.
struct LeftToExit {
  template <typename T>
  void operator()(T* p) const {
#ifdef __SANITIZE_ADDRESS__
    delete p;
#else
    static_cast<void>(p);
#endif
  }
};

int Run(const std::string& path, std::optional<uint64_t> seed, const std::string& out_dir, const std::string& until,
        bool quiet, const std::map<std::string, std::string>& sets) {
  double t0 = WallSeconds();
  auto sc = Load(path, sets);
  if (!sc.ok()) {
    std::cerr << sc.status().message() << "\n";
    return kExitBadInput;
  }
  cluster::RunOptions opts;
  opts.seed = seed;
  opts.registry = &CliRegistry();
  if (!until.empty()) {
    auto d = sim::ParseDuration(until);
    if (!d.ok() || *d <= sim::Duration::Zero()) {
      std::cerr << "--until: " << (d.ok() ? "must be positive" : d.status().message()) << "\n";
      return kExitBadInput;
    }
    opts.until = *d;
  }
  for (const auto& w : sc->warnings) std::cerr << "warning: " << w << "\n";
  std::unique_ptr<cluster::Cluster, LeftToExit> c(new cluster::Cluster(*sc, opts));
  if (auto st = c->Start(); !st.ok()) {
    std::cerr << st.message() << "\n";
    return kExitBadInput;
  }
  double t1 = WallSeconds();
  RunWithProgress(*c, t1);
  double t2 = WallSeconds();
#ifndef NDEBUG
  // Debug builds check the end-of-run invariants (Cluster::CheckInvariants, docs/architecture.md)
  // on every run.
  if (auto violations = c->CheckInvariants(); !violations.empty()) {
    for (const auto& v : violations) std::cerr << "invariant violated: " << v << "\n";
    return kExitFailure;
  }
#endif
  std::unique_ptr<report::RunResults, LeftToExit> taken(new report::RunResults(c->TakeResults()));
  const report::RunResults& results = *taken;
  std::string dir = out_dir.empty() ? "out/" + std::filesystem::path(path).stem().string() : out_dir;
  if (auto st = report::WriteResults(results, dir); !st.ok()) {
    std::cerr << st.message() << "\n";
    return kExitFailure;
  }
  report::WallClock wall{t2 - t1, WallSeconds() - t0};
  if (auto st = report::WriteTiming(results, wall, dir); !st.ok()) {
    std::cerr << st.message() << "\n";
    return kExitFailure;
  }
  if (!quiet) {
    std::cout << report::HumanSummary(results);
    std::printf("wall time %.3f s (%.0f events/s, %.0fx real time); results in %s/\n", wall.total_seconds,
                wall.run_seconds > 0 ? static_cast<double>(results.events_processed) / wall.run_seconds : 0.0,
                wall.run_seconds > 0 ? results.simulated_seconds / wall.run_seconds : 0.0, dir.c_str());
  }
  // A failed expectation is the run's verdict, for CI: the results are still written.
  if (report::VerdictOf(results) == "fail") {
    if (quiet) {
      for (const auto& v : results.verdicts) {
        if (!v.passed) std::cerr << v.source << ": expectation failed: " << v.name << ": " << v.message << "\n";
      }
    }
    return kExitFailure;
  }
  return 0;
}

// Decodes every document of the given manifest files.
sim::StatusOr<std::vector<std::shared_ptr<const api::Object>>> LoadManifests(const std::vector<std::string>& files,
                                                                             std::vector<std::string>* warnings) {
  std::vector<std::shared_ptr<const api::Object>> out;
  for (const auto& f : files) {
    KUBESIM_ASSIGN_OR_RETURN(auto docs, api::LoadYamlFile(f));
    for (const auto& doc : docs) {
      KUBESIM_ASSIGN_OR_RETURN(api::DecodeResult r, api::DecodeObject(doc));
      for (auto& w : r.warnings) warnings->push_back(std::move(w));
      out.push_back(std::move(r.object));
    }
  }
  return out;
}

int Schedule(const std::vector<std::string>& cluster_files, const std::string& pod_file, const std::string& config_file,
             const std::string& output, uint64_t seed) {
  const scheduler::Registry& registry = CliRegistry();
  std::vector<std::string> warnings;
  auto cluster = LoadManifests(cluster_files, &warnings);
  if (!cluster.ok()) {
    std::cerr << cluster.status().message() << "\n";
    return kExitBadInput;
  }
  auto pods = LoadManifests({pod_file}, &warnings);
  if (!pods.ok()) {
    std::cerr << pods.status().message() << "\n";
    return kExitBadInput;
  }
  if (pods->size() != 1 || !api::As<api::Pod>((*pods)[0])) {
    std::string found = pods->size() == 1 ? "a " + (*pods)[0]->kind : std::to_string(pods->size()) + " objects";
    std::cerr << pod_file << ":1:1: --pod takes a file with exactly one Pod, found " << found << "\n";
    return kExitBadInput;
  }
  scheduler::SchedulerConfig config;
  if (!config_file.empty()) {
    auto c = scheduler::LoadKubeSchedulerConfiguration(config_file, registry);
    if (!c.ok()) {
      std::cerr << c.status().message() << "\n";
      return kExitBadInput;
    }
    config = std::move(c).value();
  }
  auto e = scheduler::Explain(*cluster, api::As<api::Pod>((*pods)[0]), config, registry, seed);
  if (!e.ok()) {
    std::cerr << pod_file << ":1:1: " << e.status().message() << "\n";
    return kExitBadInput;
  }
  for (const auto& w : warnings) std::cerr << "warning: " << w << "\n";
  std::cout << (output == "json" ? scheduler::ExplanationJson(*e) : scheduler::ExplanationText(*e));
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  WallSeconds();
  CLI::App app{"kubesim: a deterministic discrete-event simulator of Kubernetes clusters"};
  app.require_subcommand(1);

  std::string scenario_path, out_dir, until;
  std::optional<uint64_t> seed;
  bool quiet = false;
  CLI::App* run = app.add_subcommand("run", "Run a scenario and write its results");
  run->add_option("scenario", scenario_path, "Scenario YAML file")->required();
  run->add_option("--seed", seed, "Master seed (overrides spec.seed)");
  run->add_option("--out", out_dir, "Output directory (default: out/<scenario name>)");
  run->add_option("--until", until, "Stop after this much simulated time, e.g. 30m (overrides spec.duration)");
  run->add_flag("--quiet,-q", quiet, "Print nothing but errors");

  std::vector<std::string> sets;
  run->add_option("--set", sets, "Set a scenario parameter (spec.parameters), NAME=VALUE; repeatable")
      ->take_all()
      ->allow_extra_args(false);

  std::string validate_path;
  CLI::App* validate = app.add_subcommand("validate", "Check a scenario without running it; reports every problem");
  validate->add_option("scenario", validate_path, "Scenario YAML file")->required();
  validate->add_option("--set", sets, "Set a scenario parameter, NAME=VALUE; repeatable")->allow_extra_args(false);

  CLI::App* schema = app.add_subcommand("schema", "Print the JSON Schema of the scenario format (for editors)");

  std::vector<std::string> cluster_files;
  std::string pod_file, config_file, output = "text";
  uint64_t schedule_seed = 1;
  CLI::App* schedule = app.add_subcommand("schedule", "Explain one scheduling decision on a snapshot");
  schedule
      ->add_option("--cluster", cluster_files,
                   "Manifests of the cluster: Nodes, placed Pods, Namespaces, Services, ReplicaSets, "
                   "PriorityClasses")
      ->required()
      ->check(CLI::ExistingFile);
  schedule->add_option("--pod", pod_file, "The Pod to schedule")->required()->check(CLI::ExistingFile);
  schedule->add_option("--config", config_file, "A KubeSchedulerConfiguration (default: v1.32 defaults)")
      ->check(CLI::ExistingFile);
  schedule->add_option("--output,-o", output, "text or json")->check(CLI::IsMember({"text", "json"}));
  schedule->add_option("--seed", schedule_seed, "Seed of the tie-break among top-scoring nodes");

  cli::PerfArgs perf_args;
  CLI::App* perf = app.add_subcommand("perf", "Run upstream scheduler_perf workloads (docs/perf.md)");
  perf->add_option("config", perf_args.config, "scheduler_perf config, e.g. performance-config.yaml")->required();
  perf->add_option("--workload", perf_args.workload, "<test>/<workload>, a test case or a workload name");
  perf->add_option("--label", perf_args.label, "Label filter as upstream's, e.g. performance,-fast");
  perf->add_option("--out", perf_args.out_dir, "Directory of the JSON results (default: out/perf)");
  perf->add_option("--seed", perf_args.seed, "Master seed");
  cli::CompareArgs compare_args;
  CLI::App* compare = cli::AddCompareCommand(app, &compare_args);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e);
    return rc == 0 ? 0 : kExitBadInput;
  }
  auto parsed_sets = ParseSets(sets);
  if (!parsed_sets) return kExitBadInput;
  if (*run) return Run(scenario_path, seed, out_dir, until, quiet, *parsed_sets);
  if (*validate) return Validate(validate_path, *parsed_sets);
  if (*schema) {
    std::cout << scenario::ScenarioJsonSchema();
    return 0;
  }
  if (*perf) return cli::PerfMain(perf_args, CliRegistry());
  if (*schedule) return Schedule(cluster_files, pod_file, config_file, output, schedule_seed);
  if (*compare) return cli::RunCompare(compare_args, CliRegistry());
  return kExitBadInput;
}
