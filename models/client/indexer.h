// Indexer: an informer's cache with named secondary indexes, client-go's cache.Indexer over its
// thread-safe store (kubernetes/client-go tools/cache/index.go and thread_safe_store.go @
// v0.32). Objects are kept by key ("namespace/name", or "name" for cluster-scoped kinds); each
// index function maps an object to the values it is filed under, and ByIndex(name, value) returns
// the objects filed under one value.
//
// Deterministic where client-go is not: the store and every index bucket are ordered by key, so
// ByIndex and List return objects in key order, as a scan of the key-ordered cache would.
// Keeping the indexes current costs O(log n) per change and per index value (upstream: O(1)
// hash sets).
//
// Every informer has the namespace index (cache.NamespaceIndex with MetaNamespaceIndexFunc),
// as client-go's generated informers have.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "models/api/object.h"
#include "sim/hashed_map.h"
#include "sim/status.h"

namespace kubesim::client {

// The values an object is filed under in one index (upstream IndexFunc); it may return none.
using IndexFunc = std::function<std::vector<std::string>(const api::Object&)>;
// Index name → function (upstream Indexers).
using Indexers = std::map<std::string, IndexFunc>;

// Upstream cache.NamespaceIndex and MetaNamespaceIndexFunc: an object under its namespace
// ("" for cluster-scoped objects).
inline constexpr const char* kNamespaceIndex = "namespace";
std::vector<std::string> MetaNamespaceIndexFunc(const api::Object& obj);

class Indexer {
 public:
  // Objects filed under one index value, by key: each entry points at the store's entry for the
  // key (items()), so an update that leaves an object's index values as they were touches no
  // index at all, as upstream updateSingleIndex skips an unchanged value (client-go
  // tools/cache/thread_safe_store.go @ v1.32).
  using Bucket = std::map<std::string, const api::ObjectPtr*>;
  // The store: objects by key, in key order.
  using Items = sim::HashedMap<api::ObjectPtr>::Map;

  // Starts with the namespace index.
  Indexer();
  // Buckets point into this indexer's own store.
  Indexer(const Indexer&) = delete;
  Indexer& operator=(const Indexer&) = delete;

  // Adds `obj` under `key` or replaces what is there, refiling it in every index (upstream
  // Add/Update).
  void Upsert(const std::string& key, api::ObjectPtr obj);
  // Removes `key` from the store and every index; a missing key is a no-op (upstream Delete).
  void Delete(const std::string& key);

  // Upstream GetByKey: the object, or null (a hash lookup, as upstream's map).
  api::ObjectPtr Get(std::string_view key) const;
  // The whole store, by key; valid until the next change.
  const Items& items() const { return items_.ordered(); }

  // Upstream AddIndexers: adds indexes and files every stored object under them. Fails, adding
  // none, when a name is already taken.
  sim::Status AddIndexers(const Indexers& indexers);
  // Upstream GetIndexers.
  const Indexers& GetIndexers() const { return indexers_; }

  // Upstream ByIndex: the objects whose index `name` yields `value`, in key order. The index must
  // exist (a missing one is a programming error and aborts, where upstream returns an error).
  std::vector<api::ObjectPtr> ByIndex(const std::string& name, const std::string& value) const;
  // Upstream IndexKeys: the keys ByIndex would return the objects of.
  std::vector<std::string> IndexKeys(const std::string& name, const std::string& value) const;
  // Upstream ListIndexFuncValues: every value of index `name` with at least one object, in order.
  std::vector<std::string> ListIndexFuncValues(const std::string& name) const;
  // ByIndex without the copy, for listers that filter as they go: empty when nothing is filed
  // under `value`; valid until the next change.
  const Bucket& IndexedItems(const std::string& name, const std::string& value) const;

 private:
  // value → objects, for one index.
  using Index = std::map<std::string, Bucket>;

  // Files `key` (whose store entry is `entry`) under the values `fn` gives `new_obj` (none when
  // null) and takes it out of those only `old_obj` had; nothing when the values are the same.
  static void Refile(Index& index, const IndexFunc& fn, const std::string& key, const api::Object* old_obj,
                     const api::Object* new_obj, const api::ObjectPtr* entry);
  const Index& IndexNamed(const std::string& name) const;

  sim::HashedMap<api::ObjectPtr> items_;
  Indexers indexers_;
  std::map<std::string, Index> indices_;  // index name → its values
};

}  // namespace kubesim::client
