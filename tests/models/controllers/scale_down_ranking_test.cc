// Scale-down order through a whole run (upstream ActivePodsWithRanks, kubernetes/kubernetes
// pkg/controller/controller_utils.go @ v1.32): the golden scale-down-ranking scenario, whose
// ReplicaSet adopts bare pods in varied states.
#include <catch2/catch.hpp>
#include <set>

#include "models/api/pod.h"
#include "models/cluster/components.h"
#include "models/scenario/scenario.h"
#include "tests/support/scenario_run.h"

namespace kubesim::controllers {
namespace {

TEST_CASE("Scale-down deletes pods in upstream ActivePodsWithRanks order", "[controller][golden]") {
  auto run = testing::StartScenarioFile(std::string(KUBESIM_SOURCE_DIR) + "/tests/scenarios/scale-down-ranking.yaml");
  cluster::Cluster& c = *run.cluster;

  // Before the scale-down: the six bare pods are adopted (no extra pod created), and each is in
  // the state the scenario meant.
  c.RunUntil(sim::Time::Zero() + sim::Duration::Seconds(7 * 60));
  CHECK(c.Results().pods.size() == 6);
  c.RunUntil(sim::Time::Zero() + sim::Duration::Seconds(599));
  std::string made_at_8m, made_at_9m;
  for (const auto& p : c.Results().pods) {
    INFO(p.name);
    auto stored = api::As<api::Pod>(c.store().Get("/registry/pods/default/" + p.name));
    REQUIRE(stored);
    REQUIRE(stored->metadata.owner_references.size() == 1);
    CHECK(stored->metadata.owner_references[0].kind == "ReplicaSet");
    CHECK(stored->metadata.owner_references[0].controller);
    if (p.name == "unassigned") {
      CHECK(stored->spec.node_name.empty());
    } else if (p.name == "stuck") {
      CHECK(stored->spec.node_name == "n-dead");
      CHECK(stored->status.phase == "Pending");
    } else {
      CHECK(stored->status.phase == "Running");
    }
    if (p.created && p.created->ToSeconds() >= 480 && p.created->ToSeconds() < 540) made_at_8m = p.name;
    if (p.created && p.created->ToSeconds() >= 540) made_at_9m = p.name;
  }
  REQUIRE(!made_at_8m.empty());
  REQUIRE(!made_at_9m.empty());
  for (const auto& name : {made_at_8m, made_at_9m}) {
    auto stored = api::As<api::Pod>(c.store().Get("/registry/pods/default/" + name));
    CHECK(stored->spec.node_name == "n0");
  }

  c.Run();
  report::RunResults r = c.Results();
  std::vector<std::string> deleted;
  for (const auto& e : r.events) {
    if (e.reason == "SuccessfulDelete" && e.time.ToSeconds() >= 600)
      deleted.push_back(e.message.substr(e.message.rfind(' ') + 1));
  }
  const std::vector<std::string> want = {"unassigned", "stuck", "cheap", made_at_9m, made_at_8m, "a"};
  CHECK(std::set<std::string>(deleted.begin(), deleted.end()) == std::set<std::string>(want.begin(), want.end()));
  CHECK(deleted.size() == want.size());
  std::set<std::string> left;
  for (const auto& p : r.pods) {
    if (!p.deleted && p.phase == "Running") left.insert(p.name);
  }
  // Terminating pods are still stored until their kubelet finishes; count only those not deleting.
  std::set<std::string> kept;
  for (const auto& name : left) {
    auto stored = api::As<api::Pod>(c.store().Get("/registry/pods/default/" + name));
    if (stored && !stored->metadata.deletion_timestamp) kept.insert(name);
  }
  CHECK(kept == std::set<std::string>{"alone", "expensive"});
}

}  // namespace
}  // namespace kubesim::controllers
