#include "models/etcd/mvcc_store.h"

#include <algorithm>

#include "models/api/stored_size.h"

namespace kubesim::etcd {

int64_t MvccStore::PutBytes(const std::string& key, const api::Object& obj) {
  return kKvOverheadBytes + static_cast<int64_t>(key.size()) + api::StoredSize(obj);
}

WriteResult MvccStore::Commit(const std::string& key, std::shared_ptr<api::Object> obj, EventType type,
                              api::ObjectPtr prev, int64_t bytes) {
  ++revision_;
  api::ObjectPtr stored;
  if (type == EventType::kPut) {
    obj->metadata.resource_version = revision_;
    stored = std::move(obj);
  }
  in_use_ += bytes;
  db_size_ = std::max(db_size_, in_use_);
  db_size_max_ = std::max(db_size_max_, db_size_);
  auto& versions = keys_[key];
  versions.push_back(Version{revision_, stored, bytes});
  api::ObjectPtr event_object = stored;
  if (type == EventType::kDelete) {
    // The API server decodes a delete's previous value but stamps it with the deletion revision
    // (kubernetes/apiserver pkg/storage/etcd3/event.go @ v0.32, parseEvent).
    std::shared_ptr<api::Object> last = prev->Clone();
    last->metadata.resource_version = revision_;
    event_object = std::move(last);
  }
  Event e{type, key, revision_, event_object, prev};
  log_.push_back(e);
  Notify(log_.back());
  return WriteResult{StoreError::kOk, revision_, e.object, nullptr};
}

void MvccStore::Notify(const Event& e) {
  // Watchers may cancel themselves (or others) from the callback: iterate over a snapshot of ids.
  std::vector<int64_t> ids;
  ids.reserve(watchers_.size());
  for (const auto& [id, w] : watchers_) {
    if (e.revision >= w.min_revision && e.key.compare(0, w.prefix.size(), w.prefix) == 0) ids.push_back(id);
  }
  for (int64_t id : ids) {
    auto it = watchers_.find(id);
    if (it != watchers_.end()) it->second.cb(e);
  }
}

api::ObjectPtr MvccStore::Get(const std::string& key) const {
  auto it = keys_.find(key);
  if (it == keys_.end() || it->second.empty()) return nullptr;
  return it->second.back().object;
}

bool MvccStore::Fits(int64_t bytes) {
  if (quota_bytes_ <= 0) return true;
  // backendQuota.Available: be.Size() + cost < quota; otherwise the alarm goes up cluster-wide.
  if (!nospace_alarm_ && db_size_ + bytes < quota_bytes_) return true;
  if (!nospace_alarm_) {
    nospace_alarm_ = true;
    ++nospace_alarms_;
  }
  ++nospace_rejected_;
  return false;
}

WriteResult MvccStore::Create(const std::string& key, std::shared_ptr<api::Object> obj) {
  if (api::ObjectPtr cur = Get(key)) return WriteResult{StoreError::kAlreadyExists, revision_, nullptr, cur};
  const int64_t bytes = PutBytes(key, *obj);
  if (!Fits(bytes)) return WriteResult{StoreError::kNoSpace, revision_, nullptr, nullptr};
  ++live_keys_;
  return Commit(key, std::move(obj), EventType::kPut, nullptr, bytes);
}

WriteResult MvccStore::Update(const std::string& key, std::shared_ptr<api::Object> obj, int64_t expected_revision) {
  api::ObjectPtr cur = Get(key);
  if (!cur) return WriteResult{StoreError::kNotFound, revision_, nullptr, nullptr};
  if (expected_revision > 0 && cur->metadata.resource_version != expected_revision) {
    return WriteResult{StoreError::kConflict, revision_, nullptr, cur};
  }
  const int64_t bytes = PutBytes(key, *obj);
  if (!Fits(bytes)) return WriteResult{StoreError::kNoSpace, revision_, nullptr, nullptr};
  return Commit(key, std::move(obj), EventType::kPut, cur, bytes);
}

WriteResult MvccStore::Delete(const std::string& key, int64_t expected_revision) {
  api::ObjectPtr cur = Get(key);
  if (!cur) return WriteResult{StoreError::kNotFound, revision_, nullptr, nullptr};
  if (expected_revision > 0 && cur->metadata.resource_version != expected_revision) {
    return WriteResult{StoreError::kConflict, revision_, nullptr, cur};
  }
  --live_keys_;
  // A tombstone stores the key alone; deletes are never refused for space.
  return Commit(key, nullptr, EventType::kDelete, cur, kKvOverheadBytes + static_cast<int64_t>(key.size()));
}

RangeResult MvccStore::Range(const std::string& prefix, int64_t revision) const {
  RangeResult out;
  if (revision > revision_) {
    out.error = StoreError::kFutureRevision;
    return out;
  }
  if (revision > 0 && revision <= compacted_) {
    out.error = StoreError::kCompacted;
    return out;
  }
  int64_t at = revision > 0 ? revision : revision_;
  out.revision = at;
  for (auto it = keys_.lower_bound(prefix); it != keys_.end() && it->first.compare(0, prefix.size(), prefix) == 0;
       ++it) {
    const auto& versions = it->second;
    // Newest version at or below `at`.
    auto v = std::upper_bound(versions.begin(), versions.end(), at,
                              [](int64_t r, const Version& ver) { return r < ver.revision; });
    if (v == versions.begin()) continue;
    --v;
    if (v->object) out.objects.push_back(v->object);
  }
  return out;
}

bool MvccStore::CanWatchFrom(int64_t start_revision) const {
  return start_revision <= 0 || start_revision > compacted_;
}

bool MvccStore::Replay(const std::string& prefix, int64_t start_revision, const WatchCallback& cb) const {
  if (!CanWatchFrom(start_revision)) return false;
  if (start_revision <= 0) return true;
  auto first = std::lower_bound(log_.begin(), log_.end(), start_revision,
                                [](const Event& e, int64_t r) { return e.revision < r; });
  for (auto it = first; it != log_.end(); ++it) {
    if (it->key.compare(0, prefix.size(), prefix) == 0) cb(*it);
  }
  return true;
}

int64_t MvccStore::Watch(const std::string& prefix, int64_t start_revision, WatchCallback cb) {
  if (!Replay(prefix, start_revision, cb)) return 0;
  int64_t id = next_watch_id_++;
  watchers_.emplace(id, Watcher{prefix, start_revision, std::move(cb)});
  return id;
}

void MvccStore::CancelWatch(int64_t id) { watchers_.erase(id); }

void MvccStore::Compact(int64_t revision) {
  if (revision <= compacted_) return;
  revision = std::min(revision, revision_);
  compacted_ = revision;
  while (!log_.empty() && log_.front().revision <= revision) log_.pop_front();
  for (auto it = keys_.begin(); it != keys_.end();) {
    auto& versions = it->second;
    // Keep the newest version at or below `revision` (unless it is a tombstone) and all newer ones.
    auto keep = std::upper_bound(versions.begin(), versions.end(), revision,
                                 [](int64_t r, const Version& v) { return r < v.revision; });
    if (keep != versions.begin()) {
      auto newest_old = std::prev(keep);
      if (newest_old->object) keep = newest_old;
      for (auto v = versions.begin(); v != keep; ++v) in_use_ -= v->bytes;
      versions.erase(versions.begin(), keep);
    }
    if (versions.empty()) {
      it = keys_.erase(it);
    } else {
      ++it;
    }
  }
}

}  // namespace kubesim::etcd
