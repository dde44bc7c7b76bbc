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
// This file keeps the verbs, their latency and the watch fan-out; storing an object (server-owned
// metadata, each kind's create/update/delete rules, finalizers, graceful deletion) is the
// registry's (registry/store.h, registry/strategy.h), which the verbs call once a request is served.
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

#include <array>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "models/api/object.h"
#include "models/apiserver/api_types.h"
#include "models/apiserver/authentication.h"
#include "models/apiserver/client_connection.h"
#include "models/apiserver/config.h"
#include "models/apiserver/flow_control_config.h"
#include "models/apiserver/priority_and_fairness.h"
#include "models/apiserver/registry/store.h"
#include "models/etcd/mvcc_store.h"
#include "models/etcd/raft_cluster.h"
#include "models/network/topology.h"
#include "sim/owner.h"
#include "sim/simulation.h"

namespace kubesim::apiserver {

struct AdmissionOptions;  // admission.h

// A request from a host cut off from the control plane fails after this long: the kubelet's
// heartbeat client timeout, min(nodeStatusUpdateFrequency, nodeLeaseDuration) = 10 s
// (kubernetes/kubernetes cmd/kubelet/app/server.go @ v1.32), used for every client.
inline constexpr sim::Duration kUnreachableTimeout = sim::Duration::Seconds(10);
// The watch cache keeps about 75 s of events (kubernetes/apiserver pkg/storage/cacher/
// watch_cache.go @ v0.32, eventFreshDuration); a watcher away longer must relist.
inline constexpr sim::Duration kWatchCacheHistory = sim::Duration::Seconds(75);

// Who sends a request: its latency stream (null: the server's shared one) and the user API
// Priority and Fairness classifies it by. ApiClient fills it once for its component.
struct RequestOrigin {
  sim::Rng* rng = nullptr;
  std::shared_ptr<const UserInfo> user;  // who it authenticates as (null: an ordinary user)
  // The hash of the process that sends it (ConnectionOf): the one HTTP/2 connection that process
  // holds to the API server, which the load balancer pins to one replica.
  uint64_t connection = 0;
  // The client's rate limiter (null: not limited, or the client is gone), which a retry after
  // 429 waits for as any request does.
  std::weak_ptr<TokenBucket> limiter;
};

// A process's connection key from a client's name: one kube-controller-manager (all its
// controllers), one scheduler, one kubelet or kube-proxy per node. client-go shares one transport,
// hence one HTTP/2 connection per server, among the clientsets a process builds from one
// rest.Config (client-go transport/cache.go @ v0.32, tlsTransportCache).
uint64_t ConnectionOf(std::string_view client_name);

// The verb label of apiserver_request_total: POST (create, bind, evict), PUT (update), PATCH
// (status updates, as the kubelet's and the scheduler's are), DELETE, GET, LIST.
enum class RequestVerb : uint8_t { kPost, kPut, kPatch, kDelete, kGet, kList };
inline constexpr size_t kRequestVerbs = 6;
const char* RequestVerbName(RequestVerb verb);

// apiserver_request_duration_seconds as a Prometheus histogram with upstream's buckets
// (kubernetes/apiserver pkg/endpoints/metrics/metrics.go @ v0.32), so quantiles come out as
// histogram_quantile computes them.
class LatencyHistogram {
 public:
  static constexpr std::array<double, 23> kBuckets = {0.005, 0.025, 0.05, 0.1, 0.2, 0.4, 0.6, 0.8, 1.0, 1.25, 1.5, 2,
                                                      3,     4,     5,    6,   8,   10,  15,  20,  30,  45,   60};
  void Observe(double seconds);
  int64_t count() const { return count_; }
  // Linear interpolation inside the bucket holding the q-th observation (histogram_quantile);
  // NaN without observations.
  double Quantile(double q) const;

 private:
  std::array<int64_t, kBuckets.size() + 1> counts_{};  // the last: +Inf
  int64_t count_ = 0;
};

struct RequestStats {
  // Responses by verb and HTTP code (apiserver_request_total{verb,code}); kCodes lists the codes
  // kubesim answers with, the last slot counts any other.
  static constexpr std::array<int, 11> kCodes = {200, 201, 400, 403, 404, 409, 410, 422, 429, 500, 503};
  std::array<std::array<int64_t, kCodes.size() + 1>, kRequestVerbs> responses{};
  // From arrival to the end of the request latency, retries after 429 included.
  std::array<LatencyHistogram, kRequestVerbs> latency;
  int64_t throttled = 0;  // 429s from priority and fairness, each attempt counted
  void Count(RequestVerb verb, int code);
  int64_t total() const;
};

// The API server's replicas (config.replicas, default 1) share the etcd cluster, and each has its
// own seats, queues (API Priority and Fairness) and watch cache. Clients reach them through a load
// balancer, as kubeadm's controlPlaneEndpoint: a process's connection goes to the next serving
// replica in round-robin order (`balance roundrobin` in kubeadm's HAProxy example,
// https://github.com/kubernetes/kubeadm/blob/main/docs/ha-considerations.md) and stays there
// until that replica stops: HTTP/2 connections are long-lived and kube-apiserver's
// --goaway-chance is 0 by default (kubernetes/apiserver pkg/server/options/server_run_options.go
// @ v0.32), so clients that moved during an outage do not move back.
class ApiServer {
 public:
  // `raft`: the etcd cluster that decides when writes commit and whether linearizable reads are
  // served (raft_cluster.h); null: an always-healthy etcd that commits at once.
  ApiServer(sim::Simulation& sim, etcd::MvccStore& store, ApiServerConfig config, etcd::RaftCluster* raft = nullptr);
  ~ApiServer();
  ApiServer(const ApiServer&) = delete;
  ApiServer& operator=(const ApiServer&) = delete;

  // Every verb takes the caller's origin last: its latency stream (ApiClient passes its own, so
  // adding a client never shifts another's draws) and its API Priority and Fairness identity;
  // null uses the server's shared stream and classifies the request as an ordinary user's. `cb` may be null
  // (fire and forget). REQUIRES: `obj` non-null with kind, name (or generateName) and, for
  // namespaced kinds, namespace set.
  void Create(std::shared_ptr<api::Object> obj, ResponseCallback cb, const RequestOrigin* origin = nullptr);
  // Replaces the object; 409 Conflict when metadata.resource_version is set and stale.
  void Update(std::shared_ptr<api::Object> obj, ResponseCallback cb, const RequestOrigin* origin = nullptr);
  // The status subresource: only the status of the stored object changes (Pod, Node), whatever
  // the rest of `obj` holds; no resourceVersion precondition, as a status PATCH.
  void UpdateStatus(std::shared_ptr<api::Object> obj, ResponseCallback cb, const RequestOrigin* origin = nullptr);
  void Delete(const std::string& kind, const std::string& ns, const std::string& name, DeleteOptions opts,
              ResponseCallback cb, const RequestOrigin* origin = nullptr);
  // The pods/eviction subresource (registry/core/pod/storage/eviction.go): deletes the pod if
  // the PodDisruptionBudget covering it allows a disruption, recording it in the budget's
  // disruptedPods; 429 "Cannot evict pod as it would violate the pod's disruption budget." if not.
  void Evict(const std::string& ns, const std::string& name, ResponseCallback cb,
             const RequestOrigin* origin = nullptr);
  void Get(const std::string& kind, const std::string& ns, const std::string& name, ResponseCallback cb,
           const RequestOrigin* origin = nullptr);
  // `node_name`: the kubelet's field selectors, spec.nodeName=<node> for pods and
  // metadata.name=<node> for nodes; ignored for other kinds.
  void List(const std::string& kind, ResponseCallback cb, const std::string& node_name = "",
            const RequestOrigin* origin = nullptr);
  // POST pods/<name>/binding.
  void Bind(const std::string& ns, const std::string& name, const std::string& uid, const std::string& node,
            ResponseCallback cb, const RequestOrigin* origin = nullptr);

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

  // The network (models/network): requests from a host cut off from the control plane fail, and
  // watch events for it are held until the link returns. Null: every host is reachable.
  void SetNetwork(network::Topology* network);
  // Each component's client-side QPS/burst, which the ApiClients it opens take up
  // (client_connection.h). Default: none limited.
  void SetClientConnections(const ClientConnections& clients) { clients_ = clients; }
  const ClientConnections& client_connections() const { return clients_; }
  bool Reachable(network::HostId host) const { return network_ == nullptr || network_->Reachable(host); }
  // What a client cut off from the control plane gets: its request times out after
  // kUnreachableTimeout with client-go's message. `cb` may be null.
  void FailUnreachable(ResponseCallback cb);

  // A replica's process stops (apiserverDown): every watch on it breaks, requests it was serving
  // or had queued fail, and its clients' next requests go to another replica. Start (the restart)
  // serves again with a fresh watch cache, which knows no revision older than the one it starts
  // at: watchers resuming from before on it get 410 and relist. REQUIRES: 0 <= replica < replicas().
  void Stop(int replica);
  void Start(int replica);
  int replicas() const { return static_cast<int>(replicas_.size()); }
  bool serving(int replica) const { return replicas_[static_cast<size_t>(replica)].serving; }
  // Whether any replica serves: a client's request is refused only when none does.
  bool serving() const { return serving_count_ > 0; }
  // What a client gets from a stopped server: the connection is refused at once. `cb` may be null.
  void FailRefused(ResponseCallback cb);
  // Requests, responses and latencies of all replicas (summary.json `apiserver`, metrics.csv
  // apiserver_*).
  const RequestStats& request_stats() const { return stats_; }
  // Requests each replica was sent (summary.json `apiserver.requests_by_replica`).
  int64_t requests_served_by(int replica) const { return replicas_[static_cast<size_t>(replica)].requests; }
  // Seats, queues and rejections per priority level of one replica.
  const PriorityAndFairness& flow_control(int replica) const { return *replicas_[static_cast<size_t>(replica)].apf; }

  // Watches that ended with an error (410 Expired, a broken connection); each makes its
  // reflector relist (summary.json watch_relists_total).
  int64_t watch_errors() const { return watch_errors_; }

 private:
  struct ClientWatch {
    std::string resource;
    std::string node_name;
    std::shared_ptr<WatchHandler> handler;
    network::HostId host = network::kControlPlane;
    int replica = 0;  // the replica whose watch cache serves it
    // Events for a watcher cut off from the control plane, in commit order, from `held_since`.
    std::vector<WatchEvent> held;
    sim::Time held_since;
  };
  struct ResourceCache {
    int64_t store_watch = 0;
    std::set<int64_t> all;                             // watches without a node selector
    std::map<std::string, std::set<int64_t>> by_node;  // pods: spec.nodeName → watches
    // Pods: spec.nodeName → store keys of the pods bound there, kept current from the store watch,
    // so a kubelet's LIST reads its own pods and not every pod of the cluster (upstream's watch
    // cache indexes pods by spec.nodeName: kubernetes/kubernetes pkg/registry/core/pod/storage/
    // storage.go @ v1.32, Indexers: pod.Indexers, and pkg/registry/core/pod/strategy.go,
    // NodeNameIndexFunc).
    std::map<std::string, std::set<std::string>> keys_by_node;
  };

  struct Replica {
    bool serving = true;
    int64_t cache_start_revision = 0;  // the oldest revision its watch cache can resume from
    int64_t requests = 0;
    std::unique_ptr<PriorityAndFairness> apf;
  };
  // The replica a process's requests and watches go to (see the class comment).
  int Route(uint64_t connection);

  // What a request touches, as API Priority and Fairness's resource rules see it.
  struct RequestTarget {
    std::string_view kind;
    std::string_view namespace_;   // "" for cluster-scoped objects and LISTs across namespaces
    std::string_view subresource;  // "", "status", "binding", "eviction"
  };
  // The same, owning its strings: for a request retried after 429.
  struct OwnedTarget {
    explicit OwnedTarget(const RequestTarget& t) : kind(t.kind), namespace_(t.namespace_), subresource(t.subresource) {}
    RequestTarget view() const { return {kind, namespace_, subresource}; }
    std::string kind, namespace_, subresource;
  };
  // What a request does once its latency has passed on `replica`; it answers `cb`.
  using Work = std::function<void(int replica, ResponseCallback cb)>;
  // A request arrives: API Priority and Fairness seats it (or queues it, or rejects it with 429,
  // which the client retries as client-go does), then it takes `latency` and runs `work`.
  void Serve(RequestVerb verb, const RequestTarget& target, const LatencyModel& latency, const RequestOrigin* origin,
             ResponseCallback cb, Work work) {
    Serve(verb, target, latency, origin, std::move(cb), std::move(work), 0, sim_.Now());
  }
  void Serve(RequestVerb verb, const RequestTarget& target, const LatencyModel& latency, const RequestOrigin* origin,
             ResponseCallback cb, Work work, int retries, sim::Time arrived);
  // What API Priority and Fairness sees of a request (its verb, group, resource, …), then its
  // FlowSchema, priority level and flow (FlowControlConfig::Classify).
  RequestAttributes Attributes(RequestVerb verb, const RequestTarget& target);
  FlowControlConfig::Match Classify(const RequestAttributes& request, const RequestOrigin* origin) const;
  // The FlowSchema and PriorityLevelConfiguration objects changed: every replica reconfigures.
  void ReloadFlowControl();
  void CountStored(const etcd::Event& e);
  // The seats a request takes (request/list_work_estimator.go @ v0.32): a LIST one per 100
  // objects of its resource, within [1, the level's max seats, 10]; any other request one.
  int Seats(const RequestAttributes& request, const PriorityAndFairness::Level& level) const;
  void Run(RequestVerb verb, int replica, int level, int seats, const LatencyModel& latency,
           const RequestOrigin* origin, sim::Time arrived, ResponseCallback cb, Work work);
  static constexpr int kMaxRetries = 10;
  // A request whose latency has passed goes to etcd: a write as a proposal, a linearizable read
  // (GET without resourceVersion) as a ReadIndex. `work` runs (and its Response goes to `cb`)
  // once etcd commits or confirms it; if etcd fails it, `cb` gets 500 with etcd's message, as
  // upstream's ErrorToAPIStatus reports a storage error that is not a Kubernetes status.
  enum class EtcdStep { kPropose, kReadIndex };
  template <typename Fn>
  void ThroughEtcd(EtcdStep step, RequestVerb verb, int replica, ResponseCallback cb, Fn work);
  void Respond(RequestVerb verb, ResponseCallback cb, Response r);
  // A create whose request latency has passed: waits while ServiceAccount admission retries its
  // lookup of a pod's `default` account (`lookup` counts them), then stores or refuses.
  void CreateAfterLookups(std::shared_ptr<api::Object> obj, int replica, ResponseCallback cb, int lookup,
                          sim::Duration interval);
  Response DoCreate(std::shared_ptr<api::Object> obj, bool bootstrap = false);
  Response DoEvict(const std::string& ns, const std::string& name);
  Response DoBind(const std::string& ns, const std::string& name, const std::string& uid, const std::string& node);
  Response Admit(api::Object& obj, const AdmissionOptions& opts);
  ResourceCache& CacheFor(const std::string& resource);
  void FanOut(const std::string& resource, const etcd::Event& e);
  void Deliver(int64_t watch_id, const etcd::Event& e);
  void ScheduleCompaction();
  void OnNetworkChange();
  // Ends watch `id` with an ERROR event carrying `error`.
  void EndWatch(int64_t id, Response error);
  static Response ConnectionRefused();
  static Response ConnectionLost();
  void Send(int64_t watch_id, WatchEvent ev);

  sim::Simulation& sim_;
  etcd::MvccStore& store_;
  etcd::RaftCluster* raft_;
  network::Topology* network_ = nullptr;
  ClientConnections clients_;
  std::vector<Replica> replicas_;
  int serving_count_ = 0;
  // Process connection → the replica it is connected to; only with more than one replica.
  // Looked up, never iterated.
  std::unordered_map<uint64_t, int> connected_;
  int next_replica_ = 0;  // the load balancer's round-robin cursor
  int64_t watch_errors_ = 0;
  ApiServerConfig config_;
  sim::Rng& latency_rng_;
  sim::Rng& name_rng_;
  sim::Rng& service_account_rng_;
  registry::Store registry_;
  RequestStats stats_;
  int64_t next_watch_id_ = 1;
  std::map<int64_t, ClientWatch> watches_;
  std::map<std::string, ResourceCache> caches_;
  std::shared_ptr<const FlowControlConfig> flow_config_;
  std::vector<int64_t> flow_control_watches_;
  // Objects stored per resource ("pods" → n): the count the LIST work estimator reads.
  std::map<std::string, int64_t, std::less<>> stored_;
  int64_t stored_watch_ = 0;
  std::map<std::string, std::string, std::less<>> opaque_resources_;  // kind → resource
  std::shared_ptr<const UserInfo> unnamed_user_ = std::make_shared<UserInfo>(AuthenticatedUser("kubesim"));
  sim::Owner owner_{sim_};
};

}  // namespace kubesim::apiserver
