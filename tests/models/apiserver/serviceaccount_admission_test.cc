// ServiceAccount admission (plugin/pkg/admission/serviceaccount): serviceAccountName defaulted,
// a missing account refused with upstream's message, a namespace's `default` awaited while
// its controller creates it, and kubesim's implicit namespaces and initial state.
#include <catch2/catch.hpp>

#include "models/api/kinds.h"
#include "models/api/pod.h"
#include "models/apiserver/admission.h"
#include "models/cluster/components.h"
#include "models/scenario/scenario.h"
#include "tests/support/scenario_run.h"

namespace kubesim::apiserver {
namespace {

api::Pod MakePod(const std::string& ns, const std::string& sa) {
  api::Pod p;
  p.kind = "Pod";
  p.metadata.name = "p";
  p.metadata.namespace_ = ns;
  p.spec.service_account_name = sa;
  return p;
}

void Put(etcd::MvccStore& store, const std::string& key, std::shared_ptr<api::Object> o) {
  REQUIRE(store.Create(key, std::move(o)).error == etcd::StoreError::kOk);
}

TEST_CASE("ServiceAccount admission defaults and looks up the service account", "[apiserver]") {
  etcd::MvccStore store;
  auto ns = std::make_shared<api::Namespace>();
  ns->kind = "Namespace";
  ns->metadata.name = "team";
  Put(store, "/registry/namespaces/team", ns);

  // An implicit namespace (no Namespace object) has its `default`.
  api::Pod implicit = MakePod("default", "");
  REQUIRE(RunAdmission(implicit, store).ok);
  CHECK(implicit.spec.service_account_name == "default");
  CHECK_FALSE(AwaitsDefaultServiceAccount(implicit, store));

  // A declared namespace whose `default` the controller has not made yet: refused after the
  // lookups, which the API server spaces out.
  api::Pod early = MakePod("team", "");
  CHECK(AwaitsDefaultServiceAccount(early, store));
  AdmissionResult r = RunAdmission(early, store);
  CHECK_FALSE(r.ok);
  CHECK(r.code == 403);
  CHECK(r.message ==
        "pods \"p\" is forbidden: error looking up service account team/default: serviceaccount \"default\" not found");
  // The initial state is a running cluster's: its pods may name `default` before it is written.
  api::Pod initial = MakePod("team", "");
  AdmissionOptions boot;
  boot.bootstrap = true;
  CHECK(RunAdmission(initial, store, boot).ok);

  auto sa = std::make_shared<api::ServiceAccount>();
  sa->kind = "ServiceAccount";
  sa->metadata.name = "default";
  sa->metadata.namespace_ = "team";
  Put(store, "/registry/serviceaccounts/team/default", sa);
  api::Pod later = MakePod("team", "");
  CHECK_FALSE(AwaitsDefaultServiceAccount(later, store));
  CHECK(RunAdmission(later, store).ok);

  // Any other account must exist, in every namespace and also in the initial state; the request
  // name is printed (a generateName prefix when the server generates the name).
  api::Pod unknown = MakePod("default", "builder");
  AdmissionOptions named;
  named.request_name = "web-";
  named.bootstrap = true;
  AdmissionResult u = RunAdmission(unknown, store, named);
  CHECK_FALSE(u.ok);
  CHECK(u.message ==
        "pods \"web-\" is forbidden: error looking up service account default/builder: serviceaccount \"builder\" not "
        "found");
  CHECK_FALSE(AwaitsDefaultServiceAccount(unknown, store));
}

const std::string kScenario =
    testing::ScenarioHead().Duration("1m").Yaml() + R"(    - inline: {apiVersion: v1, kind: Node,
               metadata: {name: n0}, status: {capacity: {cpu: "4", memory: 16Gi, pods: "110"}}}
    - inline: {apiVersion: v1, kind: Pod, metadata: {name: first}, spec: {containers: [{name: c, image: nginx}]}}
  timeline:
    - at: 10s
      create:
        inline: {apiVersion: v1, kind: Pod, metadata: {name: ghost}, spec: {serviceAccountName: missing,
                 containers: [{name: c, image: nginx}]}}
    - at: 20s
      create:
        inline: {apiVersion: v1, kind: Namespace, metadata: {name: team}}
    - at: 20s
      create:
        inline: {apiVersion: v1, kind: Pod, metadata: {name: eager, namespace: team}, spec: {containers: [{name: c,
                 image: nginx}]}}
)";

TEST_CASE("ServiceAccount admission in whole runs", "[apiserver]") {
  auto run = testing::StartScenario(kScenario, "sa.yaml");
  cluster::Cluster& c = *run.cluster;
  c.Run();
  auto first = api::As<api::Pod>(c.store().Get("/registry/pods/default/first"));
  REQUIRE(first);
  CHECK(first->spec.service_account_name == "default");
  // The unknown account: the timeline's create fails with upstream's message.
  CHECK_FALSE(c.store().Get("/registry/pods/default/ghost"));
  bool failed = false;
  for (const auto& e : c.Results().events) {
    if (e.reason == "FailedCreate" && e.object == "Pod/default/ghost") {
      failed = true;
      CHECK(e.message ==
            "pods \"ghost\" is forbidden: error looking up service account default/missing: "
            "serviceaccount \"missing\" not found");
    }
  }
  CHECK(failed);
  // A pod created together with its namespace waits for the `default` account and is stored.
  auto eager = api::As<api::Pod>(c.store().Get("/registry/pods/team/eager"));
  REQUIRE(eager);
  CHECK(eager->spec.service_account_name == "default");
  auto sa = c.store().Get("/registry/serviceaccounts/team/default");
  REQUIRE(sa);
  CHECK(sa->metadata.resource_version < eager->metadata.resource_version);
  CHECK(eager->metadata.creation_timestamp > sim::Time::Zero() + sim::Duration::Milliseconds(20100));
}

TEST_CASE("A scenario pod naming a missing service account is a located error", "[apiserver]") {
  const char* bad = R"(apiVersion: kubesim.io/v1alpha1
kind: Scenario
spec:
  duration: 1m
  objects:
    - inline: {apiVersion: v1, kind: Pod, metadata: {name: p}, spec: {serviceAccountName: builder,
               containers: [{name: c, image: nginx}]}}
)";
  auto sc = scenario::LoadScenarioFromString(bad, "bad.yaml");
  REQUIRE(sc.ok());
  cluster::Cluster c(*sc);
  sim::Status st = c.Start();
  REQUIRE_FALSE(st.ok());
  CHECK_THAT(st.message(), Catch::Matchers::StartsWith("bad.yaml:6:"));
  CHECK_THAT(st.message(), Catch::Matchers::Contains("serviceaccount \"builder\" not found"));
}

}  // namespace
}  // namespace kubesim::apiserver
