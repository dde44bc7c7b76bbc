// Zone disruption handling of the node lifecycle controller (kubernetes/kubernetes
// pkg/controller/nodelifecycle/node_lifecycle_controller.go @ v1.32, handleDisruption) through
// whole runs: a fully disrupted zone is tainted at the normal rate while the others stay Normal, a
// partially disrupted large zone at the secondary rate, and nothing at all when every zone is
// down. The rate limits show in the NoExecute taint and eviction timestamps (summary
// node_failures).
#include <algorithm>
#include <catch2/catch.hpp>

#include "models/api/kinds.h"
#include "models/cluster/components.h"
#include "models/scenario/scenario.h"
#include "tests/support/scenario_run.h"

namespace kubesim::controllers {
namespace {

// Zone keys are region + separator + zone; these scenarios set no region.
std::optional<ZoneState> StateOf(const cluster::Cluster& c, const std::string& zone) {
  for (const auto& [key, state] : c.components().node_lifecycle()->zone_states()) {
    if (key.size() >= zone.size() && key.compare(key.size() - zone.size(), zone.size(), zone) == 0) return state;
  }
  return std::nullopt;
}

std::string ReadyOf(const cluster::Cluster& c, const std::string& node) {
  auto n = api::As<api::Node>(c.store().Get("/registry/nodes/" + node));
  return n && n->FindCondition("Ready") ? n->FindCondition("Ready")->status : "";
}

// Consecutive differences of sorted times.
std::vector<double> Gaps(std::vector<double> t) {
  std::sort(t.begin(), t.end());
  std::vector<double> out;
  for (size_t i = 1; i < t.size(); ++i) out.push_back(t[i] - t[i - 1]);
  return out;
}

TEST_CASE("Zone outage: FullDisruption taints at 0.1 per s, a large PartialDisruption zone at 0.01 per s",
          "[controller][golden]") {
  auto run = testing::StartScenarioFile(std::string(KUBESIM_SOURCE_DIR) + "/tests/scenarios/zone-outage.yaml");
  cluster::Cluster& c = *run.cluster;

  // z1 stops at 60 s. The zone's state changes in the very monitor pass that marks its nodes
  // Unknown (upstream counts currentReadyCondition, after the update), not one pass later.
  std::optional<double> unknown_seen, full_seen;
  for (double t = 100.5; t < 130 && !full_seen; t += 1.0) {
    c.RunUntil(sim::Time::Zero() + sim::Duration::Milliseconds(static_cast<int64_t>(t * 1000)));
    if (!unknown_seen && ReadyOf(c, "z1-0") == "Unknown") unknown_seen = t;
    if (StateOf(c, "z1") == ZoneState::kFullDisruption) full_seen = t;
  }
  REQUIRE(unknown_seen);
  REQUIRE(full_seen);
  CHECK(*full_seen == *unknown_seen);
  c.RunUntil(sim::Time::Zero() + sim::Duration::Seconds(590));
  CHECK(StateOf(c, "z1") == ZoneState::kFullDisruption);
  CHECK(StateOf(c, "z2") == ZoneState::kNormal);
  CHECK(StateOf(c, "z3") == ZoneState::kNormal);
  // Rack a (31 of z3's 55 nodes) stops at 600 s: 56 % not ready, more than 2 → PartialDisruption.
  c.RunUntil(sim::Time::Zero() + sim::Duration::Seconds(700));
  CHECK(StateOf(c, "z1") == ZoneState::kFullDisruption);
  CHECK(StateOf(c, "z2") == ZoneState::kNormal);
  CHECK(StateOf(c, "z3") == ZoneState::kPartialDisruption);
  c.Run();
  report::RunResults r = c.Results();
  CHECK(c.CheckInvariants() == std::vector<std::string>{});

  std::vector<double> z1_taints, z1_evictions, z3_taints, z3_evictions;
  for (const auto& f : r.node_failures) {
    INFO(f.node);
    if (f.zone == "z1") {
      REQUIRE(f.unreachable_no_execute);
      z1_taints.push_back(f.unreachable_no_execute->ToSeconds());
      REQUIRE(f.evictions.size() >= 1);
      for (const auto& e : f.evictions) {
        z1_evictions.push_back(e.at.ToSeconds());
        // tolerationSeconds 300 from the DefaultTolerationSeconds admission plugin.
        CHECK(e.at.ToSeconds() - f.unreachable_no_execute->ToSeconds() >= 300.0);
        CHECK(e.at.ToSeconds() - f.unreachable_no_execute->ToSeconds() <= 300.1);
        if (e.owner.empty()) continue;
        // Replaced outside the dead zone, Ready within seconds: a sync, a bind and the start,
        // plus an image pull where the node lacks the image (api:1 is of unknown size: 350 MB at
        // 33 MB/s, about 11 s).
        REQUIRE(e.replacement);
        CHECK(e.replacement->node.rfind("z1-", 0) != 0);
        REQUIRE(e.replacement->ready);
        CHECK(e.replacement->ready->ToSeconds() - e.at.ToSeconds() < 15.0);
      }
      // Recovery is timed only where a controller had pods to replace.
      bool owned = std::any_of(f.evictions.begin(), f.evictions.end(), [](const auto& e) { return !e.owner.empty(); });
      CHECK(f.recovery_seconds.has_value() == owned);
    } else {
      CHECK(f.zone == "z3");
      CHECK(f.node.rfind("z3a-", 0) == 0);
      if (f.unreachable_no_execute) z3_taints.push_back(f.unreachable_no_execute->ToSeconds());
      for (const auto& e : f.evictions) {
        if (e.pod.rfind("default/on-z3a-", 0) == 0) z3_evictions.push_back(e.at.ToSeconds());
      }
    }
  }
  CHECK(z1_taints.size() == 6);
  CHECK(r.node_failures.size() == 6 + 31);
  // FullDisruption (not every zone): the normal rate, one node every 10 s.
  for (double g : Gaps(z1_taints)) {
    CHECK(g >= 9.9);
    CHECK(g <= 10.2);
  }
  // Each z1 node's bare pod is evicted 300 s after its node's taint, so also 10 s apart.
  std::vector<double> bare_z1;
  for (const auto& e : r.events) {
    if (e.reason == "TaintManagerEviction" && e.object.rfind("Pod/default/on-z1-", 0) == 0)
      bare_z1.push_back(e.time.ToSeconds());
  }
  CHECK(bare_z1.size() == 6);
  for (double g : Gaps(bare_z1)) {
    CHECK(g >= 9.9);
    CHECK(g <= 10.2);
  }
  // PartialDisruption in a zone of 55 > 50 nodes: the secondary rate, one node every 100 s; by
  // 21 m (Unknown at ~655 s) six nodes are tainted and three of their pods evicted.
  CHECK(z3_taints.size() >= 5);
  CHECK(z3_taints.size() <= 7);
  for (double g : Gaps(z3_taints)) {
    CHECK(g >= 99.9);
    CHECK(g <= 100.2);
  }
  CHECK(z3_evictions.size() >= 2);
  for (double g : Gaps(z3_evictions)) {
    CHECK(g >= 99.9);
    CHECK(g <= 100.2);
  }
}

TEST_CASE("Entering PartialDisruption drains the zone's limiter if its bucket had no token", "[controller]") {
  // One node of a 55-node zone fails and is tainted at once (the bucket's one token); 30 more fail
  // 5 s later (one lease renewal later), putting the zone in PartialDisruption 5 s after that first taint. Upstream's
  // SwapLimiter gives the new 0.01/s bucket no token because the old one had none (only 0.5
  // refilled), so the next taint waits a full 100 s from the swap, not the 50 s the old
  // bucket's half token would leave.
  auto run = testing::StartScenario(
      testing::ScenarioHead().Duration("5m").Yaml() +
          R"(    - inline: {apiVersion: v1, kind: Node, metadata: {name: a, labels: {topology.kubernetes.io/zone: z}},
               status: {capacity: {cpu: "4", memory: 16Gi, pods: "110"}}}
    - count: 30
      template: {apiVersion: v1, kind: Node, metadata: {name: "b{{i}}", labels: {topology.kubernetes.io/zone: z,
                 rack: b}},
                 status: {capacity: {cpu: "4", memory: 16Gi, pods: "110"}}}
    - count: 24
      template: {apiVersion: v1, kind: Node, metadata: {name: "c{{i}}", labels: {topology.kubernetes.io/zone: z}},
                 status: {capacity: {cpu: "4", memory: 16Gi, pods: "110"}}}
    - inline: {apiVersion: v1, kind: Node, metadata: {name: other, labels: {topology.kubernetes.io/zone: y}},
               status: {capacity: {cpu: "4", memory: 16Gi, pods: "110"}}}
  timeline:
    - {at: 60s, stopKubelet: {node: a}}
    - {at: 65s, stopKubelet: {selector: {rack: b}}}
)",
      "drain.yaml");
  cluster::Cluster& c = *run.cluster;
  c.Run();
  report::RunResults r = c.Results();
  std::optional<double> a_unknown, a_taint, b_unknown;
  std::vector<double> b_taints;
  for (const auto& f : r.node_failures) {
    if (f.node == "a") {
      a_unknown = f.unknown->ToSeconds();
      a_taint = f.unreachable_no_execute->ToSeconds();
    } else if (f.unreachable_no_execute) {
      b_unknown = f.unknown->ToSeconds();
      b_taints.push_back(f.unreachable_no_execute->ToSeconds());
    }
  }
  REQUIRE(a_taint);
  REQUIRE(b_unknown);
  INFO("a Unknown " << *a_unknown << ", tainted " << *a_taint << "; b Unknown " << *b_unknown);
  CHECK(*a_taint - *a_unknown <= 5.2);    // Normal zone, full bucket
  CHECK(*b_unknown - *a_taint < 10.0);    // the swap comes while the old bucket is refilling
  REQUIRE(b_taints.size() == 1);          // then one node per 100 s: only one by 5 m
  const double swap = *b_unknown - 0.01;  // the pass that saw them Unknown (written 10 ms later)
  CHECK(b_taints[0] - swap >= 100.0);
  CHECK(b_taints[0] - swap <= 100.2);
}

TEST_CASE("When every zone is fully disrupted nothing is tainted NoExecute or evicted", "[controller]") {
  auto run = testing::StartScenario(testing::ScenarioHead().Duration("12m").Yaml() +
                                        R"(    - count: 3
      template: {apiVersion: v1, kind: Node, metadata: {name: "a{{i}}", labels: {topology.kubernetes.io/zone: za}},
                 status: {capacity: {cpu: "4", memory: 16Gi, pods: "110"}}}
    - count: 3
      template: {apiVersion: v1, kind: Node, metadata: {name: "b{{i}}", labels: {topology.kubernetes.io/zone: zb}},
                 status: {capacity: {cpu: "4", memory: 16Gi, pods: "110"}}}
    - count: 3
      template: {apiVersion: v1, kind: Node, metadata: {name: "c{{i}}", labels: {topology.kubernetes.io/zone: zc}},
                 status: {capacity: {cpu: "4", memory: 16Gi, pods: "110"}}}
    - inline:
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: web}
        spec:
          replicas: 6
          selector: {matchLabels: {app: web}}
          template:
            metadata: {labels: {app: web}}
            spec: {containers: [{name: web, image: "nginx:1.27", resources: {requests: {cpu: 500m}}}]}
  timeline:
    - {at: 1m, stopKubelet: {zone: za}}
    - {at: 1m, stopKubelet: {zone: zb}}
    - {at: 1m, stopKubelet: {zone: zc}}
)",
                                    "all-zones-down.yaml");
  cluster::Cluster& c = *run.cluster;
  c.Run();
  report::RunResults r = c.Results();
  for (const char* z : {"za", "zb", "zc"}) CHECK(StateOf(c, z) == ZoneState::kFullDisruption);
  REQUIRE(r.node_failures.size() == 9);
  for (const auto& f : r.node_failures) {
    INFO(f.node);
    CHECK(f.unknown.has_value());
    CHECK(f.unreachable_no_schedule.has_value());
    CHECK_FALSE(f.unreachable_no_execute.has_value());
    CHECK(f.evictions.empty());
  }
  int evictions = 0;
  for (const auto& e : r.events) evictions += e.reason == "TaintManagerEviction";
  CHECK(evictions == 0);
  CHECK(r.pods_deleted == 0);
}

}  // namespace
}  // namespace kubesim::controllers
