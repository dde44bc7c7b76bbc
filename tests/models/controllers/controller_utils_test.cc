// The pod controller-UID index and FilterPodsByOwner: a controller's pods and its namespace's
// orphans, merged in key order so a controller visits them as a scan of the namespace would; and
// the spec.nodeName index behind PodsAssignedToNode.
#include "models/controllers/controller_utils.h"

#include <catch2/catch.hpp>
#include <memory>
#include <string>
#include <vector>

#include "tests/support/builders.h"

namespace kubesim::controllers {
namespace {

using testing::PodBuilder;
using Strings = std::vector<std::string>;

api::ObjectPtr Owned(const std::string& ns, const std::string& name, const std::string& owner_uid) {
  PodBuilder b(name);
  b.Namespace(ns);
  b.mutable_pod().metadata.owner_references.push_back(
      api::OwnerReference{"apps/v1", "ReplicaSet", "rs", owner_uid, true, true});
  return b.Build();
}

api::ObjectPtr Orphan(const std::string& ns, const std::string& name) { return PodBuilder(name).Namespace(ns).Build(); }

Strings Keys(const std::vector<std::shared_ptr<const api::Pod>>& pods) {
  Strings out;
  for (const auto& p : pods) out.push_back(api::NamespacedName(p->metadata));
  return out;
}

TEST_CASE("FilterPodsByOwner: owned pods and orphans of the namespace, in key order", "[controller]") {
  sim::Simulation sim(1);
  etcd::MvccStore store;
  apiserver::ApiServer api(sim, store, {});
  client::Informer pods(sim, api, "Pod");
  AddPodControllerUIDIndexer(pods);
  AddPodControllerUIDIndexer(pods);  // a second controller on the shared informer: no conflict
  CHECK(pods.GetIndexer().GetIndexers().count(kPodControllerUIDIndex) == 1);

  // The index needs no informer traffic: fill the cache's indexer through a second Indexer with
  // the same function, as the informer would.
  client::Indexer idx;
  REQUIRE(idx.AddIndexers({{kPodControllerUIDIndex, pods.GetIndexer().GetIndexers().at(kPodControllerUIDIndex)}}).ok());
  for (const auto& p :
       {Owned("shop", "d", "rs-1"), Orphan("shop", "b"), Owned("shop", "a", "rs-1"), Owned("shop", "c", "rs-2"),
        Orphan("shop", "e"), Orphan("blog", "a"), Owned("blog", "z", "rs-1")}) {
    idx.Upsert(api::NamespacedName(p->metadata), p);
  }
  // The index files owned pods under the owner's UID (every namespace) and orphans per namespace.
  CHECK(idx.IndexKeys(kPodControllerUIDIndex, "rs-1") == Strings{"blog/z", "shop/a", "shop/d"});
  CHECK(idx.IndexKeys(kPodControllerUIDIndex, OrphanPodIndexKeyForNamespace("shop")) == Strings{"shop/b", "shop/e"});
  CHECK(OrphanPodIndexKeyForNamespace("shop") == "_ORPHAN_POD/shop");

  api::ObjectMeta rs1;
  rs1.namespace_ = "shop";
  rs1.uid = "rs-1";
  // Owned and orphans interleave by key; another namespace's pods never come, even when their
  // reference names this UID.
  CHECK(Keys(FilterPodsByOwner(idx, rs1, true)) == Strings{"shop/a", "shop/b", "shop/d", "shop/e"});
  CHECK(Keys(FilterPodsByOwner(idx, rs1, false)) == Strings{"shop/a", "shop/d"});
  api::ObjectMeta none;
  none.namespace_ = "blog";
  none.uid = "rs-9";
  CHECK(Keys(FilterPodsByOwner(idx, none, true)) == Strings{"blog/a"});
  CHECK(FilterPodsByOwner(idx, none, false).empty());

  // An orphan that gets adopted moves from the orphan key to the owner's.
  idx.Upsert("shop/b", Owned("shop", "b", "rs-2"));
  CHECK(Keys(FilterPodsByOwner(idx, rs1, true)) == Strings{"shop/a", "shop/d", "shop/e"});
  api::ObjectMeta rs2 = rs1;
  rs2.uid = "rs-2";
  CHECK(Keys(FilterPodsByOwner(idx, rs2, false)) == Strings{"shop/b", "shop/c"});
}

TEST_CASE("PodsAssignedToNode: the pods bound to a node, in key order, through the spec.nodeName index",
          "[controller]") {
  sim::Simulation sim(1);
  etcd::MvccStore store;
  apiserver::ApiServer api(sim, store, {});
  client::Informer pods(sim, api, "Pod");
  AddPodNodeNameIndexer(pods);
  AddPodNodeNameIndexer(pods);  // node lifecycle, taint eviction and pod GC share the informer
  CHECK(pods.GetIndexer().GetIndexers().count(kNodeNameKeyIndex) == 1);

  client::Indexer idx;
  REQUIRE(idx.AddIndexers({{kNodeNameKeyIndex, pods.GetIndexer().GetIndexers().at(kNodeNameKeyIndex)}}).ok());
  auto bound = [](const std::string& ns, const std::string& name, const std::string& node) {
    return api::ObjectPtr(PodBuilder(name).Namespace(ns).Node(node).Build());
  };
  for (const auto& p : {bound("shop", "b", "n1"), bound("blog", "a", "n1"), bound("shop", "a", "n2"),
                        api::ObjectPtr(PodBuilder("pending").Namespace("shop").Build())}) {
    idx.Upsert(api::NamespacedName(p->metadata), p);
  }
  CHECK(Keys(PodsAssignedToNode(idx, "n1")) == Strings{"blog/a", "shop/b"});
  CHECK(Keys(PodsAssignedToNode(idx, "n2")) == Strings{"shop/a"});
  CHECK(PodsAssignedToNode(idx, "n3").empty());
  // An unbound pod is under no node, not under "".
  CHECK(PodsAssignedToNode(idx, "").empty());
  // A pod that moves (deleted and recreated with the same name elsewhere) is filed anew.
  idx.Upsert("shop/b", bound("shop", "b", "n2"));
  CHECK(Keys(PodsAssignedToNode(idx, "n1")) == Strings{"blog/a"});
  CHECK(Keys(PodsAssignedToNode(idx, "n2")) == Strings{"shop/a", "shop/b"});
}

}  // namespace
}  // namespace kubesim::controllers
