// The garbage collector and the API server's deletion propagation through whole runs: Foreground,
// Background and Orphan deletes of a Deployment, finalizers on any object, and an ownership cycle.
#include <catch2/catch.hpp>
#include <map>
#include <string>

#include "models/api/kinds.h"
#include "models/cluster/components.h"
#include "models/scenario/scenario.h"
#include "tests/support/scenario_run.h"

namespace kubesim::controllers {
namespace {

// Scenarios of `duration` with fixed API latencies (10 ms a request, 5 ms a watch delivery), so
// deletion orders and times are exact; `objects` holds its objects and timeline.
std::string FixedLatencyScenario(const std::string& duration, const std::string& objects) {
  return testing::ScenarioHead().Duration(duration).Yaml() + objects;
}

std::string DeploymentScenario(const std::string& timeline) {
  return testing::ScenarioHead().Duration("10m").Nodes(2).Yaml() + R"(    - inline:
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: web}
        spec:
          replicas: 3
          selector: {matchLabels: {app: web}}
          template:
            # The process ignores SIGTERM: pods take their whole 30 s grace period to stop.
            metadata: {labels: {app: web}, annotations: {kubesim.io/sigterm-exit-after: 1h}}
            spec: {containers: [{name: c, image: nginx}]}
  timeline:
)" + timeline;
}

// When each object left the store, as "Kind/name" → time (observed through watches, which all
// lag the commit by the same watch delay, so the order is the commit order).
struct Deletions {
  std::map<std::string, sim::Time> at;
  void Watch(cluster::Cluster& c, const std::string& kind) {
    c.components().api_server().Watch(kind, {}, [this, &c, kind](const apiserver::WatchEvent& e) {
      if (e.type == apiserver::WatchEventType::kDeleted)
        at[kind + "/" + e.object->metadata.name] = c.simulation().Now();
    });
  }
  std::vector<sim::Time> Of(const std::string& kind) const {
    std::vector<sim::Time> out;
    for (const auto& [k, t] : at) {
      if (k.rfind(kind + "/", 0) == 0) out.push_back(t);
    }
    return out;
  }
};

// A started cluster whose Deployment, ReplicaSet and Pod deletions are recorded.
struct Run {
  testing::StartedCluster started;
  Deletions deletions;
};

void Start(Run& run, const std::string& text) {
  run.started = testing::StartScenario(text, "gc.yaml");
  for (const char* kind : {"Deployment", "ReplicaSet", "Pod"}) run.deletions.Watch(*run.started.cluster, kind);
}

size_t Count(const cluster::Cluster& c, const std::string& resource) {
  return c.store().Range("/registry/" + resource + "/").objects.size();
}

TEST_CASE("GC: a Foreground delete of a Deployment removes its pods, then the ReplicaSet, then the Deployment",
          "[controller]") {
  Run run;
  Start(run, DeploymentScenario(R"(    - at: 1m
      delete: {kind: Deployment, name: web, propagationPolicy: Foreground}
)"));
  cluster::Cluster& c = *run.started.cluster;
  c.RunUntil(sim::Time::Zero() + sim::Duration::Seconds(61));
  // The Deployment and its ReplicaSet wait, marked deleted, for their dependents.
  auto d = c.store().Get("/registry/deployments/default/web");
  REQUIRE(d);
  CHECK(d->metadata.deletion_timestamp);
  CHECK(d->metadata.finalizers == std::vector<std::string>{"foregroundDeletion"});
  auto rss = c.store().Range("/registry/replicasets/").objects;
  REQUIRE(rss.size() == 1);
  CHECK(rss[0]->metadata.deletion_timestamp);
  CHECK(rss[0]->metadata.HasFinalizer(api::kFinalizerForegroundDeletion));
  CHECK(Count(c, "pods") == 3);
  c.Run();
  CHECK(Count(c, "deployments") == 0);
  CHECK(Count(c, "replicasets") == 0);
  CHECK(Count(c, "pods") == 0);
  auto pods = run.deletions.Of("Pod");
  auto rs = run.deletions.Of("ReplicaSet");
  auto dep = run.deletions.Of("Deployment");
  REQUIRE(pods.size() == 3);
  REQUIRE(rs.size() == 1);
  REQUIRE(dep.size() == 1);
  // Pods go after their 30 s grace period; the ReplicaSet only after the last pod, and the
  // Deployment only after the ReplicaSet.
  sim::Time last_pod = *std::max_element(pods.begin(), pods.end());
  CHECK(last_pod >= sim::Time::Zero() + sim::Duration::Seconds(90));
  CHECK(rs[0] > last_pod);
  CHECK(dep[0] > rs[0]);
  CHECK(dep[0] - last_pod < sim::Duration::Seconds(1));
  report::RunResults r = c.Results();
  for (const auto& p : r.pods) CHECK(p.deleted);
  CHECK(c.CheckInvariants() == std::vector<std::string>{});
}

TEST_CASE("GC: a Background delete removes the Deployment at once and its dependents after", "[controller]") {
  Run run;
  Start(run, DeploymentScenario(R"(    - at: 1m
      delete: {kind: Deployment, name: web}
)"));
  cluster::Cluster& c = *run.started.cluster;
  c.Run();
  CHECK(Count(c, "deployments") == 0);
  CHECK(Count(c, "replicasets") == 0);
  CHECK(Count(c, "pods") == 0);
  auto pods = run.deletions.Of("Pod");
  auto rs = run.deletions.Of("ReplicaSet");
  auto dep = run.deletions.Of("Deployment");
  REQUIRE(pods.size() == 3);
  REQUIRE(rs.size() == 1);
  REQUIRE(dep.size() == 1);
  // The delete request (10 ms) removes the Deployment; the GC then removes the ReplicaSet and
  // deletes the pods, which go after their grace period.
  CHECK(dep[0] < sim::Time::Zero() + sim::Duration::Milliseconds(60100));
  CHECK(rs[0] > dep[0]);
  CHECK(rs[0] - dep[0] < sim::Duration::Seconds(1));
  for (sim::Time t : pods) CHECK(t > rs[0] + sim::Duration::Seconds(29));
  CHECK(c.CheckInvariants() == std::vector<std::string>{});
}

TEST_CASE("GC: an Orphan delete keeps the ReplicaSet and its pods running, without the owner reference",
          "[controller]") {
  Run run;
  Start(run, DeploymentScenario(R"(    - at: 1m
      delete: {kind: Deployment, name: web, propagationPolicy: Orphan}
)"));
  cluster::Cluster& c = *run.started.cluster;
  // The ReplicaSet's name is only known at run time; run the first part, then orphan it too.
  c.RunUntil(sim::Time::Zero() + sim::Duration::Minutes(2));
  CHECK(Count(c, "deployments") == 0);
  auto rss = c.store().Range("/registry/replicasets/").objects;
  REQUIRE(rss.size() == 1);
  CHECK(rss[0]->metadata.owner_references.empty());
  CHECK_FALSE(rss[0]->metadata.deletion_timestamp);
  const std::string rs_name = rss[0]->metadata.name;
  apiserver::DeleteOptions opts;
  opts.propagation_policy = apiserver::PropagationPolicy::kOrphan;
  c.DeleteObject("ReplicaSet", "default", rs_name, opts);
  c.Run();
  CHECK(Count(c, "replicasets") == 0);
  auto pods = c.store().Range("/registry/pods/").objects;
  REQUIRE(pods.size() == 3);
  for (const auto& obj : pods) {
    auto pod = api::As<api::Pod>(obj);
    CHECK(pod->status.phase == "Running");
    CHECK_FALSE(pod->metadata.deletion_timestamp);
    CHECK(pod->metadata.owner_references.empty());
  }
  CHECK(run.deletions.Of("Pod").empty());
  CHECK(c.CheckInvariants() == std::vector<std::string>{});
}

TEST_CASE("Finalizers keep a deleted object until they are removed, also after a pod's grace period",
          "[controller][apiserver]") {
  Run run;
  Start(run, FixedLatencyScenario("5m",
                                  R"(    - inline: {apiVersion: v1, kind: Node, metadata: {name: n0},
               status: {capacity: {cpu: "4", memory: 16Gi, pods: "110"}}}
    - inline: {apiVersion: v1, kind: ConfigMap, metadata: {name: cm, finalizers: [example.com/keep]}}
    - inline: {apiVersion: v1, kind: Pod, metadata: {name: p, finalizers: [example.com/keep]},
               spec: {containers: [{name: c}]}}
  timeline:
    - at: 1m
      delete: {kind: ConfigMap, name: cm}
    - at: 1m
      delete: {kind: Pod, name: p}
)"));
  cluster::Cluster& c = *run.started.cluster;
  c.RunUntil(sim::Time::Zero() + sim::Duration::Minutes(3));
  auto cm = c.store().Get("/registry/configmaps/default/cm");
  REQUIRE(cm);
  CHECK(cm->metadata.deletion_timestamp);
  CHECK(cm->metadata.deletion_grace_period_seconds == 0);
  auto pod = c.store().Get("/registry/pods/default/p");
  REQUIRE(pod);  // the kubelet's final delete (grace 0) at 1 m 30 s left it waiting for its finalizer
  CHECK(*pod->metadata.deletion_timestamp <= sim::Time::Zero() + sim::Duration::Seconds(91));
  CHECK(pod->metadata.deletion_grace_period_seconds == 0);
  // A deleted object may not gain finalizers; removing the last one lets it go.
  std::shared_ptr<api::Object> more = cm->Clone();
  more->metadata.finalizers.push_back("example.com/other");
  std::vector<apiserver::Response> answers;
  c.components().api_server().Update(more, [&](const apiserver::Response& r) { answers.push_back(r); });
  for (const auto& obj : {cm, pod}) {
    std::shared_ptr<api::Object> copy = obj->Clone();
    copy->metadata.finalizers.clear();
    c.components().api_server().Update(copy, [&](const apiserver::Response& r) { answers.push_back(r); });
  }
  c.Run();
  REQUIRE(answers.size() == 3);
  CHECK(answers[0].code == apiserver::Code::kUnprocessable);
  CHECK_THAT(answers[0].message, Catch::Contains("no new finalizers can be added if the object is being deleted"));
  CHECK(answers[1].ok());
  CHECK(answers[2].ok());
  CHECK_FALSE(c.store().Get("/registry/configmaps/default/cm"));
  CHECK_FALSE(c.store().Get("/registry/pods/default/p"));
  CHECK(run.deletions.Of("Pod").size() == 1);
}

TEST_CASE("GC: an ownership cycle is reported once and does not block a Foreground delete", "[controller]") {
  // a owns b, b owns a (the UIDs are the API server's, so the references are wired at run time).
  Run run;
  Start(run, FixedLatencyScenario("5m", R"(    - inline: {apiVersion: v1, kind: ConfigMap, metadata: {name: a}}
    - inline: {apiVersion: v1, kind: ConfigMap, metadata: {name: b}}
    - inline: {apiVersion: v1, kind: ConfigMap, metadata: {name: keeper}}
)"));
  cluster::Cluster& c = *run.started.cluster;
  c.RunUntil(sim::Time::Zero() + sim::Duration::Seconds(10));
  auto a = c.store().Get("/registry/configmaps/default/a");
  auto b = c.store().Get("/registry/configmaps/default/b");
  auto keeper = c.store().Get("/registry/configmaps/default/keeper");
  auto own = [&](const api::ObjectPtr& obj, const std::vector<api::ObjectPtr>& owners) {
    std::shared_ptr<api::Object> copy = obj->Clone();
    for (const auto& o : owners) {
      copy->metadata.owner_references.push_back(
          api::OwnerReference{"v1", "ConfigMap", o->metadata.name, o->metadata.uid, false, true});
    }
    c.components().api_server().Update(copy, nullptr);
  };
  // keeper holds both, so the background GC leaves them alone.
  own(a, {b, keeper});
  own(b, {a, keeper});
  c.RunUntil(sim::Time::Zero() + sim::Duration::Seconds(20));
  CHECK(c.components().garbage_collector()->cycles() ==
        std::set<std::string>{"ConfigMap/default/a, ConfigMap/default/b"});
  CHECK(Count(c, "configmaps") == 3);
  apiserver::DeleteOptions fg;
  fg.propagation_policy = apiserver::PropagationPolicy::kForeground;
  c.DeleteObject("ConfigMap", "default", "a", fg);
  c.Run();
  // a waited for nothing on the cycle: it is gone, and b lost its reference to it but keeps keeper.
  CHECK_FALSE(c.store().Get("/registry/configmaps/default/a"));
  auto b_after = c.store().Get("/registry/configmaps/default/b");
  REQUIRE(b_after);
  REQUIRE(b_after->metadata.owner_references.size() == 1);
  CHECK(b_after->metadata.owner_references[0].name == "keeper");
  int warnings = 0;
  for (const auto& e : c.Results().events) warnings += e.reason == "OwnerRefCycle";
  CHECK(warnings == 1);
}

TEST_CASE("GC: dependents of a deleted owner of a kind kubesim stores opaque are collected", "[controller]") {
  Run run;
  Start(run, FixedLatencyScenario("1m", R"(    - inline: {apiVersion: example.com/v1, kind: Widget, metadata: {name: w}}
    - inline: {apiVersion: v1, kind: ConfigMap, metadata: {name: part}}
)"));
  cluster::Cluster& c = *run.started.cluster;
  c.RunUntil(sim::Time::Zero() + sim::Duration::Seconds(5));
  auto w = c.store().Get("/registry/widgets/default/w");
  REQUIRE(w);
  std::shared_ptr<api::Object> part = c.store().Get("/registry/configmaps/default/part")->Clone();
  part->metadata.owner_references.push_back(
      api::OwnerReference{"example.com/v1", "Widget", "w", w->metadata.uid, true, true});
  c.components().api_server().Update(part, nullptr);
  c.RunUntil(sim::Time::Zero() + sim::Duration::Seconds(10));
  CHECK(c.store().Get("/registry/configmaps/default/part"));  // its owner exists
  c.DeleteObject("Widget", "default", "w", {});
  c.Run();
  CHECK_FALSE(c.store().Get("/registry/widgets/default/w"));
  CHECK_FALSE(c.store().Get("/registry/configmaps/default/part"));
}

TEST_CASE("GC: manifest ownerReferences name owners by kind and name, and dangling ones are collected",
          "[controller]") {
  Run run;
  Start(run, FixedLatencyScenario("1m", R"(    - inline: {apiVersion: v1, kind: ConfigMap, metadata: {name: owner}}
    - inline: {apiVersion: v1, kind: ConfigMap, metadata: {name: owned,
               ownerReferences: [{apiVersion: v1, kind: ConfigMap, name: owner, uid: from-another-cluster}]}}
    - inline: {apiVersion: v1, kind: ConfigMap, metadata: {name: orphaned,
               ownerReferences: [{apiVersion: v1, kind: ConfigMap, name: ghost, uid: gone}]}}
  timeline:
    - at: 30s
      delete: {kind: ConfigMap, name: owner}
)"));
  cluster::Cluster& c = *run.started.cluster;
  c.RunUntil(sim::Time::Zero() + sim::Duration::Seconds(20));
  auto owner = c.store().Get("/registry/configmaps/default/owner");
  auto owned = c.store().Get("/registry/configmaps/default/owned");
  REQUIRE(owner);
  REQUIRE(owned);
  CHECK(owned->metadata.owner_references[0].uid == owner->metadata.uid);
  CHECK_FALSE(c.store().Get("/registry/configmaps/default/orphaned"));  // its owner never existed
  c.Run();
  CHECK_FALSE(c.store().Get("/registry/configmaps/default/owned"));
  int warnings = 0;
  for (const auto& e : c.Results().events)
    warnings += e.reason == "OwnerNotFound" && e.object == "ConfigMap/default/orphaned";
  CHECK(warnings == 1);
}

TEST_CASE("An update cannot mark an object deleted, only DELETE can", "[apiserver]") {
  Run run;
  Start(run, FixedLatencyScenario("1m", R"(    - inline: {apiVersion: v1, kind: ConfigMap, metadata: {name: cm}}
)"));
  cluster::Cluster& c = *run.started.cluster;
  c.RunUntil(sim::Time::Zero() + sim::Duration::Seconds(1));
  std::shared_ptr<api::Object> copy = c.store().Get("/registry/configmaps/default/cm")->Clone();
  copy->metadata.deletion_timestamp = c.simulation().Now();
  copy->metadata.deletion_grace_period_seconds = 0;
  copy->metadata.labels["touched"] = "yes";
  c.components().api_server().Update(copy, nullptr);
  c.Run();
  auto cm = c.store().Get("/registry/configmaps/default/cm");
  REQUIRE(cm);
  CHECK(cm->metadata.labels.at("touched") == "yes");
  CHECK_FALSE(cm->metadata.deletion_timestamp);
}

TEST_CASE("Timeline delete: an unknown propagationPolicy is a located error", "[scenario]") {
  auto sc = scenario::LoadScenarioFromString(DeploymentScenario(R"(    - at: 1m
      delete: {kind: Deployment, name: web, propagationPolicy: Cascade}
)"),
                                             "bad.yaml");
  REQUIRE_FALSE(sc.ok());
  CHECK_THAT(sc.status().message(), Catch::StartsWith("bad.yaml:") && Catch::Contains("propagationPolicy") &&
                                        Catch::Contains("Unsupported value: \"Cascade\""));
}

}  // namespace
}  // namespace kubesim::controllers
