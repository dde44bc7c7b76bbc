// The Eviction API through `drain` (kubectl drain --ignore-daemonsets): PodDisruptionBudgets
// refuse evictions with 429 until a disruption is allowed again, and drain retries every 5 s.
#include <catch2/catch.hpp>

#include "models/api/kinds.h"
#include "models/cluster/components.h"
#include "models/scenario/scenario.h"
#include "tests/support/scenario_run.h"

namespace kubesim::controllers {
namespace {

std::string Scenario(const std::string& nodes, const std::string& affinity, const std::string& timeline) {
  return testing::ScenarioHead().Duration("5m").Yaml() + nodes +
         R"(
    - inline:
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: web}
        spec:
          replicas: REPLICAS
          selector: {matchLabels: {app: web}}
          template:
            metadata: {labels: {app: web}}
            spec:
)" + affinity +
         R"(
              containers: [{name: c, image: nginx}]
    - inline: {apiVersion: policy/v1, kind: PodDisruptionBudget, metadata: {name: web},
               spec: {maxUnavailable: 1, selector: {matchLabels: {app: web}}}}
  timeline:
)" + timeline;
}

struct Outcome {
  std::map<std::string, int> running_on;  // node → running web pods
  int pending = 0;
  std::vector<sim::Time> refused;
};

Outcome Run(std::string text, const std::string& replicas) {
  text.replace(text.find("REPLICAS"), 8, replicas);
  auto run = testing::StartScenario(text, "drain.yaml");
  cluster::Cluster& c = *run.cluster;
  c.Run();
  Outcome o;
  for (const auto& obj : c.store().Range("/registry/pods/").objects) {
    auto pod = api::As<api::Pod>(obj);
    if (pod->metadata.deletion_timestamp) continue;
    if (pod->status.phase == api::kPodRunning) o.running_on[pod->spec.node_name]++;
    if (pod->status.phase == api::kPodPending) o.pending++;
  }
  for (const auto& e : c.Results().events) {
    if (e.reason == "EvictionRefused") {
      CHECK(e.message == "Cannot evict pod as it would violate the pod's disruption budget.");
      o.refused.push_back(e.time);
    }
  }
  CHECK(c.CheckInvariants() == std::vector<std::string>{});
  return o;
}

TEST_CASE("Drain: a budget with no disruption left refuses the eviction for as long as it lasts", "[controller]") {
  // One pod per node (required anti-affinity), maxUnavailable 1, two nodes drained at once: the
  // first eviction spends the budget; the replacement has nowhere to go (cordoned nodes, the
  // third node already holds a web pod), so the second pod is refused every 5 s and keeps running.
  Outcome o = Run(Scenario(R"(    - count: 3
      template: {apiVersion: v1, kind: Node, metadata: {name: "n{{i}}", labels: {kubernetes.io/hostname: "n{{i}}"}},
                 status: {capacity: {cpu: "4", memory: 16Gi, pods: "110"}}})",
                           R"(              affinity:
                podAntiAffinity:
                  requiredDuringSchedulingIgnoredDuringExecution:
                    - {labelSelector: {matchLabels: {app: web}}, topologyKey: kubernetes.io/hostname})",
                           "    - {at: 1m, drain: {node: n0}}\n    - {at: 1m, drain: {node: n1}}\n"),
                  "3");
  int running = 0;
  for (const auto& [node, n] : o.running_on) running += n;
  CHECK(running == 2);
  CHECK(o.running_on["n2"] == 1);
  CHECK(o.pending == 1);
  // Refused from 1 min to the end (5 min), one retry every 5 s.
  REQUIRE(o.refused.size() >= 40);
  for (size_t i = 1; i < o.refused.size(); ++i) {
    CHECK(o.refused[i] - o.refused[i - 1] >= sim::Duration::Seconds(5));
    CHECK(o.refused[i] - o.refused[i - 1] < sim::Duration::Seconds(6));
  }
}

TEST_CASE("Drain: the refused eviction goes through once the replacement is ready", "[controller]") {
  // Only n0 exists when the two pods are scheduled; n1 joins at 30 s; draining n0 evicts one
  // pod, refuses the other until the first replacement runs on n1, then evicts it on a retry.
  Outcome o =
      Run(Scenario(R"(    - inline: {apiVersion: v1, kind: Node, metadata: {name: n0}, status: {capacity: {cpu: "4", )"
                   R"(memory: 16Gi, pods: "110"}}})",
                   "",
                   R"(    - {at: 30s, create: {inline: {apiVersion: v1, kind: Node, metadata: {name: n1},
                                  status: {capacity: {cpu: "4", memory: 16Gi, pods: "110"}}}}}
    - {at: 1m, drain: {node: n0}}
)"),
          "2");
  CHECK(o.running_on == std::map<std::string, int>{{"n1", 2}});
  CHECK(o.pending == 0);
  REQUIRE(o.refused.size() >= 1);
  CHECK(o.refused.size() <= 2);  // the replacement is Ready within a second or two
  CHECK(o.refused.front() < sim::Time::Zero() + sim::Duration::Seconds(61));
}

}  // namespace
}  // namespace kubesim::controllers
