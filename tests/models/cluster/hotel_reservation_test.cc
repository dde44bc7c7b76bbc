// DeathStarBench hotelReservation, loaded from its directory of manifests (file: DIR), runs: every
// Deployment's pod is Running, and what kubesim does not simulate (PersistentVolumes and
// PersistentVolumeClaims) is reported, never dropped silently.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "models/api/kinds.h"
#include "models/cluster/components.h"
#include "models/report/writers.h"
#include "models/scenario/scenario.h"
#include "tests/support/temp_dir.h"

namespace kubesim::cluster {
namespace {

TEST_CASE("DeathStarBench hotelReservation loads from a directory and its Deployments run", "[scenario][golden]") {
  auto sc = scenario::LoadScenario(std::string(KUBESIM_SOURCE_DIR) + "/tests/scenarios/hotel-reservation.yaml");
  REQUIRE(sc.ok());
  // 50 files: 19 Deployments, 19 Services, 6 PersistentVolumes, 6 PersistentVolumeClaims.
  std::map<std::string, int> kinds;
  for (const auto& o : sc->objects) kinds[o->kind]++;
  CHECK(kinds["Deployment"] == 19);
  CHECK(kinds["Service"] == 19);
  CHECK(kinds["PersistentVolume"] == 6);
  CHECK(kinds["PersistentVolumeClaim"] == 6);
  // Path order: consul/consul-deployment.yaml comes first.
  CHECK(sc->objects[3]->metadata.name == "consul");

  Cluster c(*sc);
  REQUIRE(c.Start().ok());
  c.Run();
  report::RunResults r = c.Results();
  CHECK(c.CheckInvariants() == std::vector<std::string>{});
  auto j = nlohmann::json::parse(report::SummaryJson(r));
  CHECK(j["not_simulated_kinds"]["PersistentVolume"] == 6);
  CHECK(j["not_simulated_kinds"]["PersistentVolumeClaim"] == 6);
  // The six MongoDB Deployments mount a claim: placed as if it were bound, with a warning each.
  int pvc_warnings = 0;
  for (const auto& w : r.warnings) pvc_warnings += w.find("volume scheduling") != std::string::npos;
  CHECK(pvc_warnings == 6);
  CHECK(j["objects"]["PersistentVolumeClaim"] == 6);  // stored, as the API server would

  // Every Deployment has its one replica Running.
  std::map<std::string, int> running_by_app;
  for (const auto& obj : c.store().Range("/registry/pods/").objects) {
    auto pod = api::As<api::Pod>(obj);
    if (pod->status.phase == "Running") running_by_app[pod->metadata.labels.at("io.kompose.service")]++;
  }
  CHECK(running_by_app.size() == 19);
  for (const auto& [app, n] : running_by_app) {
    INFO(app);
    CHECK(n == 1);
  }
  CHECK(r.pods_running == 19);
  CHECK(r.pods_unscheduled == 0);
}

TEST_CASE("file: of a directory loads its yaml files in path order and rejects an empty one", "[scenario]") {
  testing::TempDir dir;
  auto node = [](const std::string& name) {
    return "apiVersion: v1\nkind: Node\nmetadata: {name: " + name +
           "}\nstatus: {capacity: {cpu: '1', memory: 1Gi, pods: '10'}}\n";
  };
  dir.Write("m/b/2.yaml", node("second"));
  dir.Write("m/a.yml", node("first"));
  dir.Write("m/c/z.yaml", node("third") + "---\n" + node("fourth"));
  dir.Write("m/notes.txt", "not a manifest");
  dir.Write("empty/readme.md", "nothing here");
  std::string head = "apiVersion: kubesim.io/v1alpha1\nkind: Scenario\nspec:\n  objects:\n";
  auto sc = scenario::LoadScenario(dir.Write("s.yaml", head + "    - file: m\n"));
  INFO((sc.ok() ? std::string() : sc.status().message()));
  REQUIRE(sc.ok());
  std::vector<std::string> names;
  for (const auto& o : sc->objects) names.push_back(o->metadata.name);
  CHECK(names == std::vector<std::string>{"first", "second", "third", "fourth"});

  auto empty = scenario::LoadScenario(dir.Write("e.yaml", head + "    - file: empty\n"));
  REQUIRE_FALSE(empty.ok());
  CHECK_THAT(empty.status().message(), Catch::StartsWith(dir / "e.yaml" + ":5:13: spec.objects[0].file") &&
                                           Catch::Contains("holds no .yaml or .yml file"));
}

}  // namespace
}  // namespace kubesim::cluster
