// LiveSimulation: one loaded scenario and its running Cluster, as the Python module drives it
// (docs/python.md). python/kubesim/__init__.py wraps it as `kubesim.Simulation`, and `kubesim.run`
// is a LiveSimulation run to its end.
//
// Loading goes through the same functions and plugin registry as the `kubesim` CLI, so errors
// carry the CLI's messages (FILE:LINE:COL: field: what is wrong) and a run's fingerprint is the
// CLI's. Errors in `overrides` are relocated to `<overrides>:N:1`, N the override's position.
//
// Threading: no Python object is touched here, so callers may release the GIL around every call;
// one LiveSimulation must not be used from two threads at once.
#pragma once

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "models/cluster/cluster.h"
#include "models/report/results.h"
#include "models/scenario/scenario.h"
#include "sim/simulation.h"
#include "sim/status.h"

namespace kubesim::python {

// One entry of `overrides`: a dotted key under `spec` ("scheduler.percentageOfNodesToScore",
// "timeline.0.at") and the YAML value to put there.
struct Override {
  std::string key;
  YAML::Node value;
};

class LiveSimulation {
 public:
  struct Options {
    std::optional<uint64_t> seed;
    std::optional<sim::Duration> until;
    std::vector<Override> overrides;
  };

  // `source` is a path when `is_path`, else YAML text named `file` in errors (relative `file:`
  // references then resolve against the current directory). Loads and starts the cluster.
  static sim::StatusOr<std::unique_ptr<LiveSimulation>> Load(const std::string& source, bool is_path,
                                                             const std::string& file, Options options);
  ~LiveSimulation();

  // A new simulation of the same loaded scenario, options and plugin registry, started at time
  // zero. Shares the parsed (immutable) scenario, so it skips reading and validating the files:
  // Simulation.fork() replays its journal into one.
  sim::StatusOr<std::unique_ptr<LiveSimulation>> Fresh() const;

  void Run() { cluster_->Run(); }
  // Runs every event up to the absolute simulated time `t` (clamped to the end of the run).
  void RunUntil(sim::Time t) { cluster_->RunUntil(t); }
  // Runs the next event if it is not past the end; false when none is left.
  bool Step();
  sim::Time Now() { return cluster_->simulation().Now(); }
  sim::Time End() const { return cluster_->end(); }
  std::string Fingerprint() { return cluster_->simulation().fingerprint().ToHex(); }
  report::RunResults Results() { return cluster_->Results(); }
  // End-of-run invariant violations (Cluster::CheckInvariants), one line each.
  std::vector<std::string> CheckInvariants() { return cluster_->CheckInvariants(); }

  // The stored object as Kubernetes-shaped JSON text, or "" when there is none.
  std::string GetJson(const std::string& kind, const std::string& ns, const std::string& name);
  // A JSON array of the stored objects of `kind` (in `ns` when not empty), by key.
  std::string ListJson(const std::string& kind, const std::string& ns);
  // Creates or updates every manifest of `text` through the scenario client, now.
  sim::Status Apply(const std::string& text, const std::string& file);
  // One timeline action, `{NAME: ARGS}` in the scenario format, now.
  sim::Status Act(const std::string& text, const std::string& file);

 private:
  LiveSimulation() = default;

  // The plugin registry it was loaded with (python_plugins.h): the CLI's plugins and the Python
  // plugins registered at the time. Outlives cluster_, whose profiles hold plugins built from it.
  std::shared_ptr<const scheduler::Registry> registry_;
  std::shared_ptr<const scenario::Scenario> scenario_;  // outlives cluster_, which refers to it
  cluster::RunOptions options_;
  std::unique_ptr<cluster::Cluster> cluster_;
};

}  // namespace kubesim::python
