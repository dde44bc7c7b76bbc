#include "models/client/informer.h"

#include <algorithm>
#include <map>
#include <set>

#include "models/api/codec.h"
#include "models/apiserver/field_selectors.h"

namespace kubesim::client {

Informer::Informer(sim::Simulation& sim, apiserver::ApiClient client, std::string kind,
                   apiserver::WatchOptions selector)
    : sim_(sim), api_(std::move(client)), kind_(std::move(kind)), selector_(std::move(selector)) {}

Informer::Informer(sim::Simulation& sim, apiserver::ApiServer& api, std::string kind, apiserver::WatchOptions selector)
    : Informer(sim, apiserver::ApiClient(sim, api, "informer/" + kind), kind, std::move(selector)) {}

Informer::~Informer() {
  if (watch_id_ != 0) api_.StopWatch(watch_id_);
}

void Informer::Start() {
  if (!stopped_) return;
  stopped_ = false;
  List();
}

void Informer::Stop() {
  stopped_ = true;
  if (watch_id_ != 0) api_.StopWatch(watch_id_);
  watch_id_ = 0;
}

void Informer::List() {
  api_.List(kind_, owner_.Bind([this](const apiserver::Response& r) {
    if (!stopped_) OnList(r);
  }),
            selector_.node_name);
}

void Informer::RelistAfterBackoff() {
  sim::Rng& rng = sim_.Stream("client-go/reflector/" + api_.name() + "/" + kind_);
  sim::Duration wait = sim::Duration::FromNanosRounded(static_cast<double>(backoff_.nanos()) * (1.0 + rng.Uniform01()));
  backoff_ = std::min(backoff_ * 2, kMaxBackoff);
  owner_.After(wait, [this]() {
    if (!stopped_) List();
  });
}

void Informer::OnList(const apiserver::Response& r) {
  if (!r.ok()) {
    // The list failed (etcd or the network): keep the cache as it is and try again.
    RelistAfterBackoff();
    return;
  }
  backoff_ = kInitialBackoff;
  // Replace: the list is the truth; what the cache has beyond it was deleted meanwhile.
  std::set<std::string> listed;
  for (const auto& obj : r.items) {
    listed.insert(api::NamespacedName(obj->metadata));
    Upsert(obj);
  }
  std::vector<std::string> gone;
  for (const auto& [key, obj] : indexer_.items()) {
    if (!listed.count(key)) gone.push_back(key);
  }
  for (const auto& key : gone) Remove(key);
  synced_ = true;
  seen_revision_ = r.resource_version;
  apiserver::WatchOptions opts = selector_;
  opts.resource_version = r.resource_version;
  watch_id_ = api_.Watch(kind_, opts, owner_.Bind([this](const apiserver::WatchEvent& e) {
    if (!stopped_) OnWatchEvent(e);
  }));
}

void Informer::OnWatchEvent(const apiserver::WatchEvent& e) {
  if (e.type != apiserver::WatchEventType::kError) seen_revision_ = e.resource_version;
  switch (e.type) {
    case apiserver::WatchEventType::kAdded:
    case apiserver::WatchEventType::kModified:
      Upsert(e.object);
      break;
    case apiserver::WatchEventType::kDeleted:
      Remove(api::NamespacedName(e.object->metadata));
      break;
    case apiserver::WatchEventType::kError: {
      // Reflector: the watch ended with an error (410 Expired); relist after the backoff.
      api_.StopWatch(watch_id_);
      watch_id_ = 0;
      RelistAfterBackoff();
      break;
    }
  }
}

void Informer::Upsert(const api::ObjectPtr& obj) {
  std::string key = api::NamespacedName(obj->metadata);
  api::ObjectPtr old = indexer_.Get(key);
  if (!old) {
    indexer_.Upsert(key, obj);
    for (auto& h : handlers_)
      if (h.on_add) h.on_add(obj);
    return;
  }
  if (old->metadata.resource_version == obj->metadata.resource_version) return;
  indexer_.Upsert(key, obj);
  for (auto& h : handlers_)
    if (h.on_update) h.on_update(old, obj);
}

void Informer::Remove(const std::string& key) {
  api::ObjectPtr old = indexer_.Get(key);
  if (!old) return;
  indexer_.Delete(key);
  for (auto& h : handlers_)
    if (h.on_delete) h.on_delete(old);
}

std::vector<std::string> Informer::CheckAgainst(const etcd::MvccStore& store) const {
  std::vector<std::string> out;
  if (stopped_ || !synced_ || watch_id_ == 0) return out;
  const std::string prefix = apiserver::registry::Store::ResourcePrefix(api::ResourceOf(kind_));
  etcd::RangeResult range = store.Range(prefix, seen_revision_);
  if (range.error != etcd::StoreError::kOk) return out;
  const std::string who = "informer " + api_.name() + "/" + kind_ + " at revision " + std::to_string(seen_revision_);
  std::map<std::string, int64_t> stored;
  for (const api::ObjectPtr& obj : range.objects) {
    // The same field selector the API server applied to its list and watch.
    if (!selector_.node_name.empty() && apiserver::SelectedNodeName(obj) != selector_.node_name) continue;
    stored[api::NamespacedName(obj->metadata)] = obj->metadata.resource_version;
  }
  for (const auto& [key, rv] : stored) {
    api::ObjectPtr cached = indexer_.Get(key);
    if (!cached) {
      out.push_back(who + ": misses " + key);
    } else if (cached->metadata.resource_version != rv) {
      out.push_back(who + ": has " + key + " at " + std::to_string(cached->metadata.resource_version) +
                    ", the store at " + std::to_string(rv));
    }
  }
  for (const auto& [key, obj] : indexer_.items()) {
    if (!stored.count(key)) out.push_back(who + ": still has " + key + ", gone from the store");
  }
  return out;
}

}  // namespace kubesim::client
