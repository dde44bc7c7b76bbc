// The etcd v3.5 MVCC key-value store as Kubernetes uses it (etcd-io/etcd @ v3.5:
// server/mvcc/kvstore_txn.go, key_index.go, kvstore.go, watchable_store.go).
//
// One global revision counts every write; a write's revision becomes the object's
// metadata.resourceVersion (mod_revision). Each key keeps its versions until compaction, so reads
// and watches can start at a past revision; compacting at R drops every version at or below R
// except each key's newest, and watches or reads below R fail with kCompacted (the API server
// turns that into 410 Gone). Keys are ordered, so ranges and replays are deterministic.
//
// Raft, quorum and latency are not modelled here: the API server decides when a request reaches
// the store. Watch callbacks run synchronously inside the write; asynchronous delivery is the
// caller's business.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "models/api/object.h"
#include "sim/hashed_map.h"

namespace kubesim::etcd {

enum class EventType { kPut, kDelete };

struct Event {
  EventType type = EventType::kPut;
  std::string key;
  int64_t revision = 0;
  api::ObjectPtr object;  // the new value; for deletes, the last value before deletion
  api::ObjectPtr prev;    // the previous value, null on creation
};

enum class StoreError { kOk, kNotFound, kAlreadyExists, kConflict, kCompacted, kFutureRevision };

struct WriteResult {
  StoreError error = StoreError::kOk;
  int64_t revision = 0;    // the store revision after the call (the new one on success)
  api::ObjectPtr object;   // the stored value (delete: the deleted value)
  api::ObjectPtr current;  // on kConflict: the current value, as etcd's failed-Txn response gives it
};

struct RangeResult {
  StoreError error = StoreError::kOk;
  int64_t revision = 0;                 // the revision the range was read at
  std::vector<api::ObjectPtr> objects;  // in key order
};

class MvccStore {
 public:
  using WatchCallback = std::function<void(const Event&)>;

  int64_t revision() const { return revision_; }
  int64_t compacted_revision() const { return compacted_; }
  size_t key_count() const { return live_keys_; }

  // Create succeeds only if the key does not exist (mod_revision == 0), as the API server's Txn.
  // The store sets obj->metadata.resource_version to the new revision before freezing it.
  WriteResult Create(const std::string& key, std::shared_ptr<api::Object> obj);
  // Compare-and-swap on mod_revision when `expected_revision` > 0; unconditional when 0.
  WriteResult Update(const std::string& key, std::shared_ptr<api::Object> obj, int64_t expected_revision);
  WriteResult Delete(const std::string& key, int64_t expected_revision);

  api::ObjectPtr Get(const std::string& key) const;
  // Every live key starting with `prefix`, at `revision` (0: latest).
  RangeResult Range(const std::string& prefix, int64_t revision = 0) const;

  // Streams every event on keys with `prefix` from `start_revision` (inclusive; 0: from the next
  // write). History since then is replayed synchronously before Watch returns. Returns 0 and
  // does not register when start_revision is compacted (kCompacted) — check with CanWatchFrom.
  int64_t Watch(const std::string& prefix, int64_t start_revision, WatchCallback cb);
  bool CanWatchFrom(int64_t start_revision) const;
  // Replays the history of `prefix` from `start_revision` (inclusive) without registering a watch;
  // false (and no calls) when that revision was compacted.
  bool Replay(const std::string& prefix, int64_t start_revision, const WatchCallback& cb) const;
  void CancelWatch(int64_t id);

  // Drops history at or below `revision`. Watchers are unaffected (they are always synced here).
  void Compact(int64_t revision);

 private:
  struct Version {
    int64_t revision;
    api::ObjectPtr object;  // null: tombstone
  };
  struct Watcher {
    std::string prefix;
    int64_t min_revision;  // a watch from a future revision starts there (etcd minRev)
    WatchCallback cb;
  };

  WriteResult Commit(const std::string& key, std::shared_ptr<api::Object> obj, EventType type, api::ObjectPtr prev);
  void Notify(const Event& e);

  int64_t revision_ = 1;  // etcd starts at 1 with an empty store
  int64_t compacted_ = 0;
  size_t live_keys_ = 0;
  sim::HashedMap<std::vector<Version>> keys_;
  std::deque<Event> log_;  // every event after compacted_, in revision order
  std::map<int64_t, Watcher> watchers_;
  int64_t next_watch_id_ = 1;
};

}  // namespace kubesim::etcd
