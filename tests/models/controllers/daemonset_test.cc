// The DaemonSet controller: upstream NodeShouldRunDaemonPod as a table, a cluster gaining nodes
// (tests/scenarios/daemonset-nodes.yaml), and a rolling update bounded by maxUnavailable.
#include "models/controllers/daemonset.h"

#include <algorithm>
#include <catch2/catch.hpp>

#include "models/api/kinds.h"
#include "models/cluster/components.h"
#include "models/controllers/deployment.h"
#include "models/scenario/scenario.h"
#include "tests/support/scenario_run.h"

namespace kubesim::controllers {
namespace {

api::DaemonSet Agent() {
  api::DaemonSet ds;
  ds.metadata.name = "agent";
  ds.pod_template.metadata.labels["app"] = "agent";
  api::Container c;
  c.name = "c";
  c.image = "busybox";
  ds.pod_template.spec.containers.push_back(c);
  return ds;
}

api::Node NodeNamed(const std::string& name) {
  api::Node n;
  n.metadata.name = name;
  n.metadata.labels["kubernetes.io/hostname"] = name;
  return n;
}

TEST_CASE("NodeShouldRunDaemonPod follows upstream's predicates", "[controller]") {
  struct Case {
    std::string name;
    std::vector<api::Taint> taints;
    std::vector<api::Toleration> tolerations;
    bool should_run;
    bool should_continue;
  };
  const Case cases[] = {
      {"untainted", {}, {}, true, true},
      {"untolerated NoSchedule keeps a running pod", {{"dedicated", "gpu", "NoSchedule", {}}}, {}, false, true},
      {"untolerated NoExecute", {{"dedicated", "gpu", "NoExecute", {}}}, {}, false, false},
      {"PreferNoSchedule does not count", {{"dedicated", "gpu", "PreferNoSchedule", {}}}, {}, true, true},
      {"tolerated NoSchedule",
       {{"dedicated", "gpu", "NoSchedule", {}}},
       {{"dedicated", "Equal", "gpu", "NoSchedule", {}}},
       true,
       true},
      // Tolerations every daemon pod gets.
      {"unschedulable node", {{"node.kubernetes.io/unschedulable", "", "NoSchedule", {}}}, {}, true, true},
      {"not-ready node", {{"node.kubernetes.io/not-ready", "", "NoExecute", {}}}, {}, true, true},
      {"unreachable node", {{"node.kubernetes.io/unreachable", "", "NoExecute", {}}}, {}, true, true},
      {"memory pressure", {{"node.kubernetes.io/memory-pressure", "", "NoSchedule", {}}}, {}, true, true},
      {"network unavailable without hostNetwork",
       {{"node.kubernetes.io/network-unavailable", "", "NoSchedule", {}}},
       {},
       false,
       true},
  };
  for (const Case& c : cases) {
    INFO(c.name);
    api::Node node = NodeNamed("n1");
    node.spec.taints = c.taints;
    api::DaemonSet ds = Agent();
    ds.pod_template.spec.tolerations = c.tolerations;
    DaemonPlacement p = NodeShouldRunDaemonPod(node, ds);
    CHECK(p.should_run == c.should_run);
    CHECK(p.should_continue_running == c.should_continue);
  }
  api::Node node = NodeNamed("n1");
  node.spec.taints = {{"node.kubernetes.io/network-unavailable", "", "NoSchedule", {}}};
  api::DaemonSet host = Agent();
  host.pod_template.spec.host_network = true;
  CHECK(NodeShouldRunDaemonPod(node, host).should_run);

  api::DaemonSet selective = Agent();
  selective.pod_template.spec.node_selector["role"] = "worker";
  CHECK_FALSE(NodeShouldRunDaemonPod(NodeNamed("n1"), selective).should_run);
  CHECK_FALSE(NodeShouldRunDaemonPod(NodeNamed("n1"), selective).should_continue_running);
  api::Node worker = NodeNamed("n1");
  worker.metadata.labels["role"] = "worker";
  CHECK(NodeShouldRunDaemonPod(worker, selective).should_run);

  api::DaemonSet pinned = Agent();
  pinned.pod_template.spec.node_name = "n2";
  CHECK_FALSE(NodeShouldRunDaemonPod(NodeNamed("n1"), pinned).should_run);
  CHECK(NodeShouldRunDaemonPod(NodeNamed("n2"), pinned).should_run);

  api::DaemonSet affine = Agent();
  api::NodeAffinity na;
  na.required = api::NodeSelector{{api::NodeSelectorTerm{{{"zone", api::NodeSelectorOp::kIn, {"a"}}}, {}}}};
  affine.pod_template.spec.affinity.node_affinity = na;
  CHECK_FALSE(NodeShouldRunDaemonPod(NodeNamed("n1"), affine).should_run);
  api::Node in_a = NodeNamed("n1");
  in_a.metadata.labels["zone"] = "a";
  CHECK(NodeShouldRunDaemonPod(in_a, affine).should_run);
}

TEST_CASE("Daemon pods carry the node-name affinity and the daemon tolerations", "[controller]") {
  api::DaemonSet ds = Agent();
  api::NodeAffinity na;
  na.required = api::NodeSelector{{api::NodeSelectorTerm{{{"zone", api::NodeSelectorOp::kIn, {"a"}}}, {}}}};
  na.preferred.push_back(
      api::PreferredSchedulingTerm{5, api::NodeSelectorTerm{{{"ssd", api::NodeSelectorOp::kExists, {}}}, {}}});
  ds.pod_template.spec.affinity.node_affinity = na;
  // An equal toleration with tolerationSeconds is replaced by the forever one.
  ds.pod_template.spec.tolerations.push_back({"node.kubernetes.io/not-ready", "Exists", "", "NoExecute", 300});
  api::PodSpec spec = DaemonPodSpec(ds, "n7");
  CHECK(spec.node_name.empty());
  REQUIRE(spec.affinity.node_affinity);
  REQUIRE(spec.affinity.node_affinity->required);
  const auto& terms = spec.affinity.node_affinity->required->terms;
  REQUIRE(terms.size() == 1);
  CHECK(terms[0].match_expressions.empty());
  REQUIRE(terms[0].match_fields.size() == 1);
  CHECK(terms[0].match_fields[0] == api::NodeSelectorRequirement{"metadata.name", api::NodeSelectorOp::kIn, {"n7"}});
  CHECK(spec.affinity.node_affinity->preferred.size() == 1);
  std::vector<std::string> keys;
  for (const auto& t : spec.tolerations) {
    keys.push_back(t.key + ":" + t.effect);
    CHECK(t.op == "Exists");
    CHECK_FALSE(t.toleration_seconds);
  }
  CHECK(keys == std::vector<std::string>{
                    "node.kubernetes.io/not-ready:NoExecute", "node.kubernetes.io/unreachable:NoExecute",
                    "node.kubernetes.io/disk-pressure:NoSchedule", "node.kubernetes.io/memory-pressure:NoSchedule",
                    "node.kubernetes.io/pid-pressure:NoSchedule", "node.kubernetes.io/unschedulable:NoSchedule"});
}

TEST_CASE("DaemonSet on a cluster gaining nodes: one Running pod per eligible node", "[controller][scenario]") {
  auto run = testing::StartScenarioFile(std::string(KUBESIM_SOURCE_DIR) + "/tests/scenarios/daemonset-nodes.yaml");
  cluster::Cluster& c = *run.cluster;
  c.Run();
  report::RunResults r = c.Results();
  std::map<std::string, std::vector<report::PodRecord>> by_node;
  for (const auto& p : r.pods) by_node[p.node].push_back(p);
  CHECK(by_node.size() == 4);
  for (const char* node : {"n0", "n1", "n2", "n5"}) {
    INFO(node);
    REQUIRE(by_node[node].size() == 1);
    const report::PodRecord& p = by_node[node][0];
    CHECK(p.phase == "Running");
    CHECK(p.namespace_ == "kube-system");
    CHECK_THAT(p.name, Catch::StartsWith("agent-"));
    CHECK(p.attempts == 1);  // placed by the scheduler, first try
    REQUIRE(p.created);
    auto stored = api::As<api::Pod>(c.store().Get("/registry/pods/kube-system/" + p.name));
    REQUIRE(stored);
    const auto& terms = stored->spec.affinity.node_affinity->required->terms;
    REQUIRE(terms.size() == 1);
    CHECK(terms[0].match_fields[0].values == std::vector<std::string>{node});
    REQUIRE(stored->metadata.owner_references.size() == 1);
    CHECK(stored->metadata.owner_references[0].kind == "DaemonSet");
  }
  // The joining nodes' pods come after the nodes do.
  CHECK(by_node["n2"][0].created->ToSeconds() > 60.0);
  CHECK(by_node["n2"][0].created->ToSeconds() < 62.0);
  CHECK(by_node["n5"][0].created->ToSeconds() > 120.0);
  CHECK(by_node["n5"][0].created->ToSeconds() < 122.0);
  CHECK(by_node.count("n3") == 0);  // tainted dedicated=gpu:NoSchedule, not tolerated
  CHECK(by_node.count("n4") == 0);  // no role=worker label
  int scheduled = 0;
  for (const auto& e : r.events) scheduled += e.reason == "Scheduled" && e.source == "default-scheduler";
  CHECK(scheduled == 4);

  auto ds = api::As<api::DaemonSet>(c.store().Get("/registry/daemonsets/kube-system/agent"));
  REQUIRE(ds);
  CHECK(ds->status.desired_number_scheduled == 4);
  CHECK(ds->status.current_number_scheduled == 4);
  CHECK(ds->status.number_ready == 4);
  CHECK(ds->status.number_available == 4);
  CHECK(ds->status.number_unavailable == 0);
  CHECK(ds->status.updated_number_scheduled == 4);
  CHECK(ds->status.number_misscheduled == 0);
  CHECK(c.CheckInvariants() == std::vector<std::string>{});

  // Deterministic: the same run again gives the same committed write stream.
  cluster::Cluster again(*run.scenario);
  REQUIRE(again.Start().ok());
  again.Run();
  CHECK(again.Results().fingerprint == r.fingerprint);
}

TEST_CASE("DaemonSet RollingUpdate replaces one pod at a time with maxUnavailable 1", "[controller]") {
  auto run =
      testing::StartScenario(testing::ScenarioHead().Duration("10m").FixedPodStart().FixedCycle().Nodes(3).Yaml() +
                                 R"(    - inline:
        apiVersion: apps/v1
        kind: DaemonSet
        metadata: {name: agent}
        spec:
          selector: {matchLabels: {app: agent}}
          template:
            # The agent takes its whole 30 s grace period to stop (it ignores SIGTERM).
            metadata: {labels: {app: agent}, annotations: {kubesim.io/sigterm-exit-after: 1h}}
            spec: {containers: [{name: agent, image: "agent:1"}]}
)",
                             "ds.yaml");
  cluster::Cluster& c = *run.cluster;
  c.RunUntil(sim::Time::Zero() + sim::Duration::Minutes(1));
  REQUIRE(c.Results().pods.size() == 3);
  auto ds = api::As<api::DaemonSet>(c.store().Get("/registry/daemonsets/default/agent"));
  REQUIRE(ds);
  const std::string old_hash = PodTemplateHash(ds->pod_template);
  auto update = ds->DeepCopy();
  update->pod_template.spec.containers[0].image = "agent:2";
  const std::string new_hash = PodTemplateHash(update->pod_template);
  c.components().api_server().Update(update, nullptr);
  c.Run();
  report::RunResults r = c.Results();
  REQUIRE(r.pods.size() == 6);
  std::vector<double> deletes;
  for (const auto& e : r.events) {
    if (e.reason == "SuccessfulDelete") deletes.push_back(e.time.ToSeconds());
  }
  REQUIRE(deletes.size() == 3);
  // Each old pod goes only after the previous node's replacement runs: its 30 s grace first.
  CHECK(deletes[1] - deletes[0] > 30.0);
  CHECK(deletes[2] - deletes[1] > 30.0);
  int fresh = 0;
  for (const auto& p : r.pods) {
    auto stored = api::As<api::Pod>(c.store().Get("/registry/pods/default/" + p.name));
    if (!stored) continue;
    CHECK(stored->metadata.labels.at(kControllerRevisionHashLabel) == new_hash);
    CHECK(p.phase == "Running");
    ++fresh;
  }
  CHECK(fresh == 3);
  CHECK(old_hash != new_hash);
  ds = api::As<api::DaemonSet>(c.store().Get("/registry/daemonsets/default/agent"));
  CHECK(ds->status.updated_number_scheduled == 3);
  CHECK(ds->status.number_available == 3);
}

TEST_CASE("DaemonSet: a NoSchedule taint leaves the running pod misscheduled, a NoExecute one removes it",
          "[controller]") {
  auto run =
      testing::StartScenario(testing::ScenarioHead().Duration("5m").FixedPodStart().FixedCycle().Nodes(2).Yaml() +
                                 R"(    - inline:
        apiVersion: apps/v1
        kind: DaemonSet
        metadata: {name: agent}
        spec:
          selector: {matchLabels: {app: agent}}
          template:
            metadata: {labels: {app: agent}}
            spec: {containers: [{name: agent, image: busybox}]}
)",
                             "ds.yaml");
  cluster::Cluster& c = *run.cluster;
  auto taint = [&](const std::string& node, const char* effect) {
    auto copy = std::static_pointer_cast<api::Node>(c.store().Get("/registry/nodes/" + node)->Clone());
    copy->spec.taints.push_back(api::Taint{"maintenance", "", effect, std::nullopt});
    c.components().api_server().Update(copy, nullptr);
  };
  auto status = [&]() { return api::As<api::DaemonSet>(c.store().Get("/registry/daemonsets/default/agent"))->status; };
  c.RunUntil(sim::Time::Zero() + sim::Duration::Minutes(1));
  CHECK(status().desired_number_scheduled == 2);
  CHECK(status().number_ready == 2);
  taint("n1", "NoSchedule");
  c.RunUntil(sim::Time::Zero() + sim::Duration::Minutes(2));
  CHECK(status().desired_number_scheduled == 1);
  CHECK(status().number_misscheduled == 1);
  CHECK(c.Results().pods_running == 2);
  taint("n1", "NoExecute");
  c.Run();
  report::RunResults r = c.Results();
  CHECK(r.pods_running == 1);
  CHECK(status().number_misscheduled == 0);
  CHECK(status().desired_number_scheduled == 1);
  int deleted = 0;
  for (const auto& p : r.pods) deleted += p.deleted.has_value() && p.node == "n1";
  CHECK(deleted == 1);
}

}  // namespace
}  // namespace kubesim::controllers
