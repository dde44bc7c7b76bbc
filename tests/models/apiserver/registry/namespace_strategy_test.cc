// The namespace registry, after upstream's pkg/registry/core/namespace/storage/storage_test.go
// (kubernetes/kubernetes @ v1.32). Like upstream, most cases store a namespace directly in etcd,
// past the create strategy, to start from a given deletion state. kubesim has no
// namespaces/finalize subresource: the namespace controller finalizes through a plain update, so
// the TestFinalize… cases use Update.
#include "models/apiserver/registry/namespace_strategy.h"

#include <catch2/catch.hpp>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "models/api/kinds.h"
#include "models/apiserver/registry/store.h"

namespace kubesim::apiserver::registry {
namespace {

using sim::Duration;
using sim::Time;
using Finalizers = std::vector<std::string>;

struct Fixture {
  sim::Simulation sim{1};
  etcd::MvccStore etcd;
  Store store{sim, etcd};

  // A namespace `foo` being deleted since t=0, stored as is.
  void StoreDeleting(Finalizers spec_finalizers, Finalizers finalizers, const std::string& name = "foo") {
    auto ns = MakeNamespace(name);
    ns->metadata.deletion_timestamp = Time();
    ns->spec_finalizers = std::move(spec_finalizers);
    ns->metadata.finalizers = std::move(finalizers);
    ns->phase = "Active";
    REQUIRE(etcd.Create(Store::Key("Namespace", "", name), ns).error == etcd::StoreError::kOk);
  }
  std::shared_ptr<const api::Namespace> Get(const std::string& name = "foo") {
    return api::As<api::Namespace>(etcd.Get(Store::Key("Namespace", "", name)));
  }
  std::shared_ptr<api::Namespace> Edit(const std::string& name = "foo") { return Get(name)->DeepCopy(); }

  static std::shared_ptr<api::Namespace> MakeNamespace(const std::string& name) {
    auto ns = std::make_shared<api::Namespace>();
    ns->api_version = "v1";
    ns->kind = "Namespace";
    ns->metadata.name = name;
    return ns;
  }
};

const std::string kKubernetes = api::kFinalizerKubernetes;

TEST_CASE("TestCreateSetsFields", "[apiserver]") {
  Fixture f;
  auto ns = Fixture::MakeNamespace("foo");
  ns->phase = "Terminating";
  REQUIRE(f.store.Create(ns).code == Code::kCreated);
  auto actual = f.Get();
  REQUIRE(actual != nullptr);
  CHECK_FALSE(actual->metadata.uid.empty());
  CHECK(actual->phase == "Active");
  CHECK(actual->spec_finalizers == Finalizers{kKubernetes});
}

TEST_CASE("TestDeleteNamespaceWithIncompleteFinalizers", "[apiserver]") {
  Fixture f;
  f.StoreDeleting({kKubernetes}, {});
  Response r = f.store.Delete("Namespace", "", "foo", {});
  CHECK(r.code == Code::kOk);
  REQUIRE(r.object != nullptr);
  CHECK(r.object->metadata.name == "foo");
  // Still there, now Terminating.
  REQUIRE(f.Get() != nullptr);
  CHECK(f.Get()->phase == "Terminating");
  CHECK(f.Get()->metadata.deletion_timestamp == Time());
}

TEST_CASE("TestUpdateDeletingNamespaceWithIncompleteMetadataFinalizers", "[apiserver]") {
  Fixture f;
  f.StoreDeleting({}, {"example.com/foo"});
  CHECK(f.store.Update(f.Edit()).code == Code::kOk);
  CHECK(f.Get() != nullptr);
}

TEST_CASE("TestUpdateDeletingNamespaceWithIncompleteSpecFinalizers", "[apiserver]") {
  Fixture f;
  f.StoreDeleting({kKubernetes}, {});
  CHECK(f.store.Update(f.Edit()).code == Code::kOk);
  CHECK(f.Get() != nullptr);
}

TEST_CASE("TestUpdateDeletingNamespaceWithCompleteFinalizers", "[apiserver]") {
  Fixture f;
  f.StoreDeleting({}, {"example.com/foo"});
  auto ns = f.Edit();
  ns->metadata.finalizers.clear();
  CHECK(f.store.Update(ns).code == Code::kOk);
  CHECK(f.Get() == nullptr);
}

TEST_CASE("TestFinalizeDeletingNamespaceWithCompleteFinalizers", "[apiserver]") {
  Fixture f;
  f.StoreDeleting({kKubernetes}, {});
  auto ns = f.Edit();
  ns->spec_finalizers.clear();
  CHECK(f.store.Update(ns).code == Code::kOk);
  CHECK(f.Get() == nullptr);
}

TEST_CASE("TestFinalizeDeletingNamespaceWithIncompleteMetadataFinalizers", "[apiserver]") {
  Fixture f;
  f.StoreDeleting({kKubernetes}, {"example.com/foo"});
  auto ns = f.Edit();
  ns->spec_finalizers.clear();
  CHECK(f.store.Update(ns).code == Code::kOk);
  CHECK(f.Get() != nullptr);
}

TEST_CASE("TestDeleteNamespaceWithCompleteFinalizers", "[apiserver]") {
  Fixture f;
  f.StoreDeleting({}, {});
  CHECK(f.store.Delete("Namespace", "", "foo", {}).code == Code::kOk);
  CHECK(f.Get() == nullptr);
}

TEST_CASE("TestDeleteWithGCFinalizers", "[apiserver]") {
  // Upstream's cases with propagationPolicy (its OrphanDependents cases have no counterpart: kubesim
  // has only the policy). Each namespace has no spec finalizers; when no finalizer remains it is
  // deleted.
  const std::string orphan = api::kFinalizerOrphan;
  const std::string foreground = api::kFinalizerForegroundDeletion;
  struct Case {
    const char* name;
    std::optional<PropagationPolicy> policy;
    Finalizers existing;
    Finalizers remaining;
  };
  const Case cases[] = {
      {"nil-with-orphan", std::nullopt, {orphan}, {orphan}},
      {"nil-with-delete", std::nullopt, {foreground}, {foreground}},
      {"nil-without-finalizers", std::nullopt, {}, {}},
      {"propagation-background-with-orphan", PropagationPolicy::kBackground, {orphan}, {}},
      {"propagation-background-with-delete", PropagationPolicy::kBackground, {foreground}, {}},
      {"propagation-background-without-finalizers", PropagationPolicy::kBackground, {}, {}},
      {"propagation-foreground-with-orphan", PropagationPolicy::kForeground, {orphan}, {foreground}},
      {"propagation-foreground-with-delete", PropagationPolicy::kForeground, {foreground}, {foreground}},
      {"propagation-foreground-without-finalizers", PropagationPolicy::kForeground, {}, {foreground}},
      {"propagation-orphan-with-orphan", PropagationPolicy::kOrphan, {orphan}, {orphan}},
      {"propagation-orphan-with-delete", PropagationPolicy::kOrphan, {foreground}, {orphan}},
      {"propagation-orphan-without-finalizers", PropagationPolicy::kOrphan, {}, {orphan}},
  };
  Fixture f;
  for (const Case& c : cases) {
    INFO(c.name);
    auto ns = Fixture::MakeNamespace(c.name);
    ns->metadata.finalizers = c.existing;
    ns->phase = "Active";
    REQUIRE(f.etcd.Create(Store::Key("Namespace", "", c.name), ns).error == etcd::StoreError::kOk);
    DeleteOptions opts;
    opts.propagation_policy = c.policy;
    Response r = f.store.Delete("Namespace", "", c.name, opts);
    REQUIRE(r.code == Code::kOk);
    if (c.remaining.empty()) {
      CHECK(f.Get(c.name) == nullptr);
      continue;
    }
    REQUIRE(r.object != nullptr);
    CHECK(r.object->metadata.finalizers == c.remaining);
    REQUIRE(f.Get(c.name) != nullptr);
    CHECK(f.Get(c.name)->phase == "Terminating");
  }
}

TEST_CASE("NamespaceLifecycle: default, kube-system and kube-public may not be deleted", "[apiserver]") {
  Fixture f;
  for (const char* name : {"default", "kube-system", "kube-public"}) {
    INFO(name);
    REQUIRE(f.store.Create(Fixture::MakeNamespace(name)).code == Code::kCreated);
    Response r = f.store.Delete("Namespace", "", name, {});
    CHECK(r.code == Code::kForbidden);
    CHECK(r.reason == "Forbidden");
    CHECK(r.message == "namespaces \"" + std::string(name) + "\" is forbidden: this namespace may not be deleted");
    CHECK(f.Get(name)->phase == "Active");
  }
}

TEST_CASE("Namespace delete: Terminating with deletionTimestamp now, and a repeat writes nothing", "[apiserver]") {
  Fixture f;
  REQUIRE(f.store.Create(Fixture::MakeNamespace("foo")).code == Code::kCreated);
  f.sim.RunUntil(Time() + Duration::Seconds(4));
  REQUIRE(f.store.Delete("Namespace", "", "foo", {}).code == Code::kOk);
  auto ns = f.Get();
  REQUIRE(ns != nullptr);
  CHECK(ns->phase == "Terminating");
  CHECK(ns->metadata.deletion_timestamp == Time() + Duration::Seconds(4));
  CHECK(ns->metadata.deletion_grace_period_seconds == 0);
  CHECK(ns->spec_finalizers == Finalizers{kKubernetes});

  const int64_t rv = f.etcd.revision();
  f.sim.RunUntil(Time() + Duration::Seconds(9));
  Response again = f.store.Delete("Namespace", "", "foo", {});
  CHECK(again.code == Code::kOk);
  CHECK(again.resource_version == rv);
  CHECK(f.etcd.revision() == rv);
}

}  // namespace
}  // namespace kubesim::apiserver::registry
