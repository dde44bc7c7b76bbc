#include "models/etcd/mvcc_store.h"

#include <catch2/catch.hpp>
#include <memory>
#include <string>
#include <vector>

#include "models/api/kinds.h"

namespace kubesim::etcd {
namespace {

std::shared_ptr<api::Object> Obj(const std::string& name, const std::string& value = "") {
  auto o = std::make_shared<api::OpaqueObject>();
  o->kind = "ConfigMap";
  o->metadata.name = name;
  o->metadata.labels["v"] = value;
  return o;
}

std::string ValueOf(const api::ObjectPtr& o) { return o ? o->metadata.labels.at("v") : "<null>"; }

std::vector<std::string> Values(const RangeResult& r) {
  std::vector<std::string> out;
  for (const auto& o : r.objects) out.push_back(o->metadata.name + "=" + ValueOf(o));
  return out;
}

struct Seen {
  EventType type;
  std::string key;
  int64_t revision;
  std::string value;
  std::string prev;
  bool operator==(const Seen&) const = default;
};

MvccStore::WatchCallback Record(std::vector<Seen>* out) {
  return [out](const Event& e) { out->push_back({e.type, e.key, e.revision, ValueOf(e.object), ValueOf(e.prev)}); };
}

TEST_CASE("MvccStore: revision starts at 1 and every write raises it by exactly 1", "[etcd]") {
  MvccStore s;
  CHECK(s.revision() == 1);
  CHECK(s.compacted_revision() == 0);
  CHECK(s.key_count() == 0);

  WriteResult c = s.Create("/a", Obj("a", "1"));
  CHECK(c.error == StoreError::kOk);
  CHECK(c.revision == 2);
  CHECK(s.revision() == 2);
  REQUIRE(c.object);
  CHECK(c.object->metadata.resource_version == 2);  // resource_version == mod revision
  CHECK(s.Get("/a") == c.object);
  CHECK(s.key_count() == 1);

  WriteResult c2 = s.Create("/b", Obj("b", "1"));
  CHECK(c2.revision == 3);
  CHECK(c2.object->metadata.resource_version == 3);

  WriteResult u = s.Update("/a", Obj("a", "2"), 2);
  CHECK(u.error == StoreError::kOk);
  CHECK(u.revision == 4);
  CHECK(u.object->metadata.resource_version == 4);
  CHECK(ValueOf(s.Get("/a")) == "2");

  WriteResult u0 = s.Update("/a", Obj("a", "3"), 0);  // unconditional
  CHECK(u0.error == StoreError::kOk);
  CHECK(u0.revision == 5);

  WriteResult d = s.Delete("/b", 3);
  CHECK(d.error == StoreError::kOk);
  CHECK(d.revision == 6);
  CHECK(ValueOf(d.object) == "1");
  CHECK(s.Get("/b") == nullptr);
  CHECK(s.key_count() == 1);
  CHECK(s.revision() == 6);

  // A key deleted and created again starts over.
  WriteResult again = s.Create("/b", Obj("b", "new"));
  CHECK(again.error == StoreError::kOk);
  CHECK(again.revision == 7);
  CHECK(s.key_count() == 2);
}

TEST_CASE("MvccStore: failed writes change nothing", "[etcd]") {
  MvccStore s;
  auto first = s.Create("/a", Obj("a", "1")).object;
  s.Update("/a", Obj("a", "2"), 0);  // rev 3

  WriteResult dup = s.Create("/a", Obj("a", "x"));
  CHECK(dup.error == StoreError::kAlreadyExists);
  CHECK(dup.revision == 3);
  CHECK(dup.object == nullptr);

  WriteResult stale = s.Update("/a", Obj("a", "x"), 2);
  CHECK(stale.error == StoreError::kConflict);
  CHECK(stale.revision == 3);
  REQUIRE(stale.current);
  CHECK(stale.current->metadata.resource_version == 3);
  CHECK(ValueOf(stale.current) == "2");

  WriteResult missing = s.Update("/zz", Obj("zz"), 0);
  CHECK(missing.error == StoreError::kNotFound);
  WriteResult del_stale = s.Delete("/a", 2);
  CHECK(del_stale.error == StoreError::kConflict);
  CHECK(del_stale.current->metadata.resource_version == 3);
  CHECK(s.Delete("/zz", 0).error == StoreError::kNotFound);

  CHECK(s.revision() == 3);
  CHECK(ValueOf(s.Get("/a")) == "2");
  CHECK(s.key_count() == 1);
  CHECK(first->metadata.resource_version == 2);  // stored versions are never changed in place
}

TEST_CASE("MvccStore: Range reads any uncompacted revision in key order", "[etcd]") {
  MvccStore s;
  s.Create("/p/b", Obj("b", "1"));     // 2
  s.Create("/p/a", Obj("a", "1"));     // 3
  s.Create("/q/c", Obj("c", "1"));     // 4
  s.Update("/p/a", Obj("a", "2"), 0);  // 5
  s.Delete("/p/b", 0);                 // 6

  RangeResult now = s.Range("/p/");
  CHECK(now.error == StoreError::kOk);
  CHECK(now.revision == 6);
  CHECK(Values(now) == std::vector<std::string>{"a=2"});

  CHECK(Values(s.Range("/p/", 5)) == std::vector<std::string>{"a=2", "b=1"});
  CHECK(Values(s.Range("/p/", 4)) == std::vector<std::string>{"a=1", "b=1"});
  CHECK(Values(s.Range("/p/", 2)) == std::vector<std::string>{"b=1"});
  CHECK(s.Range("/p/", 4).revision == 4);
  CHECK(s.Range("/p/", 1).objects.empty());
  CHECK(Values(s.Range("/")) == std::vector<std::string>{"a=2", "c=1"});
  CHECK(s.Range("/p/", 7).error == StoreError::kFutureRevision);
}

TEST_CASE("MvccStore: Watch from a past revision replays history, then streams", "[etcd]") {
  MvccStore s;
  s.Create("/p/a", Obj("a", "1"));     // 2
  s.Create("/q/x", Obj("x", "1"));     // 3
  s.Update("/p/a", Obj("a", "2"), 0);  // 4

  std::vector<Seen> seen;
  int64_t id = s.Watch("/p/", 2, Record(&seen));
  CHECK(id != 0);
  CHECK(seen == std::vector<Seen>{{EventType::kPut, "/p/a", 2, "1", "<null>"}, {EventType::kPut, "/p/a", 4, "2", "1"}});
  s.Create("/p/b", Obj("b", "1"));  // 5
  s.Create("/q/y", Obj("y", "1"));  // 6: other prefix
  s.Delete("/p/a", 0);              // 7
  REQUIRE(seen.size() == 4);
  CHECK(seen[2] == Seen{EventType::kPut, "/p/b", 5, "1", "<null>"});
  // A delete carries the last value as both object and prev.
  CHECK(seen[3] == Seen{EventType::kDelete, "/p/a", 7, "2", "2"});

  std::vector<Seen> fresh;
  int64_t id2 = s.Watch("/p/", 0, Record(&fresh));  // 0: only later writes
  CHECK(id2 != 0);
  CHECK(id2 != id);
  CHECK(fresh.empty());
  s.CancelWatch(id);
  s.Update("/p/b", Obj("b", "2"), 0);  // 8
  CHECK(seen.size() == 4);
  CHECK(fresh == std::vector<Seen>{{EventType::kPut, "/p/b", 8, "2", "1"}});
}

TEST_CASE("MvccStore: Replay calls back without registering", "[etcd]") {
  MvccStore s;
  s.Create("/p/a", Obj("a", "1"));  // 2
  s.Create("/p/b", Obj("b", "1"));  // 3
  std::vector<Seen> seen;
  CHECK(s.Replay("/p/", 3, Record(&seen)));
  CHECK(seen == std::vector<Seen>{{EventType::kPut, "/p/b", 3, "1", "<null>"}});
  s.Create("/p/c", Obj("c", "1"));
  CHECK(seen.size() == 1);
  seen.clear();
  CHECK(s.Replay("/p/", 0, Record(&seen)));
  CHECK(seen.empty());
}

TEST_CASE("MvccStore: Compact keeps each key's newest version and refuses older reads", "[etcd]") {
  MvccStore s;
  s.Create("/p/a", Obj("a", "1"));     // 2
  s.Update("/p/a", Obj("a", "2"), 0);  // 3
  s.Create("/p/b", Obj("b", "1"));     // 4
  s.Delete("/p/b", 0);                 // 5
  s.Create("/p/c", Obj("c", "1"));     // 6
  s.Update("/p/c", Obj("c", "2"), 0);  // 7

  s.Compact(6);
  CHECK(s.compacted_revision() == 6);
  CHECK(s.revision() == 7);  // compaction is not a write here
  CHECK(s.key_count() == 2);

  CHECK(s.Range("/p/", 5).error == StoreError::kCompacted);
  // A read at or below the compacted revision fails (etcd-io/etcd
  // server/mvcc/kvstore_txn.go @ v3.5, rangeKeys).
  CHECK(s.Range("/p/", 6).error == StoreError::kCompacted);
  RangeResult at7 = s.Range("/p/", 7);
  CHECK(at7.error == StoreError::kOk);
  CHECK(Values(at7) == std::vector<std::string>{"a=2", "c=2"});

  CHECK_FALSE(s.CanWatchFrom(5));
  CHECK(s.CanWatchFrom(7));
  CHECK(s.CanWatchFrom(0));
  std::vector<Seen> seen;
  CHECK(s.Watch("/p/", 3, Record(&seen)) == 0);
  CHECK_FALSE(s.Replay("/p/", 2, Record(&seen)));
  CHECK(seen.empty());
  s.Create("/p/d", Obj("d", "1"));  // 8: the refused watch is not registered
  CHECK(seen.empty());

  CHECK(s.Watch("/p/", 7, Record(&seen)) != 0);
  CHECK(seen == std::vector<Seen>{{EventType::kPut, "/p/c", 7, "2", "1"}, {EventType::kPut, "/p/d", 8, "1", "<null>"}});

  // Compacting backwards or to the same revision is a no-op; beyond the head clamps to it.
  s.Compact(3);
  CHECK(s.compacted_revision() == 6);
  s.Compact(100);
  CHECK(s.compacted_revision() == 8);
  CHECK(Values(s.Range("/p/")) == std::vector<std::string>{"a=2", "c=2", "d=1"});
  CHECK(s.key_count() == 3);
  s.Update("/p/a", Obj("a", "3"), 3);  // the kept version still carries its mod revision
  CHECK(ValueOf(s.Get("/p/a")) == "3");
}

// etcd-io/etcd server/mvcc/watchable_store.go @ v3.5 (watch): a watcher whose startRev is above
// the current revision is "synced" with minRev = startRev, so writes below startRev are not
// delivered to it. kubesim delivers every later write to it regardless of start_revision.
TEST_CASE("MvccStore: Watch from a future revision skips writes before it", "[etcd]") {
  MvccStore s;
  s.Create("/p/a", Obj("a", "1"));  // 2
  std::vector<Seen> seen;
  REQUIRE(s.Watch("/p/", 4, Record(&seen)) != 0);
  s.Update("/p/a", Obj("a", "2"), 0);  // 3: below the start revision
  s.Update("/p/a", Obj("a", "3"), 0);  // 4
  CHECK(seen == std::vector<Seen>{{EventType::kPut, "/p/a", 4, "3", "2"}});
}

}  // namespace
}  // namespace kubesim::etcd

namespace kubesim::etcd {
namespace {

std::shared_ptr<api::Object> Blob(const std::string& name, size_t bytes) {
  auto cm = std::make_shared<api::ConfigMap>();
  cm->kind = api::ConfigMap::kKind;
  cm->api_version = "v1";
  cm->metadata.name = name;
  cm->data["payload"] = std::string(bytes, 'x');
  return cm;
}

TEST_CASE("MvccStore: the backend grows by key, value and 256 bytes per put, compaction frees, the file keeps its size",
          "[etcd][quota]") {
  MvccStore s;
  CHECK(s.db_size() == kEmptyDbBytes);
  CHECK(s.quota() == kDefaultQuotaBackendBytes);
  const std::string key = "/registry/configmaps/default/a";
  REQUIRE(s.Create(key, Blob("a", 10000)).error == StoreError::kOk);
  const int64_t one = s.db_size_in_use() - kEmptyDbBytes;
  // kvOverhead + key + the value's protobuf: the data dominates, metadata adds tens of bytes.
  CHECK(one >= kKvOverheadBytes + static_cast<int64_t>(key.size()) + 10000);
  CHECK(one <= kKvOverheadBytes + static_cast<int64_t>(key.size()) + 10000 + 200);
  for (int i = 0; i < 9; ++i) REQUIRE(s.Update(key, Blob("a", 10000), 0).error == StoreError::kOk);
  CHECK(s.db_size_in_use() == kEmptyDbBytes + 10 * one);
  CHECK(s.db_size() == s.db_size_in_use());
  s.Compact(s.revision());
  // Only the newest version is left in use; the file does not shrink until a defrag.
  CHECK(s.db_size_in_use() == kEmptyDbBytes + one);
  CHECK(s.db_size() == kEmptyDbBytes + 10 * one);
  CHECK(s.db_size_max() == kEmptyDbBytes + 10 * one);
  s.Defragment();
  CHECK(s.db_size() == kEmptyDbBytes + one);
  CHECK(s.db_size_max() == kEmptyDbBytes + 10 * one);
}

TEST_CASE(
    "MvccStore: a put past the quota raises NOSPACE, deletes and compaction go on, disarm before defrag re-raises",
    "[etcd][quota]") {
  MvccStore s;
  s.SetQuota(100 * 1024);
  int created = 0;
  WriteResult w;
  while ((w = s.Create("/registry/configmaps/default/c" + std::to_string(created), Blob("c", 10000))).error ==
         StoreError::kOk) {
    ++created;
  }
  CHECK(w.error == StoreError::kNoSpace);
  CHECK(created == 7);  // 24 KiB empty + 7 × ~10.3 KB fits under 100 KiB; the 8th does not
  CHECK(s.nospace_alarm());
  CHECK(s.nospace_alarms() == 1);
  const int64_t revision = s.revision();
  // While the alarm is raised every put fails, however small, and changes nothing.
  CHECK(s.Update("/registry/configmaps/default/c0", Blob("c0", 1), 0).error == StoreError::kNoSpace);
  CHECK(s.Create("/registry/configmaps/default/tiny", Blob("tiny", 1)).error == StoreError::kNoSpace);
  CHECK(s.revision() == revision);
  CHECK(s.nospace_rejected() == 3);
  // Deletes are allowed (etcd's capped applier refuses puts only).
  for (int i = 0; i < created; ++i) {
    REQUIRE(s.Delete("/registry/configmaps/default/c" + std::to_string(i), 0).error == StoreError::kOk);
  }
  // Disarmed with the file still full: the next put raises the alarm again.
  s.DisarmAlarms();
  CHECK(s.Create("/registry/configmaps/default/d", Blob("d", 10000)).error == StoreError::kNoSpace);
  CHECK(s.nospace_alarms() == 2);
  s.Compact(s.revision());
  CHECK(s.db_size_in_use() == kEmptyDbBytes);
  s.Defragment();
  CHECK(s.Create("/registry/configmaps/default/d", Blob("d", 10000)).error == StoreError::kNoSpace);  // still alarmed
  s.DisarmAlarms();
  CHECK(s.Create("/registry/configmaps/default/d", Blob("d", 10000)).error == StoreError::kOk);
  CHECK_FALSE(s.nospace_alarm());
  // A quota of 0 is none.
  MvccStore unlimited;
  unlimited.SetQuota(0);
  for (int i = 0; i < 20; ++i) {
    CHECK(unlimited.Create("/k" + std::to_string(i), Blob("k", 100000)).error == StoreError::kOk);
  }
}

}  // namespace
}  // namespace kubesim::etcd
