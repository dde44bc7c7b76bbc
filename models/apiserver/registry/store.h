// The generic registry store (kubernetes/kubernetes
// staging/src/k8s.io/apiserver/pkg/registry/generic/registry/store.go @ v1.32, Store): the storage
// half of create, update, status update and delete over the etcd model, with each kind's rules
// taken from its Strategy (strategy.h). The ApiServer sends requests here once their latency has
// passed (and a create once admission has admitted it); every call decides and commits at the
// current instant. Failures are Responses with upstream's codes and messages (errors.h).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "models/api/object.h"
#include "models/apiserver/api_types.h"
#include "models/apiserver/registry/strategy.h"
#include "models/etcd/mvcc_store.h"
#include "sim/simulation.h"

namespace kubesim::apiserver::registry {

class Store {
 public:
  Store(const sim::Simulation& sim, etcd::MvccStore& etcd) : sim_(sim), etcd_(etcd) {}
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  // /registry/<resource>/ and /registry/<resource>/<namespace>/<name> (cluster-scoped: no
  // namespace segment).
  static std::string ResourcePrefix(const std::string& resource);
  static std::string Key(const std::string& kind, const std::string& ns, const std::string& name);

  // Store.Create of an admitted object: 409 AlreadyExists, else the metadata the server owns
  // (uid from a per-store counter, creationTimestamp, generation 1; no deletion fields), the
  // kind's PrepareForCreate, and the etcd create; 201 with the stored object.
  Response Create(std::shared_ptr<api::Object> obj);

  // Store.Update: replaces the object, keeping the metadata the server owns and the kind's
  // PrepareForUpdate; 409 Conflict when metadata.resourceVersion is set and stale; an object
  // being deleted may lose finalizers, never gain one (422); the update that leaves a deleted
  // object nothing to wait for removes it (the kind's ShouldDeleteDuringUpdate).
  Response Update(std::shared_ptr<api::Object> obj);

  // The status subresource: only the status of the stored object changes, whatever the rest of
  // `obj` holds; no resourceVersion precondition, as a status PATCH. 404 for a kind without one.
  Response UpdateStatus(const std::shared_ptr<api::Object>& obj);

  // Store.Delete: the preconditions of `opts` (resourceVersion 409 Conflict, uid 409), then
  // DecideDeletion's outcome, committed.
  Response Delete(const std::string& kind, const std::string& ns, const std::string& name, const DeleteOptions& opts);

 private:
  // Writes `next`, or removes the object instead when its kind's ShouldDeleteDuringUpdate says so.
  Response WriteOrFinishDeletion(const std::string& key, std::shared_ptr<api::Object> next, int64_t expected);

  const sim::Simulation& sim_;  // the clock: timestamps are the instant a request is served
  etcd::MvccStore& etcd_;
  int64_t next_uid_ = 1;
};

// deletionFinalizersForGarbageCollection: `finalizers` with the garbage collector's finalizers
// set as DeleteOptions.propagationPolicy asks — Orphan: `orphan` (and no `foregroundDeletion`),
// Foreground: `foregroundDeletion` (and no `orphan`), Background: neither; a finalizer added goes
// last. Without a policy the object's own finalizers decide (every kind kubesim serves defaults
// to Background), so they are returned as they are.
std::vector<std::string> DeletionFinalizersForGarbageCollection(const std::vector<std::string>& finalizers,
                                                                const DeleteOptions& opts);

// What a DELETE with `opts` does to the stored `cur` at `now`, in upstream Store.Delete's order:
// the propagationPolicy's finalizers, the kind's own Delete (namespaces), then
// UpdateForGracefulDeletionAndFinalizers with the kind's CheckGracefulDelete.
Deletion DecideDeletion(const api::Object& cur, const DeleteOptions& opts, sim::Time now);

// updateForGracefulDeletionAndFinalizers with rest.BeforeDelete: `grace` is the kind's
// CheckGracefulDelete (nullopt: not graceful). A graceful delete sets deletionTimestamp to now +
// grace unless the object is already being deleted with a grace period no longer than that (a
// second delete may only shorten it). With no grace period left and no finalizer the object is
// deleted now; otherwise it is marked deleted (a non-graceful one with deletionTimestamp now and
// grace 0) and keeps `finalizers`, unless it already is exactly so.
Deletion UpdateForGracefulDeletionAndFinalizers(const api::Object& cur, std::optional<int64_t> grace,
                                                std::vector<std::string> finalizers, sim::Time now);

}  // namespace kubesim::apiserver::registry
