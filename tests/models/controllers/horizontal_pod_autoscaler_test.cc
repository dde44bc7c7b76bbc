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

// One pod of a case: Running, Ready unless said otherwise, 1 core requested (none when
// `no_request`), started long ago unless said otherwise, with this CPU usage (none: no metrics).
struct PodRow {
  PodRow(const char* n, std::optional<int64_t> usage, bool is_ready = true, sim::Time start = sim::Time::Zero(),
         bool without_request = false)
      : name(n), usage_milli(usage), ready(is_ready), started(start), no_request(without_request) {}
  const char* name;
  std::optional<int64_t> usage_milli;
  bool ready;
  sim::Time started;
  bool no_request;
};

TEST_CASE("ReplicaCalculator follows upstream replica_calculator_test cases", "[hpa]") {
  struct Row {
    const char* name;
    int32_t current;
    int64_t target;  // utilization percent, or millicores per pod when `average_value`
    bool average_value;
    std::vector<PodRow> pods;
    int32_t want_replicas;
    std::optional<int32_t> want_utilization;
    std::optional<int64_t> want_raw_average;
    std::string want_error;  // upstream's words; empty: success
  };
  const sim::Time unready_start = kNow - sim::Duration::Minutes(1);  // within the CPU initialization period
  std::vector<Row> rows = {
      {"scale up: 3 pods at 300, 500, 700m of 1 core, target 30%",
       3,
       30,
       false,
       {{"a", 300}, {"b", 500}, {"c", 700}},
       5,
       50,
       std::nullopt,
       ""},
      {"scale up with an unready pod counts it as 0% (less scale)",
       3,
       30,
       false,
       {{"a", 300, false, unready_start}, {"b", 500}, {"c", 700}},
       4,
       60,
       std::nullopt,
       ""},
      {"scale down: 5 pods, 28% against 50%",
       5,
       50,
       false,
       {{"a", 100}, {"b", 300}, {"c", 500}, {"d", 250}, {"e", 250}},
       3,
       28,
       std::nullopt,
       ""},
      {"within the 0.1 tolerance nothing changes",
       3,
       100,
       false,
       {{"a", 1010}, {"b", 1030}, {"c", 1020}},
       3,
       102,
       std::nullopt,
       ""},
      // 1300m of 4000m = 32% → ceil(0.64 × 4).
      {"a pod without metrics counts as 100% of its request when scaling down",
       4,
       50,
       false,
       {{"a", 100}, {"b", 100}, {"c", 100}, {"d", std::nullopt}},
       3,
       std::nullopt,
       std::nullopt,
       ""},
      // Alone, a is at 60% of 50% (up); with b at 0% the average is 30% (down): no change.
      {"a pod without metrics that would flip the direction keeps the current count",
       2,
       50,
       false,
       {{"a", 600}, {"b", std::nullopt}},
       2,
       std::nullopt,
       std::nullopt,
       ""},
      {"no pods are an error with upstream's words",
       1,
       50,
       false,
       {},
       0,
       std::nullopt,
       std::nullopt,
       "no pods returned by selector while calculating replica count"},
      {"no metrics are an error with upstream's words",
       1,
       50,
       false,
       {{"a", std::nullopt}},
       0,
       std::nullopt,
       std::nullopt,
       "did not receive metrics for targeted pods (pods might be unready)"},
      {"no requests are an error with upstream's words",
       1,
       50,
       false,
       {{"norequest", 100, true, sim::Time::Zero(), true}},
       0,
       std::nullopt,
       std::nullopt,
       "missing request for cpu in container c0 of Pod norequest"},
      {"AverageValue targets compare the per-pod average",
       2,
       200,
       true,
       {{"a", 800}, {"b", 400}},
       6,
       std::nullopt,
       600,
       ""},
  };
  for (const auto& row : rows) {
    DYNAMIC_SECTION(row.name) {
      std::vector<std::shared_ptr<const api::Pod>> pods;
      std::map<std::string, metrics::PodMetric> metrics;
      for (const auto& p : row.pods) {
        PodBuilder b(p.name);
        if (p.no_request) {
          b.Container();
        } else {
          b.Req({{"cpu", "1"}});
        }
        b.Phase("Running");
        b.mutable_pod().status.start_time = p.started;
        b.mutable_pod().SetCondition("Ready", p.ready ? "True" : "False", p.started + sim::Duration::Seconds(5));
        pods.push_back(std::make_shared<api::Pod>(b.pod()));
        if (p.usage_milli) {
          metrics[std::string("default/") + p.name] = {*p.usage_milli, 0, kNow, sim::Duration::Seconds(15)};
        }
      }
      auto r = row.average_value
                   ? GetRawResourceReplicas(row.current, row.target, "cpu", pods, metrics, kNow)
                   : GetResourceReplicas(row.current, static_cast<int32_t>(row.target), "cpu", pods, metrics, kNow);
      if (!row.want_error.empty()) {
        REQUIRE_FALSE(r.ok());
        CHECK(r.status().message() == row.want_error);
        continue;
      }
      REQUIRE(r.ok());
      CHECK(r->replicas == row.want_replicas);
      if (row.want_utilization) CHECK(r->utilization == *row.want_utilization);
      if (row.want_raw_average) CHECK(r->raw_average == *row.want_raw_average);
    }
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
  auto run = testing::StartScenario(testing::ScenarioHead()
                                            .Duration("5m")
                                            .CalibratedApiLatency()
                                            .Nodes(2)
                                            .NodeCapacity(R"(cpu: "8", memory: 32Gi, pods: "110")")
                                            .Yaml() +
                                        R"(    - inline:
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
