// What one kind adds to the generic store (store.h): upstream's per-resource strategies
// (kubernetes/kubernetes staging/src/k8s.io/apiserver/pkg/registry/rest/{create,update,delete}.go
// @ v1.32: RESTCreateStrategy, RESTUpdateStrategy, RESTGracefulDeleteStrategy) and the REST
// storage a kind wraps around the store (pkg/registry/core/namespace/storage/storage.go).
//
// The base class is the behaviour every kind shares; PodStrategy (pod_strategy.h) and
// NamespaceStrategy (namespace_strategy.h) override what upstream's pod and namespace registries
// do differently. StrategyFor picks one for an object.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "models/api/object.h"
#include "models/apiserver/api_types.h"
#include "sim/time.h"

namespace kubesim::apiserver::registry {

// How a DELETE ends for the stored object (upstream Store.Delete and the REST storage around it).
struct Deletion {
  enum class Outcome {
    kDeleteNow,  // the key is removed at once
    kUpdate,     // `updated` is written: deletionTimestamp, grace period and finalizers set
    kUnchanged,  // already being deleted exactly this way: nothing is written
    kRefused,    // `refusal` is the answer
  };
  Outcome outcome = Outcome::kDeleteNow;
  std::shared_ptr<api::Object> updated;
  Response refusal;
};

class Strategy {
 public:
  virtual ~Strategy() = default;

  // After the server has set the metadata it owns and before the object is stored
  // (RESTCreateStrategy.PrepareForCreate). Default: nothing.
  virtual void PrepareForCreate(api::Object& obj) const;

  // An update of the main resource, `obj` replacing the stored `old` (RESTUpdateStrategy
  // PrepareForUpdate). Default, as upstream's strategies of every kind with a status subresource
  // or a spec: status changes are ignored (`newObj.Status = oldObj.Status`; they go through the
  // status subresource), and metadata.generation is bumped when the spec changed.
  virtual void PrepareForUpdate(api::Object& obj, const api::Object& old) const;

  // An update of the status subresource: `next` is a copy of the stored object and takes the
  // status of `request` (the status strategies' PrepareForUpdate keep everything else). False
  // when the kind has no status subresource. Default: api::Object::CopyStatusFrom.
  virtual bool PrepareForStatusUpdate(api::Object& next, const api::Object& request) const;

  // RESTGracefulDeleteStrategy.CheckGracefulDelete: the grace period in seconds a DELETE with
  // `opts` gives `obj`, or nullopt for a kind without graceful deletion. Default: nullopt.
  virtual std::optional<int64_t> CheckGracefulDelete(const api::Object& obj, const DeleteOptions& opts) const;

  // A kind whose REST storage decides a DELETE before the generic store does (the namespace
  // registry's Delete): the outcome, or nullopt to go on with graceful deletion and finalizers.
  // `finalizers` are the object's finalizers once the request's propagationPolicy is applied
  // (DeletionFinalizersForGarbageCollection, store.h). Default: nullopt.
  virtual std::optional<Deletion> Delete(const api::Object& cur, const std::vector<std::string>& finalizers,
                                         sim::Time now) const;

  // Store.Update's ShouldDeleteDuringUpdate: whether writing `next`, an update of an object being
  // deleted, removes it instead. Default: deleting, no finalizer left and no grace period pending.
  virtual bool ShouldDeleteDuringUpdate(const api::Object& next) const;
};

// The strategy of `obj`'s kind, told by its type (the codec types every kind it simulates):
// PodStrategy for an api::Pod, NamespaceStrategy for an api::Namespace, the shared default for
// every other object.
const Strategy& StrategyFor(const api::Object& obj);

}  // namespace kubesim::apiserver::registry
