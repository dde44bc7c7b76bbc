// The Deployment controller: ReplicaSets per template hash, rolling updates within
// maxSurge/maxUnavailable at every step, Recreate without overlap, proportional scaling during a
// rollout, revision history and the progress deadline, and the upstream helper arithmetic.
#include "models/controllers/deployment.h"

#include <catch2/catch.hpp>
#include <map>

#include "models/api/kinds.h"
#include "models/cluster/components.h"
#include "models/controllers/controller_utils.h"
#include "models/controllers/deployment_util.h"
#include "models/scenario/scenario.h"
#include "tests/support/scenario_run.h"

namespace kubesim::controllers {
namespace {

TEST_CASE("Online Boutique: every Deployment gets a ReplicaSet and its pod runs", "[controller][scenario]") {
  auto run = testing::StartScenarioFile(std::string(KUBESIM_SOURCE_DIR) + "/tests/scenarios/online-boutique.yaml");
  cluster::Cluster& c = *run.cluster;
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
  // Pinned: ReplicaSet and pod names, and so golden fingerprints, depend on the hash.
  CHECK(h == "dggkfkcfc");
  t.spec.containers[0].image = "nginx:1.28";
  CHECK(PodTemplateHash(t) == "dgjghlfgg");
}

// Watches pods and ReplicaSets through the API server, as a test-side client would, and keeps
// the latest version of each.
struct Observer {
  std::map<std::string, std::shared_ptr<const api::Pod>> pods;
  std::map<std::string, std::shared_ptr<const api::ReplicaSet>> replicasets;
  std::function<void()> on_change;

  explicit Observer(cluster::Cluster& c) {
    for (const auto& obj : c.store().Range("/registry/pods/").objects) {
      auto pod = api::As<api::Pod>(obj);
      pods[pod->metadata.name] = pod;
    }
    for (const auto& obj : c.store().Range("/registry/replicasets/").objects) {
      auto rs = api::As<api::ReplicaSet>(obj);
      replicasets[rs->metadata.name] = rs;
    }
    c.components().api_server().Watch("Pod", {}, [this](const apiserver::WatchEvent& e) {
      auto pod = api::As<api::Pod>(e.object);
      if (!pod) return;
      if (e.type == apiserver::WatchEventType::kDeleted) {
        pods.erase(pod->metadata.name);
      } else {
        pods[pod->metadata.name] = pod;
      }
      if (on_change) on_change();
    });
    c.components().api_server().Watch("ReplicaSet", {}, [this](const apiserver::WatchEvent& e) {
      auto rs = api::As<api::ReplicaSet>(e.object);
      if (!rs) return;
      if (e.type == apiserver::WatchEventType::kDeleted) {
        replicasets.erase(rs->metadata.name);
      } else {
        replicasets[rs->metadata.name] = rs;
      }
      if (on_change) on_change();
    });
  }
  // Σ spec.replicas of the ReplicaSets owned by Deployment `name`.
  int32_t SpecReplicas(const std::string& name) const {
    int32_t n = 0;
    for (const auto& [_, rs] : replicasets) {
      const api::OwnerReference* ref = ControllerRef(rs->metadata);
      if (ref != nullptr && ref->name == name) n += rs->replicas;
    }
    return n;
  }
  // Pods of Deployment `app` (by label) that are Ready and not terminating.
  int AvailablePods(const std::string& app) const {
    int n = 0;
    for (const auto& [_, p] : pods) {
      auto it = p->metadata.labels.find("app");
      if (it != p->metadata.labels.end() && it->second == app && IsPodActive(*p) && IsPodReady(*p)) ++n;
    }
    return n;
  }
};

std::shared_ptr<const api::Deployment> GetDeployment(cluster::Cluster& c, const std::string& name) {
  return api::As<api::Deployment>(c.store().Get("/registry/deployments/default/" + name));
}

TEST_CASE("Online Boutique rolling update stays within maxSurge and maxUnavailable at every step",
          "[controller][scenario]") {
  auto run =
      testing::StartScenarioFile(std::string(KUBESIM_SOURCE_DIR) + "/tests/scenarios/online-boutique-rollout.yaml");
  cluster::Cluster& c = *run.cluster;
  c.RunUntil(sim::Time::Zero() + sim::Duration::Minutes(2));
  auto before = GetDeployment(c, "frontend");
  REQUIRE(before->replicas == 10);
  CHECK(RolloutComplete(*before));
  CHECK(before->metadata.annotations.at(kRevisionAnnotation) == "1");
  // frontend: 10 replicas, 25% / 25% → surge ceil(2.5) = 3, unavailable floor(2.5) = 2.
  Observer obs(c);
  int32_t max_spec = 0;
  int min_available = 10;
  obs.on_change = [&]() {
    max_spec = std::max(max_spec, obs.SpecReplicas("frontend"));
    min_available = std::min(min_available, obs.AvailablePods("frontend"));
  };
  c.Run();
  CHECK(max_spec == 13);      // the surge is used, never exceeded
  CHECK(min_available >= 8);  // never more than 2 unavailable
  CHECK(min_available <= 9);  // and the allowance is used
  for (const char* name : {"frontend", "cartservice", "redis-cart", "adservice"}) {
    INFO(name);
    auto d = GetDeployment(c, name);
    CHECK(RolloutComplete(*d));
    const api::DeploymentCondition* progressing = FindCondition(d->status, "Progressing");
    REQUIRE(progressing != nullptr);
    CHECK(progressing->reason == "NewReplicaSetAvailable");
    CHECK(FindCondition(d->status, "Available")->status == "True");
    CHECK(d->status.observed_generation == d->metadata.generation);
    const bool rolled = std::string(name) != "adservice";
    CHECK(d->metadata.generation == (rolled ? (std::string(name) == "frontend" ? 3 : 2) : 1));
    CHECK(d->metadata.annotations.at(kRevisionAnnotation) == (rolled ? "2" : "1"));
  }
  int old_frontend = 0;
  for (const auto& obj : c.store().Range("/registry/replicasets/").objects) {
    auto rs = api::As<api::ReplicaSet>(obj);
    if (rs->metadata.owner_references[0].name != "frontend") continue;
    if (rs->metadata.annotations.at(kRevisionAnnotation) == "1") {
      ++old_frontend;
      CHECK(rs->replicas == 0);  // kept as history, scaled to zero
      CHECK(rs->status.replicas == 0);
    } else {
      CHECK(rs->replicas == 10);
      CHECK(rs->status.available_replicas == 10);
    }
  }
  CHECK(old_frontend == 1);
  CHECK(c.CheckInvariants() == std::vector<std::string>{});
}

// After the fixed head (10 min, 4 nodes of 8 cores): one Deployment.
const char* kDeploymentBody = R"(    - inline:
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: web}
        spec:
          replicas: REPLICAS
          STRATEGY
          selector: {matchLabels: {app: web}}
          template:
            metadata: {labels: {app: web}}
            spec: {containers: [{name: c, image: "nginx:1.27", resources: {requests: {cpu: 500m}}}]}
  timeline:
TIMELINE)";

std::string DeploymentScenario(const std::string& replicas, const std::string& strategy, const std::string& timeline) {
  std::string s =
      testing::ScenarioHead().Duration("10m").Nodes(4).NodeCapacity(R"(cpu: "8", memory: 32Gi, pods: "110")").Yaml() +
      kDeploymentBody;
  s.replace(s.find("REPLICAS"), 8, replicas);
  s.replace(s.find("STRATEGY"), 8, strategy);
  s.replace(s.find("TIMELINE"), 8, timeline);
  return s;
}

TEST_CASE("Recreate: every old pod is gone before the first new pod is created", "[controller]") {
  std::string text =
      DeploymentScenario("3", "strategy: {type: Recreate}",
                         "    - {at: 1m, setImage: {kind: Deployment, name: web, images: {c: \"nginx:1.28\"}}}\n");
  // The old pods take their whole 30 s grace period to stop (the process ignores SIGTERM).
  text.replace(text.find("metadata: {labels: {app: web}}"), 30,
               "metadata: {labels: {app: web}, annotations: {kubesim.io/sigterm-exit-after: 1h}}");
  auto run = testing::StartScenario(text, "recreate.yaml");
  cluster::Cluster& c = *run.cluster;
  c.RunUntil(sim::Time::Zero() + sim::Duration::Seconds(30));
  Observer obs(c);
  bool overlap = false;
  int max_old = 0;
  obs.on_change = [&]() {
    int old_pods = 0, new_pods = 0;
    for (const auto& [_, p] : obs.pods) {
      (p->spec.containers[0].image == "nginx:1.27" ? old_pods : new_pods)++;
    }
    max_old = std::max(max_old, old_pods);
    overlap = overlap || (old_pods > 0 && new_pods > 0);
  };
  c.Run();
  CHECK(max_old == 3);
  CHECK_FALSE(overlap);
  report::RunResults r = c.Results();
  CHECK(r.pods_running == 3);
  auto d = GetDeployment(c, "web");
  CHECK(RolloutComplete(*d));
  // Old pods stop at their 30 s grace deadline, so the new ones are created 30 s after the change.
  sim::Time first_new = sim::Time::Zero() + sim::Duration::Hours(1);
  for (const auto& p : r.pods) {
    auto stored = api::As<api::Pod>(c.store().Get("/registry/pods/default/" + p.name));
    if (stored && stored->spec.containers[0].image == "nginx:1.28") {
      first_new = std::min(first_new, stored->metadata.creation_timestamp);
    }
  }
  CHECK(first_new >= sim::Time::Zero() + sim::Duration::Seconds(90));
  CHECK(first_new <= sim::Time::Zero() + sim::Duration::Seconds(92));
}

TEST_CASE("Scaling during a rollout spreads the new replicas proportionally", "[controller]") {
  // minReadySeconds 30 holds the rollout after its first steps: new RS 0 → 3 (surge), old RS
  // 10 → 8 (unavailable), new RS → 5 (surge again, total 13); new pods are not available for 30 s.
  auto run = testing::StartScenario(
      DeploymentScenario("10", "minReadySeconds: 30",
                         "    - {at: 1m, setImage: {kind: Deployment, name: web, images: {c: \"nginx:1.28\"}}}\n"
                         "    - {at: 70s, scale: {kind: Deployment, name: web, replicas: 20}}\n"),
      "proportional.yaml");
  cluster::Cluster& c = *run.cluster;
  c.Run();
  std::vector<std::string> scaling;
  for (const auto& e : c.Results().events) {
    if (e.reason == "ScalingReplicaSet" && e.time > sim::Time::Zero() + sim::Duration::Seconds(70) &&
        e.time < sim::Time::Zero() + sim::Duration::Seconds(71)) {
      scaling.push_back(e.message.substr(0, e.message.find(' ', 20)) + e.message.substr(e.message.rfind(" from")));
    }
  }
  // allowed 20 + 5 = 25, to add 25 − 13 = 12; old: round(8 × 25 / 13) − 8 = 7, new:
  // min(round(5 × 25 / 13) − 5, 12 − 7) = 5 (upstream getReplicaSetFraction arithmetic).
  CHECK_THAT(scaling, Catch::Matchers::UnorderedEquals(std::vector<std::string>{"Scaled up replica set from 8 to 15",
                                                                                "Scaled up replica set from 5 to 10"}));
  auto d = GetDeployment(c, "web");
  CHECK(RolloutComplete(*d));
  CHECK(d->status.available_replicas == 20);
}

TEST_CASE("A rollout that cannot progress reports ProgressDeadlineExceeded after the deadline", "[controller]") {
  // One node with room for two 500m pods and maxUnavailable 0: the surge pod never schedules.
  std::string text = DeploymentScenario(
      "2", "progressDeadlineSeconds: 60\n          strategy: {rollingUpdate: {maxSurge: 1, maxUnavailable: 0}}",
      "    - {at: 1m, setImage: {kind: Deployment, name: web, images: {c: \"nginx:1.28\"}}}\n");
  text.replace(text.find("count: 4"), 8, "count: 1");
  text.replace(text.find("cpu: \"8\""), 8, "cpu: \"1\"");
  auto run = testing::StartScenario(text, "stuck.yaml");
  cluster::Cluster& c = *run.cluster;
  c.RunUntil(sim::Time::Zero() + sim::Duration::Seconds(115));
  CHECK(FindCondition(GetDeployment(c, "web")->status, "Progressing")->status == "True");
  c.Run();
  auto d = GetDeployment(c, "web");
  const api::DeploymentCondition* p = FindCondition(d->status, "Progressing");
  REQUIRE(p != nullptr);
  CHECK(p->status == "False");
  CHECK(p->reason == "ProgressDeadlineExceeded");
  CHECK(p->last_update_time >= sim::Time::Zero() + sim::Duration::Seconds(120));
  CHECK(p->last_update_time <= sim::Time::Zero() + sim::Duration::Seconds(122));
  CHECK(d->status.available_replicas == 2);  // the old pods keep serving
  CHECK(d->status.updated_replicas == 1);
  CHECK_FALSE(RolloutComplete(*d));
}

TEST_CASE("Old ReplicaSets beyond revisionHistoryLimit are deleted, lowest revision first", "[controller]") {
  auto run = testing::StartScenario(
      DeploymentScenario("2", "revisionHistoryLimit: 1",
                         "    - {at: 1m, setImage: {kind: Deployment, name: web, images: {c: \"nginx:1.28\"}}}\n"
                         "    - {at: 2m, setImage: {kind: Deployment, name: web, images: {c: \"nginx:1.29\"}}}\n"
                         "    - {at: 3m, setImage: {kind: Deployment, name: web, images: {c: \"nginx:1.30\"}}}\n"),
      "history.yaml");
  cluster::Cluster& c = *run.cluster;
  c.Run();
  std::map<std::string, std::string> images_by_revision;
  for (const auto& obj : c.store().Range("/registry/replicasets/").objects) {
    auto rs = api::As<api::ReplicaSet>(obj);
    images_by_revision[rs->metadata.annotations.at(kRevisionAnnotation)] = rs->pod_template.spec.containers[0].image;
  }
  CHECK(images_by_revision == std::map<std::string, std::string>{{"3", "nginx:1.29"}, {"4", "nginx:1.30"}});
  CHECK(GetDeployment(c, "web")->metadata.annotations.at(kRevisionAnnotation) == "4");
}

TEST_CASE("Deployment fenceposts and proportions follow upstream rounding", "[controller]") {
  api::Deployment d;
  d.replicas = 10;
  int32_t surge = 0, unavailable = 0;
  ResolveFenceposts(d, &surge, &unavailable);
  CHECK(surge == 3);        // ceil(2.5)
  CHECK(unavailable == 2);  // floor(2.5)
  d.replicas = 1;
  CHECK(MaxSurge(d) == 1);
  CHECK(MaxUnavailable(d) == 0);
  d.max_surge = {0, false};
  CHECK(MaxUnavailable(d) == 1);  // both resolve to 0: one may be unavailable
  d.strategy_type = "Recreate";
  CHECK(MaxSurge(d) == 0);
  CHECK(MaxUnavailable(d) == 0);

  // Upstream TestScale "proportional scaling: 5 -> 10" and "5 -> 3" (maxSurge 0).
  api::Deployment p;
  p.replicas = 10;
  p.max_surge = {0, false};
  p.max_unavailable = {0, false};
  auto rs = [](int32_t replicas, int32_t max) {
    api::ReplicaSet r;
    r.replicas = replicas;
    r.metadata.annotations[kMaxReplicasAnnotation] = std::to_string(max);
    return r;
  };
  CHECK(GetProportion(rs(3, 5), p, 5, 0) == 3);
  CHECK(GetProportion(rs(2, 5), p, 5, 3) == 2);
  p.replicas = 3;
  CHECK(GetProportion(rs(3, 5), p, -2, 0) == -1);
  CHECK(GetProportion(rs(2, 5), p, -2, -1) == -1);
  CHECK(GetProportion(rs(0, 5), p, -2, 0) == 0);

  // NewRSNewReplicas: room to surge is what limits the new ReplicaSet.
  api::Deployment n;
  n.replicas = 10;
  auto old_rs = std::make_shared<api::ReplicaSet>(rs(10, 13));
  auto new_rs = std::make_shared<api::ReplicaSet>(rs(0, 13));
  CHECK(NewRSNewReplicas(n, {old_rs, new_rs}, new_rs) == 3);
  old_rs->replicas = 8;
  new_rs->replicas = 3;
  CHECK(NewRSNewReplicas(n, {old_rs, new_rs}, new_rs) == 5);
}

}  // namespace
}  // namespace kubesim::controllers
