// The cloud and the cluster-autoscaler end to end: the golden scenarios of docs/cloud.md
// (scenarios/cloud/), bad cloud configuration, and determinism.
#include <catch2/catch.hpp>

#include "models/api/kinds.h"
#include "models/api/node.h"
#include "models/cluster/components.h"
#include "models/report/writers.h"
#include "models/scenario/scenario.h"

namespace kubesim::cluster {
namespace {

std::string Src(const std::string& rel) { return std::string(KUBESIM_SOURCE_DIR) + "/" + rel; }

// A finished run that can still be looked into (the store, the cloud); the scenario lives as long
// as the cluster that refers to it.
struct Finished {
  std::unique_ptr<scenario::Scenario> sc;
  std::unique_ptr<Cluster> cluster;
  report::RunResults r;
};

Finished RunLoaded(sim::StatusOr<scenario::Scenario> sc) {
  INFO((sc.ok() ? "" : sc.status().message()));
  REQUIRE(sc.ok());
  Finished f;
  f.sc = std::make_unique<scenario::Scenario>(std::move(sc).value());
  f.cluster = std::make_unique<Cluster>(*f.sc, RunOptions{});
  REQUIRE(f.cluster->Start().ok());
  f.cluster->Run();
  CHECK(f.cluster->CheckInvariants() == std::vector<std::string>{});
  f.r = f.cluster->Results();
  return f;
}

report::RunResults Run(const std::string& rel) { return RunLoaded(scenario::LoadScenario(Src(rel))).r; }

std::vector<const client::RecordedEvent*> Events(const report::RunResults& r, const std::string& reason) {
  std::vector<const client::RecordedEvent*> out;
  for (const auto& e : r.events) {
    if (e.reason == reason) out.push_back(&e);
  }
  return out;
}

TEST_CASE("Cloud (a): a burst that needs exactly 3 new nodes gets exactly 3, running after scan + boot + start",
          "[cloud]") {
  report::RunResults r = Run("scenarios/cloud/burst-and-idle.yaml");
  REQUIRE(r.cluster_autoscaler);
  REQUIRE(r.cluster_autoscaler->scale_ups.size() == 1);
  CHECK(r.cluster_autoscaler->scale_ups[0].node_group == "general");
  CHECK(r.cluster_autoscaler->scale_ups[0].delta == 3);
  CHECK(r.cloud->instances_launched == 3);
  // First FailedScheduling → every pod running: one scan interval (10 s) at most before the
  // scale-up, the fixed 60 s boot, the cloud node controller's initialisation, the pod start (2 s).
  double first_failed = 1e9;
  for (const auto* e : Events(r, "FailedScheduling")) first_failed = std::min(first_failed, e->time.ToSeconds());
  double last_running = 0;
  for (const auto& p : r.pods) {
    REQUIRE(p.running);
    last_running = std::max(last_running, p.running->ToSeconds());
  }
  double span = last_running - first_failed;
  INFO("first FailedScheduling " << first_failed << " s, last Running " << last_running << " s");
  CHECK(span >= 60 + 2);
  CHECK(span <= 10 + 60 + 2 + 5);
  // TriggeredScaleUp names the group and the resize, as upstream's ScaleUpInfo prints it.
  auto triggered = Events(r, "TriggeredScaleUp");
  REQUIRE(!triggered.empty());
  CHECK(triggered[0]->message == "pod triggered scale-up: [{general 1->4 (max: 10)}]");
  // New Nodes registered with the uninitialized taint and were initialised by the cloud node controller.
  CHECK(Events(r, "Synced").size() == 3);
}

TEST_CASE("Cloud (b): empty nodes go about 10 minutes after they became unneeded, not before", "[cloud]") {
  report::RunResults r = Run("scenarios/cloud/burst-and-idle.yaml");
  REQUIRE(r.cluster_autoscaler);
  // The load goes at 600 s; the next loop finds the nodes unneeded; 10 minutes later they are
  // tainted, and deleted after the 5 s node-delete-delay-after-taint. minSize 1 keeps one.
  REQUIRE(r.cluster_autoscaler->scale_downs.size() == 3);
  for (const auto& d : r.cluster_autoscaler->scale_downs) {
    CHECK(d.at >= 600 + 600);
    CHECK(d.at <= 600 + 600 + 10 + 5 + 1);
    CHECK(d.reason == "empty");
  }
  CHECK(r.cloud->instances_terminated == 3);
  CHECK(r.cloud->cost_usd > 0);
  CHECK(r.cloud->cost_usd == Approx(r.cloud->cost_usd_by_node_group.at("general")));
  // Their Nodes were deleted by the cloud node lifecycle controller once NotReady.
  CHECK(Events(r, "DeletingNode").size() == 3);
}

TEST_CASE("Cloud (c): a spot wave is replaced by the group and every pod runs again", "[cloud]") {
  report::RunResults r = Run("scenarios/cloud/spot-wave.yaml");
  REQUIRE(r.cloud);
  CHECK(r.cloud->spot_interruptions == 3);
  CHECK(r.cloud->instances_launched == 3);  // the replacements
  CHECK(r.pods_running == 8);
  CHECK(r.cloud->cost_usd_by_node_group.at("spot") > 0);
  for (const auto* e : Events(r, "SpotInterruption")) CHECK(e->time.ToSeconds() == 300);
  for (const auto* e : Events(r, "SpotInstanceTerminated")) CHECK(e->time.ToSeconds() == 420);
}

TEST_CASE("Cloud (d): a stockout backs the preferred group off and the autoscaler grows another", "[cloud]") {
  report::RunResults r = Run("scenarios/cloud/zone-stockout.yaml");
  REQUIRE(r.cluster_autoscaler);
  REQUIRE(r.cluster_autoscaler->failed_scale_ups.size() == 1);
  CHECK(r.cluster_autoscaler->failed_scale_ups[0].node_group == "zone-a");
  CHECK(r.cluster_autoscaler->failed_scale_ups[0].reason == "InsufficientInstanceCapacity");
  REQUIRE(r.cluster_autoscaler->scale_ups.size() == 2);
  CHECK(r.cluster_autoscaler->scale_ups[1].node_group == "fallback");
  CHECK(r.pods_running == 4);
  CHECK(r.cloud->instances_failed == 4);
  // A group spanning two zones launches where there is stock.
  int spread_launches = 0;
  for (const auto* e : Events(r, "InstanceLaunched")) {
    if (e->object.rfind("Node/spread-", 0) != 0) continue;
    ++spread_launches;
    CHECK(e->message.find("in region-1b") != std::string::npos);
  }
  CHECK(spread_launches == 2);
}

TEST_CASE("Cloud (e): a LoadBalancer Service gets its ingress after the modelled delay, and loses a gone node",
          "[cloud]") {
  Finished f = RunLoaded(scenario::LoadScenario(Src("scenarios/cloud/load-balancer.yaml")));
  const report::RunResults& r = f.r;
  Cluster& c = *f.cluster;
  REQUIRE(r.cloud);
  REQUIRE(r.cloud->load_balancers.size() == 1);
  const auto& lb = r.cloud->load_balancers[0];
  CHECK(lb.service == "default/frontend");
  REQUIRE(lb.ready_at);
  // Requested once the controller's caches synced, served the fixed 60 s later.
  CHECK(*lb.ready_at - lb.requested_at == Approx(60));
  CHECK(lb.requested_at < 1);
  auto stored = api::As<api::Service>(
      c.components().store().Get(apiserver::ApiServer::Key(api::Service::kKind, "default", "frontend")));
  REQUIRE(stored);
  REQUIRE(stored->status.load_balancer_ingress.size() == 1);
  CHECK(stored->status.load_balancer_ingress[0].ip == lb.ingress);
  // web-1 is terminated at 300 s, NotReady at 340 s, deleted at the next 5 s lifecycle pass, and
  // dropped from the backends then; its replacement web-3 joins when it registers.
  CHECK(lb.backends == std::vector<std::string>{"web-0", "web-2", "web-3"});
  auto updated = Events(r, "UpdatedLoadBalancer");
  REQUIRE(updated.size() == 2);
  CHECK(updated[0]->time.ToSeconds() > 340);
  CHECK(updated[0]->time.ToSeconds() < 350 + 6);
  CHECK(Events(r, "EnsuredLoadBalancer").size() == 1);
}

TEST_CASE("Cloud: balanceSimilarNodeGroups grows alike groups evenly", "[cloud]") {
  report::RunResults r = Run("scenarios/cloud/balanced-zones.yaml");
  REQUIRE(r.cluster_autoscaler);
  REQUIRE(r.cluster_autoscaler->scale_ups.size() == 2);
  int32_t total = 0;
  for (const auto& u : r.cluster_autoscaler->scale_ups) {
    CHECK(u.delta == 2);
    total += u.delta;
  }
  CHECK(total == 4);
  CHECK(r.pods_running == 8);
}

TEST_CASE("Cloud (f): a pod no node group can fit triggers no scale-up, and says why", "[cloud]") {
  report::RunResults r = Run("scenarios/cloud/unfittable-pod.yaml");
  REQUIRE(r.cluster_autoscaler);
  CHECK(r.cluster_autoscaler->scale_ups.empty());
  CHECK(r.cloud->instances_launched == 0);
  auto not_triggered = Events(r, "NotTriggerScaleUp");
  REQUIRE(not_triggered.size() == 1);  // once per pod and reason
  CHECK(not_triggered[0]->message == "pod didn't trigger scale-up: 1 Insufficient cpu");
}

TEST_CASE("Cloud: a full route table leaves new nodes NetworkUnavailable and tainted, their pods pending", "[cloud]") {
  Finished f = RunLoaded(scenario::LoadScenario(Src("scenarios/cloud/route-table-limit.yaml")));
  const report::RunResults& r = f.r;
  Cluster& c = *f.cluster;
  const auto& store = c.components().store();
  int unavailable = 0;
  for (int i = 0; i < 5; ++i) {
    std::string name = "general-" + std::to_string(i);
    auto node = api::As<api::Node>(store.Get(apiserver::ApiServer::Key(api::Node::kKind, "", name)));
    REQUIRE(node);
    // Node IPAM gave each the i-th /24 of the cluster CIDR.
    CHECK(node->spec.pod_cidr == "10.244." + std::to_string(i) + ".0/24");
    const api::NodeCondition* cond = node->FindCondition("NetworkUnavailable");
    REQUIRE(cond != nullptr);
    bool tainted = false;
    for (const auto& t : node->spec.taints) tainted = tainted || t.key == "node.kubernetes.io/network-unavailable";
    if (cond->status == "True") {
      ++unavailable;
      CHECK(cond->reason == "NoRouteCreated");
      CHECK(tainted);
    } else {
      CHECK(cond->reason == "RouteCreated");
      CHECK_FALSE(tainted);
    }
  }
  CHECK(unavailable == 2);  // the route table holds 3
  CHECK(c.components().cloud()->routes().size() == 3);
  CHECK(r.pods_scheduled == 6);
  CHECK(r.pods_unscheduled == 4);
  auto not_triggered = Events(r, "NotTriggerScaleUp");
  REQUIRE(!not_triggered.empty());
  CHECK(not_triggered[0]->message == "pod didn't trigger scale-up: 1 max node group size reached");
  CHECK(!Events(r, "FailedToCreateRoute").empty());
}

TEST_CASE("Cloud: instances that never register within maxNodeProvisionTime are deleted and back the group off",
          "[cloud]") {
  Finished f = RunLoaded(scenario::LoadScenarioFromString(
      "apiVersion: kubesim.io/v1alpha1\n"
      "kind: Scenario\n"
      "spec:\n"
      "  duration: 40m\n"
      "  cloud:\n"
      "    region: r1\n"
      "    zones: [r1a]\n"
      "    instanceTypes: [{name: m.large, capacity: {cpu: \"2\", memory: 8Gi}, price: 0.1}]\n"
      "    provisioningLatency: 20m\n"
      "    nodeGroups: [{name: slow, instanceType: m.large, zones: [r1a], minSize: 0, maxSize: 5}]\n"
      "  clusterAutoscaler: {maxNodeProvisionTime: 15m}\n"
      "  objects:\n"
      "    - inline: {apiVersion: v1, kind: Pod, metadata: {name: p}, spec: {containers: [{name: c, image: i, "
      "resources: {requests: {cpu: \"1\"}}}]}}\n",
      "timeout.yaml"));
  const report::RunResults& r = f.r;
  REQUIRE(r.cluster_autoscaler);
  // Scale-up at 10 s; the instance would boot at 20m10s, but at 15m10s it is late: deleted, the
  // group backed off for 5 minutes; the next scale-up comes after the backoff (20m20s at the
  // earliest), whose instance boots 20 minutes later, after the run.
  REQUIRE(r.cluster_autoscaler->failed_scale_ups.size() >= 1);
  CHECK(r.cluster_autoscaler->failed_scale_ups[0].reason == "timeout");
  CHECK(r.cluster_autoscaler->failed_scale_ups[0].at == Approx(15 * 60 + 10));
  REQUIRE(r.cluster_autoscaler->scale_ups.size() >= 2);
  CHECK(r.cluster_autoscaler->scale_ups[0].at == Approx(10));
  CHECK(r.cluster_autoscaler->scale_ups[1].at >= 15 * 60 + 10 + 5 * 60);
  CHECK(Events(r, "ScaleUpTimedOut").size() == r.cluster_autoscaler->failed_scale_ups.size());
  CHECK(Events(r, "DeleteUnregistered").size() >= 1);
  CHECK(r.pods_unscheduled == 1);
}

TEST_CASE("Cloud: the node actions reach node-group Nodes, and a crashed instance keeps its Node", "[cloud]") {
  const std::string head =
      "apiVersion: kubesim.io/v1alpha1\n"
      "kind: Scenario\n"
      "spec:\n"
      "  duration: 5m\n"
      "  cloud:\n"
      "    region: r1\n"
      "    zones: [r1a]\n"
      "    instanceTypes: [{name: m.large, capacity: {cpu: \"2\", memory: 8Gi}, price: 0.1}]\n"
      "    nodeGroups: [{name: g, instanceType: m.large, zones: [r1a], minSize: 0, maxSize: 5, size: 2}]\n"
      "  timeline:\n";
  auto bad = scenario::LoadScenarioFromString(head + "    - {at: 1m, crashNode: {node: h-1}}\n", "crash.yaml");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.status().message() ==
        "crash.yaml:11:34: spec.timeline[0].crashNode.node: Not found: no Node \"h-1\" is defined in the scenario");
  Finished f =
      RunLoaded(scenario::LoadScenarioFromString(head + "    - {at: 1m, crashNode: {node: g-1}}\n", "crash.yaml"));
  const report::RunResults& r = f.r;
  // The machine's kubelet is gone but the instance runs: the Node goes NotReady and stays (the
  // cloud node lifecycle controller deletes only Nodes whose instance is gone).
  CHECK(Events(r, "NodeCrashed").size() == 1);
  CHECK(Events(r, "NodeNotReady").size() == 1);
  CHECK(Events(r, "DeletingNode").empty());
  CHECK(r.nodes_total == 2);
}

TEST_CASE("Cloud: the same scenario and seed give byte-identical results", "[cloud]") {
  for (const char* s : {"scenarios/cloud/burst-and-idle.yaml", "scenarios/cloud/spot-wave.yaml",
                        "scenarios/cloud/zone-stockout.yaml"}) {
    report::RunResults a = Run(s), b = Run(s);
    CHECK(a.fingerprint == b.fingerprint);
    CHECK(report::SummaryJson(a) == report::SummaryJson(b));
    CHECK(report::EventsJsonl(a) == report::EventsJsonl(b));
  }
}

std::string LoadError(const std::string& cloud, const std::string& extra = "") {
  std::string text =
      "apiVersion: kubesim.io/v1alpha1\n"
      "kind: Scenario\n"
      "spec:\n"
      "  cloud:\n" +
      cloud + extra;
  auto sc = scenario::LoadScenarioFromString(text, "bad.yaml");
  return sc.ok() ? "" : sc.status().message();
}

TEST_CASE("Cloud: bad configuration is a located error", "[cloud]") {
  const std::string head =
      "    region: r1\n"
      "    zones: [r1a, r1b]\n"
      "    instanceTypes:\n"
      "      - {name: m.large, capacity: {cpu: \"2\", memory: 8Gi}, price: 0.1}\n";
  CHECK(
      LoadError(head +
                "    nodeGroups:\n      - {name: g, instanceType: x.large, zones: [r1a], minSize: 0, maxSize: 2}\n") ==
      "bad.yaml:10:33: spec.cloud.nodeGroups[0].instanceType: Not found: instance type \"x.large\" is not in "
      "cloud.instanceTypes (\"m.large\")");
  CHECK(
      LoadError(head +
                "    nodeGroups:\n      - {name: g, instanceType: m.large, zones: [r1a], minSize: 3, maxSize: 2}\n") ==
      "bad.yaml:10:65: spec.cloud.nodeGroups[0].minSize: Invalid value: minSize 3 is above maxSize 2");
  CHECK(
      LoadError(head +
                "    nodeGroups:\n      - {name: g, instanceType: m.large, zones: [r2a], minSize: 0, maxSize: 2}\n") ==
      "bad.yaml:10:49: spec.cloud.nodeGroups[0].zones: Invalid value: \"r2a\": not a zone of region r1 (cloud.zones)");
  CHECK(LoadError(head +
                  "    nodeGroups:\n      - {name: g, instanceType: m.large, zones: [], minSize: 0, maxSize: 2}\n") ==
        "bad.yaml:10:49: spec.cloud.nodeGroups[0].zones: Required value: a node group needs at least one zone");
  CHECK(LoadError("    region: r1\n    zones: [eu-1a]\n") ==
        "bad.yaml:6:12: spec.cloud.zones: Invalid value: \"eu-1a\": zone is outside region \"r1\" (a zone's name "
        "starts with its region's)");
  CHECK(LoadError("    region: r1\n    zones: [r1a]\n    instanceTypes:\n"
                  "      - {name: m.large, capacity: {cpu: \"2\", memory: 8Gi}, price: -0.1}\n") ==
        "bad.yaml:8:67: spec.cloud.instanceTypes[0].price: Invalid value: -0.1: a price must not be negative");
  // The autoscaler's options are checked as upstream's flags.
  const std::string ok =
      head + "    nodeGroups:\n      - {name: g, instanceType: m.large, zones: [r1a], minSize: 0, maxSize: 2}\n";
  CHECK(LoadError(ok, "  clusterAutoscaler: {expander: cheapest}\n") ==
        "bad.yaml:11:33: spec.clusterAutoscaler.expander: Unsupported value: \"cheapest\": supported values: "
        "\"random\", \"most-pods\", \"least-waste\", \"least-nodes\", \"price\", \"priority\"");
  CHECK(LoadError(ok, "  clusterAutoscaler: {scaleDownUtilizationThreshold: 1.5}\n") ==
        "bad.yaml:11:54: spec.clusterAutoscaler.scaleDownUtilizationThreshold: Invalid value: 1.5: must be between 0 "
        "and 1");
  CHECK(LoadError(ok, "  timeline:\n    - {at: 1m, spotInterruption: {nodeGroup: g}}\n") ==
        "bad.yaml:12:46: spec.timeline[0].spotInterruption.nodeGroup: Invalid value: node group \"g\" is OnDemand, "
        "not Spot");
}

}  // namespace
}  // namespace kubesim::cluster
