// The etcd v3.5 MVCC key-value store as Kubernetes uses it (etcd-io/etcd @ v3.5:
// server/mvcc/kvstore_txn.go, key_index.go, kvstore.go, watchable_store.go).
//
// One global revision counts every write; a write's revision becomes the object's
// metadata.resourceVersion (mod_revision). Each key keeps its versions until compaction, so reads
// and watches can start at a past revision; compacting at R drops every version at or below R
// except each key's newest, and watches or reads below R fail with kCompacted (the API server
// turns that into 410 Gone). Keys are ordered, so ranges and replays are deterministic.
//
// The backend's size is modelled as etcd meters it against its quota (etcd-io/etcd
// server/etcdserver/quota.go @ v3.5.16, backendQuota): every put costs key + value + 256 bytes
// (kvOverhead), the value's size being api::StoredSize. Bytes in use fall when compaction drops
// versions, but the file (bbolt's db, what the quota is checked against: be.Size()) keeps its
// high-water mark until Defragment. A put that would take the file past the quota raises the
// NOSPACE alarm; while it is raised every put fails with kNoSpace ("etcdserver: mvcc: database
// space exceeded") and only reads, deletes and compaction go through, until DisarmAlarms —
// etcd's "limited-operation maintenance mode" (etcd.io/docs/v3.5/op-guide/maintenance, "Space quota").
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
#include "models/etcd/config.h"
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

enum class StoreError { kOk, kNotFound, kAlreadyExists, kConflict, kCompacted, kFutureRevision, kNoSpace };

// What the quota charges each put beyond its key and value (quota.go, kvOverhead).
inline constexpr int64_t kKvOverheadBytes = 256;
// A new member's db file: bbolt's meta, freelist and bucket pages, six 4 KiB pages (etcdctl
// endpoint status shows "25 kB" on a fresh v3.5 member).
inline constexpr int64_t kEmptyDbBytes = 6 * 4096;

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

  // The space quota in bytes (--quota-backend-bytes); 0 disables it, as a negative value does in etcd.
  void SetQuota(int64_t bytes) { quota_bytes_ = bytes; }
  int64_t quota() const { return quota_bytes_; }
  // The db file (etcd_mvcc_db_total_size_in_bytes), the bytes in use in it
  // (etcd_mvcc_db_total_size_in_use_in_bytes) and the file's largest size so far.
  int64_t db_size() const { return db_size_; }
  int64_t db_size_in_use() const { return in_use_; }
  int64_t db_size_max() const { return db_size_max_; }
  bool nospace_alarm() const { return nospace_alarm_; }
  int64_t nospace_alarms() const { return nospace_alarms_; }      // times the alarm was raised
  int64_t nospace_rejected() const { return nospace_rejected_; }  // puts refused with kNoSpace
  // `etcdctl defrag`: the file shrinks to the bytes in use. The alarm stays until disarmed.
  void Defragment() { db_size_ = in_use_; }
  // `etcdctl alarm disarm`: puts are checked against the quota again (and raise it again if the
  // file is still too large).
  void DisarmAlarms() { nospace_alarm_ = false; }

 private:
  struct Version {
    int64_t revision;
    api::ObjectPtr object;  // null: tombstone
    int64_t bytes;          // what it takes in the backend, overhead and key included
  };
  struct Watcher {
    std::string prefix;
    int64_t min_revision;  // a watch from a future revision starts there (etcd minRev)
    WatchCallback cb;
  };

  // `bytes`: what the new version takes in the backend (PutBytes, or key + overhead for a tombstone).
  WriteResult Commit(const std::string& key, std::shared_ptr<api::Object> obj, EventType type, api::ObjectPtr prev,
                     int64_t bytes);
  static int64_t PutBytes(const std::string& key, const api::Object& obj);
  // The quota check of a put costing `bytes` (quotaAlarmer.check): false, with the alarm raised,
  // when it does not fit.
  bool Fits(int64_t bytes);
  void Notify(const Event& e);

  int64_t revision_ = 1;  // etcd starts at 1 with an empty store
  int64_t compacted_ = 0;
  size_t live_keys_ = 0;
  int64_t quota_bytes_ = kDefaultQuotaBackendBytes;
  int64_t in_use_ = kEmptyDbBytes;
  int64_t db_size_ = kEmptyDbBytes;
  int64_t db_size_max_ = kEmptyDbBytes;
  bool nospace_alarm_ = false;
  int64_t nospace_alarms_ = 0;
  int64_t nospace_rejected_ = 0;
  sim::HashedMap<std::vector<Version>> keys_;
  std::deque<Event> log_;  // every event after compacted_, in revision order
  std::map<int64_t, Watcher> watchers_;
  int64_t next_watch_id_ = 1;
};

}  // namespace kubesim::etcd
