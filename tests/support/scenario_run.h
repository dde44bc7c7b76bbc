// A scenario loaded and started for a test, the block every whole-cluster test begins with.
// The Scenario lives beside the Cluster that refers to it; a load error is shown in the failure.
#pragma once

#include <catch2/catch.hpp>
#include <memory>
#include <string>

#include "models/cluster/components.h"
#include "models/scenario/scenario.h"

namespace kubesim::testing {

struct StartedCluster {
  std::unique_ptr<scenario::Scenario> scenario;
  std::unique_ptr<cluster::Cluster> cluster;
};

inline StartedCluster StartLoaded(sim::StatusOr<scenario::Scenario> sc) {
  INFO((sc.ok() ? "" : sc.status().message()));
  REQUIRE(sc.ok());
  StartedCluster run;
  run.scenario = std::make_unique<scenario::Scenario>(std::move(sc).value());
  run.cluster = std::make_unique<cluster::Cluster>(*run.scenario);
  sim::Status st = run.cluster->Start();
  INFO(st.message());
  REQUIRE(st.ok());
  return run;
}

// REQUIREs that `text` loads (errors name `file`) and the cluster starts.
inline StartedCluster StartScenario(const std::string& text, const std::string& file = "test.yaml") {
  return StartLoaded(scenario::LoadScenarioFromString(text, file));
}

inline StartedCluster StartScenarioFile(const std::string& path) { return StartLoaded(scenario::LoadScenario(path)); }

// A scenario file of the source tree (e.g. "tests/scenarios/node-failure.yaml") run to its end.
inline report::RunResults RunSourceScenario(const std::string& rel) {
  StartedCluster run = StartScenarioFile(std::string(KUBESIM_SOURCE_DIR) + "/" + rel);
  run.cluster->Run();
  return run.cluster->Results();
}

}  // namespace kubesim::testing
