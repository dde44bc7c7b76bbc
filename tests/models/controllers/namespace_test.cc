// The namespace and service account controllers through whole runs: a deleted Namespace turns
// Terminating, refuses new content, loses everything in it and then goes; every active
// Namespace has a `default` ServiceAccount.
#include <catch2/catch.hpp>

#include "models/api/kinds.h"
#include "models/cluster/components.h"
#include "models/scenario/scenario.h"
#include "tests/support/scenario_run.h"

namespace kubesim::controllers {
namespace {

const std::string kScenario =
    testing::ScenarioHead().Duration("5m").Yaml() + R"(    - inline: {apiVersion: v1, kind: Node, metadata: {name: n0},
               status: {capacity: {cpu: "4", memory: 16Gi, pods: "110"}}}
    - inline: {apiVersion: v1, kind: Namespace, metadata: {name: team}}
    - inline: {apiVersion: v1, kind: Namespace, metadata: {name: default}}
    - inline: {apiVersion: v1, kind: ConfigMap, metadata: {name: cfg, namespace: team}}
    - inline: {apiVersion: v1, kind: ConfigMap, metadata: {name: cfg, namespace: default}}
    - inline:
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: web, namespace: team}
        spec:
          replicas: 2
          selector: {matchLabels: {app: web}}
          template:
            # The process ignores SIGTERM: pods take their whole 30 s grace period to stop.
            metadata: {labels: {app: web}, annotations: {kubesim.io/sigterm-exit-after: 1h}}
            spec: {containers: [{name: c, image: nginx}]}
  timeline:
    - at: 1m
      delete: {kind: Namespace, name: team}
)";

size_t CountIn(const cluster::Cluster& c, const std::string& ns) {
  size_t n = 0;
  for (const auto& obj : c.store().Range("/registry/").objects) n += obj->metadata.namespace_ == ns;
  return n;
}

TEST_CASE("Namespace: deleting one empties it, refuses new content meanwhile, then removes it", "[controller]") {
  auto run = testing::StartScenario(kScenario, "ns.yaml");
  cluster::Cluster& c = *run.cluster;
  c.RunUntil(sim::Time::Zero() + sim::Duration::Seconds(30));
  // ServiceAccount controller: `default` in every active namespace.
  CHECK(c.store().Get("/registry/serviceaccounts/team/default"));
  CHECK(c.store().Get("/registry/serviceaccounts/default/default"));
  auto team = api::As<api::Namespace>(c.store().Get("/registry/namespaces/team"));
  REQUIRE(team);
  CHECK(team->phase == "Active");
  CHECK(team->spec_finalizers == std::vector<std::string>{"kubernetes"});
  // A deleted `default` ServiceAccount comes back.
  c.DeleteObject("ServiceAccount", "team", "default", {});
  c.RunUntil(sim::Time::Zero() + sim::Duration::Seconds(31));
  CHECK(c.store().Get("/registry/serviceaccounts/team/default"));

  // The immortal namespaces cannot be deleted.
  std::vector<apiserver::Response> answers;
  c.components().api_server().Delete("Namespace", "", "default", {},
                                     [&](const apiserver::Response& r) { answers.push_back(r); });
  c.RunUntil(sim::Time::Zero() + sim::Duration::Milliseconds(60100));
  team = api::As<api::Namespace>(c.store().Get("/registry/namespaces/team"));
  REQUIRE(team);
  CHECK(team->phase == "Terminating");
  CHECK(team->metadata.deletion_timestamp);
  // NamespaceLifecycle: nothing new while it terminates.
  auto cm = std::make_shared<api::ConfigMap>();
  cm->api_version = "v1";
  cm->kind = "ConfigMap";
  cm->metadata.name = "late";
  cm->metadata.namespace_ = "team";
  c.components().api_server().Create(cm, [&](const apiserver::Response& r) { answers.push_back(r); });
  // The controller starts namespaceDeletionGracePeriod (5 s) after it saw the deletion.
  c.RunUntil(sim::Time::Zero() + sim::Duration::Seconds(65));
  CHECK(c.store().Get("/registry/configmaps/team/cfg"));
  c.RunUntil(sim::Time::Zero() + sim::Duration::Seconds(66));
  CHECK_FALSE(c.store().Get("/registry/configmaps/team/cfg"));
  c.Run();
  REQUIRE(answers.size() == 2);
  CHECK(answers[0].code == apiserver::Code::kForbidden);
  CHECK(answers[0].message == "namespaces \"default\" is forbidden: this namespace may not be deleted");
  CHECK(answers[1].code == apiserver::Code::kForbidden);
  CHECK(answers[1].message == "unable to create new content in namespace team because it is being terminated");
  // Everything in team went (the pods after their grace period), then team itself.
  CHECK_FALSE(c.store().Get("/registry/namespaces/team"));
  CHECK(CountIn(c, "team") == 0);
  CHECK(c.store().Get("/registry/configmaps/default/cfg"));
  CHECK(c.store().Get("/registry/namespaces/default"));
  report::RunResults r = c.Results();
  for (const auto& p : r.pods) {
    REQUIRE(p.deleted);
    CHECK(*p.deleted >= sim::Time::Zero() + sim::Duration::Seconds(90));
  }
  CHECK(c.CheckInvariants() == std::vector<std::string>{});
}

}  // namespace
}  // namespace kubesim::controllers
