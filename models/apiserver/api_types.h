// The request and response types of the simulated API: what a client sends (WatchOptions,
// DeleteOptions) and gets back (Response with an HTTP-like code and upstream's message,
// WatchEvent). Failures are data, never exceptions. A light header: the scenario layer and the
// Cluster facade use these without the server.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "models/api/object.h"

namespace kubesim::apiserver {

enum class Code {
  kOk = 200,
  kCreated = 201,
  kBadRequest = 400,
  kForbidden = 403,
  kNotFound = 404,
  kConflict = 409,         // reason Conflict or AlreadyExists
  kTooManyRequests = 429,  // reason TooManyRequests: an eviction a PodDisruptionBudget refuses
  kGone = 410,
  kUnprocessable = 422,
  kInternal = 500,
  kUnavailable = 503,  // no answer: the server is down, or the client's host is cut off from it
};

struct Response {
  Code code = Code::kOk;
  std::string reason;   // upstream StatusReason: Conflict, AlreadyExists, NotFound, Expired, Invalid
  std::string message;  // upstream's wording
  api::ObjectPtr object;
  std::vector<api::ObjectPtr> items;  // LIST
  int64_t resource_version = 0;       // LIST: the list's RV; writes: the object's RV

  bool ok() const { return code == Code::kOk || code == Code::kCreated; }
};
using ResponseCallback = std::function<void(const Response&)>;

enum class WatchEventType { kAdded, kModified, kDeleted, kError };

struct WatchEvent {
  WatchEventType type = WatchEventType::kAdded;
  api::ObjectPtr object;  // kError: null
  int64_t resource_version = 0;
  Response error;  // kError: e.g. 410 Expired
};
using WatchHandler = std::function<void(const WatchEvent&)>;

struct WatchOptions {
  int64_t resource_version = 0;  // events after this RV; 0: from now
  std::string node_name;         // pods: field selector spec.nodeName=<node>; nodes: metadata.name=<node>
  int32_t host = 0;              // the watcher's network::HostId (ApiClient sets it); 0: control plane
  uint64_t connection = 0;       // the watcher's process connection (ApiClient sets it; api_server.h)
};

// metav1.DeletionPropagation. Background: the object goes now, the garbage collector deletes its
// dependents afterwards. Foreground: it stays (deletionTimestamp + finalizer foregroundDeletion)
// until the dependents that block it are gone. Orphan: finalizer orphan; the garbage collector
// removes the object from its dependents' ownerReferences, then lets it go.
enum class PropagationPolicy { kBackground, kForeground, kOrphan };

struct DeleteOptions {
  DeleteOptions() = default;
  // The (grace, resourceVersion precondition) form callers used before the other fields existed.
  DeleteOptions(std::optional<int64_t> grace, int64_t precondition_rv = 0)  // NOLINT(google-explicit-constructor)
      : grace_period_seconds(grace), precondition_resource_version(precondition_rv) {}

  std::optional<int64_t> grace_period_seconds;
  int64_t precondition_resource_version = 0;
  std::string precondition_uid;  // Preconditions.UID: 409 when the stored object is another incarnation
  // Unset: the object's own GC finalizer decides if it has one, else the kind's default
  // (Background for every kind kubesim serves; upstream DefaultGarbageCollectionPolicy).
  std::optional<PropagationPolicy> propagation_policy;
};

// "Background", "Foreground", "Orphan" (the API's spelling) → the policy; nullopt otherwise.
std::optional<PropagationPolicy> ParsePropagationPolicy(const std::string& s);

}  // namespace kubesim::apiserver
