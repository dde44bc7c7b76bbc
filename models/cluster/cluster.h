// Cluster: one simulated Kubernetes cluster run from a Scenario — the facade the CLI, Python,
// `kubesim perf` and `kubesim compare` use. It builds every component (models/cluster/components.h),
// loads the initial objects, schedules the timeline, runs the simulation and collects RunResults.
//
// This header names the model's types only by declaration, so its users compile against the
// scenario and the results, not against every component. Code that looks inside a running cluster
// (tests, tools) includes components.h and calls components().
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "models/apiserver/api_types.h"
#include "models/report/results.h"
#include "models/scenario/scenario.h"
#include "sim/status.h"
#include "sim/time.h"

namespace kubesim::sim {
class Simulation;
}
namespace kubesim::etcd {
class MvccStore;
}
namespace kubesim::scheduler {
class Registry;
}

namespace kubesim::cluster {

class Components;

struct RunOptions {
  std::optional<uint64_t> seed;        // overrides the scenario's
  std::optional<sim::Duration> until;  // overrides the scenario's duration
  // The plugin registry the scenario was loaded with (in-tree plugins by default).
  const scheduler::Registry* registry = nullptr;
};

class Cluster {
 public:
  // REQUIRES: `scenario` outlives the Cluster.
  explicit Cluster(const scenario::Scenario& scenario, RunOptions options = {});
  ~Cluster();
  Cluster(const Cluster&) = delete;
  Cluster& operator=(const Cluster&) = delete;

  // Builds the components and loads the initial state; errors if the scheduler profile is invalid
  // or the API server refuses an initial object.
  sim::Status Start();
  // Runs to the end of the scenario (or `until`).
  void Run();
  // Runs up to `t` (for stepping from tools and Python).
  void RunUntil(sim::Time t);
  sim::Time end() const;

  report::RunResults Results();
  // Results() for the last time, moving the recorded rows and events out instead of copying them
  // (Components::TakeResults).
  report::RunResults TakeResults();

  // The end-of-run invariants (docs/architecture.md) over the stored state: no node holds more
  // than its allocatable, every stored pod is accounted for in the results, every revision was
  // seen exactly once, and every running informer holds exactly what the store held at the last
  // revision it saw (no watcher skipped an event without relisting). Returns the violations
  // found, one line each (empty when all hold).
  std::vector<std::string> CheckInvariants();

  sim::Simulation& simulation();
  const etcd::MvccStore& store() const;

  // Live use from Python (python/): runs `run` as a timeline action named `action` at Now(), in the
  // input phase, with the same TimelineAction event the timeline records; it runs when the
  // simulation next advances (RunUntil(Now()) runs it at once).
  void Act(const std::string& action, const std::string& description, scenario::ActionFn run);
  // `kubectl apply` through the scenario client: creates `obj`, or when it exists replaces the
  // stored object's labels, annotations and spec (keeping uid, creation time and status), retried
  // on 409 Conflict. Failures become Warning events, as for timeline actions.
  void ApplyObject(std::shared_ptr<const api::Object> obj);
  // `kubectl create` / `kubectl delete` through the scenario client, as the timeline's actions.
  void CreateObject(std::shared_ptr<api::Object> obj);
  void DeleteObject(const std::string& kind, const std::string& ns, const std::string& name,
                    apiserver::DeleteOptions opts = {});

  // The running components (models/cluster/components.h), for tests and tools.
  Components& components() { return *c_; }
  const Components& components() const { return *c_; }

 private:
  std::unique_ptr<Components> c_;
};

}  // namespace kubesim::cluster
