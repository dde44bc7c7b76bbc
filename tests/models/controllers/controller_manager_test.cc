// kube-controller-manager's --controllers rule and descriptor table. The enable rule's table follows
// kubernetes/kubernetes staging/src/k8s.io/controller-manager/app/helper_test.go @ v1.32
// (TestIsControllerEnabled), with kubesim's controller names for upstream's alpha/bravo/charlie.
#include "models/controllers/controller_manager.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "models/cluster/components.h"
#include "models/controllers/controller_names.h"
#include "models/controllers/garbage_collector.h"
#include "models/controllers/node_lifecycle.h"
#include "tests/support/scenario_run.h"

namespace kubesim::controllers {
namespace {

bool Enabled(const std::vector<std::string>& list, const std::string& name) {
  auto r = ResolveControllers(list);
  REQUIRE(r.ok());
  return std::find(r->begin(), r->end(), name) != r->end();
}

TEST_CASE("controllers list: upstream TestIsControllerEnabled cases", "[controller]") {
  struct Case {
    const char* name;  // upstream's case name
    std::string controller;
    std::vector<std::string> list;
    bool expected;
  };
  const std::string alpha = "replicaset-controller", bravo = "job-controller", charlie = "deployment-controller";
  std::vector<Case> cases = {
      {"on by name", bravo, {alpha, bravo, "-" + charlie}, true},
      {"off by name", charlie, {alpha, bravo, "-" + charlie}, false},
      {"on by default", alpha, {"*"}, true},
      {"on by star, not off by name", alpha, {"*", "-" + charlie}, true},
      {"off by name with star", charlie, {"*", "-" + charlie}, false},
      {"off then on", alpha, {"-" + alpha, alpha}, false},
      {"on then off", alpha, {alpha, "-" + alpha}, true},
      {"not mentioned, no star", alpha, {bravo}, false},
  };
  for (const auto& c : cases) {
    INFO(c.name);
    CHECK(Enabled(c.list, c.controller) == c.expected);
  }
}

TEST_CASE("controllers list: aliases name the canonical controller, unknown names are errors", "[controller]") {
  CHECK_FALSE(Enabled({"*", "-nodelifecycle"}, "node-lifecycle-controller"));
  CHECK(Enabled({"*", "-nodelifecycle"}, "taint-eviction-controller"));
  CHECK(Enabled({"horizontalpodautoscaling"}, "horizontal-pod-autoscaler-controller"));
  auto all = ResolveControllers({"*"});
  REQUIRE(all.ok());
  CHECK(all->size() == KnownControllers().size());
  CHECK(all->front() == "node-lifecycle-controller");  // start order, not list order
  auto none = ResolveControllers({});
  REQUIRE(none.ok());
  CHECK(none->empty());
  // Upstream's message (staging/src/k8s.io/controller-manager/options/generic.go Validate), for
  // every unknown name, with or without '-'; a controller kubesim does not implement is unknown.
  auto bad = ResolveControllers({"*", "-nodelifecycl", "cronjob-controller"});
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.status().message() ==
        "\"nodelifecycl\" is not in the list of known controllers\n"
        "\"cronjob-controller\" is not in the list of known controllers");
}

// A node whose kubelet stops: with the node lifecycle controller it goes NotReady (Unknown) and is
// tainted; without it nothing notices, as in a real cluster run with --controllers=*,-nodelifecycle.
testing::StartedCluster RunStoppedNode(const std::string& controllers_line) {
  testing::StartedCluster run = testing::StartScenario(R"(apiVersion: kubesim.io/v1alpha1
kind: Scenario
metadata: {name: kcm}
spec:
  seed: 1
  duration: 3m
)" + controllers_line + R"(
  nodePools:
    - {name: n, count: 2, capacity: {cpu: "4", memory: 16Gi, pods: "110"}}
  timeline:
    - {at: 30s, stopKubelet: {node: n-0}}
)");
  run.cluster->Run();
  return run;
}

int64_t Events(const report::RunResults& r, const std::string& reason) {
  return std::count_if(r.events.begin(), r.events.end(), [&](const auto& e) { return e.reason == reason; });
}

TEST_CASE("spec.controllerManager.controllers: a cluster without the node lifecycle controller", "[controller]") {
  testing::StartedCluster with = RunStoppedNode("");
  const cluster::Components& c = with.cluster->components();
  CHECK(c.node_lifecycle() != nullptr);
  // Every controller but node IPAM, which needs allocateNodeCIDRs (as upstream's --allocate-node-cidrs).
  CHECK(c.controller_manager()->running().size() == KnownControllers().size() - 1);
  CHECK(Events(with.cluster->Results(), "NodeNotReady") >= 1);

  testing::StartedCluster without = RunStoppedNode("  controllerManager: {controllers: [\"*\", \"-nodelifecycle\"]}");
  const cluster::Components& d = without.cluster->components();
  CHECK(d.node_lifecycle() == nullptr);
  CHECK(d.garbage_collector() != nullptr);
  const auto running = d.controller_manager()->running();
  CHECK(std::find(running.begin(), running.end(), "node-lifecycle-controller") == running.end());
  CHECK(running.size() == KnownControllers().size() - 2);
  report::RunResults r = without.cluster->Results();
  CHECK(Events(r, "NodeNotReady") == 0);
  CHECK(r.nodes_ready == 2);  // the stopped node still reads Ready: nobody marks it
}

}  // namespace
}  // namespace kubesim::controllers
