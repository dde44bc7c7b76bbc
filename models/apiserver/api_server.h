// The kube-apiserver model: verbs over the etcd model with request latency, admission, optimistic
// concurrency and watch fan-out.
//
// Every request is a simulated round trip: it is decided `latency(verb)` after it is sent, when
// the etcd write commits (or the read is served), and the response reaches the caller at that
// instant. Watch events reach each client watcher `watch_delay` after the commit, in commit
// order (one constant delay per server keeps each stream FIFO, as a real watch is).
//
// As the real server's watch cache, one store watch per resource feeds every client watch of it;
// pod watches selected by `spec.nodeName` (the kubelet's field selector) are indexed by node, so
// fan-out costs O(matching watchers), not O(nodes).
//
// Failures are data: a Response carries the HTTP-like code and upstream's message.
//
// Contract of every request verb (Create … Bind):
//  - The callback runs at most once: exactly once while the server lives, never if it is
//    destroyed first. It always runs from a later simulation event, never inside the call, so a
//    caller may issue a request from a handler and update its own state after the call.
//  - An object passed in (shared_ptr<api::Object>) is handed over: the server sets uid,
//    resourceVersion and defaults on it and stores it, so the caller must not touch it after the
//    call. Objects coming back (Response::object, items, watch events) are the stored immutable
//    objects; clone before changing one.
//  - A name that does not exist is 404 NotFound with upstream's message (pods "x" not found),
//    never a crash; uid and resourceVersion preconditions that fail are 409 Conflict.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "models/api/object.h"
#include "models/apiserver/latency.h"
#include "models/etcd/mvcc_store.h"
#include "sim/owner.h"
#include "sim/simulation.h"

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
  std::string node_name;         // pods only: field selector spec.nodeName=<node>
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

struct ApiServerConfig {
  // Measured in a kubemark density run, 30 pods per node (kubernetes/kubernetes #25827, 2016):
  // POST pods p50 18.5 ms / p99 110 ms, POST bindings 28.9 / 108 ms, PUT pods 10.6 / 234 ms,
  // DELETE pods 13.5 / 199 ms. Sources and uses: docs/calibration.md.
  LatencyModel create{sim::Duration::Microseconds(18500), sim::Duration::Milliseconds(110)};
  LatencyModel bind{sim::Duration::Microseconds(28900), sim::Duration::Milliseconds(108)};
  LatencyModel update{sim::Duration::Microseconds(10600), sim::Duration::Milliseconds(234)};
  LatencyModel del{sim::Duration::Microseconds(13500), sim::Duration::Milliseconds(199)};
  // ASSUMPTION: no published per-verb figure for a single-object GET; 5 ms / 50 ms sits well
  // inside the read SLO (p99 ≤ 1 s, kubernetes/community sig-scalability/slos/api_call_latency.md).
  LatencyModel get{sim::Duration::Milliseconds(5), sim::Duration::Milliseconds(50)};
  // LIST pods p50 240 ms in a 100-node load test holding ≈ 3,000 pods (kubernetes/kubernetes
  // #4521, 2015) → 80 µs per object on top of GET (our arithmetic).
  sim::Duration list_per_object = sim::Duration::Microseconds(80);
  // ASSUMPTION: no measured figure exists for commit → watcher delivery alone (the watch-latency
  // SLI of kubernetes/community sig-scalability/slos/watch_latency.md has no number yet);
  // kubesim assumes 10 ms. See docs/calibration.md.
  sim::Duration watch_delay = sim::Duration::Milliseconds(10);
  // --etcd-compaction-interval default 5 min (kubernetes/apiserver
  // pkg/storage/storagebackend/config.go @ v0.32, DefaultCompactInterval).
  sim::Duration compaction_interval = sim::Duration::Minutes(5);
};

struct AdmissionOptions;  // admission.h

class ApiServer {
 public:
  ApiServer(sim::Simulation& sim, etcd::MvccStore& store, ApiServerConfig config);
  ~ApiServer();
  ApiServer(const ApiServer&) = delete;
  ApiServer& operator=(const ApiServer&) = delete;

  // Every verb takes the caller's latency stream last (ApiClient passes its own, so adding a
  // client never shifts another's draws); null uses the server's shared stream. `cb` may be null
  // (fire and forget). REQUIRES: `obj` non-null with kind, name (or generateName) and, for
  // namespaced kinds, namespace set.
  void Create(std::shared_ptr<api::Object> obj, ResponseCallback cb, sim::Rng* caller = nullptr);
  // Replaces the object; 409 Conflict when metadata.resource_version is set and stale.
  void Update(std::shared_ptr<api::Object> obj, ResponseCallback cb, sim::Rng* caller = nullptr);
  // The status subresource: only the status of the stored object changes (Pod, Node), whatever
  // the rest of `obj` holds; no resourceVersion precondition, as a status PATCH.
  void UpdateStatus(std::shared_ptr<api::Object> obj, ResponseCallback cb, sim::Rng* caller = nullptr);
  void Delete(const std::string& kind, const std::string& ns, const std::string& name, DeleteOptions opts,
              ResponseCallback cb, sim::Rng* caller = nullptr);
  // The pods/eviction subresource (registry/core/pod/storage/eviction.go): deletes the pod if
  // the PodDisruptionBudget covering it allows a disruption, recording it in the budget's
  // disruptedPods; 429 "Cannot evict pod as it would violate the pod's disruption budget." if not.
  void Evict(const std::string& ns, const std::string& name, ResponseCallback cb, sim::Rng* caller = nullptr);
  void Get(const std::string& kind, const std::string& ns, const std::string& name, ResponseCallback cb,
           sim::Rng* caller = nullptr);
  // `node_name`: pods only, the field selector spec.nodeName=<node> (the kubelet's list).
  void List(const std::string& kind, ResponseCallback cb, const std::string& node_name = "",
            sim::Rng* caller = nullptr);
  // POST pods/<name>/binding.
  void Bind(const std::string& ns, const std::string& name, const std::string& uid, const std::string& node,
            ResponseCallback cb, sim::Rng* caller = nullptr);

  // Stores an object that exists when the run starts (the scenario's initial state): admission
  // and defaulting apply, but no latency; the write commits at the current instant and the
  // Response is returned, not called back. Watchers still hear of it `watch_delay` later.
  Response Bootstrap(std::shared_ptr<api::Object> obj) { return DoCreate(std::move(obj), /*bootstrap=*/true); }

  // Starts a watch and returns its id. `handler` runs once per event, `watch_delay` after the
  // commit, in commit order, from its own delivery event (never inside Watch); it may call
  // StopWatch, its own id included, and issue requests. With opts.resource_version > 0 the
  // events after that revision are replayed first; if it was compacted away the handler gets one
  // kError event (410 Expired) and the watch is already gone (client-go then relists).
  // REQUIRES: `kind` is a kind the server serves.
  int64_t Watch(const std::string& kind, WatchOptions opts, WatchHandler handler);
  // Ends the watch: no event is delivered to it after the call, even one already in flight. An
  // unknown or already stopped id is a no-op.
  void StopWatch(int64_t id);

  // The storage key of an object: /registry/<resource>/<namespace>/<name>.
  static std::string Key(const std::string& kind, const std::string& ns, const std::string& name);

  const ApiServerConfig& config() const { return config_; }

 private:
  struct ClientWatch {
    std::string resource;
    std::string node_name;
    std::shared_ptr<WatchHandler> handler;
  };
  struct ResourceCache {
    int64_t store_watch = 0;
    std::set<int64_t> all;                             // watches without a node selector
    std::map<std::string, std::set<int64_t>> by_node;  // pods: spec.nodeName → watches
  };

  void After(const LatencyModel& latency, sim::Rng* caller, std::function<void()> fn);
  void Respond(ResponseCallback cb, Response r);
  // A create whose request latency has passed: waits while ServiceAccount admission retries its
  // lookup of a pod's `default` account (`lookup` counts them), then stores or refuses.
  void CreateAfterLookups(std::shared_ptr<api::Object> obj, ResponseCallback cb, int lookup, sim::Duration interval);
  Response DoCreate(std::shared_ptr<api::Object> obj, bool bootstrap = false);
  Response DoUpdate(std::shared_ptr<api::Object> obj);
  Response DoUpdateStatus(const std::shared_ptr<api::Object>& obj);
  Response DoDelete(const std::string& kind, const std::string& ns, const std::string& name, const DeleteOptions& opts);
  Response DoEvict(const std::string& ns, const std::string& name);
  // Writes `next` (an update of the object at `key`), or removes the object instead when it is
  // being deleted, has no finalizer left and no grace period pending (upstream
  // Store.Update's shouldDeleteDuringUpdate).
  Response WriteOrFinishDeletion(const std::string& key, std::shared_ptr<api::Object> next, int64_t expected);
  Response DoBind(const std::string& ns, const std::string& name, const std::string& uid, const std::string& node);
  Response Admit(api::Object& obj, const AdmissionOptions& opts);
  ResourceCache& CacheFor(const std::string& resource);
  void FanOut(const std::string& resource, const etcd::Event& e);
  void Deliver(int64_t watch_id, const etcd::Event& e);
  void ScheduleCompaction();

  sim::Simulation& sim_;
  etcd::MvccStore& store_;
  ApiServerConfig config_;
  sim::Rng& latency_rng_;
  sim::Rng& name_rng_;
  sim::Rng& service_account_rng_;
  int64_t next_uid_ = 1;
  int64_t next_watch_id_ = 1;
  std::map<int64_t, ClientWatch> watches_;
  std::map<std::string, ResourceCache> caches_;
  sim::Owner owner_{sim_};
};

}  // namespace kubesim::apiserver
