// The StatefulSet controller through whole runs: OrderedReady creation and scale-down order,
// Parallel creation, replacement under the same name, and a partitioned RollingUpdate.
#include "models/controllers/statefulset.h"

#include <catch2/catch.hpp>

#include "models/api/kinds.h"
#include "models/cluster/components.h"
#include "models/controllers/daemonset.h"
#include "models/controllers/deployment.h"
#include "models/scenario/scenario.h"
#include "tests/support/scenario_run.h"

namespace kubesim::controllers {
namespace {

std::string Scenario(const std::string& policy, int replicas) {
  return testing::ScenarioHead().Duration("10m").FixedPodStart().FixedCycle().Nodes(2).Yaml() +
         R"(    - inline:
        apiVersion: apps/v1
        kind: StatefulSet
        metadata: {name: web}
        spec:
          serviceName: web
          replicas: )" +
         std::to_string(replicas) + R"(
          podManagementPolicy: )" +
         policy + R"(
          selector: {matchLabels: {app: web}}
          template:
            metadata: {labels: {app: web}}
            spec: {containers: [{name: c, image: "nginx:1"}]}
)";
}

std::shared_ptr<const api::StatefulSet> StoredSet(cluster::Cluster& c) {
  return api::As<api::StatefulSet>(c.store().Get("/registry/statefulsets/default/web"));
}

// Sends a changed copy of the stored StatefulSet, as `kubectl apply` would.
void UpdateSet(cluster::Cluster& c, const std::function<void(api::StatefulSet&)>& change) {
  auto copy = StoredSet(c)->DeepCopy();
  change(*copy);
  c.components().api_server().Update(copy, nullptr);
}

const report::PodRecord* Row(const report::RunResults& r, const std::string& name) {
  for (const auto& p : r.pods) {
    if (p.name == name) return &p;
  }
  return nullptr;
}

TEST_CASE("StatefulSet OrderedReady creates by ordinal after each predecessor is Ready, scales down from the top",
          "[controller]") {
  auto run = testing::StartScenario(Scenario("OrderedReady", 3), "sts.yaml");
  cluster::Cluster& c = *run.cluster;
  c.RunUntil(sim::Time::Zero() + sim::Duration::Minutes(1));
  report::RunResults up = c.Results();
  REQUIRE(up.pods.size() == 3);
  for (int i = 0; i < 3; ++i) {
    const report::PodRecord& p = up.pods[static_cast<size_t>(i)];
    INFO(p.name);
    CHECK(p.name == "web-" + std::to_string(i));
    CHECK(p.phase == "Running");
    REQUIRE(p.created);
    REQUIRE(p.running);  // Running and Ready come in one status write
    if (i > 0) {
      const report::PodRecord& before = up.pods[static_cast<size_t>(i - 1)];
      CHECK(*p.created > *before.created);
      CHECK(*p.created > *before.running);
    }
    auto pod = api::As<api::Pod>(c.store().Get("/registry/pods/default/" + p.name));
    REQUIRE(pod);
    CHECK(pod->metadata.labels.at(kStatefulSetPodNameLabel) == p.name);
    CHECK(pod->metadata.labels.at(kPodIndexLabel) == std::to_string(i));
    CHECK(pod->metadata.labels.at("app") == "web");
    REQUIRE(pod->metadata.owner_references.size() == 1);
    CHECK(pod->metadata.owner_references[0].kind == "StatefulSet");
  }
  auto set = StoredSet(c);
  CHECK(set->status.replicas == 3);
  CHECK(set->status.ready_replicas == 3);
  CHECK(set->status.current_replicas == 3);
  CHECK(set->status.updated_replicas == 3);

  UpdateSet(c, [](api::StatefulSet& s) { s.replicas = 1; });
  c.Run();
  report::RunResults down = c.Results();
  const report::PodRecord* web2 = Row(down, "web-2");
  const report::PodRecord* web1 = Row(down, "web-1");
  REQUIRE(web2);
  REQUIRE(web1);
  REQUIRE(web2->deleted);
  REQUIRE(web1->deleted);
  CHECK_FALSE(Row(down, "web-0")->deleted);
  // web-1's delete is sent only once web-2 is gone (its 30 s grace period first).
  double web1_delete_sent = -1;
  for (const auto& e : down.events) {
    if (e.reason == "SuccessfulDelete" && e.message == "delete Pod web-1 in StatefulSet web successful") {
      web1_delete_sent = e.time.ToSeconds();
    }
  }
  CHECK(web1_delete_sent > web2->deleted->ToSeconds());
  CHECK(*web1->deleted > *web2->deleted);
  set = StoredSet(c);
  CHECK(set->status.replicas == 1);
  CHECK(set->status.ready_replicas == 1);
}

TEST_CASE("StatefulSet Parallel creates every pod at once", "[controller]") {
  auto run = testing::StartScenario(Scenario("Parallel", 4), "sts.yaml");
  cluster::Cluster& c = *run.cluster;
  c.Run();
  report::RunResults r = c.Results();
  REQUIRE(r.pods.size() == 4);
  sim::Time first_running = sim::Time::Max();
  for (const auto& p : r.pods) {
    REQUIRE(p.running);
    first_running = std::min(first_running, *p.running);
  }
  for (const auto& p : r.pods) {
    INFO(p.name);
    CHECK(*p.created < first_running);  // nobody waited for a predecessor
    CHECK((*p.created - *r.pods[0].created) < sim::Duration::Milliseconds(50));
  }
  CHECK(StoredSet(c)->status.ready_replicas == 4);
}

TEST_CASE("StatefulSet replaces a deleted pod under the same name", "[controller]") {
  auto run = testing::StartScenario(Scenario("OrderedReady", 3), "sts.yaml");
  cluster::Cluster& c = *run.cluster;
  c.RunUntil(sim::Time::Zero() + sim::Duration::Minutes(1));
  c.DeleteObject("Pod", "default", "web-1");
  c.Run();
  report::RunResults r = c.Results();
  REQUIRE(r.pods.size() == 4);
  const report::PodRecord& old = r.pods[1];
  const report::PodRecord& replacement = r.pods[3];
  CHECK(old.name == "web-1");
  CHECK(replacement.name == "web-1");
  CHECK(replacement.uid != old.uid);
  REQUIRE(old.deleted);
  CHECK(*replacement.created > *old.deleted);
  CHECK(replacement.phase == "Running");
  CHECK(StoredSet(c)->status.ready_replicas == 3);
}

TEST_CASE("StatefulSet RollingUpdate goes from the highest ordinal down to the partition", "[controller]") {
  auto run = testing::StartScenario(Scenario("OrderedReady", 3), "sts.yaml");
  cluster::Cluster& c = *run.cluster;
  c.RunUntil(sim::Time::Zero() + sim::Duration::Minutes(1));
  const std::string old_revision = PodTemplateHash(StoredSet(c)->pod_template);
  UpdateSet(c, [](api::StatefulSet& s) {
    s.partition = 1;
    s.pod_template.spec.containers[0].image = "nginx:2";
  });
  c.Run();
  auto set = StoredSet(c);
  const std::string new_revision = PodTemplateHash(set->pod_template);
  REQUIRE(new_revision != old_revision);
  auto revision = [&](const std::string& name) {
    auto pod = api::As<api::Pod>(c.store().Get("/registry/pods/default/" + name));
    return pod ? pod->metadata.labels.at(kControllerRevisionHashLabel) : std::string("gone");
  };
  CHECK(revision("web-0") == old_revision);
  CHECK(revision("web-1") == new_revision);
  CHECK(revision("web-2") == new_revision);
  report::RunResults r = c.Results();
  std::vector<std::string> deleted;
  for (const auto& e : r.events) {
    if (e.reason == "SuccessfulDelete") deleted.push_back(e.message);
  }
  CHECK(deleted == std::vector<std::string>{"delete Pod web-2 in StatefulSet web successful",
                                            "delete Pod web-1 in StatefulSet web successful"});
  CHECK(set->status.updated_replicas == 2);
  CHECK(set->status.current_replicas == 1);
  CHECK(set->status.current_revision == old_revision);
  CHECK(set->status.update_revision == new_revision);
  CHECK(set->status.ready_replicas == 3);
}

}  // namespace
}  // namespace kubesim::controllers
