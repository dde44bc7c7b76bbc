// The ReplicaSet controller through whole runs: it creates the replicas, replaces pods evicted
// from a failed node elsewhere, and scales down in upstream's deletion order.
#include <catch2/catch.hpp>

#include "models/api/kinds.h"
#include "models/cluster/components.h"
#include "models/controllers/controller_utils.h"
#include "models/scenario/scenario.h"
#include "tests/support/builders.h"
#include "tests/support/scenario_run.h"

namespace kubesim::controllers {
namespace {

const std::string kScenario =
    testing::ScenarioHead().Duration("20m").Nodes(3).NodeLabels(R"(topology.kubernetes.io/zone: "z{{i}}")").Yaml() +
    R"(    - inline:
        apiVersion: apps/v1
        kind: ReplicaSet
        metadata: {name: web}
        spec:
          replicas: 3
          selector: {matchLabels: {app: web}}
          template:
            metadata: {labels: {app: web}}
            spec: {containers: [{name: c, image: nginx, resources: {requests: {cpu: 500m}}}]}
)";

TEST_CASE("ReplicaSet: replicas are created, and pods evicted from a failed node are replaced elsewhere",
          "[controller]") {
  auto run = testing::StartScenario(kScenario, "rs.yaml");
  cluster::Cluster& c = *run.cluster;
  c.RunUntil(sim::Time::Zero() + sim::Duration::Minutes(1));
  report::RunResults early = c.Results();
  REQUIRE(early.pods.size() == 3);
  std::string victim_node;
  for (const auto& p : early.pods) {
    CHECK(p.phase == "Running");
    CHECK_THAT(p.name, Catch::StartsWith("web-"));
    victim_node = p.node;
  }
  c.components().StopKubelet(victim_node);
  c.Run();
  report::RunResults r = c.Results();
  int active = 0, terminating = 0;
  for (const auto& p : r.pods) {
    auto stored = api::As<api::Pod>(c.store().Get("/registry/pods/default/" + p.name));
    REQUIRE(stored);
    if (stored->metadata.deletion_timestamp) {
      ++terminating;
      CHECK(p.node == victim_node);  // evicted, its kubelet gone
    } else {
      ++active;
      CHECK(p.node != victim_node);
      CHECK(p.phase == "Running");
    }
  }
  CHECK(active == 3);
  CHECK(terminating == static_cast<int>(r.pods.size()) - 3);
  CHECK(terminating >= 1);
  int created = 0;
  for (const auto& e : r.events) created += e.reason == "SuccessfulCreate";
  CHECK(created == static_cast<int>(r.pods.size()));
  CHECK(c.CheckInvariants() == std::vector<std::string>{});
}

TEST_CASE("Scale-down order follows upstream ActivePodsWithRanks", "[controller]") {
  using testing::PodBuilder;
  sim::Time now = sim::Time::Zero() + sim::Duration::Hours(1);
  auto running_ready = [&](const char* name, const char* node) {
    PodBuilder b(name);
    b.Node(node).Phase("Running");
    b.mutable_pod().SetCondition("Ready", "True", sim::Time::Zero() + sim::Duration::Minutes(10));
    b.mutable_pod().metadata.creation_timestamp = sim::Time::Zero() + sim::Duration::Minutes(5);
    return b;
  };
  PodBuilder unassigned("unassigned");
  unassigned.Phase("Pending");
  PodBuilder pending("pending");
  pending.Node("n1").Phase("Pending");
  PodBuilder not_ready("not-ready");
  not_ready.Node("n1").Phase("Running");
  auto cheap = running_ready("cheap", "n1");
  cheap.mutable_pod().metadata.annotations["controller.kubernetes.io/pod-deletion-cost"] = "-10";
  auto ready = running_ready("ready", "n1");
  // Each rule, in order: unassigned < assigned; Pending < Running; not ready < ready; lower cost.
  CHECK(DeleteFirst(unassigned.pod(), 0, pending.pod(), 1, now));
  CHECK(DeleteFirst(pending.pod(), 1, not_ready.pod(), 1, now));
  CHECK(DeleteFirst(not_ready.pod(), 1, ready.pod(), 1, now));
  CHECK(DeleteFirst(cheap.pod(), 1, ready.pod(), 1, now));
  CHECK_FALSE(DeleteFirst(ready.pod(), 1, cheap.pod(), 1, now));
  // More co-located related pods first.
  auto crowded = running_ready("crowded", "n2");
  CHECK(DeleteFirst(crowded.pod(), 3, ready.pod(), 1, now));
  // Ready for a shorter time (a later log2 bucket) first.
  auto young = running_ready("young", "n1");
  young.mutable_pod().SetCondition("Ready", "False", now);
  young.mutable_pod().SetCondition("Ready", "True", now - sim::Duration::Seconds(1));
  CHECK(DeleteFirst(young.pod(), 1, ready.pod(), 1, now));
  // Same buckets everywhere: the smaller UID first.
  auto twin = running_ready("twin", "n1");
  CHECK(DeleteFirst(ready.pod(), 1, twin.pod(), 1, now) == (ready.pod().metadata.uid < twin.pod().metadata.uid));
}

}  // namespace
}  // namespace kubesim::controllers
