// Informer: client-go's shared informer reduced to what a simulated component needs
// (kubernetes/client-go tools/cache/reflector.go and shared_informer.go @ v0.32). It LISTs, fills
// its cache, then WATCHes from the list's resourceVersion; every change goes to the cache first
// and then to the handlers, so a handler that reads the cache sees the new state. On a watch error
// (410 Expired after compaction) it relists after the reflector's initial backoff (800 ms) and
// reconciles the cache: objects missing from the new list are reported deleted, as client-go's
// Replace does.
//
// The cache holds the store's immutable objects (shared_ptr<const>), so informers cost one
// pointer per object, not a copy.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "models/apiserver/api_client.h"
#include "models/apiserver/api_server.h"
#include "sim/owner.h"

namespace kubesim::client {

struct EventHandlers {
  std::function<void(const api::ObjectPtr&)> on_add;
  std::function<void(const api::ObjectPtr& old_obj, const api::ObjectPtr& new_obj)> on_update;
  std::function<void(const api::ObjectPtr&)> on_delete;
};

class Informer {
 public:
  // `client`: the component's connection (its latency stream); the ApiServer form makes one
  // named "informer/<kind>".
  Informer(sim::Simulation& sim, apiserver::ApiClient client, std::string kind, apiserver::WatchOptions selector = {});
  Informer(sim::Simulation& sim, apiserver::ApiServer& api, std::string kind, apiserver::WatchOptions selector = {});
  ~Informer();
  Informer(const Informer&) = delete;
  Informer& operator=(const Informer&) = delete;

  void AddEventHandlers(EventHandlers h) { handlers_.push_back(std::move(h)); }
  void Start();
  void Stop();
  bool HasSynced() const { return synced_; }

  // Lister: "namespace/name" (or "name") → object, in key order.
  api::ObjectPtr Get(const std::string& key) const;
  const std::map<std::string, api::ObjectPtr>& items() const { return cache_; }

 private:
  void List();
  void OnList(const apiserver::Response& r);
  void OnWatchEvent(const apiserver::WatchEvent& e);
  void Upsert(const api::ObjectPtr& obj);
  void Remove(const std::string& key);

  sim::Simulation& sim_;
  apiserver::ApiClient api_;
  std::string kind_;
  apiserver::WatchOptions selector_;
  std::vector<EventHandlers> handlers_;
  std::map<std::string, api::ObjectPtr> cache_;
  int64_t watch_id_ = 0;
  bool synced_ = false;
  bool stopped_ = true;
  sim::Owner owner_{sim_};
};

}  // namespace kubesim::client
