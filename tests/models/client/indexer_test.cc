// The informer cache's indexes (client-go cache.Indexer) and the typed listers over them: index
// values follow every add, update, delete and relist; ByIndex and the listers answer in key order.
#include "models/client/indexer.h"

#include <catch2/catch.hpp>
#include <memory>
#include <string>
#include <vector>

#include "models/api/kinds.h"
#include "models/client/informer.h"
#include "models/client/listers.h"
#include "tests/support/builders.h"
#include "tests/support/fixed_api_server_config.h"

namespace kubesim::client {
namespace {

using testing::PodBuilder;

// An index by the value of label "app"; a pod without it is in no bucket.
std::vector<std::string> ByApp(const api::Object& obj) {
  auto it = obj.metadata.labels.find("app");
  if (it == obj.metadata.labels.end()) return {};
  return {it->second};
}

// An index with several values per object: one per label key.
std::vector<std::string> ByLabelKey(const api::Object& obj) {
  std::vector<std::string> out;
  for (const auto& [k, v] : obj.metadata.labels) out.push_back(k);
  return out;
}

api::ObjectPtr Pod(const std::string& ns, const std::string& name, const std::string& app = "") {
  PodBuilder b(name);
  b.Namespace(ns);
  if (!app.empty()) b.Label("app", app);
  return b.Build();
}

std::string Key(const api::ObjectPtr& o) { return api::NamespacedName(o->metadata); }

std::vector<std::string> Keys(const std::vector<api::ObjectPtr>& objs) {
  std::vector<std::string> out;
  for (const auto& o : objs) out.push_back(Key(o));
  return out;
}

template <typename T>
std::vector<std::string> Names(const std::vector<std::shared_ptr<const T>>& objs) {
  std::vector<std::string> out;
  for (const auto& o : objs) out.push_back(api::NamespacedName(o->metadata));
  return out;
}

using Strings = std::vector<std::string>;

TEST_CASE("Indexer: the namespace index is built in and answers in key order", "[client]") {
  Indexer idx;
  CHECK(idx.GetIndexers().count(kNamespaceIndex) == 1);
  for (const auto& p : {Pod("b", "z"), Pod("a", "y"), Pod("b", "x"), Pod("a", "w")}) idx.Upsert(Key(p), p);
  CHECK(Keys(idx.ByIndex(kNamespaceIndex, "b")) == Strings{"b/x", "b/z"});
  CHECK(idx.IndexKeys(kNamespaceIndex, "a") == Strings{"a/w", "a/y"});
  CHECK(idx.ByIndex(kNamespaceIndex, "c").empty());
  CHECK(idx.ListIndexFuncValues(kNamespaceIndex) == Strings{"a", "b"});
  CHECK(MetaNamespaceIndexFunc(*Pod("ns", "p")) == Strings{"ns"});
}

TEST_CASE("Indexer: add, update moving between values, and delete keep every index current", "[client]") {
  Indexer idx;
  REQUIRE(idx.AddIndexers({{"app", ByApp}}).ok());
  auto a1 = Pod("default", "a", "web");
  auto b1 = Pod("default", "b", "web");
  auto c1 = Pod("other", "c", "db");
  auto d1 = Pod("default", "d");  // no app label: filed under no value
  for (const auto& p : {a1, b1, c1, d1}) idx.Upsert(Key(p), p);
  CHECK(Keys(idx.ByIndex("app", "web")) == Strings{"default/a", "default/b"});
  CHECK(Keys(idx.ByIndex("app", "db")) == Strings{"other/c"});
  CHECK(idx.ListIndexFuncValues("app") == Strings{"db", "web"});

  // An update that keeps the value replaces the object in its bucket.
  auto a2 = Pod("default", "a", "web");
  idx.Upsert(Key(a2), a2);
  REQUIRE(idx.ByIndex("app", "web").size() == 2);
  CHECK(idx.ByIndex("app", "web")[0] == a2);
  CHECK(idx.Get("default/a") == a2);

  // An update that changes the value moves the key; the emptied bucket goes.
  auto c2 = Pod("other", "c", "web");
  idx.Upsert(Key(c2), c2);
  CHECK(Keys(idx.ByIndex("app", "web")) == Strings{"default/a", "default/b", "other/c"});
  CHECK(idx.ByIndex("app", "db").empty());
  CHECK(idx.ListIndexFuncValues("app") == Strings{"web"});
  // Losing the label takes it out of the index; gaining one puts it in.
  auto b2 = Pod("default", "b");
  auto d2 = Pod("default", "d", "db");
  idx.Upsert(Key(b2), b2);
  idx.Upsert(Key(d2), d2);
  CHECK(Keys(idx.ByIndex("app", "web")) == Strings{"default/a", "other/c"});
  CHECK(Keys(idx.ByIndex("app", "db")) == Strings{"default/d"});

  // Delete takes the key out of every index; deleting a missing key does nothing.
  idx.Delete("default/a");
  idx.Delete("default/missing");
  CHECK(Keys(idx.ByIndex("app", "web")) == Strings{"other/c"});
  CHECK(Keys(idx.ByIndex(kNamespaceIndex, "default")) == Strings{"default/b", "default/d"});
  CHECK(idx.Get("default/a") == nullptr);
  idx.Delete("other/c");
  CHECK(idx.ListIndexFuncValues("app") == Strings{"db"});
  CHECK(idx.ListIndexFuncValues(kNamespaceIndex) == Strings{"default"});
  CHECK(Keys(idx.ByIndex(kNamespaceIndex, "other")).empty());
}

TEST_CASE("Indexer: several values per object, indexes added late, and name conflicts", "[client]") {
  Indexer idx;
  auto x = PodBuilder("x").Label("tier", "1").Label("zone", "a").Build();
  auto y = PodBuilder("y").Label("zone", "b").Build();
  idx.Upsert(Key(x), x);
  idx.Upsert(Key(y), y);
  // Added after the objects: what the store holds is indexed at once (upstream AddIndexers).
  REQUIRE(idx.AddIndexers({{"keys", ByLabelKey}}).ok());
  CHECK(Keys(idx.ByIndex("keys", "zone")) == Strings{"default/x", "default/y"});
  CHECK(Keys(idx.ByIndex("keys", "tier")) == Strings{"default/x"});
  // x drops one of its two values and keeps the other.
  auto x2 = PodBuilder("x").Label("zone", "a").Build();
  idx.Upsert(Key(x2), x2);
  CHECK(idx.ByIndex("keys", "tier").empty());
  CHECK(Keys(idx.ByIndex("keys", "zone")) == Strings{"default/x", "default/y"});

  // A taken name fails and adds nothing, not even the free names beside it.
  sim::Status s = idx.AddIndexers({{"app", ByApp}, {"keys", ByLabelKey}});
  CHECK_FALSE(s.ok());
  CHECK(s.message() == "indexer conflict: keys");
  CHECK(idx.GetIndexers().count("app") == 0);
  CHECK(idx.GetIndexers().size() == 2);
}

sim::Time Ms(int64_t ms) { return sim::Time() + sim::Duration::Milliseconds(ms); }

std::shared_ptr<api::Pod> NewPod(const std::string& name, const std::string& app) {
  auto p = std::make_shared<api::Pod>(PodBuilder(name).Label("app", app).Container().pod());
  p->metadata.uid.clear();
  p->spec.containers[0].image = "nginx";
  return p;
}

TEST_CASE("Informer: indexes follow watch events before the handlers run, and a relist", "[client]") {
  sim::Simulation sim(1);
  etcd::MvccStore store;
  apiserver::ApiServer api(sim, store, testing::FixedApiServerConfig());
  REQUIRE(api.Bootstrap(NewPod("a", "web")).ok());  // rv 2
  REQUIRE(api.Bootstrap(NewPod("b", "web")).ok());  // rv 3
  Informer inf(sim, api, "Pod");
  REQUIRE(inf.AddIndexers({{"app", ByApp}}).ok());
  std::vector<std::string> seen;  // what the index held when each handler ran
  auto web = [&]() {
    std::string s;
    for (const auto& k : inf.GetIndexer().IndexKeys("app", "web")) s += k + " ";
    return s;
  };
  inf.AddEventHandlers(
      {[&](const api::ObjectPtr& o) { seen.push_back("add " + Key(o) + ": " + web()); },
       [&](const api::ObjectPtr&, const api::ObjectPtr& o) { seen.push_back("update " + Key(o) + ": " + web()); },
       [&](const api::ObjectPtr& o) { seen.push_back("delete " + Key(o) + ": " + web()); }});
  inf.Start();
  sim.RunUntil(Ms(5));
  REQUIRE(inf.HasSynced());
  CHECK(seen == Strings{"add default/a: default/a ", "add default/b: default/a default/b "});

  // b moves to "db"; c is created in "web".
  auto b2 = inf.Get("default/b")->Clone();
  b2->metadata.labels["app"] = "db";
  api.Update(b2, nullptr);
  api.Create(NewPod("c", "web"), nullptr);
  sim.RunUntil(Ms(20));
  CHECK(seen.size() == 4);
  CHECK(seen[2] == "update default/b: default/a ");
  CHECK(seen[3] == "add default/c: default/a default/c ");
  CHECK(Keys(inf.GetIndexer().ByIndex("app", "db")) == Strings{"default/b"});

  // Between the watch and a relist after 410 Expired: a is deleted and d created, unseen; the
  // relist reconciles the indexes as it does the cache.
  inf.Stop();
  REQUIRE(store.Delete(apiserver::ApiServer::Key("Pod", "default", "a"), 0).error == etcd::StoreError::kOk);
  REQUIRE(api.Bootstrap(NewPod("d", "web")).ok());
  inf.Start();
  sim.RunUntil(Ms(100));
  CHECK(Keys(inf.GetIndexer().ByIndex("app", "web")) == Strings{"default/c", "default/d"});
  CHECK(Keys(inf.GetIndexer().ByIndex(kNamespaceIndex, "default")) == Strings{"default/b", "default/c", "default/d"});
  CHECK(seen.back() == "delete default/a: default/c default/d ");
}

TEST_CASE("Listers: per namespace and across namespaces, by selector, in key order", "[client]") {
  Indexer idx;
  auto put = [&idx](const api::ObjectPtr& o) { idx.Upsert(Key(o), o); };
  put(PodBuilder("web-2").Namespace("shop").Label("app", "web").Label("tier", "front").Build());
  put(PodBuilder("web-1").Namespace("shop").Label("app", "web").Build());
  put(PodBuilder("db-1").Namespace("shop").Label("app", "db").Build());
  put(PodBuilder("web-1").Namespace("blog").Label("app", "web").Build());
  auto svc = std::make_shared<api::Service>();
  svc->kind = "Service";
  svc->metadata.name = "web-0";
  svc->metadata.namespace_ = "shop";
  svc->metadata.labels["app"] = "web";
  put(svc);  // another type in the same cache is skipped by the pod lister

  PodLister pods(idx);
  CHECK(Names(pods.Pods("shop").List(Selector::Everything())) == Strings{"shop/db-1", "shop/web-1", "shop/web-2"});
  CHECK(Names(pods.Pods("shop").List(Selector::FromSet({{"app", "web"}}))) == Strings{"shop/web-1", "shop/web-2"});
  CHECK(Names(pods.Pods("shop").List(Selector::FromSet({{"app", "web"}, {"tier", "front"}}))) == Strings{"shop/web-2"});
  CHECK(Names(pods.Pods("shop").List(Selector::FromSet({}))).size() == 3);
  api::LabelSelector not_db;
  not_db.match_expressions.push_back({"app", api::SelectorOp::kNotIn, {"db"}});
  CHECK(Names(pods.List(Selector::FromLabelSelector(not_db))) == Strings{"blog/web-1", "shop/web-1", "shop/web-2"});
  CHECK(Names(pods.Pods("none").List(Selector::Everything())).empty());
  CHECK(pods.Pods("shop").Get("web-1")->metadata.namespace_ == "shop");
  CHECK(pods.Pods("blog").Get("db-1") == nullptr);
  CHECK(pods.Pods("shop").Get("web-0") == nullptr);  // a Service, not a Pod

  ServiceLister services(idx);
  CHECK(Names(services.Services("shop").List(Selector::Everything())) == Strings{"shop/web-0"});
}

}  // namespace
}  // namespace kubesim::client
