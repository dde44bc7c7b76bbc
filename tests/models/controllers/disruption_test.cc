// The disruption controller through whole runs: PodDisruptionBudget status follows the pods it
// selects as they become ready and go away; a manifest's status holds until the first sync;
// disruptedPods entries expire after DeletionTimeout.
#include "models/controllers/disruption.h"

#include <catch2/catch.hpp>

#include "models/api/kinds.h"
#include "models/cluster/components.h"
#include "models/scenario/scenario.h"
#include "tests/support/scenario_run.h"

namespace kubesim::controllers {
namespace {

const std::string kScenario = testing::ScenarioHead().Duration("4m").Nodes(2).Yaml() + R"(    - inline:
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: web}
        spec:
          replicas: 3
          selector: {matchLabels: {app: web}}
          template:
            metadata: {labels: {app: web}}
            spec: {containers: [{name: c, image: nginx}]}
    - inline: {apiVersion: policy/v1, kind: PodDisruptionBudget, metadata: {name: min-two},
               spec: {minAvailable: 2, selector: {matchLabels: {app: web}}}}
    - inline: {apiVersion: policy/v1, kind: PodDisruptionBudget, metadata: {name: max-half},
               spec: {maxUnavailable: "50%", selector: {matchLabels: {app: web}}}}
    - inline: {apiVersion: policy/v1, kind: PodDisruptionBudget, metadata: {name: min-half},
               spec: {minAvailable: "50%", selector: {matchLabels: {app: web}}}}
    - inline: {apiVersion: v1, kind: Pod, metadata: {name: solo, labels: {app: solo}}, spec: {containers: [{name: c}]}}
    - inline: {apiVersion: policy/v1, kind: PodDisruptionBudget, metadata: {name: solo},
               spec: {minAvailable: 0, selector: {matchLabels: {app: solo}}},
               status: {disruptionsAllowed: 5, disruptedPods: {solo: "2024-01-01T00:00:00Z"}}}
    - inline: {apiVersion: policy/v1, kind: PodDisruptionBudget, metadata: {name: solo-max},
               spec: {maxUnavailable: 1, selector: {matchLabels: {app: solo}}}}
)";

api::PodDisruptionBudgetStatus Status(const cluster::Cluster& c, const std::string& name) {
  auto pdb = api::As<api::PodDisruptionBudget>(c.store().Get("/registry/poddisruptionbudgets/default/" + name));
  REQUIRE(pdb);
  return pdb->status;
}

TEST_CASE("Disruption: PodDisruptionBudget status follows pods becoming ready and going away", "[controller]") {
  auto run = testing::StartScenario(kScenario, "pdb.yaml");
  cluster::Cluster& c = *run.cluster;
  // Before the controller's first sync, the manifest's status holds.
  CHECK(Status(c, "solo").disruptions_allowed == 5);
  // Record how min-two's currentHealthy moved.
  std::vector<int32_t> healthy;
  c.components().api_server().Watch("PodDisruptionBudget", {}, [&](const apiserver::WatchEvent& e) {
    auto pdb = api::As<api::PodDisruptionBudget>(e.object);
    if (pdb && pdb->metadata.name == "min-two" && (healthy.empty() || healthy.back() != pdb->status.current_healthy)) {
      healthy.push_back(pdb->status.current_healthy);
    }
  });
  c.RunUntil(sim::Time::Zero() + sim::Duration::Minutes(1));
  CHECK(healthy.front() == 0);
  CHECK(healthy.back() == 3);
  CHECK(std::is_sorted(healthy.begin(), healthy.end()));
  auto min_two = Status(c, "min-two");
  CHECK(min_two.expected_pods == 3);
  CHECK(min_two.desired_healthy == 2);
  CHECK(min_two.current_healthy == 3);
  CHECK(min_two.disruptions_allowed == 1);
  CHECK(min_two.disruption_allowed == "True");
  CHECK(min_two.disruption_allowed_reason == "SufficientPods");
  CHECK(min_two.observed_generation == 1);
  // maxUnavailable 50% of the Deployment's 3: ceil(1.5) = 2 may be down, 1 must stay.
  auto max_half = Status(c, "max-half");
  CHECK(max_half.expected_pods == 3);
  CHECK(max_half.desired_healthy == 1);
  CHECK(max_half.disruptions_allowed == 2);
  // minAvailable 50% of 3: ceil(1.5) = 2.
  auto min_half = Status(c, "min-half");
  CHECK(min_half.expected_pods == 3);
  CHECK(min_half.desired_healthy == 2);
  CHECK(min_half.disruptions_allowed == 1);
  // solo is still in disruptedPods (recorded at 0, expires at 2 m): not healthy.
  auto solo = Status(c, "solo");
  CHECK(solo.current_healthy == 0);
  CHECK(solo.disruptions_allowed == 0);
  CHECK(solo.disrupted_pods.count("solo") == 1);
  // A bare pod under maxUnavailable has no scale: it does not count, and the budget says so.
  auto solo_max = Status(c, "solo-max");
  CHECK(solo_max.expected_pods == 0);
  CHECK(solo_max.disruptions_allowed == 0);

  // A web pod goes away: while it terminates, it no longer counts as healthy.
  std::string victim;
  for (const auto& obj : c.store().Range("/registry/pods/default/web").objects) victim = obj->metadata.name;
  REQUIRE_FALSE(victim.empty());
  c.DeleteObject("Pod", "default", victim, {});
  c.RunUntil(sim::Time::Zero() + sim::Duration::Milliseconds(60100));
  min_two = Status(c, "min-two");
  CHECK(min_two.current_healthy == 2);
  CHECK(min_two.disruptions_allowed == 0);
  CHECK(min_two.disruption_allowed_reason == "InsufficientPods");
  // Its replacement becomes ready and the terminated pod is gone; solo's entry has expired.
  c.RunUntil(sim::Time::Zero() + sim::Duration::Minutes(3));
  min_two = Status(c, "min-two");
  CHECK(min_two.current_healthy == 3);
  CHECK(min_two.expected_pods == 3);
  CHECK(min_two.disruptions_allowed == 1);
  solo = Status(c, "solo");
  CHECK(solo.disrupted_pods.empty());
  CHECK(solo.current_healthy == 1);
  CHECK(solo.disruptions_allowed == 1);
  int unmanaged = 0, not_deleted = 0;
  for (const auto& e : c.Results().events) {
    unmanaged += e.reason == "UnmanagedPods" && e.object == "PodDisruptionBudget/default/solo-max";
    not_deleted += e.reason == "NotDeleted" && e.object == "Pod/default/solo";
  }
  CHECK(unmanaged >= 1);
  CHECK(not_deleted == 1);
  CHECK(c.CheckInvariants() == std::vector<std::string>{});
}

TEST_CASE("ScaledValue rounds percentages as upstream GetScaledValueFromIntOrPercent", "[controller]") {
  CHECK(ScaledValue({5, false}, 10, true) == 5);
  CHECK(ScaledValue({50, true}, 3, true) == 2);
  CHECK(ScaledValue({50, true}, 3, false) == 1);
  CHECK(ScaledValue({10, true}, 0, true) == 0);
  CHECK(ScaledValue({100, true}, 7, true) == 7);
  CHECK(ScaledValue({1, true}, 1, true) == 1);
}

TEST_CASE("Disruption: a StatefulSet's replicas are the scale of a percentage budget", "[controller]") {
  auto run = testing::StartScenario(testing::ScenarioHead().Duration("2m").Nodes(2).Yaml() + R"(    - inline:
        apiVersion: apps/v1
        kind: StatefulSet
        metadata: {name: db}
        spec:
          replicas: 4
          podManagementPolicy: Parallel
          serviceName: db
          selector: {matchLabels: {app: db}}
          template:
            metadata: {labels: {app: db}}
            spec: {containers: [{name: c, image: postgres}]}
    - inline: {apiVersion: policy/v1, kind: PodDisruptionBudget, metadata: {name: db},
               spec: {maxUnavailable: "25%", selector: {matchLabels: {app: db}}}}
)",
                                    "sts-pdb.yaml");
  cluster::Cluster& c = *run.cluster;
  c.Run();
  api::PodDisruptionBudgetStatus st = Status(c, "db");
  CHECK(st.expected_pods == 4);    // the StatefulSet's replicas, not "unmanaged"
  CHECK(st.desired_healthy == 3);  // 4 − ceil(25% × 4)
  CHECK(st.current_healthy == 4);
  CHECK(st.disruptions_allowed == 1);
}

}  // namespace
}  // namespace kubesim::controllers
