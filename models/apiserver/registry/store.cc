#include "models/apiserver/registry/store.h"

#include <algorithm>
#include <cstdio>

#include "models/api/codec.h"
#include "models/apiserver/errors.h"

namespace kubesim::apiserver::registry {
namespace {

std::string Qualified(const std::string& kind) { return api::ResourceOf(kind); }

// Upstream ValidateObjectMetaUpdate: an object being deleted may lose finalizers, never gain one.
std::optional<Response> ValidateObjectMetaUpdate(const api::Object& obj, const api::Object& cur) {
  if (!cur.metadata.deletion_timestamp) return std::nullopt;
  for (const auto& f : obj.metadata.finalizers) {
    if (!cur.metadata.HasFinalizer(f)) {
      return ErrorResponse(Code::kUnprocessable, "Invalid",
                           Qualified(cur.kind) + " \"" + cur.metadata.name +
                               "\" is invalid: metadata.finalizers: Forbidden: no new finalizers can be added if the "
                               "object is being deleted, found new finalizers [\"" +
                               f + "\"]");
    }
  }
  return std::nullopt;
}

// Update and UpdateStatus of `obj` against the stored `cur`: 404 when nothing is stored, 409 when
// the request names a UID (a precondition, as upstream's) and the stored object has another.
std::optional<Response> RefuseUpdate(const api::Object& obj, const api::ObjectPtr& cur) {
  if (!cur) return NotFound(obj.kind, obj.metadata.name);
  if (!obj.metadata.uid.empty() && obj.metadata.uid != cur->metadata.uid) {
    return UidConflict(obj.metadata.uid, cur->metadata.uid);
  }
  return std::nullopt;
}

}  // namespace

std::string Store::ResourcePrefix(const std::string& resource) { return "/registry/" + resource + "/"; }

std::string Store::Key(const std::string& kind, const std::string& ns, const std::string& name) {
  std::string key = ResourcePrefix(api::ResourceOf(kind));
  if (!ns.empty()) key += ns + "/";
  return key + name;
}

Response Store::Create(std::shared_ptr<api::Object> obj) {
  api::ObjectMeta& meta = obj->metadata;
  std::string key = Key(obj->kind, meta.namespace_, meta.name);
  if (etcd_.Get(key)) {
    return ErrorResponse(Code::kConflict, "AlreadyExists",
                         Qualified(obj->kind) + " \"" + meta.name + "\" already exists");
  }
  // rest.BeforeCreate: the metadata the server owns. Upstream's workload strategies each start
  // metadata.generation at 1 in PrepareForCreate; kubesim does it here for every kind.
  char uid[40];
  std::snprintf(uid, sizeof(uid), "00000000-0000-4000-8000-%012lld", static_cast<long long>(next_uid_++));
  meta.uid = uid;
  meta.creation_timestamp = sim_.Now();
  meta.resource_version = 0;
  meta.deletion_timestamp.reset();
  meta.deletion_grace_period_seconds.reset();
  if (meta.generation == 0) meta.generation = 1;
  StrategyFor(*obj).PrepareForCreate(*obj);
  return Written(etcd_.Create(key, std::move(obj)), Code::kCreated);
}

Response Store::Update(std::shared_ptr<api::Object> obj) {
  const api::ObjectMeta& meta = obj->metadata;
  std::string key = Key(obj->kind, meta.namespace_, meta.name);
  api::ObjectPtr cur = etcd_.Get(key);
  if (std::optional<Response> refused = RefuseUpdate(*obj, cur)) return *refused;
  // Fields the server owns are carried over from the stored object.
  obj->metadata.uid = cur->metadata.uid;
  obj->metadata.creation_timestamp = cur->metadata.creation_timestamp;
  // Only DELETE sets these (upstream ObjectMeta update strategy keeps the stored values).
  obj->metadata.deletion_timestamp = cur->metadata.deletion_timestamp;
  obj->metadata.deletion_grace_period_seconds = cur->metadata.deletion_grace_period_seconds;
  StrategyFor(*obj).PrepareForUpdate(*obj, *cur);
  int64_t expected = meta.resource_version;
  if (expected > 0 && expected != cur->metadata.resource_version) return Conflict(cur->kind, cur->metadata.name);
  if (std::optional<Response> invalid = ValidateObjectMetaUpdate(*obj, *cur)) return *invalid;
  return WriteOrFinishDeletion(key, std::move(obj), expected);
}

Response Store::UpdateStatus(const std::shared_ptr<api::Object>& obj) {
  const api::ObjectMeta& meta = obj->metadata;
  std::string key = Key(obj->kind, meta.namespace_, meta.name);
  api::ObjectPtr cur = etcd_.Get(key);
  if (std::optional<Response> refused = RefuseUpdate(*obj, cur)) return *refused;
  // A resourceVersion is a precondition, as for any update (upstream GuaranteedUpdate): a status
  // written from an out-of-date copy gets 409 Conflict and the writer retries from a fresh one.
  // Status patches (the kubelet's, the scheduler's) send none.
  const int64_t expected = meta.resource_version;
  if (expected > 0 && expected != cur->metadata.resource_version) return Conflict(cur->kind, cur->metadata.name);
  std::shared_ptr<api::Object> next = cur->Clone();
  if (!StrategyFor(*next).PrepareForStatusUpdate(*next, *obj)) {
    return ErrorResponse(Code::kNotFound, "NotFound",
                         "the server could not find the requested resource (status of " + Qualified(obj->kind) + ")");
  }
  return Written(etcd_.Update(key, std::move(next), 0));
}

Response Store::Delete(const std::string& kind, const std::string& ns, const std::string& name,
                       const DeleteOptions& opts) {
  std::string key = Key(kind, ns, name);
  api::ObjectPtr cur = etcd_.Get(key);
  if (!cur) return NotFound(kind, name);
  if (opts.precondition_resource_version > 0 && opts.precondition_resource_version != cur->metadata.resource_version) {
    return Conflict(kind, name);
  }
  if (!opts.precondition_uid.empty() && opts.precondition_uid != cur->metadata.uid) {
    return UidConflict(opts.precondition_uid, cur->metadata.uid);
  }
  Deletion d = DecideDeletion(*cur, opts, sim_.Now());
  switch (d.outcome) {
    case Deletion::Outcome::kRefused:
      return d.refusal;
    case Deletion::Outcome::kDeleteNow:
      return Written(etcd_.Delete(key, 0));
    case Deletion::Outcome::kUnchanged: {
      Response r;
      r.object = cur;
      r.resource_version = cur->metadata.resource_version;
      return r;
    }
    case Deletion::Outcome::kUpdate:
      break;
  }
  return Written(etcd_.Update(key, std::move(d.updated), cur->metadata.resource_version));
}

Response Store::WriteOrFinishDeletion(const std::string& key, std::shared_ptr<api::Object> next, int64_t expected) {
  if (StrategyFor(*next).ShouldDeleteDuringUpdate(*next)) return Written(etcd_.Delete(key, expected));
  return Written(etcd_.Update(key, std::move(next), expected));
}

std::vector<std::string> DeletionFinalizersForGarbageCollection(const std::vector<std::string>& existing,
                                                                const DeleteOptions& opts) {
  std::vector<std::string> finalizers = existing;
  auto drop = [&finalizers](const char* f) { std::erase(finalizers, std::string(f)); };
  auto add = [&finalizers](const char* f) {
    if (std::find(finalizers.begin(), finalizers.end(), f) == finalizers.end()) finalizers.push_back(f);
  };
  if (opts.propagation_policy) {
    switch (*opts.propagation_policy) {
      case PropagationPolicy::kOrphan:
        drop(api::kFinalizerForegroundDeletion);
        add(api::kFinalizerOrphan);
        break;
      case PropagationPolicy::kForeground:
        drop(api::kFinalizerOrphan);
        add(api::kFinalizerForegroundDeletion);
        break;
      case PropagationPolicy::kBackground:
        drop(api::kFinalizerOrphan);
        drop(api::kFinalizerForegroundDeletion);
        break;
    }
  }
  return finalizers;
}

Deletion DecideDeletion(const api::Object& cur, const DeleteOptions& opts, sim::Time now) {
  const Strategy& strategy = StrategyFor(cur);
  std::vector<std::string> finalizers = DeletionFinalizersForGarbageCollection(cur.metadata.finalizers, opts);
  if (std::optional<Deletion> own = strategy.Delete(cur, finalizers, now)) return std::move(*own);
  return UpdateForGracefulDeletionAndFinalizers(cur, strategy.CheckGracefulDelete(cur, opts), std::move(finalizers),
                                                now);
}

Deletion UpdateForGracefulDeletionAndFinalizers(const api::Object& cur, std::optional<int64_t> grace,
                                                std::vector<std::string> finalizers, sim::Time now) {
  const bool finalizers_changed = finalizers != cur.metadata.finalizers;
  std::optional<sim::Time> deletion_timestamp = cur.metadata.deletion_timestamp;
  std::optional<int64_t> grace_seconds = cur.metadata.deletion_grace_period_seconds;
  bool graceful = false;
  if (grace) {
    // A second delete may only shorten the grace period (upstream rest.BeforeDelete).
    if (!deletion_timestamp || !grace_seconds || *grace < *grace_seconds) {
      deletion_timestamp = now + sim::Duration::Seconds(*grace);
      grace_seconds = *grace;
    }
    graceful = *grace_seconds > 0;
  }
  Deletion d;
  if (!graceful && finalizers.empty()) return d;  // kDeleteNow
  if (!deletion_timestamp) {                      // markAsDeleting
    deletion_timestamp = now;
    grace_seconds = 0;
  }
  if (deletion_timestamp == cur.metadata.deletion_timestamp &&
      grace_seconds == cur.metadata.deletion_grace_period_seconds && !finalizers_changed) {
    d.outcome = Deletion::Outcome::kUnchanged;  // already being deleted this way: nothing to write
    return d;
  }
  std::shared_ptr<api::Object> copy = cur.Clone();
  copy->metadata.deletion_timestamp = deletion_timestamp;
  copy->metadata.deletion_grace_period_seconds = grace_seconds;
  copy->metadata.finalizers = std::move(finalizers);
  d.outcome = Deletion::Outcome::kUpdate;
  d.updated = std::move(copy);
  return d;
}

}  // namespace kubesim::apiserver::registry
