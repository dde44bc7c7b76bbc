// Determinism with the whole kube-controller-manager at work: garbage collection, disruption
// budgets, EndpointSlices, kube-proxy, namespace deletion and service accounts in one scenario,
// run twice with one seed (identical outputs) and once with another (a different run).
#include <catch2/catch.hpp>

#include "models/cluster/components.h"
#include "models/report/writers.h"
#include "models/scenario/scenario.h"
#include "tests/support/scenario_run.h"

namespace kubesim::cluster {
namespace {

const std::string kScenario = testing::ScenarioHead()
                                  .Duration("4m")
                                  .CalibratedApiLatency()
                                  .Nodes(4)
                                  .NodeLabels(R"(topology.kubernetes.io/zone: "z{{i}}")")
                                  .NodeCapacity(R"(cpu: "8", memory: 32Gi, pods: "110")")
                                  .Yaml() +
                              R"(    - inline: {apiVersion: v1, kind: Namespace, metadata: {name: shop}}
    - inline: {apiVersion: v1, kind: Namespace, metadata: {name: batch}}
    - inline: {apiVersion: v1, kind: Service, metadata: {name: web, namespace: shop}, spec: {selector: {app: web}}}
    - inline: {apiVersion: policy/v1, kind: PodDisruptionBudget, metadata: {name: web, namespace: shop},
               spec: {maxUnavailable: "25%", selector: {matchLabels: {app: web}}}}
    - inline:
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: web, namespace: shop}
        spec:
          replicas: 12
          selector: {matchLabels: {app: web}}
          template:
            metadata: {labels: {app: web}}
            spec: {containers: [{name: c, image: nginx, resources: {requests: {cpu: 100m}}}]}
    - inline:
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: worker, namespace: batch}
        spec:
          replicas: 6
          selector: {matchLabels: {app: worker}}
          template:
            metadata: {labels: {app: worker}}
            spec: {containers: [{name: c, image: busybox, resources: {requests: {cpu: 100m}}}]}
  timeline:
    - at: 1m
      delete: {kind: Deployment, namespace: shop, name: web, propagationPolicy: Foreground}
    - at: 2m
      delete: {kind: Namespace, name: batch}
)";

TEST_CASE("Determinism: GC, disruption, EndpointSlice, kube-proxy and namespace controllers repeat exactly",
          "[golden]") {
  auto sc = scenario::LoadScenarioFromString(kScenario, "cp.yaml");
  INFO((sc.ok() ? "" : sc.status().message()));
  REQUIRE(sc.ok());
  auto run = [&](uint64_t seed) {
    Cluster c(*sc, RunOptions{seed, {}});
    REQUIRE(c.Start().ok());
    c.Run();
    CHECK(c.CheckInvariants() == std::vector<std::string>{});
    return c.Results();
  };
  report::RunResults a = run(7), b = run(7), other = run(8);
  CHECK(a.fingerprint == b.fingerprint);
  CHECK(report::SummaryJson(a) + report::PodsCsv(a) + report::EventsJsonl(a) ==
        report::SummaryJson(b) + report::PodsCsv(b) + report::EventsJsonl(b));
  CHECK(a.fingerprint != other.fingerprint);
  // The run did what the timeline asked: shop's web and batch are gone, shop's Service stays.
  CHECK(a.objects_by_kind["Deployment"] == 0);
  CHECK(a.objects_by_kind["ReplicaSet"] == 0);
  CHECK(a.objects_by_kind["Pod"] == 0);
  CHECK(a.objects_by_kind["Namespace"] == 1);
  CHECK(a.objects_by_kind["Service"] == 1);
  CHECK(a.objects_by_kind["EndpointSlice"] == 1);
  CHECK(a.objects_by_kind["ServiceAccount"] == 1);
  int programmed = 0;
  for (const auto& e : a.events) programmed += e.reason == "EndpointProgrammed";
  CHECK(programmed == 12);
}

}  // namespace
}  // namespace kubesim::cluster
