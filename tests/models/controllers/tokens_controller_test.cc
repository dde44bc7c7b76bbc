// The serviceaccount-token controller through whole runs: a token Secret naming an existing
// ServiceAccount is populated; one naming a missing account, or recording another UID, is
// deleted (upstream syncSecret after its live lookup); tokens go with their ServiceAccount.
#include <algorithm>
#include <catch2/catch.hpp>

#include "models/api/kinds.h"
#include "models/cluster/components.h"
#include "models/controllers/legacy_token.h"
#include "models/scenario/scenario.h"
#include "tests/support/scenario_run.h"

namespace kubesim::controllers {
namespace {

const std::string kScenario = testing::ScenarioHead().Duration("2m").Yaml() +
                              R"(    - inline: {apiVersion: v1, kind: Namespace, metadata: {name: team}}
    - inline: {apiVersion: v1, kind: ServiceAccount, metadata: {name: builder, namespace: team}}
    - inline:
        apiVersion: v1
        kind: Secret
        type: kubernetes.io/service-account-token
        metadata: {name: builder-token, namespace: team, annotations: {kubernetes.io/service-account.name: builder}}
    - inline:
        apiVersion: v1
        kind: Secret
        type: kubernetes.io/service-account-token
        metadata: {name: orphan-token, namespace: team, annotations: {kubernetes.io/service-account.name: nobody}}
    - inline:
        apiVersion: v1
        kind: Secret
        type: kubernetes.io/service-account-token
        metadata:
          name: stale-token
          namespace: team
          annotations: {kubernetes.io/service-account.name: builder,
                        kubernetes.io/service-account.uid: from-another-cluster}
    - inline: {apiVersion: v1, kind: Secret, metadata: {name: plain, namespace: team}, stringData: {k: v}}
  timeline:
    - at: 1m
      delete: {kind: ServiceAccount, namespace: team, name: builder}
)";

std::shared_ptr<const api::Secret> GetSecret(const cluster::Cluster& c, const std::string& name) {
  return api::As<api::Secret>(c.store().Get("/registry/secrets/team/" + name));
}

TEST_CASE("Tokens controller populates a token Secret and deletes it with its ServiceAccount", "[controller]") {
  auto run = testing::StartScenario(kScenario, "tokens.yaml");
  cluster::Cluster& c = *run.cluster;
  c.RunUntil(sim::Time::Zero() + sim::Duration::Seconds(30));

  auto sa = c.store().Get("/registry/serviceaccounts/team/builder");
  REQUIRE(sa);
  auto token = GetSecret(c, "builder-token");
  REQUIRE(token);
  CHECK(token->data.at("namespace") == "team");
  CHECK(token->data.at("ca.crt") == kFakeRootCA);
  CHECK(token->data.at("token") == LegacyServiceAccountToken("team", "builder", sa->metadata.uid, "builder-token"));
  CHECK(token->metadata.annotations.at(api::kServiceAccountUidKey) == sa->metadata.uid);
  // Three dot-separated parts, as a JWT.
  CHECK(std::count(token->data.at("token").begin(), token->data.at("token").end(), '.') == 2);
  // A token naming a ServiceAccount that does not exist is deleted; other Secrets are left alone.
  CHECK_FALSE(GetSecret(c, "orphan-token"));
  // So is one recording another incarnation's UID.
  CHECK_FALSE(GetSecret(c, "stale-token"));
  auto plain = GetSecret(c, "plain");
  REQUIRE(plain);
  CHECK(plain->data.at("k") == "v");

  c.RunUntil(sim::Time::Zero() + sim::Duration::Seconds(70));
  CHECK_FALSE(c.store().Get("/registry/serviceaccounts/team/builder"));
  CHECK_FALSE(GetSecret(c, "builder-token"));
  CHECK(GetSecret(c, "plain"));
}

TEST_CASE("Legacy service account tokens are a stable function of their claims", "[controller]") {
  std::string a = LegacyServiceAccountToken("ns", "sa", "uid-1", "s");
  CHECK(a == LegacyServiceAccountToken("ns", "sa", "uid-1", "s"));
  CHECK(a != LegacyServiceAccountToken("ns", "sa", "uid-2", "s"));
  CHECK(a.rfind("eyJ", 0) == 0);  // base64url of '{"'
  // Pinned: the stand-in signature (FNV-1a 64 seeded 0..3, sim/hash.h) is part of the stored
  // Secrets; runs stay byte-identical only while it is.
  CHECK(a.substr(a.rfind('.') + 1) == "r7M4SXgw1Yt8gar0R58THUm97CiHWu4v1s5KXOrDWKk");
}

}  // namespace
}  // namespace kubesim::controllers
