// Node lifecycle and taint eviction through whole runs: the classic node-failure timeline with
// upstream's defaults, and the "every zone down" rule.
#include <catch2/catch.hpp>
#include <cmath>

#include "models/api/kinds.h"
#include "models/cluster/components.h"
#include "models/scenario/scenario.h"
#include "tests/support/scenario_run.h"

namespace kubesim::controllers {
namespace {

std::vector<client::RecordedEvent> Events(const report::RunResults& r, const std::string& reason) {
  std::vector<client::RecordedEvent> out;
  for (const auto& e : r.events) {
    if (e.reason == reason) out.push_back(e);
  }
  return out;
}

TEST_CASE("Node failure: Unknown after the grace period, tainted, pods evicted 300 s later", "[controller][golden]") {
  auto run = testing::StartScenarioFile(std::string(KUBESIM_SOURCE_DIR) + "/tests/scenarios/node-failure.yaml");
  cluster::Cluster& c = *run.cluster;
  c.Run();
  report::RunResults r = c.Results();
  CHECK(c.CheckInvariants() == std::vector<std::string>{});

  auto lease = api::As<api::Lease>(c.store().Get("/registry/leases/kube-node-lease/n1"));
  REQUIRE(lease);
  const double last_renew = lease->renew_time->ToSeconds();
  CHECK(last_renew <= 600.0);
  CHECK(last_renew > 590.0);

  auto not_ready = Events(r, "NodeNotReady");
  REQUIRE(not_ready.size() == 1);
  CHECK(not_ready[0].object == "Node/n1");
  // The controller's probe timestamp is its own clock at the monitor pass (every 5 s) that first
  // sees the last renewal (written 10 ms after it was made, delivered 5 ms later); Unknown comes
  // at the first pass more than node-monitor-grace-period (50 s, v1.32) after that.
  const double probe = 5.0 * std::ceil((last_renew + 0.015) / 5.0);
  const double unknown_at = not_ready[0].time.ToSeconds();
  CHECK(unknown_at - probe > 50.0);
  CHECK(unknown_at - probe <= 55.0);

  auto node = api::As<api::Node>(c.store().Get("/registry/nodes/n1"));
  REQUIRE(node);
  CHECK(node->FindCondition("Ready")->status == "Unknown");
  std::map<std::string, double> taints;
  for (const auto& t : node->spec.taints)
    taints[t.key + ":" + t.effect] = t.time_added ? t.time_added->ToSeconds() : -1;
  REQUIRE(taints.count("node.kubernetes.io/unreachable:NoSchedule"));
  REQUIRE(taints.count("node.kubernetes.io/unreachable:NoExecute"));
  CHECK(taints["node.kubernetes.io/unreachable:NoExecute"] - unknown_at <= 5.2);

  // DefaultTolerationSeconds: 300 s after the NoExecute taint, the pods are marked for deletion.
  auto evicted = Events(r, "TaintManagerEviction");
  REQUIRE(evicted.size() == 3);  // the two bare pods and web's replica
  for (const auto& e : evicted) {
    INFO(e.object);
    double wait = e.time.ToSeconds() - taints["node.kubernetes.io/unreachable:NoExecute"];
    CHECK(wait >= 300.0);
    CHECK(wait <= 300.1);
    CHECK(e.time.ToSeconds() - unknown_at <= 305.3);  // grace + 300 s within one monitor period
  }
  // The dead kubelet never finishes the graceful deletion: the pods stay terminating.
  for (const auto& p : r.pods) {
    if (p.name.rfind("on-n1-", 0) != 0) continue;
    auto stored = api::As<api::Pod>(c.store().Get("/registry/pods/default/" + p.name));
    REQUIRE(stored);
    CHECK(stored->metadata.deletion_timestamp.has_value());
    CHECK(stored->FindCondition("Ready")->status == "False");  // MarkPodsNotReady
  }
  // New pods avoid the tainted node.
  for (const auto& p : r.pods) {
    if (p.name == "after") CHECK((p.node == "n0" || p.node == "n2"));
  }
}

TEST_CASE("When every zone is down, nodes are not tainted NoExecute and nothing is evicted", "[controller]") {
  auto run = testing::StartScenario(
      testing::ScenarioHead().Duration("15m").Nodes(2).NodeLabels("topology.kubernetes.io/zone: z").Yaml() +
          R"(    - inline: {apiVersion: v1, kind: Pod, metadata: {name: p},
               spec: {nodeName: n0, containers: [{name: c}]}}
  timeline:
    - {at: 1m, stopKubelet: {node: n0}}
    - {at: 1m, stopKubelet: {node: n1}}
)",
      "all-down.yaml");
  cluster::Cluster& c = *run.cluster;
  c.Run();
  report::RunResults r = c.Results();
  CHECK(Events(r, "NodeNotReady").size() == 2);
  CHECK(Events(r, "TaintManagerEviction").empty());
  for (const char* n : {"n0", "n1"}) {
    auto node = api::As<api::Node>(c.store().Get(std::string("/registry/nodes/") + n));
    for (const auto& t : node->spec.taints) CHECK(t.effect != "NoExecute");
  }
}

}  // namespace
}  // namespace kubesim::controllers
