// The scenario language beyond manifests: parameters with `--set` overrides, node pools,
// `expect:` assertions and their verdicts, the JSON Schema.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "models/api/node.h"
#include "models/cluster/components.h"
#include "models/report/expectations.h"
#include "models/scenario/scenario.h"
#include "models/scenario/schema.h"

namespace kubesim::scenario {
namespace {

const char* kHead =
    "apiVersion: kubesim.io/v1alpha1\n"
    "kind: Scenario\n"
    "metadata: {name: lang}\n"
    "spec:\n";

sim::StatusOr<Scenario> Load(const std::string& body, std::map<std::string, std::string> sets = {}) {
  LoadOptions opts;
  opts.parameters = std::move(sets);
  return LoadScenarioFromString(kHead + body, "lang.yaml", opts);
}

const std::string kPool =
    "  parameters:\n"
    "    nodes: {default: 4, type: integer}\n"
    "    cpu: \"2\"\n"
    "  nodePools:\n"
    "    - name: web\n"
    "      count: ${nodes}\n"
    "      zones: [a, b, c]\n"
    "      region: r\n"
    "      instanceType: m5.large\n"
    "      capacity: {cpu: \"${cpu}\", memory: 8Gi, pods: \"110\"}\n"
    "      labels: {pool: web}\n"
    "      taints: [{key: dedicated, value: web, effect: NoSchedule}]\n";

TEST_CASE("Parameters: defaults, --set overrides, and interpolation", "[scenario][parameters]") {
  auto sc = Load(kPool);
  REQUIRE(sc.ok());
  REQUIRE(sc->objects.size() == 4);
  auto sc2 = Load(kPool, {{"nodes", "7"}, {"cpu", "16"}});
  REQUIRE(sc2.ok());
  REQUIRE(sc2->objects.size() == 7);
  auto node = api::As<api::Node>(sc2->objects[6]);
  REQUIRE(node);
  CHECK(node->status.capacity.at("cpu").MilliValue() == 16000);
  REQUIRE(sc2->parameters.size() == 2);
  CHECK(sc2->parameters[0].overridden);
  CHECK(sc2->parameters[0].value == "7");

  // Interpolation inside a longer string, and $${ as a literal.
  auto sc3 = Load(
      "  parameters: {app: shop}\n"
      "  objects:\n"
      "    - inline:\n"
      "        apiVersion: v1\n"
      "        kind: Pod\n"
      "        metadata: {name: \"${app}-front\", annotations: {note: \"cost $${app}\"}}\n"
      "        spec: {containers: [{name: c, image: i}]}\n");
  REQUIRE(sc3.ok());
  CHECK(sc3->objects[0]->metadata.name == "shop-front");
  CHECK(sc3->objects[0]->metadata.annotations.at("note") == "cost ${app}");
}

TEST_CASE("Parameters: bad overrides and references are reported", "[scenario][parameters]") {
  auto unknown = Load(kPool, {{"node", "3"}});
  REQUIRE_FALSE(unknown.ok());
  CHECK(unknown.status().message() == "--set node=3: lang.yaml has no parameter \"node\" (parameters: nodes, cpu)");
  auto typed = Load(kPool, {{"nodes", "many"}});
  REQUIRE_FALSE(typed.ok());
  CHECK(typed.status().message() ==
        "--set nodes=many: Invalid value: \"many\" is not an integer (parameter \"nodes\" has type integer)");
  auto undefined = Load("  duration: ${length}\n");
  REQUIRE_FALSE(undefined.ok());
  CHECK(undefined.status().message() ==
        "lang.yaml:5:13: spec.duration: undefined parameter \"length\" (parameters: none declared in spec.parameters)");
  CHECK(CheckParameterValue("duration", "90s").empty());
  CHECK(CheckParameterValue("quantity", "1.5Gi").empty());
  CHECK_FALSE(CheckParameterValue("boolean", "yes").empty());
}

TEST_CASE("Node pools: names, zone spread and well-known labels", "[scenario][node-pools]") {
  auto sc = Load(kPool);
  REQUIRE(sc.ok());
  std::vector<std::string> zones;
  for (size_t i = 0; i < sc->objects.size(); ++i) {
    auto n = api::As<api::Node>(sc->objects[i]);
    REQUIRE(n);
    CHECK(n->metadata.name == "web-" + std::to_string(i));
    zones.push_back(n->metadata.labels.at("topology.kubernetes.io/zone"));
    CHECK(n->metadata.labels.at("topology.kubernetes.io/region") == "r");
    CHECK(n->metadata.labels.at("node.kubernetes.io/instance-type") == "m5.large");
    CHECK(n->metadata.labels.at("pool") == "web");
    REQUIRE(n->spec.taints.size() == 1);
    CHECK(n->spec.taints[0].key == "dedicated");
    CHECK(n->status.capacity.at("memory").Value() == 8ll << 30);
  }
  CHECK(zones == std::vector<std::string>{"a", "b", "c", "a"});

  // A template gives the base; `{{i}}` in its name is the index.
  auto t = Load(
      "  nodePools:\n"
      "    - name: gpu\n"
      "      count: 2\n"
      "      template:\n"
      "        metadata: {name: \"gpu-node-{{i}}\", labels: {accel: a100}}\n"
      "        status: {capacity: {cpu: \"32\", memory: 256Gi, nvidia.com/gpu: \"8\"}}\n");
  REQUIRE(t.ok());
  REQUIRE(t->objects.size() == 2);
  CHECK(t->objects[1]->metadata.name == "gpu-node-1");
  CHECK(t->objects[1]->metadata.labels.at("accel") == "a100");

  // A pool and an object that define the same node is a duplicate.
  auto dup =
      Load(kPool +
           "  objects:\n"
           "    - inline: {apiVersion: v1, kind: Node, metadata: {name: web-1}, status: {capacity: {cpu: \"1\"}}}\n");
  REQUIRE_FALSE(dup.ok());
  CHECK(dup.status().message().find("Duplicate value: Node/web-1 is already defined at lang.yaml:") !=
        std::string::npos);
}

TEST_CASE("Validation reports every problem at once, in document order", "[scenario]") {
  auto sc = Load(
      "  duration: 2 hours\n"
      "  bogus: 1\n"
      "  nodePools:\n"
      "    - {name: a, count: 1}\n"
      "  expect:\n"
      "    - {metric: pods_failed, comparator: \"<\"}\n");
  REQUIRE_FALSE(sc.ok());
  CHECK(sc.status().message() ==
        "lang.yaml:5:13: spec.duration: invalid duration \"2 hours\": unknown unit \" hours\" (valid units: ns, us, "
        "ms, s, m, h)\n"
        "lang.yaml:6:3: spec.bogus: unknown field \"bogus\" (known fields: parameters, seed, duration, nodePools, "
        "objects, "
        "workloads, timeline, loads, expect, apiServer, kubelet, kubeProxy, scheduler, controllerManager, output, "
        "compare, cloud, clusterAutoscaler, etcd)\n"
        "lang.yaml:8:7: spec.nodePools[0].capacity: Required value: the nodes' capacity, e.g. {cpu: \"4\", memory: "
        "16Gi, pods: \"110\"}\n"
        "lang.yaml:10:7: spec.expect[0].threshold: Required value: the number to compare with");
}

report::RunResults SyntheticResults() {
  report::RunResults r;
  r.metrics.interval_seconds = 10;
  r.metrics.time = {0, 10, 20, 30};
  r.metrics.names = {"scheduler_pending_pods{queue=\"active\"}"};
  r.metrics.columns = {{5, 9, 2, 0}};
  for (int i = 0; i < 4; ++i) {
    report::PodRecord p;
    p.name = "p" + std::to_string(i);
    p.created = sim::Time() + sim::Duration::Seconds(10 * i);
    p.scheduled = *p.created + sim::Duration::Milliseconds(100 * (i + 1));
    r.pods.push_back(p);
  }
  r.events.push_back(
      {sim::Time() + sim::Duration::Seconds(5), "Warning", "FailedScheduling", "Pod/default/p0", "", ""});
  r.events.push_back(
      {sim::Time() + sim::Duration::Seconds(25), "Warning", "FailedScheduling", "Pod/default/p1", "", ""});
  r.events.push_back({sim::Time() + sim::Duration::Seconds(25), "Normal", "Scheduled", "Pod/default/p1", "", ""});
  r.Finalize();
  return r;
}

report::Expectation Expect(std::string metric, std::string agg, std::string op, double threshold,
                           std::optional<double> from = std::nullopt, std::optional<double> to = std::nullopt) {
  report::Expectation e;
  e.metric = std::move(metric);
  e.aggregate = std::move(agg);
  e.comparator = std::move(op);
  e.threshold = threshold;
  e.from_seconds = from;
  e.to_seconds = to;
  return e;
}

TEST_CASE("Expectations: each metric family, windows and comparators", "[scenario][expect]") {
  report::RunResults r = SyntheticResults();
  auto v = report::EvaluateExpectations(
      {
          Expect("scheduler_pending_pods{queue=\"active\"}", "max", "<=", 9),
          Expect("scheduler_pending_pods{queue=\"active\"}", "max", "<", 5, 15, 30),
          Expect("scheduler_pending_pods{queue=\"active\"}", "mean", "==", 4),
          Expect("scheduler_pending_pods{queue=\"active\"}", "last", ">", 0),
          Expect("pod_scheduling_latency_seconds", "max", "<=", 0.3, 0, 20),
          Expect("pod_scheduling_latency_seconds", "count", "==", 4),
          Expect("events_total{reason=\"FailedScheduling\"}", "count", "==", 1, 10, 30),
          Expect("events_total{reason=\"FailedScheduling\",type=\"Normal\"}", "count", "==", 0),
          Expect("pods_unscheduled", "value", "!=", 0),
          Expect("no_such_series", "max", "<", 1),  // unknown names are refused at load; not here
          Expect("pod_startup_latency_seconds", "p99", "<", 1),
      },
      r);
  REQUIRE(v.size() == 11);
  CHECK(v[0].passed);
  CHECK(v[0].observed == 9);
  CHECK(v[1].passed);  // samples at 20 s and 30 s: 2 and 0
  CHECK(v[1].expression == "max(scheduler_pending_pods{queue=\"active\"}) over [15s, 30s] < 5");
  CHECK(v[2].passed);
  CHECK_FALSE(v[3].passed);
  CHECK(v[3].message == "observed 0, expected > 0");
  CHECK(v[4].passed);  // pods created at 0, 10, 20 s: 0.1, 0.2, 0.3 s
  CHECK(v[4].observed == Approx(0.3));
  CHECK(v[5].passed);
  CHECK(v[6].passed);
  CHECK(v[7].passed);
  CHECK_FALSE(v[8].passed);
  CHECK(v[8].expression == "pods_unscheduled != 0");  // every synthetic pod was bound
  CHECK_FALSE(v[9].passed);
  CHECK(v[9].message == "metrics.csv has no column \"no_such_series\"");
  CHECK_FALSE(v[10].passed);  // no pod reached Running: nothing to judge is a failure, not a pass
  CHECK(v[10].message == "no pod created in the window reached that point");
}

TEST_CASE("Expectations decide a run's verdict end to end", "[scenario][expect]") {
  auto sc = Load(
      "  duration: 5m\n"
      "  nodePools: [{name: n, count: 2, capacity: {cpu: \"2\", memory: 4Gi, pods: \"110\"}}]\n"
      "  objects:\n"
      "    - count: 5\n"
      "      template:\n"
      "        apiVersion: v1\n"
      "        kind: Pod\n"
      "        metadata: {name: \"p{{i}}\"}\n"
      "        spec: {containers: [{name: c, image: i, resources: {requests: {cpu: \"1\"}}}]}\n"
      "  expect:\n"
      "    - {name: fits, metric: pods_unscheduled, comparator: \"==\", threshold: 0}\n"
      "    - {metric: pods_scheduled, comparator: \">=\", threshold: 4}\n"
      "    - {metric: nodes_used, comparator: \"==\", threshold: 2}\n");
  REQUIRE(sc.ok());
  cluster::Cluster c(*sc);
  REQUIRE(c.Start().ok());
  c.Run();
  auto r = c.Results();
  REQUIRE(r.verdicts.size() == 3);
  CHECK_FALSE(r.verdicts[0].passed);  // 4 CPUs for 5 one-CPU pods
  CHECK(r.verdicts[0].name == "fits");
  CHECK(r.verdicts[0].observed == 1);
  CHECK(r.verdicts[0].source == "lang.yaml:15:7");
  CHECK(r.verdicts[1].passed);
  CHECK(r.verdicts[2].passed);
  // Every series the sampler writes can be named in an expectation.
  REQUIRE_FALSE(r.metrics.names.empty());
  const auto& known = report::SeriesBaseNames();
  for (const auto& name : r.metrics.names) {
    INFO(name);
    CHECK(std::find(known.begin(), known.end(), report::BaseName(name)) != known.end());
  }
}

TEST_CASE("Expectations: a name that is both a total and a series, and unknown names", "[scenario][expect]") {
  auto sc = Load(
      "  expect:\n"
      "    - {metric: nodes_used, comparator: \"<=\", threshold: 3}\n"
      "    - {metric: nodes_used, aggregate: max, window: {from: 1m}, comparator: \"<=\", threshold: 3}\n");
  REQUIRE(sc.ok());
  CHECK(sc->expectations[0].family == report::MetricFamily::kTotal);
  CHECK(sc->expectations[1].family == report::MetricFamily::kSeries);
  auto bad =
      Load("  expect:\n    - {metric: scheduler_pending_pod, aggregate: max, comparator: \"<\", threshold: 1}\n");
  REQUIRE_FALSE(bad.ok());
  CHECK_THAT(bad.status().message(),
             Catch::StartsWith("lang.yaml:6:16: spec.expect[0].metric: Unsupported value: \"scheduler_pending_pod\": "
                               "not a metric kubesim records; metrics.csv series: scheduler_pending_pods,"));
}

TEST_CASE("The JSON Schema is valid JSON and lists every section and action", "[scenario][schema]") {
  auto schema = nlohmann::json::parse(ScenarioJsonSchema());
  const auto& spec = schema["properties"]["spec"]["properties"];
  for (const char* key : {"parameters", "seed", "duration", "nodePools", "objects", "workloads", "timeline", "loads",
                          "expect", "apiServer", "kubelet", "kubeProxy", "scheduler", "controllerManager", "output",
                          "compare", "cloud", "clusterAutoscaler", "etcd"}) {
    CHECK(spec.contains(key));
  }
  CHECK(spec.size() == 19);
  const auto& step = spec["timeline"]["items"]["properties"];
  for (const char* action : {"create",
                             "delete",
                             "stopKubelet",
                             "scale",
                             "setImage",
                             "crashNode",
                             "restartKubelet",
                             "drain",
                             "spotInterruption",
                             "stockout",
                             "terminateInstance",
                             "cloudApiErrors",
                             "scaleNodeGroup",
                             "etcdMemberDown",
                             "etcdMemberUp",
                             "etcdLeaderDown",
                             "etcdDiskSlow",
                             "partition",
                             "heal",
                             "apiserverDown",
                             "apiserverUp",
                             "apiserverRestart"}) {
    CHECK(step.contains(action));
  }
}

}  // namespace
}  // namespace kubesim::scenario
