#include "models/client/informer.h"

#include <catch2/catch.hpp>
#include <memory>
#include <string>
#include <vector>

#include "models/api/pod.h"
#include "tests/support/fixed_api_server_config.h"

namespace kubesim::client {
namespace {

using sim::Duration;
using sim::Time;

Time Ms(int64_t ms) { return Time() + Duration::Milliseconds(ms); }

std::shared_ptr<api::Pod> MakePod(const std::string& name, const std::string& node = "") {
  auto p = std::make_shared<api::Pod>();
  p->api_version = "v1";
  p->kind = "Pod";
  p->metadata.name = name;
  p->metadata.namespace_ = "default";
  p->spec.node_name = node;
  api::Container app;
  app.name = "app";
  app.image = "nginx";
  p->spec.containers.push_back(app);
  return p;
}

struct Fixture {
  sim::Simulation sim{1};
  etcd::MvccStore store;
  apiserver::ApiServer api{sim, store, testing::FixedApiServerConfig()};
  std::vector<std::string> log;  // "add default/a @5ms"

  void Watch(Informer& inf) {
    EventHandlers h;
    h.on_add = [this, &inf](const api::ObjectPtr& o) {
      std::string key = api::NamespacedName(o->metadata);
      CHECK(inf.Get(key) == o);  // the cache is updated before the handlers run
      log.push_back("add " + key + " @" + sim.Now().ToString());
    };
    h.on_update = [this, &inf](const api::ObjectPtr& old_obj, const api::ObjectPtr& new_obj) {
      std::string key = api::NamespacedName(new_obj->metadata);
      CHECK(inf.Get(key) == new_obj);
      CHECK(old_obj->metadata.resource_version < new_obj->metadata.resource_version);
      log.push_back("update " + key + " @" + sim.Now().ToString());
    };
    h.on_delete = [this, &inf](const api::ObjectPtr& o) {
      std::string key = api::NamespacedName(o->metadata);
      CHECK(inf.Get(key) == nullptr);
      log.push_back("delete " + key + " @" + sim.Now().ToString());
    };
    inf.AddEventHandlers(std::move(h));
  }
  std::vector<std::string> Keys(const Informer& inf) {
    std::vector<std::string> out;
    for (const auto& [k, v] : inf.items()) out.push_back(k);
    return out;
  }
};

TEST_CASE("Informer lists, then watches, and keeps its cache current", "[client]") {
  Fixture f;
  REQUIRE(f.api.Bootstrap(MakePod("b")).ok());  // rv 2
  REQUIRE(f.api.Bootstrap(MakePod("a")).ok());  // rv 3
  Informer inf(f.sim, f.api, "Pod");
  f.Watch(inf);
  CHECK_FALSE(inf.HasSynced());
  inf.Start();
  f.sim.RunUntil(Ms(4));  // LIST served at 3 ms, answered 2 ms later (1 ms per object)
  CHECK_FALSE(inf.HasSynced());
  CHECK(inf.items().empty());
  f.sim.RunUntil(Ms(5));
  CHECK(inf.HasSynced());
  CHECK(f.Keys(inf) == std::vector<std::string>{"default/a", "default/b"});
  CHECK(f.log == std::vector<std::string>{"add default/a @5ms", "add default/b @5ms"});

  f.api.Create(MakePod("c"), nullptr);  // commits 15 ms, seen 17 ms
  auto a2 = inf.Get("default/a")->Clone();
  a2->metadata.labels["v"] = "2";
  f.api.Update(a2, nullptr);                         // commits 15 ms after the create, seen 17 ms
  f.api.Delete("Pod", "default", "b", {}, nullptr);  // 15 ms, seen 17 ms
  f.sim.RunUntil(Ms(16));
  CHECK(f.log.size() == 2);
  f.sim.RunUntil(Ms(17));
  CHECK(f.log == std::vector<std::string>{"add default/a @5ms", "add default/b @5ms", "add default/c @17ms",
                                          "update default/a @17ms", "delete default/b @17ms"});
  CHECK(f.Keys(inf) == std::vector<std::string>{"default/a", "default/c"});
  CHECK(inf.Get("default/a")->metadata.labels.at("v") == "2");
  CHECK(inf.Get("default/a") == f.store.Get("/registry/pods/default/a"));  // shares the stored object
  CHECK(inf.Get("default/b") == nullptr);

  inf.Stop();
  f.api.Create(MakePod("d"), nullptr);
  f.sim.RunUntil(Ms(100));
  CHECK(f.log.size() == 5);
  CHECK(inf.Get("default/d") == nullptr);
}

TEST_CASE("Informer relists after 410 Expired and reconciles its cache", "[client]") {
  Fixture f;
  REQUIRE(f.api.Bootstrap(MakePod("a")).ok());  // rv 2
  REQUIRE(f.api.Bootstrap(MakePod("b")).ok());  // rv 3
  Informer inf(f.sim, f.api, "Pod");
  f.Watch(inf);
  inf.Start();
  // Between the LIST being served (3 ms, rv 3) and its answer (5 ms): c is created, b deleted and
  // the history compacted, so the watch from rv 3 that follows the list has expired.
  f.sim.At(Ms(4), [&] {
    REQUIRE(f.api.Bootstrap(MakePod("c")).ok());  // rv 4
    REQUIRE(f.store.Delete(apiserver::ApiServer::Key("Pod", "default", "b"), 0).error == etcd::StoreError::kOk);
    f.store.Compact(f.store.revision());  // 5
  });
  f.sim.RunUntil(Ms(5));
  CHECK(inf.HasSynced());
  CHECK(f.Keys(inf) == std::vector<std::string>{"default/a", "default/b"});
  // The 410 arrives at 7 ms; the reflector relists after its backoff, 800 ms × [1, 2) (client-go's
  // jittered backoff), then the LIST is served 3 ms and answered 5 ms later.
  f.sim.RunUntil(Ms(811));
  CHECK(f.Keys(inf) == std::vector<std::string>{"default/a", "default/b"});
  f.sim.RunUntil(Ms(1613));
  CHECK(f.Keys(inf) == std::vector<std::string>{"default/a", "default/c"});
  REQUIRE(f.log.size() == 4);
  CHECK(f.log[0] == "add default/a @5ms");
  CHECK(f.log[1] == "add default/b @5ms");
  const std::string relisted = f.log[2].substr(f.log[2].find('@'));
  CHECK(f.log[2] == "add default/c " + relisted);
  CHECK(f.log[3] == "delete default/b " + relisted);
  CHECK(inf.HasSynced());

  // The new watch works.
  f.api.Create(MakePod("d"), nullptr);  // commits 10 ms later, seen 2 ms after that
  f.sim.RunUntil(Ms(1613 + 12));
  REQUIRE(f.log.size() == 5);
  CHECK(f.log[4] == "add default/d @1.625s");
}

TEST_CASE("Informer with a node selector holds only that node's pods", "[client]") {
  Fixture f;
  REQUIRE(f.api.Bootstrap(MakePod("x", "n1")).ok());
  REQUIRE(f.api.Bootstrap(MakePod("y", "n2")).ok());
  REQUIRE(f.api.Bootstrap(MakePod("z")).ok());
  apiserver::WatchOptions sel;
  sel.node_name = "n1";
  Informer inf(f.sim, f.api, "Pod", sel);
  f.Watch(inf);
  inf.Start();
  f.sim.RunUntil(Ms(6));  // 3 ms + at most 3 objects at 1 ms each
  CHECK(inf.HasSynced());
  CHECK(f.Keys(inf) == std::vector<std::string>{"default/x"});

  f.api.Bind("default", "z", "", "n1", nullptr);  // commits 16 ms
  f.api.Bind("default", "w", "", "n1", nullptr);  // 404, nothing happens
  f.sim.RunUntil(Ms(18));
  CHECK(f.Keys(inf) == std::vector<std::string>{"default/x", "default/z"});
  REQUIRE(f.log.size() == 2);
  CHECK(f.log[0].rfind("add default/x @", 0) == 0);  // when depends on server-side list filtering
  CHECK(f.log[1] == "add default/z @18ms");
  CHECK(inf.Get("default/z")->metadata.resource_version == 5);
}

TEST_CASE("Informer::CheckAgainst: a cache that matches the store at its revision, and one that does not",
          "[client][invariants]") {
  Fixture f;
  REQUIRE(f.api.Bootstrap(MakePod("x", "n1")).ok());
  REQUIRE(f.api.Bootstrap(MakePod("y")).ok());
  apiserver::WatchOptions sel;
  sel.node_name = "n1";
  Informer inf(f.sim, f.api, "Pod", sel);
  CHECK(inf.CheckAgainst(f.store).empty());  // not started: nothing to check
  inf.Start();
  f.sim.RunUntil(Ms(6));
  CHECK(inf.CheckAgainst(f.store).empty());
  // A write the informer has not heard of yet is not a skip: it is checked at the revision it saw.
  f.api.Bind("default", "y", "", "n1", nullptr);
  f.sim.RunUntil(Ms(40));
  REQUIRE(inf.Get("default/y") != nullptr);
  CHECK(inf.CheckAgainst(f.store).empty());
  // Another store with other history at those revisions: every difference is reported.
  etcd::MvccStore other;
  for (const char* name : {"a", "b", "x"}) {
    auto pod = MakePod(name, "n1");
    REQUIRE(other.Create("/registry/pods/default/" + std::string(name), pod).error == etcd::StoreError::kOk);
  }
  REQUIRE(other.Update("/registry/pods/default/x", MakePod("x", "n1"), 0).error == etcd::StoreError::kOk);
  std::vector<std::string> v = inf.CheckAgainst(other);
  CHECK(v == std::vector<std::string>{
                 "informer informer/Pod/Pod at revision 4: misses default/a",
                 "informer informer/Pod/Pod at revision 4: misses default/b",
                 "informer informer/Pod/Pod at revision 4: has default/x at 2, the store at 4",
                 "informer informer/Pod/Pod at revision 4: still has default/y, gone from the store",
             });
}

TEST_CASE("A destroyed informer ignores responses still in flight", "[client]") {
  Fixture f;
  REQUIRE(f.api.Bootstrap(MakePod("a")).ok());
  {
    Informer inf(f.sim, f.api, "Pod");
    inf.Start();
  }
  f.sim.RunUntil(Ms(100));  // the LIST answer for the destroyed informer must be dropped safely
  CHECK(f.sim.Now() == Ms(100));
}

}  // namespace
}  // namespace kubesim::client
