#include "models/apiserver/api_server.h"

#include <algorithm>

#include "models/api/codec.h"
#include "models/api/kinds.h"
#include "models/api/names.h"
#include "models/api/node.h"
#include "models/api/pod.h"
#include "models/apiserver/admission.h"

namespace kubesim::apiserver {
namespace {

std::string ResourceKeyPrefix(const std::string& resource) { return "/registry/" + resource + "/"; }

Response Error(Code code, std::string reason, std::string message) {
  Response r;
  r.code = code;
  r.reason = std::move(reason);
  r.message = std::move(message);
  return r;
}

std::string Qualified(const std::string& kind) { return api::ResourceOf(kind); }

// The value of a pod's spec.nodeName field selector; empty for other kinds.
const std::string& NodeNameOf(const api::ObjectPtr& obj) {
  static const std::string kEmpty;
  if (!obj) return kEmpty;
  const auto* pod = dynamic_cast<const api::Pod*>(obj.get());
  return pod ? pod->spec.node_name : kEmpty;
}

// A write whose uid precondition names another incarnation of the object.
Response UidConflict(const std::string& precondition, const std::string& actual) {
  return Error(Code::kConflict, "Conflict",
               "Precondition failed: UID in precondition: " + precondition + ", UID in object meta: " + actual);
}

// The response to a successful write: the stored object at its new revision.
Response Written(const etcd::WriteResult& w, Code code = Code::kOk) {
  Response r;
  r.code = code;
  r.object = w.object;
  r.resource_version = w.revision;
  return r;
}

Response NotFound(const std::string& kind, const std::string& name) {
  return Error(Code::kNotFound, "NotFound", Qualified(kind) + " \"" + name + "\" not found");
}

// Upstream apimachinery NewConflict wording for an update with a stale resourceVersion.
Response Conflict(const std::string& kind, const std::string& name) {
  return Error(Code::kConflict, "Conflict",
               "Operation cannot be fulfilled on " + Qualified(kind) + " \"" + name +
                   "\": the object has been modified; please apply your changes to the latest version "
                   "and try again");
}

}  // namespace

std::optional<PropagationPolicy> ParsePropagationPolicy(const std::string& s) {
  if (s == "Background") return PropagationPolicy::kBackground;
  if (s == "Foreground") return PropagationPolicy::kForeground;
  if (s == "Orphan") return PropagationPolicy::kOrphan;
  return std::nullopt;
}

ApiServer::ApiServer(sim::Simulation& sim, etcd::MvccStore& store, ApiServerConfig config)
    : sim_(sim),
      store_(store),
      config_(std::move(config)),
      latency_rng_(sim.Stream("apiserver/latency")),
      name_rng_(sim.Stream("apiserver/generate-name")),
      service_account_rng_(sim.Stream("apiserver/admission/serviceaccount")) {
  ScheduleCompaction();
}

ApiServer::~ApiServer() {
  for (auto& [resource, cache] : caches_) store_.CancelWatch(cache.store_watch);
}

std::string ApiServer::Key(const std::string& kind, const std::string& ns, const std::string& name) {
  std::string key = ResourceKeyPrefix(api::ResourceOf(kind));
  if (!ns.empty()) key += ns + "/";
  return key + name;
}

void ApiServer::After(const LatencyModel& latency, sim::Rng* caller, std::function<void()> fn) {
  sim::Duration d = latency.Sample(caller != nullptr ? *caller : latency_rng_);
  owner_.After(d, std::move(fn));
}

void ApiServer::Respond(ResponseCallback cb, Response r) {
  if (cb) cb(r);
}

void ApiServer::ScheduleCompaction() {
  // As kube-apiserver's compactor: every interval, compact to the revision seen one interval ago,
  // so clients always have at least one interval of history to resume watches from.
  int64_t seen = store_.revision();
  owner_.After(
      config_.compaction_interval,
      [this, seen]() {
        store_.Compact(seen);
        ScheduleCompaction();
      },
      sim::Phase::kObserve);
}

void ApiServer::Create(std::shared_ptr<api::Object> obj, ResponseCallback cb, sim::Rng* caller) {
  After(config_.create, caller, [this, obj = std::move(obj), cb = std::move(cb)]() mutable {
    CreateAfterLookups(std::move(obj), std::move(cb), 1, sim::Duration::Zero());
  });
}

void ApiServer::CreateAfterLookups(std::shared_ptr<api::Object> obj, ResponseCallback cb, int lookup,
                                   sim::Duration interval) {
  // Upstream ServiceAccount admission getServiceAccount: a missing `default` account is looked up
  // live up to 10 times, one retryInterval (100–199 ms, drawn once per request) apart, because
  // the controller creates it just after its namespace; the create request waits meanwhile.
  if (lookup < kDefaultServiceAccountLookups && AwaitsDefaultServiceAccount(*obj, store_)) {
    if (lookup == 1) {
      interval = sim::Duration::Milliseconds(100 + static_cast<int64_t>(service_account_rng_.UniformInt(100)));
    }
    owner_.After(interval, [this, obj = std::move(obj), cb = std::move(cb), lookup, interval]() mutable {
      CreateAfterLookups(std::move(obj), std::move(cb), lookup + 1, interval);
    });
    return;
  }
  Respond(std::move(cb), DoCreate(std::move(obj)));
}

void ApiServer::Update(std::shared_ptr<api::Object> obj, ResponseCallback cb, sim::Rng* caller) {
  After(config_.update, caller, [this, obj = std::move(obj), cb = std::move(cb)]() mutable {
    Respond(std::move(cb), DoUpdate(std::move(obj)));
  });
}

void ApiServer::UpdateStatus(std::shared_ptr<api::Object> obj, ResponseCallback cb, sim::Rng* caller) {
  After(config_.update, caller,
        [this, obj = std::move(obj), cb = std::move(cb)]() mutable { Respond(std::move(cb), DoUpdateStatus(obj)); });
}

void ApiServer::Delete(const std::string& kind, const std::string& ns, const std::string& name, DeleteOptions opts,
                       ResponseCallback cb, sim::Rng* caller) {
  After(config_.del, caller,
        [=, this, cb = std::move(cb)]() mutable { Respond(std::move(cb), DoDelete(kind, ns, name, opts)); });
}

void ApiServer::Evict(const std::string& ns, const std::string& name, ResponseCallback cb, sim::Rng* caller) {
  After(config_.del, caller, [=, this, cb = std::move(cb)]() mutable { Respond(std::move(cb), DoEvict(ns, name)); });
}

Response ApiServer::DoEvict(const std::string& ns, const std::string& name) {
  auto pod = api::As<api::Pod>(store_.Get(Key("Pod", ns, name)));
  if (!pod) return NotFound("Pod", name);
  // canIgnorePDB: terminal, pending or already deleting pods go without a budget check.
  const std::string& phase = pod->status.phase;
  if (phase == api::kPodSucceeded || phase == api::kPodFailed || phase == api::kPodPending ||
      pod->metadata.deletion_timestamp) {
    return DoDelete("Pod", ns, name, {});
  }
  std::vector<std::shared_ptr<const api::PodDisruptionBudget>> budgets;
  for (const auto& obj : store_.Range(ResourceKeyPrefix("poddisruptionbudgets")).objects) {
    auto pdb = api::As<api::PodDisruptionBudget>(obj);
    if (pdb && pdb->metadata.namespace_ == ns && pdb->selector && pdb->selector->Matches(pod->metadata.labels)) {
      budgets.push_back(pdb);
    }
  }
  if (budgets.size() > 1) {
    return Error(Code::kInternal, "InternalError",
                 "This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.");
  }
  if (budgets.empty()) return DoDelete("Pod", ns, name, {});
  const api::PodDisruptionBudget& pdb = *budgets[0];
  const api::PodCondition* ready = pod->FindCondition("Ready");
  const bool healthy = ready != nullptr && ready->status == "True";
  // unhealthyPodEvictionPolicy IfHealthyBudget (the default): an unready pod may go while the
  // budget is met, without spending a disruption.
  if (!healthy && pdb.status.current_healthy >= pdb.status.desired_healthy && pdb.status.desired_healthy > 0) {
    return DoDelete("Pod", ns, name, {});
  }
  const std::string refused = "Cannot evict pod as it would violate the pod's disruption budget.";
  // checkAndDecrement: a budget the disruption controller has not processed yet refuses too.
  if (pdb.status.observed_generation < pdb.metadata.generation || pdb.status.disruptions_allowed <= 0) {
    return Error(Code::kTooManyRequests, "TooManyRequests", refused);
  }
  if (pdb.status.disrupted_pods.size() >= 2000) {  // MaxDisruptedPodSize
    return Error(Code::kForbidden, "Forbidden",
                 "DisruptedPods map too big - too many evictions not confirmed by PDB controller");
  }
  auto next = std::static_pointer_cast<api::PodDisruptionBudget>(pdb.Clone());
  next->status.disruptions_allowed--;
  next->status.disrupted_pods[name] = sim_.Now();
  etcd::WriteResult w =
      store_.Update(Key("PodDisruptionBudget", ns, pdb.metadata.name), next, pdb.metadata.resource_version);
  if (w.error == etcd::StoreError::kConflict) return Conflict("PodDisruptionBudget", pdb.metadata.name);
  Response r = DoDelete("Pod", ns, name, {});
  if (r.ok()) r.code = Code::kCreated;  // the Eviction object was "created"
  return r;
}

void ApiServer::Get(const std::string& kind, const std::string& ns, const std::string& name, ResponseCallback cb,
                    sim::Rng* caller) {
  After(config_.get, caller, [=, this, cb = std::move(cb)]() mutable {
    api::ObjectPtr obj = store_.Get(Key(kind, ns, name));
    Response r = obj ? Response{} : NotFound(kind, name);
    r.object = obj;
    if (obj) r.resource_version = obj->metadata.resource_version;
    Respond(std::move(cb), std::move(r));
  });
}

void ApiServer::List(const std::string& kind, ResponseCallback cb, const std::string& node_name, sim::Rng* caller) {
  // The range is read when the request is served; its size sets the extra latency, so the
  // response arrives `per_object × n` later with the state as of serving time.
  After(config_.get, caller, [=, this, cb = std::move(cb)]() mutable {
    etcd::RangeResult range = store_.Range(ResourceKeyPrefix(api::ResourceOf(kind)));
    Response r;
    if (node_name.empty()) {
      r.items = std::move(range.objects);
    } else {
      for (auto& obj : range.objects) {
        if (NodeNameOf(obj) == node_name) r.items.push_back(std::move(obj));
      }
    }
    r.resource_version = range.revision;
    sim::Duration extra = config_.list_per_object * static_cast<int64_t>(r.items.size());
    owner_.After(extra, [cb = std::move(cb), r = std::move(r)]() {
      if (cb) cb(r);
    });
  });
}

void ApiServer::Bind(const std::string& ns, const std::string& name, const std::string& uid, const std::string& node,
                     ResponseCallback cb, sim::Rng* caller) {
  After(config_.bind, caller,
        [=, this, cb = std::move(cb)]() mutable { Respond(std::move(cb), DoBind(ns, name, uid, node)); });
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
  std::string key = Key(obj->kind, meta.namespace_, meta.name);
  if (store_.Get(key)) {
    return Error(Code::kConflict, "AlreadyExists", Qualified(obj->kind) + " \"" + meta.name + "\" already exists");
  }
  char uid[40];
  std::snprintf(uid, sizeof(uid), "00000000-0000-4000-8000-%012lld", static_cast<long long>(next_uid_++));
  meta.uid = uid;
  meta.creation_timestamp = sim_.Now();
  meta.resource_version = 0;
  meta.deletion_timestamp.reset();
  meta.deletion_grace_period_seconds.reset();
  if (meta.generation == 0) meta.generation = 1;
  if (auto* ns = dynamic_cast<api::Namespace*>(obj.get())) {
    // Upstream namespace strategy PrepareForCreate.
    ns->phase = "Active";
    ns->spec_finalizers = {api::kFinalizerKubernetes};
  }
  return Written(store_.Create(key, std::move(obj)), Code::kCreated);
}

Response ApiServer::DoUpdate(std::shared_ptr<api::Object> obj) {
  const api::ObjectMeta& meta = obj->metadata;
  std::string key = Key(obj->kind, meta.namespace_, meta.name);
  api::ObjectPtr cur = store_.Get(key);
  if (!cur) return NotFound(obj->kind, meta.name);
  if (!meta.uid.empty() && meta.uid != cur->metadata.uid) {
    return UidConflict(meta.uid, cur->metadata.uid);
  }
  // Fields the server owns are carried over from the stored object.
  obj->metadata.uid = cur->metadata.uid;
  obj->metadata.creation_timestamp = cur->metadata.creation_timestamp;
  // Only DELETE sets these (upstream ObjectMeta update strategy keeps the stored values).
  obj->metadata.deletion_timestamp = cur->metadata.deletion_timestamp;
  obj->metadata.deletion_grace_period_seconds = cur->metadata.deletion_grace_period_seconds;
  // Kinds with a status subresource ignore status on the main resource (upstream strategies'
  // PrepareForUpdate: `newObj.Status = oldObj.Status`); status changes go through UpdateStatus.
  obj->CopyStatusFrom(*cur);
  obj->metadata.generation = cur->metadata.generation + (obj->SpecEquals(*cur) ? 0 : 1);
  int64_t expected = meta.resource_version;
  if (expected > 0 && expected != cur->metadata.resource_version) return Conflict(cur->kind, cur->metadata.name);
  if (cur->metadata.deletion_timestamp) {
    // Upstream ValidateObjectMetaUpdate: a deleted object may lose finalizers, never gain one.
    for (const auto& f : obj->metadata.finalizers) {
      if (!cur->metadata.HasFinalizer(f)) {
        return Error(Code::kUnprocessable, "Invalid",
                     Qualified(cur->kind) + " \"" + cur->metadata.name +
                         "\" is invalid: metadata.finalizers: Forbidden: no new finalizers can be added if the "
                         "object is being deleted, found new finalizers [\"" +
                         f + "\"]");
      }
    }
  }
  return WriteOrFinishDeletion(key, std::move(obj), expected);
}

Response ApiServer::DoUpdateStatus(const std::shared_ptr<api::Object>& obj) {
  const api::ObjectMeta& meta = obj->metadata;
  std::string key = Key(obj->kind, meta.namespace_, meta.name);
  api::ObjectPtr cur = store_.Get(key);
  if (!cur) return NotFound(obj->kind, meta.name);
  if (!meta.uid.empty() && meta.uid != cur->metadata.uid) {
    return UidConflict(meta.uid, cur->metadata.uid);
  }
  std::shared_ptr<api::Object> next = cur->Clone();
  if (!next->CopyStatusFrom(*obj)) {
    return Error(Code::kNotFound, "NotFound",
                 "the server could not find the requested resource (status of " + Qualified(obj->kind) + ")");
  }
  return Written(store_.Update(key, std::move(next), 0));
}

Response ApiServer::DoDelete(const std::string& kind, const std::string& ns, const std::string& name,
                             const DeleteOptions& opts) {
  std::string key = Key(kind, ns, name);
  api::ObjectPtr cur = store_.Get(key);
  if (!cur) return NotFound(kind, name);
  if (opts.precondition_resource_version > 0 && opts.precondition_resource_version != cur->metadata.resource_version) {
    return Conflict(kind, name);
  }
  if (!opts.precondition_uid.empty() && opts.precondition_uid != cur->metadata.uid) {
    return UidConflict(opts.precondition_uid, cur->metadata.uid);
  }
  // Upstream registry Store.Delete: first the graceful-deletion decision (pods only), then the
  // garbage-collection finalizers from propagationPolicy (deletionFinalizersForGarbageCollection),
  // then either an update that marks the object deleted (graceful, or finalizers pending) or the
  // removal of the key.
  std::vector<std::string> finalizers = cur->metadata.finalizers;
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
  const bool finalizers_changed = finalizers != cur->metadata.finalizers;
  if (auto namespace_obj = api::As<api::Namespace>(cur)) {
    // Upstream namespace REST Delete + NamespaceLifecycle: the immortal namespaces stay; any
    // other turns Terminating and waits for the namespace controller while its spec finalizers
    // (`kubernetes`) or metadata finalizers remain.
    if (name == "default" || name == "kube-system" || name == "kube-public") {
      return Error(Code::kForbidden, "Forbidden",
                   "namespaces \"" + name + "\" is forbidden: this namespace may not be deleted");
    }
    if (!namespace_obj->spec_finalizers.empty() || !finalizers.empty()) {
      if (namespace_obj->metadata.deletion_timestamp && namespace_obj->phase == "Terminating" && !finalizers_changed) {
        Response r;
        r.object = cur;
        r.resource_version = cur->metadata.resource_version;
        return r;
      }
      auto copy = std::static_pointer_cast<api::Namespace>(namespace_obj->Clone());
      if (!copy->metadata.deletion_timestamp) {
        copy->metadata.deletion_timestamp = sim_.Now();
        copy->metadata.deletion_grace_period_seconds = 0;
      }
      copy->phase = "Terminating";
      copy->metadata.finalizers = std::move(finalizers);
      return Written(store_.Update(key, std::move(copy), cur->metadata.resource_version));
    }
  }
  std::optional<sim::Time> deletion_timestamp = cur->metadata.deletion_timestamp;
  std::optional<int64_t> grace_seconds = cur->metadata.deletion_grace_period_seconds;
  bool graceful = false;
  if (auto pod = api::As<api::Pod>(cur)) {
    // Graceful deletion (upstream pod strategy CheckGracefulDelete): a pod bound to a node and not
    // yet terminal gets deletionTimestamp = now + grace; its kubelet finishes the delete with
    // grace 0 once the containers are stopped. Unbound or terminal pods go at once.
    int64_t grace = opts.grace_period_seconds.value_or(pod->spec.termination_grace_period_seconds);
    if (pod->spec.node_name.empty() || pod->IsTerminal()) grace = 0;
    // A second delete may only shorten the grace period (upstream BeforeDelete).
    if (!deletion_timestamp || !grace_seconds || grace < *grace_seconds) {
      deletion_timestamp = sim_.Now() + sim::Duration::Seconds(grace);
      grace_seconds = grace;
    }
    graceful = *grace_seconds > 0;
  }
  if (!graceful && finalizers.empty()) return Written(store_.Delete(key, 0));
  if (!deletion_timestamp) {
    deletion_timestamp = sim_.Now();
    grace_seconds = 0;
  }
  if (deletion_timestamp == cur->metadata.deletion_timestamp &&
      grace_seconds == cur->metadata.deletion_grace_period_seconds && !finalizers_changed) {
    Response r;  // already being deleted this way: nothing to write
    r.object = cur;
    r.resource_version = cur->metadata.resource_version;
    return r;
  }
  std::shared_ptr<api::Object> copy = cur->Clone();
  copy->metadata.deletion_timestamp = deletion_timestamp;
  copy->metadata.deletion_grace_period_seconds = grace_seconds;
  copy->metadata.finalizers = std::move(finalizers);
  return Written(store_.Update(key, std::move(copy), cur->metadata.resource_version));
}

Response ApiServer::WriteOrFinishDeletion(const std::string& key, std::shared_ptr<api::Object> next, int64_t expected) {
  const api::ObjectMeta& m = next->metadata;
  const auto* ns = dynamic_cast<const api::Namespace*>(next.get());
  if (ns != nullptr && !ns->spec_finalizers.empty()) return Written(store_.Update(key, std::move(next), expected));
  if (m.deletion_timestamp && m.finalizers.empty() && m.deletion_grace_period_seconds.value_or(0) == 0) {
    return Written(store_.Delete(key, expected));
  }
  return Written(store_.Update(key, std::move(next), expected));
}

Response ApiServer::DoBind(const std::string& ns, const std::string& name, const std::string& uid,
                           const std::string& node) {
  std::string key = Key("Pod", ns, name);
  auto pod = api::As<api::Pod>(store_.Get(key));
  if (!pod) return NotFound("Pod", name);
  if (!uid.empty() && uid != pod->metadata.uid) {
    return UidConflict(uid, pod->metadata.uid);
  }
  // Upstream BindingREST.assignPod / setPodNodeAndMetadata.
  if (pod->metadata.deletion_timestamp) {
    return Error(Code::kConflict, "Conflict", "pod " + name + " is being deleted, cannot be assigned to a host");
  }
  if (!pod->spec.node_name.empty()) {
    return Error(Code::kConflict, "Conflict",
                 "pod " + name + " is already assigned to node \"" + pod->spec.node_name + "\"");
  }
  auto copy = std::static_pointer_cast<api::Pod>(pod->Clone());
  copy->spec.node_name = node;
  copy->SetCondition("PodScheduled", "True", sim_.Now());
  return Written(store_.Update(key, copy, pod->metadata.resource_version), Code::kCreated);
}

Response ApiServer::Admit(api::Object& obj, const AdmissionOptions& opts) {
  AdmissionResult a = RunAdmission(obj, store_, opts);
  if (a.ok) return Response{};
  return Error(a.code == 422 ? Code::kUnprocessable : Code::kForbidden, a.code == 422 ? "Invalid" : "Forbidden",
               a.message);
}

ApiServer::ResourceCache& ApiServer::CacheFor(const std::string& resource) {
  auto it = caches_.find(resource);
  if (it != caches_.end()) return it->second;
  ResourceCache& cache = caches_[resource];
  cache.store_watch =
      store_.Watch(ResourceKeyPrefix(resource), 0, [this, resource](const etcd::Event& e) { FanOut(resource, e); });
  return cache;
}

int64_t ApiServer::Watch(const std::string& kind, WatchOptions opts, WatchHandler handler) {
  std::string resource = api::ResourceOf(kind);
  ResourceCache& cache = CacheFor(resource);
  int64_t id = next_watch_id_++;
  watches_[id] = ClientWatch{resource, opts.node_name, std::make_shared<WatchHandler>(std::move(handler))};
  if (opts.resource_version > 0) {
    bool ok = store_.Replay(ResourceKeyPrefix(resource), opts.resource_version + 1,
                            [this, id](const etcd::Event& e) { Deliver(id, e); });
    if (!ok) {
      // A watch from a compacted RV ends with 410 Expired (kubernetes/apiserver
      // pkg/storage/etcd3/errors.go @ v0.32, interpretWatchError).
      WatchEvent ev;
      ev.type = WatchEventType::kError;
      ev.error = Error(Code::kGone, "Expired", "The resourceVersion for the provided watch is too old.");
      std::shared_ptr<WatchHandler> h = watches_[id].handler;
      watches_.erase(id);
      owner_.After(
          config_.watch_delay, [h, ev]() { (*h)(ev); }, sim::Phase::kDelivery);
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
  for (int64_t id : cache.all) Deliver(id, e);
  if (cache.by_node.empty()) return;
  // A pod moves into a node's stream when bound and out of it when its node changes (never in
  // practice) or it is deleted; both old and new node's watchers must hear of it.
  const std::string& now_node = e.type == etcd::EventType::kPut ? NodeNameOf(e.object) : NodeNameOf(e.prev);
  const std::string& was_node = NodeNameOf(e.prev);
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
    bool matches_now = e.type == etcd::EventType::kPut && NodeNameOf(e.object) == w.node_name;
    bool matched_before = e.prev && NodeNameOf(e.prev) == w.node_name;
    if (!matches_now && !matched_before) return;
    if (matches_now && !matched_before) ev.type = WatchEventType::kAdded;
    if (!matches_now && matched_before) ev.type = WatchEventType::kDeleted;
  }
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

}  // namespace kubesim::apiserver
