// The generic registry store, after upstream's tests of it
// (kubernetes/kubernetes staging/src/k8s.io/apiserver/pkg/registry/generic/registry/store_test.go
// @ v1.32): deletion, finalizers and propagationPolicy on a Store over the etcd model, with no
// request latency. Upstream's tests run with a test strategy; here a ConfigMap (no graceful
// deletion, no status) stands for its default strategy and a bound Pod for its graceful one.
// Upstream also checks that marking an object deleted increases metadata.generation; kubesim does
// not, so those checks are not ported.
#include "models/apiserver/registry/store.h"

#include <catch2/catch.hpp>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "models/api/kinds.h"
#include "models/api/pod.h"

namespace kubesim::apiserver::registry {
namespace {

using sim::Duration;
using sim::Time;
using Finalizers = std::vector<std::string>;

struct Fixture {
  sim::Simulation sim{1};
  etcd::MvccStore etcd;
  Store store{sim, etcd};

  api::ObjectPtr Get(const std::string& kind, const std::string& name) {
    return etcd.Get(Store::Key(kind, "test", name));
  }
};

std::shared_ptr<api::ConfigMap> MakeConfigMap(const std::string& name, Finalizers finalizers = {}) {
  auto cm = std::make_shared<api::ConfigMap>();
  cm->api_version = "v1";
  cm->kind = "ConfigMap";
  cm->metadata.name = name;
  cm->metadata.namespace_ = "test";
  cm->metadata.finalizers = std::move(finalizers);
  return cm;
}

std::shared_ptr<api::Pod> MakePod(const std::string& name, const std::string& node, Finalizers finalizers = {}) {
  auto p = std::make_shared<api::Pod>();
  p->api_version = "v1";
  p->kind = "Pod";
  p->metadata.name = name;
  p->metadata.namespace_ = "test";
  p->metadata.finalizers = std::move(finalizers);
  p->spec.node_name = node;
  return p;
}

DeleteOptions Propagation(std::optional<PropagationPolicy> policy) {
  DeleteOptions opts;
  opts.propagation_policy = policy;
  return opts;
}

TEST_CASE("TestStoreDelete", "[apiserver]") {
  Fixture f;
  Response missing = f.store.Delete("Pod", "test", "foo", {});
  CHECK(missing.code == Code::kNotFound);
  CHECK(missing.message == "pods \"foo\" not found");

  REQUIRE(f.store.Create(MakePod("foo", "")).code == Code::kCreated);
  Response deleted = f.store.Delete("Pod", "test", "foo", {});
  CHECK(deleted.code == Code::kOk);  // an unbound pod goes at once
  CHECK(f.Get("Pod", "foo") == nullptr);
}

TEST_CASE("TestStoreGracefulDeleteWithResourceVersion", "[apiserver]") {
  Fixture f;
  REQUIRE(f.store.Delete("Pod", "test", "foo", DeleteOptions{0, 0}).code == Code::kNotFound);
  Response created = f.store.Create(MakePod("foo", "machine"));
  REQUIRE(created.code == Code::kCreated);

  CHECK(f.store.Delete("Pod", "test", "foo", DeleteOptions{0, created.resource_version + 1}).code == Code::kConflict);
  DeleteOptions stale_uid{0, 0};
  stale_uid.precondition_uid = "another-incarnation";
  Response uid_conflict = f.store.Delete("Pod", "test", "foo", stale_uid);
  CHECK(uid_conflict.code == Code::kConflict);
  CHECK(uid_conflict.message == "Precondition failed: UID in precondition: another-incarnation, UID in object meta: " +
                                    created.object->metadata.uid);
  REQUIRE(f.Get("Pod", "foo") != nullptr);

  // Grace 0 with the current resourceVersion deletes it at once.
  CHECK(f.store.Delete("Pod", "test", "foo", DeleteOptions{0, created.resource_version}).code == Code::kOk);
  CHECK(f.Get("Pod", "foo") == nullptr);
}

TEST_CASE("TestGracefulStoreHandleFinalizers", "[apiserver]") {
  Fixture f;
  REQUIRE(f.store.Create(MakePod("foo", "machine", {"foo.com/x"})).code == Code::kCreated);

  // Deleted with grace 0, the pod stays: it has a finalizer.
  CHECK(f.store.Delete("Pod", "test", "foo", DeleteOptions{0, 0}).code == Code::kOk);
  auto pod = f.Get("Pod", "foo");
  REQUIRE(pod != nullptr);
  CHECK(pod->metadata.deletion_timestamp == f.sim.Now());
  CHECK(pod->metadata.deletion_grace_period_seconds == 0);

  // An update that keeps the finalizer keeps the pod.
  CHECK(f.store.Update(MakePod("foo", "machine", {"foo.com/x"})).code == Code::kOk);
  REQUIRE(f.Get("Pod", "foo") != nullptr);

  // The update that removes it removes the pod.
  CHECK(f.store.Update(MakePod("foo", "anothermachine")).code == Code::kOk);
  CHECK(f.Get("Pod", "foo") == nullptr);
}

TEST_CASE("TestNonGracefulStoreHandleFinalizers", "[apiserver]") {
  Fixture f;
  f.sim.RunUntil(Time() + Duration::Seconds(7));
  REQUIRE(f.store.Create(MakeConfigMap("foo", {"foo.com/x"})).code == Code::kCreated);

  // A delete without options does not remove it, but marks it deleted with grace 0.
  CHECK(f.store.Delete("ConfigMap", "test", "foo", {}).code == Code::kOk);
  auto cm = f.Get("ConfigMap", "foo");
  REQUIRE(cm != nullptr);
  CHECK(cm->metadata.deletion_timestamp == Time() + Duration::Seconds(7));
  CHECK(cm->metadata.deletion_grace_period_seconds == 0);

  CHECK(f.store.Update(MakeConfigMap("foo", {"foo.com/x"})).code == Code::kOk);
  REQUIRE(f.Get("ConfigMap", "foo") != nullptr);

  CHECK(f.store.Update(MakeConfigMap("foo")).code == Code::kOk);
  CHECK(f.Get("ConfigMap", "foo") == nullptr);
}

TEST_CASE("TestStoreDeleteWithOrphanDependents", "[apiserver]") {
  // Upstream's cases with the default delete strategy; its DeleteOptions.OrphanDependents true and
  // false are propagationPolicy Orphan and Background here (kubesim has only the policy).
  const std::string orphan = api::kFinalizerOrphan;
  const Finalizers with_orphan = {"foo.com/x", orphan, "bar.com/y"};
  const Finalizers other = {"foo.com/x", "bar.com/y"};
  const Finalizers only_orphan = {orphan};
  struct Case {
    const char* name;
    Finalizers finalizers;
    std::optional<PropagationPolicy> policy;
    bool expect_not_found;
    Finalizers updated_finalizers;
  };
  const Case cases[] = {
      {"pod1", with_orphan, PropagationPolicy::kOrphan, false, with_orphan},
      {"pod2", other, PropagationPolicy::kOrphan, false, {"foo.com/x", "bar.com/y", orphan}},
      {"pod3", {}, PropagationPolicy::kOrphan, false, only_orphan},
      {"pod4", only_orphan, PropagationPolicy::kOrphan, false, only_orphan},
      {"pod5", with_orphan, PropagationPolicy::kBackground, false, other},
      {"pod6", other, PropagationPolicy::kBackground, false, other},
      {"pod7", {}, PropagationPolicy::kBackground, true, {}},
      {"pod8", only_orphan, PropagationPolicy::kBackground, true, {}},
      {"pod9", with_orphan, std::nullopt, false, with_orphan},
      {"pod11", other, std::nullopt, false, other},
      {"pod13", {}, std::nullopt, true, {}},
      {"pod15", only_orphan, std::nullopt, false, only_orphan},
  };
  Fixture f;
  for (const Case& c : cases) {
    INFO(c.name);
    REQUIRE(f.store.Create(MakeConfigMap(c.name, c.finalizers)).code == Code::kCreated);
    REQUIRE(f.store.Delete("ConfigMap", "test", c.name, Propagation(c.policy)).code == Code::kOk);
    auto obj = f.Get("ConfigMap", c.name);
    if (c.expect_not_found) {
      CHECK(obj == nullptr);
      continue;
    }
    REQUIRE(obj != nullptr);
    CHECK(obj->metadata.deletion_timestamp.has_value());
    CHECK(obj->metadata.deletion_grace_period_seconds == 0);
    CHECK(obj->metadata.finalizers == c.updated_finalizers);
  }
}

TEST_CASE("TestStoreDeletionPropagation", "[apiserver]") {
  // Upstream's cases with the default delete strategy (every kind kubesim serves defaults to
  // Background); Default is no propagationPolicy.
  const std::string orphan = api::kFinalizerOrphan;
  const std::string foreground = api::kFinalizerForegroundDeletion;
  struct Case {
    const char* title;
    std::optional<PropagationPolicy> policy;
    Finalizers existing;
    bool expected_not_found;
    Finalizers expected;
  };
  const Case cases[] = {
      {"no existing finalizers, PropagationPolicy=Foreground", PropagationPolicy::kForeground, {}, false, {foreground}},
      {"no existing finalizers, PropagationPolicy=Background", PropagationPolicy::kBackground, {}, true, {}},
      {"no existing finalizers, PropagationPolicy=OrphanDependents", PropagationPolicy::kOrphan, {}, false, {orphan}},
      {"no existing finalizers, PropagationPolicy=Default", std::nullopt, {}, true, {}},
      {"existing orphan finalizer, PropagationPolicy=Foreground",
       PropagationPolicy::kForeground,
       {orphan},
       false,
       {foreground}},
      {"existing orphan finalizer, PropagationPolicy=Background", PropagationPolicy::kBackground, {orphan}, true, {}},
      {"existing orphan finalizer, PropagationPolicy=OrphanDependents",
       PropagationPolicy::kOrphan,
       {orphan},
       false,
       {orphan}},
      {"existing orphan finalizer, PropagationPolicy=Default", std::nullopt, {orphan}, false, {orphan}},
      {"existing deleteDependents finalizer, PropagationPolicy=Foreground",
       PropagationPolicy::kForeground,
       {foreground},
       false,
       {foreground}},
      {"existing deleteDependents finalizer, PropagationPolicy=Background",
       PropagationPolicy::kBackground,
       {foreground},
       true,
       {}},
      {"existing deleteDependents finalizer, PropagationPolicy=OrphanDependents",
       PropagationPolicy::kOrphan,
       {foreground},
       false,
       {orphan}},
      {"existing deleteDependents finalizer, PropagationPolicy=Default",
       std::nullopt,
       {foreground},
       false,
       {foreground}},
  };
  Fixture f;
  int i = 0;
  for (const Case& c : cases) {
    INFO(c.title);
    const std::string name = "pod-" + std::to_string(++i);
    REQUIRE(f.store.Create(MakeConfigMap(name, c.existing)).code == Code::kCreated);
    REQUIRE(f.store.Delete("ConfigMap", "test", name, Propagation(c.policy)).code == Code::kOk);
    auto obj = f.Get("ConfigMap", name);
    if (c.expected_not_found) {
      CHECK(obj == nullptr);
      continue;
    }
    REQUIRE(obj != nullptr);
    CHECK(obj->metadata.finalizers == c.expected);
    CHECK(obj->metadata.deletion_timestamp.has_value());
    CHECK(obj->metadata.deletion_grace_period_seconds == 0);
  }
}

TEST_CASE("Store.Delete: a repeated delete of an object already marked so writes nothing", "[apiserver]") {
  Fixture f;
  REQUIRE(f.store.Create(MakeConfigMap("foo", {"foo.com/x"})).code == Code::kCreated);
  REQUIRE(f.store.Delete("ConfigMap", "test", "foo", {}).code == Code::kOk);
  const int64_t rv = f.etcd.revision();
  f.sim.RunUntil(Time() + Duration::Seconds(3));
  Response again = f.store.Delete("ConfigMap", "test", "foo", {});
  CHECK(again.code == Code::kOk);
  CHECK(again.resource_version == rv);
  CHECK(f.etcd.revision() == rv);
  CHECK(f.Get("ConfigMap", "foo")->metadata.deletion_timestamp == Time());

  // A new propagationPolicy changes the finalizers, and is written.
  Response foreground = f.store.Delete("ConfigMap", "test", "foo", Propagation(PropagationPolicy::kForeground));
  CHECK(f.etcd.revision() == rv + 1);
  CHECK(foreground.object->metadata.finalizers == Finalizers{"foo.com/x", api::kFinalizerForegroundDeletion});
}

TEST_CASE("DeletionFinalizersForGarbageCollection keeps other finalizers in place", "[apiserver]") {
  const Finalizers existing = {api::kFinalizerOrphan, "foo.com/x"};
  CHECK(DeletionFinalizersForGarbageCollection(existing, {}) == existing);
  CHECK(DeletionFinalizersForGarbageCollection(existing, Propagation(PropagationPolicy::kForeground)) ==
        Finalizers{"foo.com/x", api::kFinalizerForegroundDeletion});
  CHECK(DeletionFinalizersForGarbageCollection(existing, Propagation(PropagationPolicy::kBackground)) ==
        Finalizers{"foo.com/x"});
  CHECK(DeletionFinalizersForGarbageCollection(existing, Propagation(PropagationPolicy::kOrphan)) == existing);
}

TEST_CASE("Store.Create: AlreadyExists, and the metadata the server owns", "[apiserver]") {
  Fixture f;
  f.sim.RunUntil(Time() + Duration::Seconds(2));
  auto rs = std::make_shared<api::ReplicaSet>();
  rs->kind = "ReplicaSet";
  rs->metadata.name = "web";
  rs->metadata.namespace_ = "test";
  rs->metadata.uid = "client-chosen";
  rs->metadata.deletion_timestamp = Time();
  Response created = f.store.Create(rs);
  REQUIRE(created.code == Code::kCreated);
  CHECK(created.object->metadata.uid == "00000000-0000-4000-8000-000000000001");
  CHECK(created.object->metadata.creation_timestamp == Time() + Duration::Seconds(2));
  CHECK(created.object->metadata.generation == 1);
  CHECK_FALSE(created.object->metadata.deletion_timestamp.has_value());

  auto again = std::make_shared<api::ReplicaSet>(*rs);
  Response exists = f.store.Create(again);
  CHECK(exists.code == Code::kConflict);
  CHECK(exists.reason == "AlreadyExists");
  CHECK(exists.message == "replicasets \"web\" already exists");
}

TEST_CASE("PrepareForUpdate: status is kept and generation follows the spec", "[apiserver]") {
  Fixture f;
  auto rs = std::make_shared<api::ReplicaSet>();
  rs->kind = "ReplicaSet";
  rs->metadata.name = "web";
  rs->metadata.namespace_ = "test";
  REQUIRE(f.store.Create(rs).code == Code::kCreated);

  auto labels_only = std::static_pointer_cast<api::ReplicaSet>(f.Get("ReplicaSet", "web")->Clone());
  labels_only->metadata.labels["team"] = "a";
  labels_only->status.replicas = 7;  // ignored: status goes through the status subresource
  Response r1 = f.store.Update(labels_only);
  REQUIRE(r1.code == Code::kOk);
  auto stored = api::As<api::ReplicaSet>(f.Get("ReplicaSet", "web"));
  CHECK(stored->metadata.generation == 1);
  CHECK(stored->status.replicas == 0);

  auto scaled = stored->DeepCopy();
  scaled->replicas = 3;
  REQUIRE(f.store.Update(scaled).code == Code::kOk);
  CHECK(f.Get("ReplicaSet", "web")->metadata.generation == 2);

  auto status = std::static_pointer_cast<api::ReplicaSet>(f.Get("ReplicaSet", "web")->Clone());
  status->replicas = 9;  // ignored: only the status changes
  status->status.replicas = 3;
  REQUIRE(f.store.UpdateStatus(status).code == Code::kOk);
  stored = api::As<api::ReplicaSet>(f.Get("ReplicaSet", "web"));
  CHECK(stored->replicas == 3);
  CHECK(stored->status.replicas == 3);
  CHECK(stored->metadata.generation == 2);
}

TEST_CASE("Store.UpdateStatus: a kind without a status subresource is 404", "[apiserver]") {
  Fixture f;
  REQUIRE(f.store.Create(MakeConfigMap("foo")).code == Code::kCreated);
  Response r = f.store.UpdateStatus(MakeConfigMap("foo"));
  CHECK(r.code == Code::kNotFound);
  CHECK(r.message == "the server could not find the requested resource (status of configmaps)");
}

TEST_CASE("ValidateObjectMetaUpdate: an object being deleted may not gain a finalizer", "[apiserver]") {
  Fixture f;
  REQUIRE(f.store.Create(MakeConfigMap("foo", {"foo.com/x"})).code == Code::kCreated);
  REQUIRE(f.store.Delete("ConfigMap", "test", "foo", {}).code == Code::kOk);
  Response r = f.store.Update(MakeConfigMap("foo", {"foo.com/x", "bar.com/y"}));
  CHECK(r.code == Code::kUnprocessable);
  CHECK(r.message ==
        "configmaps \"foo\" is invalid: metadata.finalizers: Forbidden: no new finalizers can be added if the object "
        "is being deleted, found new finalizers [\"bar.com/y\"]");
}

}  // namespace
}  // namespace kubesim::apiserver::registry
