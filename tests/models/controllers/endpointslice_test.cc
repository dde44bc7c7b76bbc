// The EndpointSlice controller and the kube-proxy model through whole runs: ready pods appear in
// their Service's slice, deleting pods show terminating, slices split at 100 endpoints, and every
// node's kube-proxy programs an endpoint some time after it is published.
#include "models/controllers/endpointslice.h"

#include <catch2/catch.hpp>
#include <map>

#include "models/api/kinds.h"
#include "models/cluster/components.h"
#include "models/scenario/scenario.h"
#include "tests/support/scenario_run.h"

namespace kubesim::controllers {
namespace {

std::string Scenario(int replicas) {
  return testing::ScenarioHead()
             .Duration("2m")
             .Nodes(3)
             .NodeLabels(R"(topology.kubernetes.io/zone: "zone-{{i}}")")
             .NodeCapacity(R"(cpu: "64", memory: 64Gi, pods: "200")")
             .Yaml() +
         R"(    - inline: {apiVersion: v1, kind: Service, metadata: {name: web}, spec: {selector: {app: web}}}
    - inline:
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: web}
        spec:
          replicas: )" +
         std::to_string(replicas) + R"(
          selector: {matchLabels: {app: web}}
          template:
            # The process ignores SIGTERM: pods take their whole 30 s grace period to stop.
            metadata: {labels: {app: web}, annotations: {kubesim.io/sigterm-exit-after: 1h}}
            spec: {containers: [{name: c, image: nginx}]}
)";
}

std::vector<std::shared_ptr<const api::EndpointSlice>> Slices(const cluster::Cluster& c) {
  std::vector<std::shared_ptr<const api::EndpointSlice>> out;
  for (const auto& obj : c.store().Range("/registry/endpointslices/default/").objects) {
    out.push_back(api::As<api::EndpointSlice>(obj));
  }
  return out;
}

std::unique_ptr<cluster::Cluster> StartRun(std::unique_ptr<scenario::Scenario>* keep, const std::string& text) {
  auto sc = scenario::LoadScenarioFromString(text, "eps.yaml");
  INFO((sc.ok() ? "" : sc.status().message()));
  REQUIRE(sc.ok());
  *keep = std::make_unique<scenario::Scenario>(std::move(sc).value());
  auto c = std::make_unique<cluster::Cluster>(**keep);
  REQUIRE(c->Start().ok());
  return c;
}

TEST_CASE("EndpointSlice: ready pods appear ready, a deleting pod shows terminating, kube-proxy lags", "[controller]") {
  std::unique_ptr<scenario::Scenario> sc;
  auto c = StartRun(&sc, Scenario(2));
  c->RunUntil(sim::Time::Zero() + sim::Duration::Seconds(30));
  auto slices = Slices(*c);
  REQUIRE(slices.size() == 1);
  const auto& slice = *slices[0];
  CHECK(slice.metadata.labels.at(kLabelServiceName) == "web");
  CHECK(slice.metadata.labels.at(kLabelManagedBy) == "endpointslice-controller.k8s.io");
  CHECK_THAT(slice.metadata.name, Catch::StartsWith("web-"));
  REQUIRE(slice.metadata.owner_references.size() == 1);
  CHECK(slice.metadata.owner_references[0].kind == "Service");
  CHECK(slice.address_type == "IPv4");
  REQUIRE(slice.endpoints.size() == 2);
  for (const auto& ep : slice.endpoints) {
    CHECK(ep.conditions.ready == true);
    CHECK(ep.conditions.serving == true);
    CHECK(ep.conditions.terminating == false);
    CHECK(ep.target_ref.kind == "Pod");
    REQUIRE_FALSE(ep.node_name.empty());
    CHECK(ep.zone == "zone-" + ep.node_name.substr(1));
    REQUIRE(ep.addresses.size() == 1);
    CHECK_THAT(ep.addresses[0], Catch::StartsWith("10."));
  }
  // Every node's kube-proxy programmed both endpoints, 50 ms (one sync) or more after they were
  // committed ready, and within a min-sync-period of it.
  const auto& records = c->components().endpoint_tracker().records();
  REQUIRE(records.size() == 2);
  for (const auto& [uid, r] : records) {
    INFO(r.pod_ref);
    REQUIRE(r.ready_in_slice);
    REQUIRE(r.programmed_all);
    CHECK(r.nodes.size() == 3);
    sim::Duration lag = *r.programmed_all - *r.ready_in_slice;
    CHECK(lag >= sim::Duration::Milliseconds(55));  // watch delay 5 ms + sync 50 ms
    CHECK(lag <= sim::Duration::Milliseconds(1055));
    for (const char* node : {"n0", "n1", "n2"}) CHECK(c->components().kube_proxy(node)->programmed().count(uid) == 1);
  }
  int programmed_events = 0;
  for (const auto& e : c->Results().events) {
    if (e.reason != "EndpointProgrammed") continue;
    ++programmed_events;
    CHECK_THAT(e.message, Catch::StartsWith("Endpoint programmed on all 3 nodes at "));
  }
  CHECK(programmed_events == 2);

  // Delete one pod: it stays in the slice during its grace period, terminating and not ready.
  const std::string victim = slice.endpoints[0].target_ref.name;
  c->DeleteObject("Pod", "default", victim, {});
  c->RunUntil(sim::Time::Zero() + sim::Duration::Milliseconds(30100));
  slices = Slices(*c);
  REQUIRE(slices.size() == 1);
  bool seen = false;
  for (const auto& ep : slices[0]->endpoints) {
    if (ep.target_ref.name != victim) continue;
    seen = true;
    CHECK(ep.conditions.terminating == true);
    CHECK(ep.conditions.ready == false);
    CHECK(ep.conditions.serving == true);
  }
  CHECK(seen);
  c->RunUntil(sim::Time::Zero() + sim::Duration::Seconds(90));
  // Gone after the grace period; the replacement is listed ready.
  slices = Slices(*c);
  REQUIRE(slices.size() == 1);
  REQUIRE(slices[0]->endpoints.size() == 2);
  for (const auto& ep : slices[0]->endpoints) {
    CHECK(ep.target_ref.name != victim);
    CHECK(ep.conditions.ready == true);
  }
  CHECK(c->CheckInvariants() == std::vector<std::string>{});
}

TEST_CASE("EndpointSlice: at most 100 endpoints per slice, and the slices go with their Service", "[controller]") {
  std::unique_ptr<scenario::Scenario> sc;
  auto c = StartRun(&sc, Scenario(250) + R"(  timeline:
    - at: 1m
      delete: {kind: Service, name: web}
)");
  c->RunUntil(sim::Time::Zero() + sim::Duration::Seconds(55));
  auto slices = Slices(*c);
  REQUIRE(slices.size() == 3);
  size_t total = 0;
  for (const auto& s : slices) {
    CHECK(s->endpoints.size() <= EndpointSliceController::kMaxEndpointsPerSlice);
    total += s->endpoints.size();
  }
  CHECK(total == 250);
  // A pod going away rewrites only the slice it is in (upstream's reconciler keeps every other
  // endpoint where it is).
  std::map<std::string, int64_t> versions;
  for (const auto& s : slices) versions[s->metadata.name] = s->metadata.resource_version;
  const std::string victim = slices[1]->endpoints[7].target_ref.name;
  c->DeleteObject("Pod", "default", victim, {});
  c->RunUntil(sim::Time::Zero() + sim::Duration::Milliseconds(55100));
  int changed = 0;
  for (const auto& s : Slices(*c)) {
    REQUIRE(versions.count(s->metadata.name));
    if (s->metadata.resource_version == versions[s->metadata.name]) continue;
    ++changed;
    CHECK(s->metadata.name == slices[1]->metadata.name);
  }
  CHECK(changed == 1);
  c->Run();
  CHECK(Slices(*c).empty());  // the garbage collector removed the Service's slices
}

TEST_CASE("kube-proxy settings come from the scenario, with located errors", "[scenario]") {
  std::string text = Scenario(1);
  text.replace(text.find("  objects:"), 0, "  kubeProxy: {minSyncPeriod: 2s, syncDuration: 300ms}\n");
  auto sc = scenario::LoadScenarioFromString(text, "eps.yaml");
  INFO((sc.ok() ? "" : sc.status().message()));
  REQUIRE(sc.ok());
  CHECK(sc->settings.kube_proxy.min_sync_period == sim::Duration::Seconds(2));
  CHECK(sc->settings.kube_proxy.sync_duration == sim::Duration::Milliseconds(300));
  cluster::Cluster c(*sc);
  REQUIRE(c.Start().ok());
  c.Run();
  const auto& records = c.components().endpoint_tracker().records();
  REQUIRE(records.size() == 1);
  const auto& r = records.begin()->second;
  REQUIRE(r.programmed_all);
  CHECK(*r.programmed_all - *r.ready_in_slice >= sim::Duration::Milliseconds(305));
  std::string bad = Scenario(1);
  bad.replace(bad.find("  objects:"), 0, "  kubeProxy: {syncPeriod: 1s}\n");
  auto err = scenario::LoadScenarioFromString(bad, "eps.yaml");
  REQUIRE_FALSE(err.ok());
  CHECK_THAT(err.status().message(), Catch::StartsWith("eps.yaml:6:15: spec.kubeProxy.syncPeriod: unknown field"));
}

}  // namespace
}  // namespace kubesim::controllers
