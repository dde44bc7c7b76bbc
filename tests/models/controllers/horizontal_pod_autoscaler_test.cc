// The HPA: the replica calculator against upstream's replica_calculator_test cases, the
// behavior rate limits, and a whole run on a CSV load curve (legacy normalization).
#include "models/controllers/horizontal_pod_autoscaler.h"

#include <catch2/catch.hpp>

#include "models/api/kinds.h"
#include "models/cluster/components.h"
#include "models/controllers/replica_calculator.h"
#include "models/scenario/scenario.h"
#include "tests/support/builders.h"
#include "tests/support/scenario_run.h"

namespace kubesim::controllers {
namespace {

using testing::PodBuilder;

const sim::Time kNow = sim::Time::Zero() + sim::Duration::Hours(1);

// Running pods started long ago, Ready, with 1 core requested and the given CPU usage.
struct Fixture {
  std::vector<std::shared_ptr<const api::Pod>> pods;
  std::map<std::string, metrics::PodMetric> metrics;

  void Add(const std::string& name, std::optional<int64_t> usage_milli, bool ready = true,
           sim::Time started = sim::Time::Zero()) {
    PodBuilder b(name);
    b.Req({{"cpu", "1"}}).Phase("Running");
    b.mutable_pod().status.start_time = started;
    b.mutable_pod().SetCondition("Ready", ready ? "True" : "False", started + sim::Duration::Seconds(5));
    pods.push_back(std::make_shared<api::Pod>(b.pod()));
    if (usage_milli) metrics["default/" + name] = {*usage_milli, 0, kNow, sim::Duration::Seconds(15)};
  }
};

TEST_CASE("ReplicaCalculator follows upstream replica_calculator_test cases", "[hpa]") {
  SECTION("scale up: 3 pods at 300, 500, 700m of 1 core, target 30%") {
    Fixture f;
    f.Add("a", 300);
    f.Add("b", 500);
    f.Add("c", 700);
    auto r = GetResourceReplicas(3, 30, "cpu", f.pods, f.metrics, kNow);
    REQUIRE(r.ok());
    CHECK(r->replicas == 5);
    CHECK(r->utilization == 50);
  }
  SECTION("scale up with an unready pod counts it as 0% (less scale)") {
    Fixture f;
    f.Add("a", 300, false, kNow - sim::Duration::Minutes(1));  // within the CPU initialization period
    f.Add("b", 500);
    f.Add("c", 700);
    auto r = GetResourceReplicas(3, 30, "cpu", f.pods, f.metrics, kNow);
    REQUIRE(r.ok());
    CHECK(r->replicas == 4);
    CHECK(r->utilization == 60);
  }
  SECTION("scale down: 5 pods, 28% against 50%") {
    Fixture f;
    for (auto [n, u] :
         std::vector<std::pair<const char*, int64_t>>{{"a", 100}, {"b", 300}, {"c", 500}, {"d", 250}, {"e", 250}}) {
      f.Add(n, u);
    }
    auto r = GetResourceReplicas(5, 50, "cpu", f.pods, f.metrics, kNow);
    REQUIRE(r.ok());
    CHECK(r->replicas == 3);
    CHECK(r->utilization == 28);
  }
  SECTION("within the 0.1 tolerance nothing changes") {
    Fixture f;
    f.Add("a", 1010);
    f.Add("b", 1030);
    f.Add("c", 1020);
    auto r = GetResourceReplicas(3, 100, "cpu", f.pods, f.metrics, kNow);
    REQUIRE(r.ok());
    CHECK(r->replicas == 3);
    CHECK(r->utilization == 102);
  }
  SECTION("a pod without metrics counts as 100% of its request when scaling down") {
    Fixture f;
    f.Add("a", 100);
    f.Add("b", 100);
    f.Add("c", 100);
    f.Add("d", std::nullopt);
    auto r = GetResourceReplicas(4, 50, "cpu", f.pods, f.metrics, kNow);
    REQUIRE(r.ok());
    CHECK(r->replicas == 3);  // 1300m of 4000m = 32% → ceil(0.64 × 4)
  }
  SECTION("a pod without metrics that would flip the direction keeps the current count") {
    Fixture f;
    f.Add("a", 600);
    f.Add("b", std::nullopt);
    // Alone, a is at 60% of 50% (up); with b at 0% the average is 30% (down): no change.
    auto r = GetResourceReplicas(2, 50, "cpu", f.pods, f.metrics, kNow);
    REQUIRE(r.ok());
    CHECK(r->replicas == 2);
  }
  SECTION("no pods, no requests and no metrics are errors with upstream's words") {
    Fixture f;
    CHECK(GetResourceReplicas(1, 50, "cpu", f.pods, f.metrics, kNow).status().message() ==
          "no pods returned by selector while calculating replica count");
    f.Add("a", std::nullopt);
    CHECK(GetResourceReplicas(1, 50, "cpu", f.pods, f.metrics, kNow).status().message() ==
          "did not receive metrics for targeted pods (pods might be unready)");
    PodBuilder b("norequest");
    b.Container().Phase("Running");
    f.pods = {std::make_shared<api::Pod>(b.pod())};
    f.metrics = {{"default/norequest", {100, 0, kNow, sim::Duration::Seconds(15)}}};
    CHECK(GetResourceReplicas(1, 50, "cpu", f.pods, f.metrics, kNow).status().message() ==
          "missing request for cpu in container c0 of Pod norequest");
  }
  SECTION("AverageValue targets compare the per-pod average") {
    Fixture f;
    f.Add("a", 800);
    f.Add("b", 400);
    auto r = GetRawResourceReplicas(2, 200, "cpu", f.pods, f.metrics, kNow);
    REQUIRE(r.ok());
    CHECK(r->raw_average == 600);
    CHECK(r->replicas == 6);
  }
}

TEST_CASE("HPA behavior policies bound the change per period", "[hpa]") {
  api::HPAScalingRules up;
  up.policies = {{"Pods", 4, 15}, {"Percent", 100, 15}};   // upstream default scale-up
  CHECK(ScaleUpLimitWithRules(3, {}, {}, up, kNow) == 7);  // max(3 + 4, 3 × 2)
  CHECK(ScaleUpLimitWithRules(10, {}, {}, up, kNow) == 20);
  // 6 added 10 s ago: the period started at 4 replicas.
  std::vector<ScaleEvent> recent = {{6, kNow - sim::Duration::Seconds(10), false}};
  CHECK(ScaleUpLimitWithRules(10, recent, {}, up, kNow) == 8);
  up.select_policy = "Min";
  CHECK(ScaleUpLimitWithRules(10, {}, {}, up, kNow) == 14);
  up.select_policy = "Disabled";
  CHECK(ScaleUpLimitWithRules(10, {}, {}, up, kNow) == 10);
  api::HPAScalingRules down;
  down.policies = {{"Percent", 100, 15}};  // upstream default scale-down
  CHECK(ScaleDownLimitWithRules(10, {}, {}, down, kNow) == 0);
  down.policies = {{"Percent", 10, 60}, {"Pods", 1, 60}};
  CHECK(ScaleDownLimitWithRules(10, {}, {}, down, kNow) == 9);   // Max: the bigger change, 10% = 1 vs 1 pod
  CHECK(ScaleDownLimitWithRules(35, {}, {}, down, kNow) == 31);  // int(35 × 0.9) = 31 vs 34
}

TEST_CASE("HPA scales a Deployment on a CSV load curve with the legacy rules", "[hpa][scenario]") {
  auto run = testing::StartScenarioFile(std::string(KUBESIM_SOURCE_DIR) + "/tests/scenarios/hpa-load.yaml");
  cluster::Cluster& c = *run.cluster;
  c.Run();
  report::RunResults r = c.Results();
  std::vector<std::pair<double, int>> rescales;  // (seconds, new size)
  for (const auto& e : r.events) {
    if (e.reason != "SuccessfulRescale") continue;
    rescales.emplace_back((e.time - sim::Time::Zero()).ToSeconds(),
                          std::stoi(e.message.substr(std::string("New size: ").size())));
  }
  REQUIRE(rescales.size() >= 3);
  // Nothing moves while the load sits at the target (0.5 cores over 2 pods = 50%).
  CHECK(rescales.front().first > 120);
  CHECK(rescales.front().first < 150);
  int current = 2;
  double peak_at = 0;
  for (const auto& [t, n] : rescales) {
    if (n > current) {
      CHECK(n <= std::max(2 * current, 4));  // scale-up limit per sync
      peak_at = t;
    } else {
      // Downscale stabilization: the load fell at 10–11 min; the 20-replica recommendations of
      // the ramp-up keep it at 20 for 5 minutes after they stop.
      CHECK(t >= 10 * 60 + 300);
    }
    current = n;
  }
  CHECK(peak_at < 10 * 60);
  CHECK(current == 4);  // 1 core at 250m per pod
  auto d = api::As<api::Deployment>(c.store().Get("/registry/deployments/default/web"));
  CHECK(d->replicas == 4);
  auto hpa = api::As<api::HorizontalPodAutoscaler>(c.store().Get("/registry/horizontalpodautoscalers/default/web"));
  REQUIRE(hpa);
  CHECK(hpa->status.current_replicas == 4);
  CHECK(hpa->status.desired_replicas == 4);
  CHECK(hpa->status.current_utilization.at(0) >= 45);
  CHECK(hpa->status.current_utilization.at(0) <= 55);
  CHECK(c.CheckInvariants() == std::vector<std::string>{});
}

TEST_CASE("Load curves interpolate linearly or in steps", "[hpa]") {
  metrics::LoadCurve c;
  c.points = {{sim::Duration::Zero(), 1000}, {sim::Duration::Minutes(1), 3000}};
  CHECK(c.MilliAt(sim::Duration::Seconds(-1)) == 1000);
  CHECK(c.MilliAt(sim::Duration::Seconds(30)) == 2000);
  CHECK(c.MilliAt(sim::Duration::Minutes(5)) == 3000);
  c.step = true;
  CHECK(c.MilliAt(sim::Duration::Seconds(59)) == 1000);
  CHECK(c.MilliAt(sim::Duration::Seconds(60)) == 3000);
}

TEST_CASE("HPA scales a StatefulSet, and setImage and scale actions reach StatefulSets", "[hpa]") {
  // 2 cores of demand at 250m per pod (50% of 500m) → 8 replicas, reached as 2 → 4 → 8.
  auto run = testing::StartScenario(R"(apiVersion: kubesim.io/v1alpha1
kind: Scenario
spec:
  duration: 5m
  objects:
    - count: 2
      template: {apiVersion: v1, kind: Node, metadata: {name: "n{{i}}"}, status: {capacity: {cpu: "8", memory: 32Gi,
                 pods: "110"}}}
    - inline:
        apiVersion: apps/v1
        kind: StatefulSet
        metadata: {name: db}
        spec:
          replicas: 2
          podManagementPolicy: Parallel
          serviceName: db
          selector: {matchLabels: {app: db}}
          template:
            metadata: {labels: {app: db}}
            spec: {containers: [{name: c, image: "postgres:16", resources: {requests: {cpu: 500m}}}]}
    - inline:
        apiVersion: autoscaling/v2
        kind: HorizontalPodAutoscaler
        metadata: {name: db}
        spec:
          scaleTargetRef: {apiVersion: apps/v1, kind: StatefulSet, name: db}
          maxReplicas: 10
          metrics: [{type: Resource, resource: {name: cpu, target: {type: Utilization, averageUtilization: 50}}}]
  loads:
    - target: {kind: StatefulSet, name: db}
      cpu: {points: [{at: 0s, value: "2"}]}
  timeline:
    - {at: 4m, setImage: {kind: StatefulSet, name: db, images: {c: "postgres:17"}}}
)",
                                    "sts-hpa.yaml");
  cluster::Cluster& c = *run.cluster;
  c.Run();
  std::vector<std::string> sizes;
  for (const auto& e : c.Results().events) {
    if (e.reason == "SuccessfulRescale") sizes.push_back(e.message.substr(0, e.message.find(';')));
  }
  CHECK(sizes == std::vector<std::string>{"New size: 4", "New size: 8"});
  auto ss = api::As<api::StatefulSet>(c.store().Get("/registry/statefulsets/default/db"));
  REQUIRE(ss);
  CHECK(ss->replicas == 8);
  CHECK(ss->pod_template.spec.containers[0].image == "postgres:17");
}

}  // namespace
}  // namespace kubesim::controllers
