// The Deployment controller's first part through whole runs: each Deployment gets a ReplicaSet
// named after its template hash, whose pods run.
#include <catch2/catch.hpp>

#include "models/api/kinds.h"
#include "models/cluster/cluster.h"
#include "models/controllers/deployment.h"
#include "models/scenario/scenario.h"

namespace kubesim::controllers {
namespace {

TEST_CASE("Online Boutique: every Deployment gets a ReplicaSet and its pod runs", "[controller][scenario]") {
  auto sc = scenario::LoadScenario(std::string(KUBESIM_SOURCE_DIR) + "/tests/scenarios/online-boutique.yaml");
  INFO((sc.ok() ? "" : sc.status().message()));
  REQUIRE(sc.ok());
  cluster::Cluster c(*sc);
  REQUIRE(c.Start().ok());
  c.Run();
  report::RunResults r = c.Results();
  CHECK(r.objects_by_kind["Deployment"] == 12);
  CHECK(r.objects_by_kind["ReplicaSet"] == 12);
  CHECK(r.pods.size() == 12);
  CHECK(r.pods_running == 12);
  for (const auto& obj : c.store().Range("/registry/replicasets/").objects) {
    auto rs = api::As<api::ReplicaSet>(obj);
    INFO(rs->metadata.name);
    const std::string& hash = rs->pod_template.metadata.labels.at(kPodTemplateHashLabel);
    CHECK(rs->metadata.name.size() > hash.size());
    CHECK(rs->metadata.name.substr(rs->metadata.name.size() - hash.size()) == hash);
    CHECK(rs->selector.match_labels.at(kPodTemplateHashLabel) == hash);
    REQUIRE(rs->metadata.owner_references.size() == 1);
    CHECK(rs->metadata.owner_references[0].kind == "Deployment");
  }
  for (const auto& p : r.pods) CHECK(p.phase == "Running");
  CHECK(c.CheckInvariants() == std::vector<std::string>{});
}

TEST_CASE("PodTemplateHash is stable and changes with the template", "[controller]") {
  api::PodTemplate t;
  t.metadata.labels["app"] = "web";
  api::Container ctr;
  ctr.name = "c";
  ctr.image = "nginx:1.27";
  t.spec.containers.push_back(ctr);
  std::string h = PodTemplateHash(t);
  CHECK(h == PodTemplateHash(t));
  CHECK(h.find_first_of("aeiou013") == std::string::npos);  // upstream SafeEncodeString alphabet
  t.spec.containers[0].image = "nginx:1.28";
  CHECK(PodTemplateHash(t) != h);
}

}  // namespace
}  // namespace kubesim::controllers
