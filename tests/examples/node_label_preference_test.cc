// The example plugin, registered the way docs/plugins.md describes and used from a scenario's
// KubeSchedulerConfiguration.
#include "examples/plugins/node_label_preference.h"

#include <catch2/catch.hpp>

#include "models/cluster/components.h"
#include "models/scenario/scenario.h"

namespace kubesim::examples {
namespace {

const std::string kScenario = std::string(KUBESIM_SOURCE_DIR) + "/examples/scenarios/prefer-spot.yaml";

TEST_CASE("NodeLabelPreference steers every pod to spot nodes", "[scheduler][plugin][scenario]") {
  scheduler::Registry registry = scheduler::Registry::InTree();
  REQUIRE(RegisterExamplePlugins(registry).ok());
  auto sc = scenario::LoadScenario(kScenario, registry);
  INFO((sc.ok() ? "" : sc.status().message()));
  REQUIRE(sc.ok());
  cluster::RunOptions opts;
  opts.registry = &registry;
  cluster::Cluster c(*sc, opts);
  REQUIRE(c.Start().ok());
  c.Run();
  report::RunResults r = c.Results();
  REQUIRE(r.pods.size() == 10);
  for (const auto& p : r.pods) {
    INFO(p.name);
    CHECK_THAT(p.node, Catch::StartsWith("spot-"));
  }
}

TEST_CASE("A configuration naming an unregistered plugin is a located error", "[scheduler][scenario]") {
  auto sc = scenario::LoadScenario(kScenario);  // in-tree registry only
  REQUIRE_FALSE(sc.ok());
  CHECK_THAT(sc.status().message(), Catch::Contains("prefer-spot.yaml:") &&
                                        Catch::Contains("plugins: plugin \"NodeLabelPreference\" does not exist"));
}

TEST_CASE("NodeLabelPreference args are checked", "[scheduler][plugin]") {
  auto docs = api::LoadYamlDocuments("labelValue: spot\n", "args.yaml");
  REQUIRE(docs.ok());
  auto args = DecodeNodeLabelPreferenceArgs((*docs)[0]);
  REQUIRE_FALSE(args.ok());
  CHECK(args.status().message() == "args.yaml:1:1: labelKey: Required value");
  scheduler::Registry registry;
  REQUIRE(RegisterExamplePlugins(registry).ok());
  CHECK_FALSE(RegisterExamplePlugins(registry).ok());  // a name is registered once
}

}  // namespace
}  // namespace kubesim::examples
