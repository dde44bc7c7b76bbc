// The node-failure timeline in the results (summary.json "node_failures" and the human summary),
// checked on the golden node-failure scenario against upstream v1.32 defaults: Unknown 50 s
// (node-monitor-grace-period) after the last lease renewal, within one 5 s monitor period;
// eviction 300 s (DefaultTolerationSeconds) after the NoExecute taint; the Deployment's pod
// replaced, bound and Ready on another node shortly after.
#include <catch2/catch.hpp>
#include <cmath>
#include <nlohmann/json.hpp>

#include "models/cluster/components.h"
#include "models/report/writers.h"
#include "models/scenario/scenario.h"
#include "tests/support/scenario_run.h"

namespace kubesim::report {
namespace {

RunResults RunNodeFailure() {
  auto run = testing::StartScenarioFile(std::string(KUBESIM_SOURCE_DIR) + "/tests/scenarios/node-failure.yaml");
  cluster::Cluster& c = *run.cluster;
  c.Run();
  return c.Results();
}

TEST_CASE("summary.json times the node failure: detection, taints, evictions, replacements", "[scenario][golden]") {
  RunResults r = RunNodeFailure();
  auto j = nlohmann::json::parse(SummaryJson(r));
  REQUIRE(j["node_failures"].size() == 1);
  const auto& f = j["node_failures"][0];
  CHECK(f["node"] == "n1");
  CHECK(f["zone"] == "zone-1");
  const double failed = f["failed"].get<double>();
  CHECK(failed == 600.0);
  const double renew = f["last_lease_renewal"].get<double>();
  CHECK(renew <= failed);
  CHECK(renew > failed - 10.0);  // the kubelet renews every 10 s (a quarter of 40 s)
  // Unknown: the controller's probe timestamp is the monitor pass (every 5 s) that first sees the
  // last renewal (written 10 ms after it was made, delivered 5 ms later); Unknown is committed at
  // the first pass more than node-monitor-grace-period (50 s) after it, 10 ms later.
  const double unknown = f["ready_unknown"].get<double>();
  const double probe = 5.0 * std::ceil((renew + 0.015) / 5.0);
  CHECK(unknown - probe > 50.0);
  CHECK(unknown - probe <= 55.1);
  CHECK(unknown - renew <= 60.1);
  // Failure to Unknown: 40 to 60 s in general (the last renewal is up to 10 s before the failure);
  // here the kubelet stopped 9.4 s after its last renewal.
  const double detection = f["detection_delay_seconds"].get<double>();
  CHECK(detection == Approx(unknown - failed));
  CHECK(detection >= 40.0);
  CHECK(detection <= 55.1);
  // NoSchedule at once (on the Unknown update), NoExecute through the zone's rate limiter.
  const double no_schedule = f["unreachable_noschedule_taint"].get<double>();
  const double no_execute = f["unreachable_noexecute_taint"].get<double>();
  CHECK(no_schedule >= unknown);
  CHECK(no_schedule - unknown < 0.1);
  CHECK(no_execute >= unknown);
  CHECK(no_execute - unknown <= 5.2);
  CHECK(f["ready_again"].is_null());

  // Evictions 300 s after the NoExecute taint (tolerationSeconds added at admission).
  const auto& ev = f["evictions"];
  REQUIRE(ev.size() == 3);
  const double eviction_delay = f["eviction_delay_seconds"].get<double>();
  CHECK(eviction_delay >= 300.0);
  CHECK(eviction_delay <= 300.1);
  int replaced = 0;
  double last_ready = 0;
  for (const auto& e : ev) {
    INFO(e.dump());
    CHECK(e["reason"] == "TaintManagerEviction");
    CHECK(e["at"].get<double>() - no_execute >= 300.0);
    CHECK(e["at"].get<double>() - no_execute <= 300.1);
    const std::string pod = e["pod"];
    if (pod.rfind("default/on-n1-", 0) == 0) {
      CHECK(e["owner"] == "");
      CHECK(e["replacement"].is_null());  // nobody recreates a bare pod
      continue;
    }
    CHECK(e["owner"].get<std::string>().rfind("ReplicaSet/web-", 0) == 0);
    const auto& rep = e["replacement"];
    REQUIRE(rep.is_object());
    CHECK(rep["pod"] != e["pod"]);
    CHECK(rep["node"] != "n1");
    CHECK(rep["node"] != "");
    const double created = rep["created"].get<double>(), scheduled = rep["scheduled"].get<double>();
    const double ready = rep["ready"].get<double>();
    CHECK(created >= e["at"].get<double>());
    CHECK(created - e["at"].get<double>() < 1.0);
    CHECK(scheduled >= created);
    CHECK(ready >= scheduled);
    CHECK(ready - e["at"].get<double>() < 2.0);  // a sync, a bind and the 500 ms start
    last_ready = ready;
    ++replaced;
  }
  CHECK(replaced == 1);
  CHECK(f["recovery_seconds"].get<double>() == Approx(last_ready - failed));

  // The same figures for a person.
  std::string human = HumanSummary(r);
  INFO(human);
  CHECK(human.find("node n1 failed at 600.000 s") != std::string::npos);
  CHECK(human.find("3 evicted (1 replacements Ready)") != std::string::npos);
  CHECK(human.find("detection delay ") != std::string::npos);
}

TEST_CASE("node_failures: a crash, a short stop and the restarts that end them", "[scenario]") {
  auto run = testing::StartScenario(testing::ScenarioHead().Duration("5m").Nodes(3).Yaml() + R"(  timeline:
    - {at: 60s, crashNode: {node: n0}}
    - {at: 200s, restartKubelet: {node: n0}}
    - {at: 60s, stopKubelet: {node: n1}}
    - {at: 80s, restartKubelet: {node: n1}}
)",
                                    "restarts.yaml");
  cluster::Cluster& c = *run.cluster;
  c.Run();
  RunResults r = c.Results();
  REQUIRE(r.node_failures.size() == 2);
  const NodeFailure& crash = r.node_failures[0];
  CHECK(crash.node == "n0");
  CHECK(crash.failed->ToSeconds() == 60.0);
  REQUIRE(crash.unknown);
  CHECK(crash.unknown->ToSeconds() > 100.0);
  REQUIRE(crash.ready_again);
  CHECK(crash.ready_again->ToSeconds() >= 200.0);
  CHECK(crash.ready_again->ToSeconds() < 201.0);
  // Restarted 20 s after it stopped: never Unknown, over at its first Ready write.
  const NodeFailure& blip = r.node_failures[1];
  CHECK(blip.node == "n1");
  CHECK(blip.failed->ToSeconds() == 60.0);
  CHECK_FALSE(blip.unknown);
  CHECK_FALSE(blip.detection_delay_seconds);
  REQUIRE(blip.ready_again);
  CHECK(blip.ready_again->ToSeconds() >= 80.0);
  CHECK(blip.ready_again->ToSeconds() < 81.0);
}

TEST_CASE("A run without failures has an empty node_failures list", "[scenario]") {
  auto run = testing::StartScenario(R"(apiVersion: kubesim.io/v1alpha1
kind: Scenario
spec:
  duration: 2m
  objects:
    - inline: {apiVersion: v1, kind: Node, metadata: {name: n0}, status: {capacity: {cpu: "4", memory: 16Gi,
               pods: "110"}}}
)",
                                    "quiet.yaml");
  cluster::Cluster& c = *run.cluster;
  c.Run();
  auto j = nlohmann::json::parse(SummaryJson(c.Results()));
  CHECK(j["node_failures"] == nlohmann::json::array());
}

}  // namespace
}  // namespace kubesim::report
