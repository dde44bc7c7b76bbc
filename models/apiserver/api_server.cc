#include "models/apiserver/api_server.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>

#include "models/api/codec.h"
#include "models/api/kinds.h"
#include "models/api/names.h"
#include "models/api/node.h"
#include "models/api/pod.h"
#include "models/apiserver/admission.h"
#include "models/apiserver/errors.h"
#include "models/apiserver/field_selectors.h"

namespace kubesim::apiserver {
namespace {

std::string ResourceKeyPrefix(const std::string& resource) { return registry::Store::ResourcePrefix(resource); }

const std::string kNoNode;

}  // namespace

uint64_t ConnectionOf(std::string_view client_name) {
  // The process is the name's first segment ("kube-controller-manager/replicaset" → the
  // controller manager), and the node for the per-node ones ("kubelet/<node>/node" → that kubelet).
  size_t end = client_name.find('/');
  const std::string_view process = client_name.substr(0, end);
  if (end != std::string_view::npos && (process == "kubelet" || process == "kube-proxy")) {
    end = client_name.find('/', end + 1);
  }
  return FlowHash(client_name.substr(0, end));
}

std::optional<PropagationPolicy> ParsePropagationPolicy(const std::string& s) {
  if (s == "Background") return PropagationPolicy::kBackground;
  if (s == "Foreground") return PropagationPolicy::kForeground;
  if (s == "Orphan") return PropagationPolicy::kOrphan;
  return std::nullopt;
}

ApiServer::ApiServer(sim::Simulation& sim, etcd::MvccStore& store, ApiServerConfig config, etcd::RaftCluster* raft)
    : sim_(sim),
      store_(store),
      raft_(raft),
      config_(std::move(config)),
      latency_rng_(sim.Stream("apiserver/latency")),
      name_rng_(sim.Stream("apiserver/generate-name")),
      service_account_rng_(sim.Stream("apiserver/admission/serviceaccount")),
      registry_(sim, store) {
  replicas_.resize(static_cast<size_t>(std::max(1, config_.replicas)));
  flow_config_ = FlowControlConfig::Default();
  for (Replica& r : replicas_) {
    r.apf = std::make_unique<PriorityAndFairness>(
        sim, config_.max_requests_inflight + config_.max_mutating_requests_inflight, *flow_config_);
  }
  // Each replica's APF configuration controller watches the FlowSchema and
  // PriorityLevelConfiguration objects (apf_controller.go); here the change applies at its commit.
  for (const char* resource : {"flowschemas", "prioritylevelconfigurations"}) {
    flow_control_watches_.push_back(
        store_.Watch(ResourceKeyPrefix(resource), 0, [this](const etcd::Event&) { ReloadFlowControl(); }));
  }
  // The object counts the LIST work estimator reads, kept from every commit.
  for (const auto& obj : store_.Range("/registry/").objects) ++stored_[api::ResourceOf(obj->kind)];
  stored_watch_ = store_.Watch("/registry/", 0, [this](const etcd::Event& e) { CountStored(e); });
  if (!store_.Range(ResourceKeyPrefix("flowschemas")).objects.empty() ||
      !store_.Range(ResourceKeyPrefix("prioritylevelconfigurations")).objects.empty()) {
    ReloadFlowControl();
  }
  serving_count_ = replicas();
  ScheduleCompaction();
}

ApiServer::~ApiServer() {
  for (auto& [resource, cache] : caches_) store_.CancelWatch(cache.store_watch);
  for (int64_t id : flow_control_watches_) store_.CancelWatch(id);
  store_.CancelWatch(stored_watch_);
}

std::string ApiServer::Key(const std::string& kind, const std::string& ns, const std::string& name) {
  return registry::Store::Key(kind, ns, name);
}

const char* RequestVerbName(RequestVerb verb) {
  static constexpr std::array<const char*, kRequestVerbs> kNames = {"POST", "PUT", "PATCH", "DELETE", "GET", "LIST"};
  return kNames[static_cast<size_t>(verb)];
}

void LatencyHistogram::Observe(double seconds) {
  size_t i = 0;
  while (i < kBuckets.size() && seconds > kBuckets[i]) ++i;
  ++counts_[i];
  ++count_;
}

double LatencyHistogram::Quantile(double q) const {
  if (count_ == 0) return std::numeric_limits<double>::quiet_NaN();
  const double rank = q * static_cast<double>(count_);
  int64_t below = 0;
  for (size_t i = 0; i < counts_.size(); ++i) {
    if (static_cast<double>(below + counts_[i]) >= rank && counts_[i] > 0) {
      // Above the highest finite bucket Prometheus answers that bound.
      if (i == kBuckets.size()) return kBuckets.back();
      const double lower = i == 0 ? 0 : kBuckets[i - 1];
      return lower + (kBuckets[i] - lower) * (rank - static_cast<double>(below)) / static_cast<double>(counts_[i]);
    }
    below += counts_[i];
  }
  return kBuckets.back();
}

void RequestStats::Count(RequestVerb verb, int code) {
  size_t i = 0;
  while (i < kCodes.size() && kCodes[i] != code) ++i;
  ++responses[static_cast<size_t>(verb)][i];
}

int64_t RequestStats::total() const {
  int64_t n = 0;
  for (const auto& by_code : responses) {
    for (int64_t c : by_code) n += c;
  }
  return n;
}

void ApiServer::Serve(RequestVerb verb, const RequestTarget& target, const LatencyModel& latency,
                      const RequestOrigin* origin, ResponseCallback cb, Work work, int retries, sim::Time arrived) {
  const RequestAttributes attributes = Attributes(verb, target);
  const FlowControlConfig::Match match = Classify(attributes, origin);
  const int replica = Route(origin != nullptr ? origin->connection : 0);
  Replica& rep = replicas_[static_cast<size_t>(replica)];
  ++rep.requests;
  const int level = rep.apf->LevelOf(match.level);
  const int seats = Seats(attributes, rep.apf->level(level));
  if (rep.apf->TryDispatch(level, seats)) {
    Run(verb, replica, level, seats, latency, origin, arrived, std::move(cb), std::move(work));
    return;
  }
  // Queued or rejected: only an overloaded server allocates here. The origin is copied: the
  // client that sent the request may be gone by the time it is dispatched or retried.
  auto request = std::make_shared<std::pair<ResponseCallback, Work>>(std::move(cb), std::move(work));
  const RequestOrigin from = origin != nullptr ? *origin : RequestOrigin{};
  rep.apf->Wait(
      level, match.flow,
      [this, verb, replica, level, seats, &latency, from, arrived, request]() {
        Run(verb, replica, level, seats, latency, &from, arrived, std::move(request->first),
            std::move(request->second));
      },
      [this, verb, target = OwnedTarget(target), &latency, from, arrived, retries, request](int retry_after,
                                                                                            const char*) {
        ++stats_.throttled;
        // client-go's REST client retries a 429 that carries Retry-After, up to 10 times, after
        // the Retry-After seconds, and each retry takes a token of the client's rate limiter as
        // a new request does (rest/with_retry.go @ v0.32, maxRetries 10, withRetry.Before).
        if (retries < kMaxRetries) {
          auto resend = [this, verb, target, &latency, from, arrived, retries, request]() {
            Serve(verb, target.view(), latency, &from, std::move(request->first), std::move(request->second),
                  retries + 1, arrived);
          };
          owner_.After(sim::Duration::Seconds(retry_after), [this, limiter = from.limiter, resend]() mutable {
            const std::shared_ptr<TokenBucket> bucket = limiter.lock();
            const sim::Duration wait = bucket != nullptr ? bucket->Reserve(sim_.Now()) : sim::Duration::Zero();
            if (wait > sim::Duration::Zero()) {
              owner_.After(wait, std::move(resend));
            } else {
              resend();
            }
          });
          return;
        }
        // pkg/server/filters/priority-and-fairness.go: tooManyRequests.
        Respond(verb, std::move(request->first),
                ErrorResponse(Code::kTooManyRequests, "TooManyRequests", "Too many requests, please try again later."));
      },
      seats);
}

void ApiServer::Run(RequestVerb verb, int replica, int level, int seats, const LatencyModel& latency,
                    const RequestOrigin* origin, sim::Time arrived, ResponseCallback cb, Work work) {
  PriorityAndFairness& apf = *replicas_[static_cast<size_t>(replica)].apf;
  if (!serving(replica)) {
    // Queued when its replica stopped (Stop hands every queued request over): the connection
    // it came on is gone.
    apf.Finish(level, seats);
    Respond(verb, std::move(cb), ConnectionLost());
    return;
  }
  sim::Duration d = latency.Sample(origin != nullptr && origin->rng != nullptr ? *origin->rng : latency_rng_);
  owner_.After(
      d, [this, verb, replica, &apf, level, seats, arrived, cb = std::move(cb), work = std::move(work)]() mutable {
        // The seat is held for the request latency; etcd's own stalls come after it.
        apf.Finish(level, seats);
        stats_.latency[static_cast<size_t>(verb)].Observe((sim_.Now() - arrived).ToSeconds());
        work(replica, std::move(cb));
      });
}

int ApiServer::Route(uint64_t connection) {
  if (replicas_.size() == 1) return 0;
  auto [it, fresh] = connected_.try_emplace(connection, 0);
  if (fresh || !serving(it->second)) {
    // A new connection, or one that broke with its replica: the load balancer gives it the next
    // replica in turn that serves (round robin), where it stays.
    const int n = replicas();
    for (int k = 0; k < n; ++k) {
      const int r = (next_replica_ + k) % n;
      if (serving(r)) {
        it->second = r;
        next_replica_ = (r + 1) % n;
        break;
      }
    }
  }
  return it->second;
}

void ApiServer::Respond(RequestVerb verb, ResponseCallback cb, Response r) {
  stats_.Count(verb, static_cast<int>(r.code));
  if (cb) cb(r);
}

template <typename Fn>
void ApiServer::ThroughEtcd(EtcdStep step, RequestVerb verb, int replica, ResponseCallback cb, Fn work) {
  if (!serving(replica)) {
    // The process went away with the request: the client's connection breaks.
    Respond(verb, std::move(cb), ConnectionLost());
    return;
  }
  if (raft_ == nullptr || raft_->CommitsNow()) {
    Respond(verb, std::move(cb), work());
    return;
  }
  auto shared_cb = std::make_shared<ResponseCallback>(std::move(cb));
  etcd::RaftCluster::Commit done = [this, verb, shared_cb, work = std::move(work)]() mutable {
    Respond(verb, std::move(*shared_cb), work());
  };
  etcd::RaftCluster::Fail fail = [this, verb, shared_cb](const std::string& message) {
    Respond(verb, std::move(*shared_cb), ErrorResponse(Code::kInternal, "", message));
  };
  if (step == EtcdStep::kPropose) {
    raft_->Propose(std::move(done), std::move(fail));
  } else {
    raft_->ReadIndex(std::move(done), std::move(fail));
  }
}

void ApiServer::ScheduleCompaction() {
  // As kube-apiserver's compactor: every interval, compact to the revision seen one interval ago,
  // so clients always have at least one interval of history to resume watches from.
  int64_t seen = store_.revision();
  owner_.After(
      config_.compaction_interval,
      [this, seen]() {
        // The compactor's Txn needs etcd's leader; without one it tries again next interval
        // (apiserver pkg/storage/etcd3/compact.go @ v0.32).
        if (serving() && (raft_ == nullptr || (raft_->leader() >= 0 && raft_->has_quorum()))) store_.Compact(seen);
        ScheduleCompaction();
      },
      sim::Phase::kObserve);
}

void ApiServer::Create(std::shared_ptr<api::Object> obj, ResponseCallback cb, const RequestOrigin* origin) {
  const RequestTarget target{obj->kind, obj->metadata.namespace_, ""};
  Serve(RequestVerb::kPost, target, config_.create, origin, std::move(cb),
        [this, obj = std::move(obj)](int replica, ResponseCallback reply) mutable {
          CreateAfterLookups(std::move(obj), replica, std::move(reply), 1, sim::Duration::Zero());
        });
}

void ApiServer::CreateAfterLookups(std::shared_ptr<api::Object> obj, int replica, ResponseCallback cb, int lookup,
                                   sim::Duration interval) {
  // Upstream ServiceAccount admission getServiceAccount: a missing `default` account is looked up
  // live up to 10 times, one retryInterval (100–199 ms, drawn once per request) apart, because
  // the controller creates it just after its namespace; the create request waits meanwhile.
  if (lookup < kDefaultServiceAccountLookups && AwaitsDefaultServiceAccount(*obj, store_)) {
    if (lookup == 1) {
      interval = sim::Duration::Milliseconds(100 + static_cast<int64_t>(service_account_rng_.UniformInt(100)));
    }
    owner_.After(interval, [this, obj = std::move(obj), replica, cb = std::move(cb), lookup, interval]() mutable {
      CreateAfterLookups(std::move(obj), replica, std::move(cb), lookup + 1, interval);
    });
    return;
  }
  ThroughEtcd(EtcdStep::kPropose, RequestVerb::kPost, replica, std::move(cb),
              [this, obj = std::move(obj)]() mutable { return DoCreate(std::move(obj)); });
}

void ApiServer::Update(std::shared_ptr<api::Object> obj, ResponseCallback cb, const RequestOrigin* origin) {
  const RequestTarget target{obj->kind, obj->metadata.namespace_, ""};
  Serve(RequestVerb::kPut, target, config_.update, origin, std::move(cb),
        [this, obj = std::move(obj)](int replica, ResponseCallback reply) mutable {
          ThroughEtcd(EtcdStep::kPropose, RequestVerb::kPut, replica, std::move(reply),
                      [this, obj = std::move(obj)]() mutable { return registry_.Update(std::move(obj)); });
        });
}

void ApiServer::UpdateStatus(std::shared_ptr<api::Object> obj, ResponseCallback cb, const RequestOrigin* origin) {
  const RequestTarget target{obj->kind, obj->metadata.namespace_, "status"};
  Serve(RequestVerb::kPatch, target, config_.update, origin, std::move(cb),
        [this, obj = std::move(obj)](int replica, ResponseCallback reply) mutable {
          ThroughEtcd(EtcdStep::kPropose, RequestVerb::kPatch, replica, std::move(reply),
                      [this, obj = std::move(obj)]() mutable { return registry_.UpdateStatus(obj); });
        });
}

void ApiServer::Delete(const std::string& kind, const std::string& ns, const std::string& name, DeleteOptions opts,
                       ResponseCallback cb, const RequestOrigin* origin) {
  Serve(RequestVerb::kDelete, {kind, ns, ""}, config_.del, origin, std::move(cb),
        [=, this](int replica, ResponseCallback reply) mutable {
          ThroughEtcd(EtcdStep::kPropose, RequestVerb::kDelete, replica, std::move(reply),
                      [=, this]() { return registry_.Delete(kind, ns, name, opts); });
        });
}

void ApiServer::Evict(const std::string& ns, const std::string& name, ResponseCallback cb,
                      const RequestOrigin* origin) {
  Serve(RequestVerb::kPost, {api::Pod::kKind, ns, "eviction"}, config_.del, origin, std::move(cb),
        [=, this](int replica, ResponseCallback reply) mutable {
          ThroughEtcd(EtcdStep::kPropose, RequestVerb::kPost, replica, std::move(reply),
                      [=, this]() { return DoEvict(ns, name); });
        });
}

Response ApiServer::DoEvict(const std::string& ns, const std::string& name) {
  auto pod = api::As<api::Pod>(store_.Get(Key(api::Pod::kKind, ns, name)));
  if (!pod) return NotFound(api::Pod::kKind, name);
  // canIgnorePDB: terminal, pending or already deleting pods go without a budget check.
  const std::string& phase = pod->status.phase;
  if (phase == api::kPodSucceeded || phase == api::kPodFailed || phase == api::kPodPending ||
      pod->metadata.deletion_timestamp) {
    return registry_.Delete(api::Pod::kKind, ns, name, {});
  }
  std::vector<std::shared_ptr<const api::PodDisruptionBudget>> budgets;
  for (const auto& obj : store_.Range(ResourceKeyPrefix("poddisruptionbudgets")).objects) {
    auto pdb = api::As<api::PodDisruptionBudget>(obj);
    if (pdb && pdb->metadata.namespace_ == ns && pdb->selector && pdb->selector->Matches(pod->metadata.labels)) {
      budgets.push_back(pdb);
    }
  }
  if (budgets.size() > 1) {
    return ErrorResponse(
        Code::kInternal, "InternalError",
        "This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.");
  }
  if (budgets.empty()) return registry_.Delete(api::Pod::kKind, ns, name, {});
  const api::PodDisruptionBudget& pdb = *budgets[0];
  const api::PodCondition* ready = pod->FindCondition("Ready");
  const bool healthy = ready != nullptr && ready->status == "True";
  // unhealthyPodEvictionPolicy IfHealthyBudget (the default): an unready pod may go while the
  // budget is met, without spending a disruption.
  if (!healthy && pdb.status.current_healthy >= pdb.status.desired_healthy && pdb.status.desired_healthy > 0) {
    return registry_.Delete(api::Pod::kKind, ns, name, {});
  }
  const std::string refused = "Cannot evict pod as it would violate the pod's disruption budget.";
  // checkAndDecrement: a budget the disruption controller has not processed yet refuses too.
  if (pdb.status.observed_generation < pdb.metadata.generation || pdb.status.disruptions_allowed <= 0) {
    return ErrorResponse(Code::kTooManyRequests, "TooManyRequests", refused);
  }
  if (pdb.status.disrupted_pods.size() >= 2000) {  // MaxDisruptedPodSize
    return ErrorResponse(Code::kForbidden, "Forbidden",
                         "DisruptedPods map too big - too many evictions not confirmed by PDB controller");
  }
  auto next = pdb.DeepCopy();
  next->status.disruptions_allowed--;
  next->status.disrupted_pods[name] = sim_.Now();
  etcd::WriteResult w =
      store_.Update(Key(api::PodDisruptionBudget::kKind, ns, pdb.metadata.name), next, pdb.metadata.resource_version);
  if (w.error == etcd::StoreError::kConflict) return Conflict(api::PodDisruptionBudget::kKind, pdb.metadata.name);
  if (w.error == etcd::StoreError::kNoSpace) return NoSpace();
  Response r = registry_.Delete(api::Pod::kKind, ns, name, {});
  if (r.ok()) r.code = Code::kCreated;  // the Eviction object was "created"
  return r;
}

void ApiServer::Get(const std::string& kind, const std::string& ns, const std::string& name, ResponseCallback cb,
                    const RequestOrigin* origin) {
  Serve(RequestVerb::kGet, {kind, ns, ""}, config_.get, origin, std::move(cb),
        [=, this](int replica, ResponseCallback reply) mutable {
          ThroughEtcd(EtcdStep::kReadIndex, RequestVerb::kGet, replica, std::move(reply), [=, this]() {
            api::ObjectPtr obj = store_.Get(Key(kind, ns, name));
            Response r = obj ? Response{} : NotFound(kind, name);
            r.object = obj;
            if (obj) r.resource_version = obj->metadata.resource_version;
            return r;
          });
        });
}

void ApiServer::List(const std::string& kind, ResponseCallback cb, const std::string& node_name,
                     const RequestOrigin* origin) {
  // The range is read when the request is served; its size sets the extra latency, so the
  // response arrives `per_object × n` later with the state as of serving time.
  Serve(RequestVerb::kList, {kind, "", ""}, config_.get, origin, std::move(cb),
        [=, this](int replica, ResponseCallback reply) mutable {
          if (!serving(replica)) {
            Respond(RequestVerb::kList, std::move(reply), ConnectionLost());
            return;
          }
          const std::string resource = api::ResourceOf(kind);
          Response r;
          auto cache = caches_.find(resource);
          if (!node_name.empty() && cache != caches_.end()) {
            // The same pods, in the same key order, as the filtered range below, at the same revision.
            auto keys = cache->second.keys_by_node.find(node_name);
            if (keys != cache->second.keys_by_node.end()) {
              for (const std::string& key : keys->second) {
                if (api::ObjectPtr obj = store_.Get(key)) r.items.push_back(std::move(obj));
              }
            }
            r.resource_version = store_.revision();
          } else {
            etcd::RangeResult range = store_.Range(ResourceKeyPrefix(resource));
            if (node_name.empty()) {
              r.items = std::move(range.objects);
            } else {
              for (auto& obj : range.objects) {
                if (SelectedNodeName(obj) == node_name) r.items.push_back(std::move(obj));
              }
            }
            r.resource_version = range.revision;
          }
          sim::Duration extra = config_.list_per_object * static_cast<int64_t>(r.items.size());
          owner_.After(extra, [this, reply = std::move(reply), r = std::move(r)]() mutable {
            Respond(RequestVerb::kList, std::move(reply), std::move(r));
          });
        });
}

void ApiServer::Bind(const std::string& ns, const std::string& name, const std::string& uid, const std::string& node,
                     ResponseCallback cb, const RequestOrigin* origin) {
  Serve(RequestVerb::kPost, {api::Pod::kKind, ns, "binding"}, config_.bind, origin, std::move(cb),
        [=, this](int replica, ResponseCallback reply) mutable {
          ThroughEtcd(EtcdStep::kPropose, RequestVerb::kPost, replica, std::move(reply),
                      [=, this]() { return DoBind(ns, name, uid, node); });
        });
}

Response ApiServer::DoCreate(std::shared_ptr<api::Object> obj, bool bootstrap) {
  api::ObjectMeta& meta = obj->metadata;
  AdmissionOptions admission;
  admission.bootstrap = bootstrap;
  admission.request_name = meta.name;
  if (meta.name.empty() && !meta.generate_name.empty()) {
    admission.request_name = meta.generate_name;  // upstream names are generated after admission
    // As upstream names.SimpleNameGenerator: five random characters (models/api/names.h).
    meta.name = meta.generate_name + api::RandomString(name_rng_, 5);
  }
  Response admitted = Admit(*obj, admission);
  if (!admitted.ok()) return admitted;
  return registry_.Create(std::move(obj));
}

Response ApiServer::DoBind(const std::string& ns, const std::string& name, const std::string& uid,
                           const std::string& node) {
  std::string key = Key(api::Pod::kKind, ns, name);
  auto pod = api::As<api::Pod>(store_.Get(key));
  if (!pod) return NotFound(api::Pod::kKind, name);
  if (!uid.empty() && uid != pod->metadata.uid) {
    return UidConflict(uid, pod->metadata.uid);
  }
  // Upstream BindingREST.assignPod / setPodNodeAndMetadata.
  if (pod->metadata.deletion_timestamp) {
    return ErrorResponse(Code::kConflict, "Conflict",
                         "pod " + name + " is being deleted, cannot be assigned to a host");
  }
  if (!pod->spec.node_name.empty()) {
    return ErrorResponse(Code::kConflict, "Conflict",
                         "pod " + name + " is already assigned to node \"" + pod->spec.node_name + "\"");
  }
  auto copy = pod->DeepCopy();
  copy->spec.node_name = node;
  copy->SetCondition("PodScheduled", "True", sim_.Now());
  return Written(store_.Update(key, copy, pod->metadata.resource_version), Code::kCreated);
}

Response ApiServer::Admit(api::Object& obj, const AdmissionOptions& opts) {
  AdmissionResult a = RunAdmission(obj, store_, opts);
  if (a.ok) return Response{};
  return ErrorResponse(a.code == 422 ? Code::kUnprocessable : Code::kForbidden, a.code == 422 ? "Invalid" : "Forbidden",
                       a.message);
}

ApiServer::ResourceCache& ApiServer::CacheFor(const std::string& resource) {
  auto it = caches_.find(resource);
  if (it != caches_.end()) return it->second;
  ResourceCache& cache = caches_[resource];
  cache.store_watch =
      store_.Watch(ResourceKeyPrefix(resource), 0, [this, resource](const etcd::Event& e) { FanOut(resource, e); });
  // The node index starts from what is stored now; the store watch keeps it current from here.
  for (const api::ObjectPtr& obj : store_.Range(ResourceKeyPrefix(resource)).objects) {
    const std::string& node = SelectedNodeName(obj);
    if (!node.empty()) cache.keys_by_node[node].insert(Key(obj->kind, obj->metadata.namespace_, obj->metadata.name));
  }
  return cache;
}

int64_t ApiServer::Watch(const std::string& kind, WatchOptions opts, WatchHandler handler) {
  std::string resource = api::ResourceOf(kind);
  ResourceCache& cache = CacheFor(resource);
  int64_t id = next_watch_id_++;
  const int replica = Route(opts.connection);
  watches_[id] =
      ClientWatch{resource, opts.node_name,   std::make_shared<WatchHandler>(std::move(handler)), opts.host, replica,
                  {},       sim::Time::Zero()};
  if (!serving(replica)) {
    EndWatch(id, ConnectionRefused());
    return id;
  }
  if (opts.resource_version > 0) {
    // A restarted server's watch cache starts at the revision it listed then: an older
    // resourceVersion is too old for it (kubernetes/apiserver pkg/storage/cacher/watch_cache.go
    // @ v0.32, "too old resource version"), as one compacted away in etcd is (pkg/storage/etcd3/
    // errors.go, interpretWatchError).
    bool ok = opts.resource_version >= replicas_[static_cast<size_t>(replica)].cache_start_revision &&
              store_.Replay(ResourceKeyPrefix(resource), opts.resource_version + 1,
                            [this, id](const etcd::Event& e) { Deliver(id, e); });
    if (!ok) {
      EndWatch(id, ErrorResponse(Code::kGone, "Expired", "The resourceVersion for the provided watch is too old."));
      return id;
    }
  }
  if (opts.node_name.empty()) {
    cache.all.insert(id);
  } else {
    cache.by_node[opts.node_name].insert(id);
  }
  return id;
}

void ApiServer::StopWatch(int64_t id) {
  auto it = watches_.find(id);
  if (it == watches_.end()) return;
  ResourceCache& cache = caches_[it->second.resource];
  if (it->second.node_name.empty()) {
    cache.all.erase(id);
  } else {
    auto n = cache.by_node.find(it->second.node_name);
    if (n != cache.by_node.end()) {
      n->second.erase(id);
      if (n->second.empty()) cache.by_node.erase(n);
    }
  }
  watches_.erase(it);
}

void ApiServer::FanOut(const std::string& resource, const etcd::Event& e) {
  ResourceCache& cache = caches_[resource];
  // A pod moves into a node's stream when bound and out of it when its node changes (never in
  // practice) or it is deleted; both old and new node's watchers must hear of it.
  const std::string& now_node = e.type == etcd::EventType::kPut ? SelectedNodeName(e.object) : SelectedNodeName(e.prev);
  const std::string& was_node = SelectedNodeName(e.prev);
  // The node index: out of the node it was stored on, into the one it is stored on now.
  const std::string& stored_on = e.type == etcd::EventType::kPut ? now_node : kNoNode;
  if (was_node != stored_on || e.type != etcd::EventType::kPut) {
    for (const std::string* node : {&was_node, &SelectedNodeName(e.object)}) {
      if (node->empty() || *node == stored_on) continue;
      auto keys = cache.keys_by_node.find(*node);
      if (keys == cache.keys_by_node.end()) continue;
      keys->second.erase(e.key);
      if (keys->second.empty()) cache.keys_by_node.erase(keys);
    }
    if (!stored_on.empty()) cache.keys_by_node[stored_on].insert(e.key);
  }
  for (int64_t id : cache.all) Deliver(id, e);
  if (cache.by_node.empty()) return;
  std::set<int64_t> targets;
  for (const std::string* n : {&now_node, &was_node}) {
    if (n->empty()) continue;
    auto it = cache.by_node.find(*n);
    if (it != cache.by_node.end()) targets.insert(it->second.begin(), it->second.end());
  }
  for (int64_t id : targets) Deliver(id, e);
}

void ApiServer::Deliver(int64_t watch_id, const etcd::Event& e) {
  auto it = watches_.find(watch_id);
  if (it == watches_.end()) return;
  const ClientWatch& w = it->second;
  WatchEvent ev;
  ev.resource_version = e.revision;
  ev.object = e.object;
  if (e.type == etcd::EventType::kDelete) {
    ev.type = WatchEventType::kDeleted;
  } else {
    ev.type = e.prev ? WatchEventType::kModified : WatchEventType::kAdded;
  }
  if (!w.node_name.empty()) {
    // Field-selector watches see objects enter and leave the selection as ADDED / DELETED, as
    // the watch cache's filtering does.
    bool matches_now = e.type == etcd::EventType::kPut && SelectedNodeName(e.object) == w.node_name;
    bool matched_before = e.prev && SelectedNodeName(e.prev) == w.node_name;
    if (!matches_now && !matched_before) return;
    if (matches_now && !matched_before) ev.type = WatchEventType::kAdded;
    if (!matches_now && matched_before) ev.type = WatchEventType::kDeleted;
  }
  if (w.host != network::kControlPlane && !Reachable(w.host)) {
    ClientWatch& held = it->second;
    if (held.held.empty()) held.held_since = sim_.Now();
    held.held.push_back(std::move(ev));
    return;
  }
  Send(watch_id, std::move(ev));
}

void ApiServer::Send(int64_t watch_id, WatchEvent ev) {
  owner_.After(
      config_.watch_delay,
      [this, watch_id, ev = std::move(ev)]() {
        auto w2 = watches_.find(watch_id);
        if (w2 == watches_.end()) return;
        // The handler may stop its own watch; keep it alive for the call.
        std::shared_ptr<WatchHandler> h = w2->second.handler;
        (*h)(ev);
      },
      sim::Phase::kDelivery);
}

void ApiServer::SetNetwork(network::Topology* network) {
  network_ = network;
  if (network_ != nullptr) network_->SetOnChange([this]() { OnNetworkChange(); });
}

void ApiServer::FailUnreachable(ResponseCallback cb) {
  owner_.After(kUnreachableTimeout, [cb = std::move(cb)]() {
    if (cb) {
      cb(ErrorResponse(Code::kUnavailable, "ServiceUnavailable",
                       "net/http: request canceled (Client.Timeout exceeded while awaiting headers)"));
    }
  });
}

void ApiServer::OnNetworkChange() {
  // A watcher whose link returns gets what it missed: in order if the outage was shorter than
  // the watch cache's history (its re-watch from the last resourceVersion resumes), else 410
  // Expired, and client-go relists (docs/control-plane.md, Partitions).
  std::vector<int64_t> expired;
  for (auto& [id, w] : watches_) {
    if (w.held.empty() || !Reachable(w.host)) continue;
    std::vector<WatchEvent> held;
    held.swap(w.held);
    if (sim_.Now() - w.held_since > kWatchCacheHistory) {
      expired.push_back(id);
      continue;
    }
    for (auto& ev : held) Send(id, std::move(ev));
  }
  for (int64_t id : expired) {
    EndWatch(id, ErrorResponse(Code::kGone, "Expired", "The resourceVersion for the provided watch is too old."));
  }
}

void ApiServer::EndWatch(int64_t id, Response error) {
  WatchEvent ev;
  ev.type = WatchEventType::kError;
  ev.error = std::move(error);
  std::shared_ptr<WatchHandler> h = watches_[id].handler;
  StopWatch(id);
  watch_errors_++;
  owner_.After(
      config_.watch_delay, [h, ev]() { (*h)(ev); }, sim::Phase::kDelivery);
}

Response ApiServer::ConnectionLost() {
  return ErrorResponse(Code::kUnavailable, "ServiceUnavailable", "http2: client connection lost");
}

Response ApiServer::ConnectionRefused() {
  return ErrorResponse(Code::kUnavailable, "ServiceUnavailable", "dial tcp 10.0.0.1:6443: connect: connection refused");
}

void ApiServer::FailRefused(ResponseCallback cb) {
  owner_.After(sim::Duration::Zero(), [cb = std::move(cb)]() {
    if (cb) cb(ConnectionRefused());
  });
}

void ApiServer::Stop(int replica) {
  Replica& r = replicas_[static_cast<size_t>(replica)];
  if (!r.serving) return;
  r.serving = false;
  --serving_count_;
  // Every watch stream on it breaks (--shutdown-watch-termination-grace-period is 0 by default,
  // kubernetes/apiserver pkg/server/options/server_run_options.go @ v0.32); the reflectors
  // relist once a replica answers again.
  std::vector<int64_t> ids;
  for (const auto& [id, w] : watches_) {
    if (w.replica == replica) ids.push_back(id);
  }
  for (int64_t id : ids) EndWatch(id, ConnectionLost());
  // Requests waiting in its queues fail with their connection (Run sees the replica stopped).
  r.apf->DispatchAll();
}

void ApiServer::Start(int replica) {
  Replica& r = replicas_[static_cast<size_t>(replica)];
  if (r.serving) return;
  r.serving = true;
  ++serving_count_;
  r.cache_start_revision = store_.revision();
}

}  // namespace kubesim::apiserver
