// A scenario loaded and started for a test, the block every whole-cluster test begins with.
// The Scenario lives beside the Cluster that refers to it; a load error is shown in the failure.
#pragma once

#include <catch2/catch.hpp>
#include <memory>
#include <string>

#include "models/cluster/components.h"
#include "models/scenario/scenario.h"

namespace kubesim::testing {

// The head of a whole-cluster test scenario, so a test shows only what differs: apiVersion,
// kind, metadata (when named), spec's seed and duration, the fixed latencies that keep a
// timeline exact (10 ms per API request, 5 ms watch delivery; optionally pods starting 500 ms
// after binding and 10 ms scheduling cycles), then `objects:` with Nodes(n) nodes "n0", "n1", …
// The test appends its own objects and timeline:
//   testing::ScenarioHead().Duration("5m").Nodes(2).Yaml() + R"(    - inline: ...)"
class ScenarioHead {
 public:
  ScenarioHead& Duration(std::string d) {
    duration_ = std::move(d);
    return *this;
  }
  ScenarioHead& Name(std::string n) {  // metadata.name
    name_ = std::move(n);
    return *this;
  }
  ScenarioHead& Seed(int s) {
    seed_ = s;
    return *this;
  }
  // Without apiServer: {requestLatency: 10ms, watchDelay: 5ms}: the calibrated latencies.
  ScenarioHead& CalibratedApiLatency() {
    fixed_latencies_ = false;
    return *this;
  }
  ScenarioHead& FixedPodStart() {  // kubelet: {podStartLatency: 500ms}
    fixed_pod_start_ = true;
    return *this;
  }
  ScenarioHead& FixedCycle() {  // scheduler: {cycleLatency: 10ms}
    fixed_cycle_ = true;
    return *this;
  }
  ScenarioHead& Nodes(int n) {
    nodes_ = n;
    return *this;
  }
  // The nodes' metadata.labels, flow style without braces.
  ScenarioHead& NodeLabels(std::string l) {
    node_labels_ = std::move(l);
    return *this;
  }
  // The nodes' status.capacity, flow style without braces.
  ScenarioHead& NodeCapacity(std::string c) {
    node_capacity_ = std::move(c);
    return *this;
  }

  std::string Yaml() const {
    std::string y = "apiVersion: kubesim.io/v1alpha1\nkind: Scenario\n";
    if (!name_.empty()) y += "metadata: {name: " + name_ + "}\n";
    y += "spec:\n";
    if (seed_ != 0) y += "  seed: " + std::to_string(seed_) + "\n";
    if (!duration_.empty()) y += "  duration: " + duration_ + "\n";
    if (fixed_latencies_) y += "  apiServer: {requestLatency: 10ms, watchDelay: 5ms}\n";
    if (fixed_pod_start_) y += "  kubelet: {podStartLatency: 500ms}\n";
    if (fixed_cycle_) y += "  scheduler: {cycleLatency: 10ms}\n";
    y += "  objects:\n";
    if (nodes_ > 0) {
      y += "    - count: " + std::to_string(nodes_) + "\n";
      y += "      template: {apiVersion: v1, kind: Node, metadata: {name: \"n{{i}}\"";
      if (!node_labels_.empty()) y += ",\n                 labels: {" + node_labels_ + "}";
      y += "},\n                 status: {capacity: {" + node_capacity_ + "}}}\n";
    }
    return y;
  }

 private:
  std::string duration_;
  std::string name_;
  int seed_ = 0;
  bool fixed_latencies_ = true;
  bool fixed_pod_start_ = false;
  bool fixed_cycle_ = false;
  int nodes_ = 0;
  std::string node_labels_;
  std::string node_capacity_ = R"(cpu: "4", memory: 16Gi, pods: "110")";
};

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
