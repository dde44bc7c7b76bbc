// Informer: client-go's shared informer reduced to what a simulated component needs
// (kubernetes/client-go tools/cache/reflector.go and shared_informer.go @ v0.32). It LISTs, fills
// its cache, then WATCHes from the list's resourceVersion; every change goes to the cache first
// and then to the handlers, so a handler that reads the cache sees the new state. On a watch error
// (410 Expired after compaction) it relists after the reflector's initial backoff (800 ms) and
// reconciles the cache: objects missing from the new list are reported deleted, as client-go's
// Replace does.
//
// The cache holds the store's immutable objects (shared_ptr<const>), so informers cost one
// pointer per object, not a copy. It is an Indexer (indexer.h): besides the key order it keeps the
// namespace index and any index a component adds, current before the handlers run.
//
// Handler contract (client-go ResourceEventHandler semantics, delivered synchronously):
//  - Handlers run from the informer's list response or watch delivery events, one object at a
//    time, never inside a call to the informer; for one key, in resourceVersion order.
//  - on_add runs once per object new to the cache, on_update only when the resourceVersion
//    changed, on_delete once with the last object the cache held (client-go's
//    DeletedFinalStateUnknown never occurs: a relist reports what vanished as deleted).
//  - The cache is updated before the handlers run, so Get() inside a handler sees the new state.
//  - The objects passed are immutable and shared with the store and other informers: a handler
//    may keep them, never change them.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "models/apiserver/api_client.h"
#include "models/apiserver/api_server.h"
#include "models/client/indexer.h"
#include "sim/owner.h"

namespace kubesim::client {

struct EventHandlers {
  std::function<void(const api::ObjectPtr&)> on_add;
  std::function<void(const api::ObjectPtr& old_obj, const api::ObjectPtr& new_obj)> on_update;
  std::function<void(const api::ObjectPtr&)> on_delete;
};

class Informer {
 public:
  static constexpr sim::Duration kInitialBackoff = sim::Duration::Milliseconds(800);
  static constexpr sim::Duration kMaxBackoff = sim::Duration::Seconds(30);

  // `client`: the component's connection (its latency stream); the ApiServer form makes one
  // named "informer/<kind>".
  Informer(sim::Simulation& sim, apiserver::ApiClient client, std::string kind, apiserver::WatchOptions selector = {});
  Informer(sim::Simulation& sim, apiserver::ApiServer& api, std::string kind, apiserver::WatchOptions selector = {});
  ~Informer();
  Informer(const Informer&) = delete;
  Informer& operator=(const Informer&) = delete;

  // Handlers added before Start() see every object as an add; one added later sees only later
  // changes (there is no replay of the cache, unlike client-go's AddEventHandler). Any of the
  // three functions may be empty.
  void AddEventHandlers(EventHandlers h) { handlers_.push_back(std::move(h)); }
  // LISTs then WATCHes. Idempotent while running; after Stop() it lists again, and the relist
  // reconciles the cache as after a watch error.
  void Start();
  // Stops the watch; no handler runs after the call. The cache keeps its last content.
  void Stop();
  // True once the first LIST has been applied (client-go HasSynced); never false again.
  bool HasSynced() const { return synced_; }

  // Upstream AddIndexers: indexes the cache by more functions, from now on and for what it
  // holds already. Fails on a name already in use.
  sim::Status AddIndexers(const Indexers& indexers) { return indexer_.AddIndexers(indexers); }
  // The cache, for listers (listers.h) and ByIndex.
  const Indexer& GetIndexer() const { return indexer_; }
  // "namespace/name" (or "name") → object. A missing key (or a call before sync) gives null, not
  // an error.
  api::ObjectPtr Get(std::string_view key) const { return indexer_.Get(key); }
  // The whole cache, ordered by key; valid until the next event the informer handles.
  const Indexer::Items& items() const { return indexer_.items(); }

  // The run's invariant "no watcher skipped a revision without relisting": a running, synced
  // informer's cache is exactly what the store held (for its kind and selector) at the last
  // revision it has seen. One message per difference; none when it is stopped, relisting, or that
  // revision was compacted away.
  std::vector<std::string> CheckAgainst(const etcd::MvccStore& store) const;

 private:
  void List();
  void OnList(const apiserver::Response& r);
  void OnWatchEvent(const apiserver::WatchEvent& e);
  void Upsert(const api::ObjectPtr& obj);
  void Remove(const std::string& key);
  // The reflector's backoff before the next list: 800 ms doubling to 30 s, each wait × [1, 2)
  // (client-go tools/cache/reflector.go @ v0.32: NewExponentialBackoffManager(800ms, 30s, 2min,
  // 2.0, 1.0)), drawn from the stream client-go/reflector/<client>/<kind>; reset by a good list.
  void RelistAfterBackoff();

  sim::Simulation& sim_;
  apiserver::ApiClient api_;
  std::string kind_;
  apiserver::WatchOptions selector_;
  std::vector<EventHandlers> handlers_;
  Indexer indexer_;
  int64_t watch_id_ = 0;
  sim::Duration backoff_ = kInitialBackoff;
  bool synced_ = false;
  bool stopped_ = true;
  int64_t seen_revision_ = 0;  // the list's resourceVersion, then each watch event's
  sim::Owner owner_{sim_};
};

}  // namespace kubesim::client
