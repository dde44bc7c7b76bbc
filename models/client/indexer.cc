#include "models/client/indexer.h"

#include <algorithm>
#include <utility>

#include "sim/check.h"

namespace kubesim::client {

std::vector<std::string> MetaNamespaceIndexFunc(const api::Object& obj) { return {obj.metadata.namespace_}; }

Indexer::Indexer() {
  sim::Status s = AddIndexers({{kNamespaceIndex, MetaNamespaceIndexFunc}});
  KUBESIM_CHECK(s.ok(), s.message());
}

void Indexer::Upsert(const std::string& key, api::ObjectPtr obj) {
  auto it = items_.try_emplace(key).first;
  // The previous object stays alive until its index values have been read.
  api::ObjectPtr old = std::exchange(it->second, std::move(obj));
  auto index = indices_.begin();  // indices_ has indexers_' names, in the same order
  for (const auto& [name, fn] : indexers_) Refile((index++)->second, fn, key, old.get(), it->second.get(), &it->second);
}

void Indexer::Delete(const std::string& key) {
  auto it = items_.find(key);
  if (it == items_.end()) return;
  auto index = indices_.begin();
  for (const auto& [name, fn] : indexers_) Refile((index++)->second, fn, key, it->second.get(), nullptr, nullptr);
  items_.erase(it);
}

api::ObjectPtr Indexer::Get(std::string_view key) const {
  auto it = items_.find(key);
  return it == items_.end() ? nullptr : it->second;
}

sim::Status Indexer::AddIndexers(const Indexers& indexers) {
  for (const auto& [name, fn] : indexers) {
    if (indexers_.count(name) > 0) {
      return sim::Status(sim::StatusCode::kInvalidArgument, "indexer conflict: " + name);
    }
  }
  for (const auto& [name, fn] : indexers) {
    indexers_.emplace(name, fn);
    Index& index = indices_[name];
    for (auto& [key, obj] : items_) Refile(index, fn, key, nullptr, obj.get(), &obj);
  }
  return sim::Status::Ok();
}

void Indexer::Refile(Index& index, const IndexFunc& fn, const std::string& key, const api::Object* old_obj,
                     const api::Object* new_obj, const api::ObjectPtr* entry) {
  std::vector<std::string> old_values = old_obj ? fn(*old_obj) : std::vector<std::string>{};
  std::vector<std::string> new_values = new_obj ? fn(*new_obj) : std::vector<std::string>{};
  // Filed under the same values already, pointing at the same store entry (entries never move).
  if (old_values == new_values) return;
  for (const auto& value : old_values) {
    if (std::find(new_values.begin(), new_values.end(), value) != new_values.end()) continue;
    auto bucket = index.find(value);
    if (bucket == index.end()) continue;
    bucket->second.erase(key);
    if (bucket->second.empty()) index.erase(bucket);  // as upstream, no empty sets stay behind
  }
  for (const auto& value : new_values) index[value].insert_or_assign(key, entry);
}

const Indexer::Index& Indexer::IndexNamed(const std::string& name) const {
  auto it = indices_.find(name);
  KUBESIM_CHECK(it != indices_.end(), "Index with name " + name + " does not exist");
  return it->second;
}

const Indexer::Bucket& Indexer::IndexedItems(const std::string& name, const std::string& value) const {
  static const Bucket kEmpty;
  const Index& index = IndexNamed(name);
  auto it = index.find(value);
  return it == index.end() ? kEmpty : it->second;
}

std::vector<api::ObjectPtr> Indexer::ByIndex(const std::string& name, const std::string& value) const {
  const Bucket& bucket = IndexedItems(name, value);
  std::vector<api::ObjectPtr> out;
  out.reserve(bucket.size());
  for (const auto& [key, entry] : bucket) out.push_back(*entry);
  return out;
}

std::vector<std::string> Indexer::IndexKeys(const std::string& name, const std::string& value) const {
  const Bucket& bucket = IndexedItems(name, value);
  std::vector<std::string> out;
  out.reserve(bucket.size());
  for (const auto& [key, obj] : bucket) out.push_back(key);
  return out;
}

std::vector<std::string> Indexer::ListIndexFuncValues(const std::string& name) const {
  std::vector<std::string> out;
  for (const auto& [value, bucket] : IndexNamed(name)) out.push_back(value);
  return out;
}

}  // namespace kubesim::client
