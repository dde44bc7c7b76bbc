// etcd's failures end to end: the golden scenarios of docs/control-plane.md
// (scenarios/control-plane/), bad etcd configuration, and determinism.
#include <catch2/catch.hpp>

#include "models/api/codec.h"
#include "models/api/node.h"
#include "models/api/pod.h"
#include "models/cluster/components.h"
#include "models/report/writers.h"
#include "models/scenario/scenario.h"

namespace kubesim::cluster {
namespace {

std::string Src(const std::string& rel) { return std::string(KUBESIM_SOURCE_DIR) + "/" + rel; }

report::RunResults Run(const std::string& rel) {
  auto sc = scenario::LoadScenario(Src(rel));
  INFO((sc.ok() ? "" : sc.status().message()));
  REQUIRE(sc.ok());
  Cluster cluster(*sc, RunOptions{});
  REQUIRE(cluster.Start().ok());
  cluster.Run();
  CHECK(cluster.CheckInvariants() == std::vector<std::string>{});
  return cluster.Results();
}

double S(const std::optional<sim::Time>& t) { return t ? t->ToSeconds() : -1; }

// Every commit a pod's row records (creation, binding, Running, deletion).
std::vector<double> PodCommits(const report::RunResults& r) {
  std::vector<double> out;
  for (const auto& p : r.pods) {
    for (const auto& t : {p.created, p.scheduled, p.running, p.deleted}) {
      if (t) out.push_back(t->ToSeconds());
    }
  }
  return out;
}

TEST_CASE("Control plane (a): an etcd leader loss mid-rollout stalls writes for the election, the rollout completes",
          "[etcd][control-plane]") {
  report::RunResults r = Run("scenarios/control-plane/leader-loss-rollout.yaml");
  CHECK(r.etcd.members == 3);
  CHECK(r.etcd.leader_changes == 1);
  // electionTimeout 1 s + rand(10 ticks) + two round trips.
  CHECK(r.etcd.seconds_without_leader >= 1.0);
  CHECK(r.etcd.seconds_without_leader < 2.0);
  CHECK(r.etcd.seconds_without_quorum == 0);
  // Proposals sent to the dead leader failed (after 7 s) and were retried.
  CHECK(r.etcd.failed_writes > 0);
  const double lost = 62, elected = 62 + r.etcd.seconds_without_leader;
  for (double t : PodCommits(r)) {
    INFO("a pod write committed at " << t);
    CHECK_FALSE((t > lost && t < elected));
  }
  // The rollout completed: 20 pods of the new template run, the 20 old ones are gone.
  int new_running = 0, old_deleted = 0;
  for (const auto& p : r.pods) {
    if (S(p.created) >= 60 && p.running && !p.deleted) new_running++;
    if (S(p.created) < 60 && p.deleted) old_deleted++;
  }
  CHECK(new_running == 20);
  CHECK(old_deleted == 20);
  CHECK(r.pods_running == 20);
  CHECK(r.failed_actions.empty());
}

TEST_CASE("Control plane (b): quorum loss for 2 minutes keeps pods running, new pods wait, everything converges",
          "[etcd][control-plane]") {
  report::RunResults r = Run("scenarios/control-plane/quorum-loss.yaml");
  CHECK(r.etcd.seconds_without_quorum == Approx(120));
  CHECK(r.etcd.seconds_without_leader > 120);
  CHECK(r.etcd.leader_changes == 1);
  // The eight pods of the start were never disturbed.
  int original = 0, waited = 0;
  for (const auto& p : r.pods) {
    if (S(p.created) < 59) {
      original++;
      CHECK(S(p.running) < 10);
      CHECK_FALSE(p.deleted);
    } else if (S(p.scheduled) > 180) {
      waited++;  // created just before the loss, bound only after it
    }
  }
  CHECK(original == 8);
  CHECK(waited > 0);
  // Nothing commits while there is no quorum.
  for (double t : PodCommits(r)) CHECK_FALSE((t > 61 && t < 180));
  CHECK(r.pods_running == 16);
  CHECK(r.nodes_ready == 4);
  // The scale at 90 s failed as kubectl's would (its GET timed out after etcd's 7 s).
  REQUIRE(r.failed_actions.size() == 1);
  CHECK(r.failed_actions[0].reason == "FailedUpdate");
  CHECK(r.failed_actions[0].at == Approx(97).margin(0.1));
  CHECK(r.failed_actions[0].message == "etcdserver: request timed out");
  // The node lifecycle controller could not mark nodes NotReady; it reported each once.
  int not_ready_events = 0;
  for (const auto& e : r.events) not_ready_events += e.reason == "NodeNotReady";
  CHECK(not_ready_events == 4);
}

TEST_CASE("Control plane (c): the API server goes away, every informer relists, the controllers converge",
          "[apiserver][control-plane]") {
  report::RunResults r = Run("scenarios/control-plane/apiserver-outage.yaml");
  // The scale sent while the server was down was refused at once, as kubectl's would be.
  REQUIRE(r.failed_actions.size() == 1);
  CHECK(r.failed_actions[0].at == 65);
  CHECK(r.failed_actions[0].message == "dial tcp 10.0.0.1:6443: connect: connection refused");
  // Every watch broke twice (the outage at 60 s, the restart at 150 s): each relisted.
  CHECK(r.watch_relists_total >= 2 * 10);
  // Nothing committed while the server was down.
  for (double t : PodCommits(r)) CHECK_FALSE((t > 60 && t < 80));
  // The scale at 90 s and the rollout at 160 s both completed: 12 pods of the new template run.
  int new_running = 0;
  for (const auto& p : r.pods) {
    if (S(p.created) >= 160 && p.running && !p.deleted) new_running++;
  }
  CHECK(new_running == 12);
  CHECK(r.pods_running == 12);
  CHECK(r.nodes_ready == 4);
}

TEST_CASE(
    "Control plane (d): a zone cut off for 30 s changes nothing, for 2 minutes its nodes go NotReady and "
    "come back with their pods",
    "[network][control-plane]") {
  auto sc = scenario::LoadScenario(Src("scenarios/control-plane/zone-partition.yaml"));
  REQUIRE(sc.ok());
  Cluster cluster(*sc, RunOptions{});
  REQUIRE(cluster.Start().ok());
  cluster.Run();
  CHECK(cluster.CheckInvariants() == std::vector<std::string>{});
  report::RunResults r = cluster.Results();
  std::vector<std::pair<double, std::string>> not_ready;
  for (const auto& e : r.events) {
    if (e.reason == "NodeNotReady") not_ready.emplace_back(e.time.ToSeconds(), e.object);
  }
  // Only the 2-minute cut (from 180 s) outlasts the 50 s node monitor grace period, and only
  // zone-b's nodes go: within grace + one 5 s monitor period + one 10 s lease renewal.
  REQUIRE(not_ready.size() == 3);
  for (const auto& [t, node] : not_ready) {
    CHECK(node.rfind("Node/b-", 0) == 0);
    CHECK(t > 180 + 40);
    CHECK(t <= 180 + 50 + 5 + 10);
  }
  // After the heal at 300 s: every node Ready, the same 12 pods bound and Ready, none evicted.
  CHECK(r.nodes_ready == 6);
  CHECK(r.pods.size() == 12);
  CHECK(r.pods_deleted == 0);
  CHECK(r.pods_running == 12);
  int ready = 0;
  for (const auto& obj : cluster.components().store().Range("/registry/pods/").objects) {
    const api::PodCondition* c = api::As<api::Pod>(obj)->FindCondition("Ready");
    ready += c != nullptr && c->status == "True";
  }
  CHECK(ready == 12);
  // The nodes' unreachable taints are gone again.
  int nodes = 0;
  for (const auto& obj : cluster.components().store().Range("/registry/" + api::ResourceOf("Node") + "/").objects) {
    nodes++;
    CHECK(api::As<api::Node>(obj)->spec.taints.empty());
  }
  CHECK(nodes == 6);
}

TEST_CASE("Control plane: the same scenario and seed give byte-identical results", "[etcd][control-plane]") {
  for (const char* s :
       {"scenarios/control-plane/leader-loss-rollout.yaml", "scenarios/control-plane/quorum-loss.yaml",
        "scenarios/control-plane/zone-partition.yaml", "scenarios/control-plane/apiserver-outage.yaml"}) {
    report::RunResults a = Run(s), b = Run(s);
    CHECK(a.fingerprint == b.fingerprint);
    CHECK(report::SummaryJson(a) == report::SummaryJson(b));
    CHECK(report::EventsJsonl(a) == report::EventsJsonl(b));
  }
}

std::string LoadError(const std::string& spec) {
  std::string text =
      "apiVersion: kubesim.io/v1alpha1\n"
      "kind: Scenario\n"
      "spec:\n" +
      spec;
  auto sc = scenario::LoadScenarioFromString(text, "bad.yaml");
  return sc.ok() ? "" : sc.status().message();
}

TEST_CASE("Control plane: bad etcd settings and actions are located errors", "[etcd][control-plane]") {
  CHECK(LoadError("  etcd: {members: 0}\n") ==
        "bad.yaml:4:19: spec.etcd.members: Invalid value: must be between 1 and 7");
  CHECK(LoadError("  etcd: {heartbeatInterval: 500ms, electionTimeout: 1s}\n") ==
        "bad.yaml:4:53: spec.etcd.electionTimeout: Invalid value: election timeout should be at least 5 times the "
        "heartbeat interval");
  CHECK(LoadError("  etcd: {electionTimeout: 60s}\n") ==
        "bad.yaml:4:27: spec.etcd.electionTimeout: Invalid value: election timeout must not exceed 50s");
  CHECK(LoadError("  etcd: {quorum: 2}\n").find("spec.etcd.quorum: unknown field \"quorum\"") != std::string::npos);
  CHECK(LoadError("  etcd: {members: 5}\n  timeline:\n    - {at: 1m, etcdMemberDown: {member: 5}}\n") ==
        "bad.yaml:6:41: spec.timeline[0].etcdMemberDown.member: Invalid value: 5: spec.etcd has 5 members, numbered 0 "
        "to 4");
  CHECK(LoadError("  timeline:\n    - {at: 1m, etcdMemberDown: {duration: 1m}}\n") ==
        "bad.yaml:5:32: spec.timeline[0].etcdMemberDown.member: Required value: the member's index, 0 to members-1");
  CHECK(LoadError("  timeline:\n    - {at: 1m, etcdDiskSlow: {factor: 0.5}}\n") ==
        "bad.yaml:5:39: spec.timeline[0].etcdDiskSlow.factor: Invalid value: must be between 1 and 1000000");
  CHECK(LoadError("  timeline:\n    - {at: 1m, apiserverDown: {replica: 1}}\n") ==
        "bad.yaml:5:41: spec.timeline[0].apiserverDown.replica: Invalid value: 1: kubesim runs one API server "
        "replica, numbered 0");
  CHECK(
      LoadError("  timeline:\n    - {at: 1m, partition: {zone: nowhere}}\n") ==
      "bad.yaml:5:34: spec.timeline[0].partition.zone: Not found: no Node labelled topology.kubernetes.io/zone=nowhere "
      "is defined in the scenario");
  CHECK(LoadError("  timeline:\n    - {at: 1m, partition: {zone: a, nodes: [b]}}\n") ==
        "bad.yaml:5:27: spec.timeline[0].partition: Invalid value: give exactly one of zone, nodes, selector or "
        "controlPlane");
  CHECK(LoadError("  timeline:\n    - {at: 1m, partition: {nodes: [ghost]}}\n") ==
        "bad.yaml:5:36: spec.timeline[0].partition.nodes[0]: Not found: no Node \"ghost\" is defined in the scenario");
  CHECK(LoadError("  timeline:\n    - {at: 1m, etcdLeaderDown: {duration: -1s}}\n") ==
        "bad.yaml:5:43: spec.timeline[0].etcdLeaderDown.duration: Invalid value: must be positive");
}

}  // namespace
}  // namespace kubesim::cluster
