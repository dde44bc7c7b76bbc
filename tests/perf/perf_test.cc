// models/perf: upstream scheduler_perf workload files run on a simulated cluster.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <regex>
#include <string>

#include "models/perf/config.h"
#include "models/perf/runner.h"

namespace kubesim::perf {
namespace {

const std::string kDataDir = std::string(KUBESIM_SOURCE_DIR) + "/tests/data/perf/";

const PerfConfig& TestConfig() {
  static const PerfConfig config = [] {
    auto c = LoadPerfConfig(kDataDir + "performance-config.yaml");
    if (!c.ok()) FAIL(c.status().message());
    return std::move(c).value();
  }();
  return config;
}

ResolvedWorkload Resolve(const PerfConfig& config, const std::string& test, const std::string& workload) {
  for (const auto& tc : config.test_cases) {
    for (const auto& w : tc.workloads) {
      if (tc.name == test && w.name == workload) {
        auto r = ResolveWorkload(config, tc, w, scheduler::Registry::Default());
        if (!r.ok()) FAIL(r.status().message());
        return std::move(r).value();
      }
    }
  }
  FAIL("no workload " + test + "/" + workload);
  throw 0;
}

WorkloadResult Run(const ResolvedWorkload& w, uint64_t seed = 1) {
  PerfOptions opts;
  opts.seed = seed;
  auto r = RunWorkload(w, opts);
  if (!r.ok()) FAIL(r.status().message());
  return std::move(r).value();
}

const DataItem* Find(const WorkloadResult& r, const std::string& metric, const std::string& result_label = "") {
  for (const auto& item : r.items) {
    if (item.labels.at("Metric") != metric) continue;
    auto it = item.labels.find("result");
    if (!result_label.empty() && (it == item.labels.end() || it->second != result_label)) continue;
    return &item;
  }
  return nullptr;
}

TEST_CASE("perf: a SchedulingBasic-shaped workload schedules every pod and reports upstream DataItems", "[perf]") {
  ResolvedWorkload w = Resolve(TestConfig(), "SchedulingBasic", "100Nodes");
  REQUIRE(w.ops.size() == 3);
  CHECK(w.ops[0].count == 100);
  CHECK(w.ops[2].count == 300);
  CHECK(w.ops[2].collect_metrics);
  // Ops without a namespace work in namespace-<op index>, as upstream.
  CHECK(w.ops[1].ns == "namespace-1");
  CHECK(w.ops[2].ns == "namespace-2");
  WorkloadResult r = Run(w);
  CHECK(r.pods_created == 400);
  CHECK(r.pods_scheduled == 400);
  CHECK(r.objects_by_kind["Node"] == 100);
  CHECK(r.measured_pods == 300);
  CHECK(r.measured_sim_seconds > 0);
  CHECK_FALSE(r.threshold_failed);

  const DataItem* throughput = Find(r, "SchedulingThroughput");
  REQUIRE(throughput != nullptr);
  CHECK(throughput->unit == "pods/s");
  CHECK(throughput->labels.at("Name") == "SchedulingBasic/100Nodes");
  for (const char* k : {"Average", "Perc50", "Perc90", "Perc95", "Perc99"}) {
    INFO(k);
    REQUIRE(throughput->data.count(k));
    CHECK(throughput->data.at(k) > 0);
  }
  // Percentiles are order statistics of the same samples.
  CHECK(throughput->data.at("Perc50") <= throughput->data.at("Perc90"));
  CHECK(throughput->data.at("Perc90") <= throughput->data.at("Perc99"));
  // No sample can exceed the pods there were to schedule in one second.
  CHECK(throughput->data.at("Perc99") <= 300);

  const DataItem* sli = Find(r, "scheduler_pod_scheduling_sli_duration_seconds");
  REQUIRE(sli != nullptr);
  CHECK(sli->unit == "ms");
  CHECK(sli->data.at("Perc50") > 0);
  const DataItem* attempt = Find(r, "scheduler_scheduling_attempt_duration_seconds", "scheduled");
  REQUIRE(attempt != nullptr);
  // An attempt includes the scheduling cycle (10 ms median, kubernetes/kubernetes #42000 and #56053;
  // see docs/calibration.md) and the binding.
  CHECK(attempt->data.at("Perc50") >= 10);
  // The SLI runs from the first queueing to the binding, so it is never below one attempt.
  CHECK(sli->data.at("Perc99") >= attempt->data.at("Perc50"));

  auto j = nlohmann::json::parse(DataItemsJson(r.items));
  CHECK(j["version"] == "v1");
  REQUIRE(j["dataItems"].is_array());
  REQUIRE(j["dataItems"].size() == r.items.size());
  for (const auto& item : j["dataItems"]) {
    CHECK(item["data"].is_object());
    CHECK(item["labels"]["Metric"].is_string());
    CHECK(item["labels"]["Name"] == "SchedulingBasic/100Nodes");
    CHECK(item["unit"].is_string());
  }
}

TEST_CASE("perf: the same workload and seed give byte-identical results", "[perf][golden]") {
  ResolvedWorkload w = Resolve(TestConfig(), "SchedulingBasic", "100Nodes");
  std::string a = DataItemsJson(Run(w).items);
  std::string b = DataItemsJson(Run(w).items);
  CHECK(a == b);
  // The seed matters: the API server's and the scheduler's latencies are drawn from it.
  CHECK(DataItemsJson(Run(w, 7).items) != a);
}

TEST_CASE("perf: churn, createNamespaces, barrier, sleep and deletePods run as upstream describes", "[perf]") {
  ResolvedWorkload w = Resolve(TestConfig(), "OtherOpcodes", "small");
  REQUIRE(w.ops.size() == 10);
  CHECK(w.scheduler.percentage_of_nodes_to_score == 50);  // from schedulerConfigPath
  CHECK(w.ops[5].duration == sim::Duration::Seconds(3));  // durationParam
  CHECK(w.ops[2].ns == "namespace-2");                    // the churn's default namespace
  WorkloadResult r = Run(w);
  CHECK(r.objects_by_kind["Namespace"] >= 2);
  CHECK(r.objects_by_kind["Node"] == 20);
  // deletePods waited for its 20 pods (10 a second) to be gone.
  CHECK(r.pods_by_namespace.count("sched-0") == 0);
  CHECK(r.pods_deleted >= 120);
  // The 100 measured pods were scheduled before the deletion that followed them.
  CHECK(r.measured_pods == 100);
  // recreate with number 2: every tick creates into an empty slot or deletes the slot's object,
  // so at most 2 objects per template live at once, and deletions trail creations by at most 2.
  CHECK(r.churn_creates > 4);
  CHECK(r.churn_deletes > 2);
  CHECK(r.churn_creates - r.churn_deletes <= 4);
  CHECK(r.objects_by_kind["Service"] <= 2);
  CHECK(r.pods_by_namespace["namespace-2"] <= 2);
  // The sleep advanced the clock: 3 s of it plus the waits.
  CHECK(r.simulated_seconds > 3);
}

TEST_CASE("perf: a threshold above the measured throughput is reported", "[perf]") {
  WorkloadResult r = Run(Resolve(TestConfig(), "SchedulingBasic", "100NodesHighThreshold"));
  CHECK(r.threshold_failed);
  CHECK(r.threshold_message.find("expected SchedulingThroughput Average to be higher") != std::string::npos);
}

TEST_CASE("perf: a barrier on pods that cannot be scheduled fails after the timeout", "[perf]") {
  std::string text = R"(- name: Stuck
  workloadTemplate:
  - opcode: createNodes
    count: 2
  - opcode: createPods
    count: 3
    podTemplatePath: templates/pod-huge.yaml
    skipWaitToCompletion: true
  - opcode: barrier
  workloads:
  - name: w
)";
  auto config = LoadPerfConfigFromString(text, kDataDir + "stuck.yaml");
  REQUIRE(config.ok());
  auto w = ResolveWorkload(*config, config->test_cases[0], config->test_cases[0].workloads[0],
                           scheduler::Registry::Default());
  REQUIRE(w.ok());
  PerfOptions opts;
  opts.wait_timeout = sim::Duration::Minutes(2);
  auto r = RunWorkload(*w, opts);
  REQUIRE_FALSE(r.ok());
  CHECK_THAT(r.status().message(), Catch::Matches(".*stuck.yaml:9:5: \\[0\\]\\.workloadTemplate\\[2\\]: timed out "
                                                  "after 2m.* \\(0 of 3 are\\)"));
}

TEST_CASE("perf: node prepare strategies label the created nodes", "[perf]") {
  // 6 nodes of 4 CPU, zones round robin a, b, c: zone-b holds 2 nodes, room for 8 one-CPU pods.
  auto run = [](int pods) {
    std::string text = R"(- name: Zones
  workloadTemplate:
  - opcode: createNodes
    count: 6
    labelNodePrepareStrategy:
      labelKey: topology.kubernetes.io/zone
      labelValues: [zone-a, zone-b, zone-c]
  - opcode: createNodes
    count: 2
    uniqueNodeLabelStrategy: {labelKey: example.com/unique}
  - opcode: createPods
    countParam: $pods
    podTemplatePath: templates/pod-zone-b.yaml
    skipWaitToCompletion: true
  - opcode: sleep
    duration: 30s
  workloads:
  - name: w
    params: {pods: )" + std::to_string(pods) +
                       "}\n";
    auto config = LoadPerfConfigFromString(text, kDataDir + "zones.yaml");
    REQUIRE(config.ok());
    auto w = ResolveWorkload(*config, config->test_cases[0], config->test_cases[0].workloads[0],
                             scheduler::Registry::Default());
    REQUIRE(w.ok());
    CHECK(w->ops[1].node_label_unique);
    return Run(*w);
  };
  WorkloadResult fits = run(8);
  CHECK(fits.objects_by_kind["Node"] == 8);
  CHECK(fits.pods_scheduled == 8);
  WorkloadResult over = run(9);
  CHECK(over.pods_scheduled == 8);  // the ninth finds no zone-b node with a free CPU
}

TEST_CASE("perf: startCollectingMetrics and stopCollectingMetrics bound a collection window", "[perf]") {
  auto resolve = [](const std::string& ops) {
    std::string text = "- name: Window\n  workloadTemplate:\n  - opcode: createNodes\n    count: 20\n" + ops +
                       "  workloads:\n  - name: w\n";
    auto config = LoadPerfConfigFromString(text, kDataDir + "window.yaml");
    REQUIRE(config.ok());
    return ResolveWorkload(*config, config->test_cases[0], config->test_cases[0].workloads[0],
                           scheduler::Registry::Default());
  };
  auto w = resolve(R"(  - opcode: startCollectingMetrics
    name: add
    namespaces: [measured]
  - opcode: createPods
    count: 200
    namespace: measured
    skipWaitToCompletion: true
  - opcode: barrier
    namespaces: [measured]
  - opcode: stopCollectingMetrics
)");
  REQUIRE(w.ok());
  WorkloadResult r = Run(*w);
  CHECK(r.measured_pods == 200);
  const DataItem* throughput = Find(r, "SchedulingThroughput");
  REQUIRE(throughput != nullptr);
  CHECK(throughput->labels.at("Name") == "Window/w/add");
  REQUIRE(throughput->data.count("Average"));
  CHECK(throughput->data.at("Average") > 0);
  CHECK(Find(r, "scheduler_scheduling_attempt_duration_seconds", "scheduled") != nullptr);

  auto unstopped = resolve("  - opcode: startCollectingMetrics\n    namespaces: [a]\n");
  REQUIRE(unstopped.ok());
  auto failed = RunWorkload(*unstopped, PerfOptions{});
  REQUIRE_FALSE(failed.ok());
  CHECK_THAT(failed.status().message(), Catch::Contains("window.yaml:5:5") && Catch::Contains("never stopped"));
  auto unstarted = resolve("  - opcode: stopCollectingMetrics\n");
  REQUIRE(unstarted.ok());
  failed = RunWorkload(*unstarted, PerfOptions{});
  REQUIRE_FALSE(failed.ok());
  CHECK_THAT(failed.status().message(), Catch::Contains("window.yaml:5:5") && Catch::Contains("must come first"));
  auto no_namespaces = resolve("  - opcode: startCollectingMetrics\n    name: x\n");
  REQUIRE_FALSE(no_namespaces.ok());
  CHECK_THAT(no_namespaces.status().message(), Catch::Contains("namespaces cannot be empty"));
}

TEST_CASE("perf: createPodSets runs its createPods op in each namespace of the prefix", "[perf]") {
  std::string text = R"(- name: Sets
  workloadTemplate:
  - opcode: createNodes
    count: 10
  - opcode: createPodSets
    countParam: $sets
    namespacePrefix: init-ns
    createPodsOp:
      opcode: createPods
      countParam: $perSet
  workloads:
  - name: w
    params: {sets: 3, perSet: 4}
)";
  auto config = LoadPerfConfigFromString(text, kDataDir + "sets.yaml");
  REQUIRE(config.ok());
  auto w = ResolveWorkload(*config, config->test_cases[0], config->test_cases[0].workloads[0],
                           scheduler::Registry::Default());
  REQUIRE(w.ok());
  REQUIRE(w->ops.size() == 4);
  CHECK(w->ops[3].ns == "init-ns-2");
  WorkloadResult r = Run(*w);
  CHECK(r.pods_scheduled == 12);
  CHECK(r.pods_by_namespace["init-ns-0"] == 4);
  CHECK(r.pods_by_namespace["init-ns-2"] == 4);
}

TEST_CASE("perf: bad configs are errors naming file, line and field", "[perf]") {
  struct Row {
    const char* what;
    std::string text;
    std::string expected;  // a regex over the message
  };
  const std::string head = "- name: T\n  workloadTemplate:\n";
  const std::string tail = "  workloads:\n  - name: w\n    params: {n: 1}\n";
  std::vector<Row> rows = {
      {"unknown opcode", head + "  - opcode: createNodez\n    countParam: $n\n" + tail,
       R"(.*bad.yaml:3:13: \[0\]\.workloadTemplate\[0\]\.opcode: .*unknown opcode "createNodez".*)"},
      {"unsupported opcode", head + "  - opcode: createAny\n    countParam: $n\n" + tail,
       R"(.*bad.yaml:3:13: .*opcode: not supported by kubesim perf.*)"},
      {"missing param", head + "  - opcode: createNodes\n    countParam: $nodes\n" + tail,
       R"(.*bad.yaml:4:17: \[0\]\.workloadTemplate\[0\]\.countParam: parameter nodes is undefined.*)"},
      {"count beyond the limit", head + "  - opcode: createNodes\n    count: 1000000000\n" + tail,
       R"(.*bad.yaml:4:12: .*count: Invalid value: at most 1000000)"},
      {"unused param", head + "  - opcode: createNodes\n    count: 1\n" + tail,
       R"(.*bad.yaml:7:17: .*parameter n is defined in workload w but no op uses it.*)"},
      {"bad template path",
       head + "  - opcode: createPods\n    countParam: $n\n    podTemplatePath: nope.yaml\n" + tail,
       R"(.*bad.yaml:5:22: \[0\]\.workloadTemplate\[0\]\.podTemplatePath: file not found: nope.yaml.*)"},
      {"template of the wrong kind",
       head + "  - opcode: createPods\n    countParam: $n\n    podTemplatePath: templates/node-default.yaml\n" + tail,
       R"(.*bad.yaml:5:22: .*podTemplatePath: .* holds a Node, this field takes a Pod)"},
      {"unsupported field", head + "  - opcode: createPods\n    countParam: $n\n    steadyState: true\n" + tail,
       R"(.*bad.yaml:5:18: .*steadyState: not supported by kubesim perf.*)"},
      {"unknown field", head + "  - opcode: createPods\n    countParam: $n\n    colectMetrics: true\n" + tail,
       R"(.*bad.yaml:5:5: .*colectMetrics.*)"},
      {"feature gates",
       "- name: T\n  featureGates: {Foo: true}\n  workloadTemplate:\n  - opcode: sleep\n    "
       "duration: 1s\n  workloads:\n  - name: w\n",
       R"(.*bad.yaml:2:23: \[0\]\.featureGates\.Foo: not supported.*)"},
      {"bad scheduler config",
       "- name: T\n  schedulerConfigPath: templates/pod-churn.yaml\n  workloadTemplate:\n  - "
       "opcode: sleep\n    duration: 1s\n  workloads:\n  - name: w\n",
       R"(.*pod-churn.yaml:[0-9]+:[0-9]+: .*)"},
  };
  for (const auto& row : rows) {
    INFO(row.what);
    auto config = LoadPerfConfigFromString(row.text, kDataDir + "bad.yaml");
    std::string message;
    if (!config.ok()) {
      message = config.status().message();
    } else {
      auto w = ResolveWorkload(*config, config->test_cases[0], config->test_cases[0].workloads[0],
                               scheduler::Registry::Default());
      REQUIRE_FALSE(w.ok());
      message = w.status().message();
    }
    INFO(message);
    CHECK(std::regex_match(message, std::regex(row.expected)));
  }
}

TEST_CASE("perf: an unknown or unsupported opcode lists every op the registry runs", "[perf]") {
  auto message = [](const std::string& opcode) {
    std::string text = "- name: T\n  workloadTemplate:\n  - opcode: " + opcode + "\n  workloads:\n  - name: w\n";
    auto config = LoadPerfConfigFromString(text, "bad.yaml");
    REQUIRE(config.ok());
    auto w = ResolveWorkload(*config, config->test_cases[0], config->test_cases[0].workloads[0],
                             scheduler::Registry::Default());
    REQUIRE_FALSE(w.ok());
    return w.status().message();
  };
  CHECK(message("createNodez") ==
        "bad.yaml:3:13: [0].workloadTemplate[0].opcode: Unsupported value: unknown opcode \"createNodez\" "
        "(supported: createNodes, createNamespaces, createPods, deletePods, churn, barrier, sleep, "
        "startCollectingMetrics, stopCollectingMetrics, createPodSets)");
  CHECK(message("allocResourceClaims") ==
        "bad.yaml:3:13: [0].workloadTemplate[0].opcode: not supported by kubesim perf: opcode allocResourceClaims "
        "(supported: createNodes, createNamespaces, createPods, deletePods, churn, barrier, sleep, "
        "startCollectingMetrics, stopCollectingMetrics, createPodSets; docs/perf.md)");
}

TEST_CASE("perf: label filters select as upstream's", "[perf]") {
  std::vector<std::string> labels = {"performance", "fast"};
  CHECK(LabelsEnabled("", labels));
  CHECK(LabelsEnabled("performance", labels));
  CHECK(LabelsEnabled("+performance,fast", labels));
  CHECK_FALSE(LabelsEnabled("performance,-fast", labels));
  CHECK_FALSE(LabelsEnabled("integration-test", labels));
}

}  // namespace
}  // namespace kubesim::perf
