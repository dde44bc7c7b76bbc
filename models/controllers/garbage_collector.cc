#include "models/controllers/garbage_collector.h"

#include <algorithm>
#include <boost/graph/breadth_first_search.hpp>
#include <boost/pending/queue.hpp>
#include <boost/property_map/property_map.hpp>
#include <tuple>

#include "models/api/codec.h"

namespace kubesim::controllers {
namespace {

bool DeletingDependents(const api::ObjectPtr& obj) {
  return obj && obj->metadata.deletion_timestamp && obj->metadata.HasFinalizer(api::kFinalizerForegroundDeletion);
}

bool Orphaning(const api::ObjectPtr& obj) {
  return obj && obj->metadata.deletion_timestamp && obj->metadata.HasFinalizer(api::kFinalizerOrphan);
}

std::string Describe(const std::string& kind, const std::string& ns, const std::string& name) {
  return kind + "/" + (ns.empty() ? name : ns + "/" + name);
}

// Records the BFS tree so a path back to the search's source can be read off.
template <typename Vertex>
struct PredecessorRecorder : boost::default_bfs_visitor {
  std::map<Vertex, Vertex>* pred;
  template <typename E, typename G>
  void tree_edge(E e, const G& g) const {
    (*pred)[boost::target(e, g)] = boost::source(e, g);
  }
};

}  // namespace

// --- Queue -------------------------------------------------------------------------------------

GarbageCollector::Queue::Queue(sim::Simulation& sim, std::function<bool()> ready,
                               std::function<void(const std::string&, Done)> process)
    : sim_(sim), queue_(sim), ready_(std::move(ready)), process_(std::move(process)) {
  queue_.SetOnReady([this]() { Wake(sim::Duration::Zero()); });
}

void GarbageCollector::Queue::Wake(sim::Duration after) {
  if (wake_scheduled_) return;
  wake_scheduled_ = true;
  owner_.After(after, [this]() {
    wake_scheduled_ = false;
    Pump();
  });
}

void GarbageCollector::Queue::Pump() {
  while (in_flight_ < kConcurrentGCSyncs && queue_.Len() > 0) {
    if (!ready_()) {
      // As the informers' WaitForCacheSync: look again shortly.
      Wake(sim::Duration::Milliseconds(100));
      return;
    }
    std::string key = *queue_.Get();
    ++in_flight_;
    auto called = std::make_shared<bool>(false);
    process_(key, owner_.Bind([this, key, called](bool retry) {
      if (*called) return;
      *called = true;
      --in_flight_;
      if (retry) {
        queue_.AddRateLimited(key);
      } else {
        queue_.Forget(key);
      }
      queue_.Done(key);
      Wake(sim::Duration::Zero());
    }));
  }
}

// --- Graph builder -----------------------------------------------------------------------------

GarbageCollector::GarbageCollector(sim::Simulation& sim, apiserver::ApiServer& api,
                                   client::SharedInformerFactory& informers, client::EventRecorder recorder,
                                   std::vector<std::string> kinds)
    : sim_(sim),
      api_(sim, api, "kube-controller-manager/garbage-collector"),
      recorder_(std::move(recorder)),
      attempt_to_delete_(
          sim, [this]() { return Synced(); },
          [this](const std::string& uid, Queue::Done done) { AttemptToDelete(uid, std::move(done)); }),
      attempt_to_orphan_(
          sim, [this]() { return Synced(); },
          [this](const std::string& uid, Queue::Done done) { AttemptToOrphan(uid, std::move(done)); }) {
  for (const auto& kind : kinds) informers_.push_back(&informers.For(kind));
}

void GarbageCollector::Start() {
  for (auto& inf : informers_) {
    inf->AddEventHandlers({[this](const api::ObjectPtr& o) { ProcessGraphChange(o, false); },
                           [this](const api::ObjectPtr&, const api::ObjectPtr& o) { ProcessGraphChange(o, false); },
                           [this](const api::ObjectPtr& o) { ProcessGraphChange(o, true); }});
    inf->Start();
  }
}

bool GarbageCollector::Synced() const {
  for (const auto& inf : informers_) {
    if (!inf->HasSynced()) return false;
  }
  return true;
}

GarbageCollector::Node& GarbageCollector::Ensure(const std::string& uid) {
  auto it = nodes_.find(uid);
  if (it != nodes_.end()) return it->second;
  Vertex v;
  if (!free_vertices_.empty()) {
    v = free_vertices_.back();
    free_vertices_.pop_back();
  } else {
    v = boost::add_vertex(graph_);
  }
  graph_[v].uid = uid;
  Node n;
  n.vertex = v;
  return nodes_.emplace(uid, std::move(n)).first->second;
}

void GarbageCollector::RemoveIfUnneeded(const std::string& uid) {
  auto it = nodes_.find(uid);
  if (it == nodes_.end() || it->second.observed || boost::out_degree(it->second.vertex, graph_) > 0) return;
  Vertex v = it->second.vertex;
  boost::clear_vertex(v, graph_);
  graph_[v].uid.clear();
  free_vertices_.push_back(v);
  nodes_.erase(it);
}

std::vector<const GarbageCollector::Node*> GarbageCollector::Dependents(const Node& n) const {
  std::vector<const Node*> out;
  for (auto [e, end] = boost::out_edges(n.vertex, graph_); e != end; ++e) {
    const Node& dep = nodes_.at(graph_[boost::target(*e, graph_)].uid);
    if (dep.observed) out.push_back(&dep);
  }
  std::sort(out.begin(), out.end(), [](const Node* a, const Node* b) {
    return std::tie(a->kind, a->namespace_, a->name) < std::tie(b->kind, b->namespace_, b->name);
  });
  return out;
}

void GarbageCollector::ProcessGraphChange(const api::ObjectPtr& obj, bool deleted) {
  const std::string& uid = obj->metadata.uid;
  if (uid.empty()) return;
  if (deleted) {
    auto it = nodes_.find(uid);
    if (it == nodes_.end()) return;
    Node& n = it->second;
    Vertex v = n.vertex;
    // Owners waiting for this dependent may now go (upstream: removed dependents of an owner
    // that is deleting dependents requeue the owner).
    std::vector<std::string> owners;
    for (auto [e, end] = boost::in_edges(v, graph_); e != end; ++e)
      owners.push_back(graph_[boost::source(*e, graph_)].uid);
    boost::clear_in_edges(v, graph_);
    for (const auto& o : owners) {
      if (DeletingDependents(nodes_.at(o).object)) attempt_to_delete_.Add(o);
      RemoveIfUnneeded(o);
    }
    // Remembered only when something still refers to it (upstream keeps an LRU of 500).
    if (boost::out_degree(v, graph_) > 0) absent_owners_.insert(uid);
    n.observed = false;
    n.object = nullptr;
    // Its dependents may have lost their last owner.
    for (const Node* dep : Dependents(n)) attempt_to_delete_.Add(graph_[dep->vertex].uid);
    RemoveIfUnneeded(uid);
    return;
  }

  Node& n = Ensure(uid);
  n.observed = true;
  n.object = obj;
  n.kind = obj->kind;
  n.namespace_ = obj->metadata.namespace_;
  n.name = obj->metadata.name;
  const Vertex v = n.vertex;

  std::map<std::string, const api::OwnerReference*> wanted;
  for (const auto& ref : obj->metadata.owner_references) {
    if (!ref.uid.empty()) wanted.emplace(ref.uid, &ref);
  }
  std::map<std::string, Edge> existing;
  for (auto [e, end] = boost::in_edges(v, graph_); e != end; ++e)
    existing.emplace(graph_[boost::source(*e, graph_)].uid, *e);
  for (const auto& [owner_uid, e] : existing) {
    auto w = wanted.find(owner_uid);
    bool unblocked = w == wanted.end() || (graph_[e].block_owner_deletion && !w->second->block_owner_deletion);
    if (unblocked && DeletingDependents(nodes_.at(owner_uid).object)) attempt_to_delete_.Add(owner_uid);
    if (w == wanted.end()) {
      boost::remove_edge(e, graph_);
      RemoveIfUnneeded(owner_uid);
    } else {
      graph_[e].block_owner_deletion = w->second->block_owner_deletion;
    }
  }
  bool owner_unobserved = false;
  for (const auto& [owner_uid, ref] : wanted) {
    if (existing.count(owner_uid)) continue;
    Node& owner = Ensure(owner_uid);
    if (!owner.observed) {
      owner.kind = ref->kind;
      owner.namespace_ = api::IsClusterScoped(ref->kind) ? "" : obj->metadata.namespace_;
      owner.name = ref->name;
      owner_unobserved = true;
    }
    Edge e = boost::add_edge(owner.vertex, v, graph_).first;
    graph_[e].block_owner_deletion = ref->block_owner_deletion;
    CheckCycle(owner_uid, uid);
  }
  // An owner the graph has not seen (or has seen go) must be verified: upstream enqueues the
  // virtual owner node; checking the dependent does the same lookups.
  if (owner_unobserved) attempt_to_delete_.Add(uid);
  for (const auto& ref : obj->metadata.owner_references) {
    if (absent_owners_.count(ref.uid)) attempt_to_delete_.Add(uid);
  }
  if (Orphaning(obj)) attempt_to_orphan_.Add(uid);
  if (DeletingDependents(obj)) {
    for (const Node* dep : Dependents(n)) attempt_to_delete_.Add(graph_[dep->vertex].uid);
    attempt_to_delete_.Add(uid);
  }
}

void GarbageCollector::CheckCycle(const std::string& owner_uid, const std::string& dependent_uid) {
  const Vertex owner_v = nodes_.at(owner_uid).vertex;
  const Vertex dep_v = nodes_.at(dependent_uid).vertex;
  std::vector<Vertex> members;  // the cycle, from the dependent around to the owner
  if (owner_v == dep_v) {
    members.push_back(dep_v);
  } else {
    // Is the owner among the dependent's (transitive) dependents? Colors in an ordered map, so
    // the search costs the size of the dependent's subtree, not of the graph.
    std::map<Vertex, Vertex> pred;
    std::map<Vertex, boost::default_color_type> colors;
    auto color = boost::make_assoc_property_map(colors);
    boost::queue<Vertex> q;
    boost::breadth_first_visit(graph_, dep_v, q, PredecessorRecorder<Vertex>{{}, &pred}, color);
    if (!pred.count(owner_v)) return;
    for (Vertex x = owner_v; x != dep_v; x = pred.at(x)) {
      graph_[boost::edge(pred.at(x), x, graph_).first].in_cycle = true;
      members.push_back(x);
    }
    members.push_back(dep_v);
  }
  graph_[boost::edge(owner_v, dep_v, graph_).first].in_cycle = true;
  std::vector<std::string> names;
  for (Vertex x : members) {
    const Node& m = nodes_.at(graph_[x].uid);
    names.push_back(Describe(m.kind, m.namespace_, m.name));
  }
  std::sort(names.begin(), names.end());
  std::string joined;
  for (const auto& s : names) joined += (joined.empty() ? "" : ", ") + s;
  if (!cycles_reported_.insert(joined).second) return;
  const Node& dep = nodes_.at(dependent_uid);
  if (dep.object) {
    recorder_.Event(sim_.Now(), *dep.object, "Warning", "OwnerRefCycle",
                    "ownerReferences form a cycle: " + joined +
                        "; the garbage collector will not let these references block a foreground deletion");
  }
}

// --- attemptToDelete ---------------------------------------------------------------------------

void GarbageCollector::AttemptToDelete(const std::string& uid, Queue::Done done) {
  auto it = nodes_.find(uid);
  if (it == nodes_.end() || !it->second.observed) return done(false);
  const Node& n = it->second;
  const api::ObjectMeta& m = n.object->metadata;
  if (m.deletion_timestamp) {
    // Being deleted: only an owner in foreground deletion has work left (upstream
    // processDeletingDependentsItem).
    if (m.HasFinalizer(api::kFinalizerForegroundDeletion)) return ProcessDeletingDependents(n, std::move(done));
    return done(false);
  }
  if (m.owner_references.empty()) return done(false);
  ClassifyOwners(n.object, std::move(done));
}

void GarbageCollector::ProcessDeletingDependents(const Node& n, Queue::Done done) {
  bool blocked = false;
  std::vector<std::string> to_delete;
  for (auto [e, end] = boost::out_edges(n.vertex, graph_); e != end; ++e) {
    if (!graph_[*e].block_owner_deletion || graph_[*e].in_cycle) continue;
    const Node& dep = nodes_.at(graph_[boost::target(*e, graph_)].uid);
    if (!dep.observed) continue;
    blocked = true;
    if (!DeletingDependents(dep.object)) to_delete.push_back(graph_[dep.vertex].uid);
  }
  if (blocked) {
    std::sort(to_delete.begin(), to_delete.end());
    for (const auto& d : to_delete) attempt_to_delete_.Add(d);
    return done(false);  // the dependents' deletions requeue this owner
  }
  RemoveFinalizer(n.object, api::kFinalizerForegroundDeletion, std::move(done));
}

void GarbageCollector::ClassifyOwners(std::shared_ptr<const api::Object> item, Queue::Done done) {
  // Upstream classifyReferences: solid (present), dangling (absent, or another incarnation) and
  // waitingForDependentsDeletion (present, in foreground deletion), each owner looked up live.
  struct State {
    int pending = 0;
    bool error = false;
    std::set<std::string> solid, dangling, waiting;
  };
  auto st = std::make_shared<State>();
  const std::function<void()> decide = owner_.Bind([this, item, st, done]() {
    if (st->error) return done(true);
    auto cur = nodes_.find(item->metadata.uid);
    if (cur == nodes_.end() || !cur->second.observed) return done(false);
    api::ObjectPtr latest = cur->second.object;
    auto on_write = [done](const apiserver::Response& r) { done(!r.ok() && r.code != apiserver::Code::kNotFound); };
    if (!st->solid.empty()) {
      if (st->dangling.empty() && st->waiting.empty()) return done(false);
      // Keep the object; drop the references to owners that are gone or going.
      std::shared_ptr<api::Object> copy = latest->Clone();
      std::erase_if(copy->metadata.owner_references, [&](const api::OwnerReference& r) {
        return st->dangling.count(r.uid) || st->waiting.count(r.uid);
      });
      return api_.Update(copy, on_write);
    }
    apiserver::DeleteOptions opts;
    opts.precondition_uid = latest->metadata.uid;
    if (!st->waiting.empty() && !Dependents(cur->second).empty()) {
      opts.propagation_policy = apiserver::PropagationPolicy::kForeground;
    } else if (latest->metadata.HasFinalizer(api::kFinalizerOrphan)) {
      opts.propagation_policy = apiserver::PropagationPolicy::kOrphan;
    } else if (latest->metadata.HasFinalizer(api::kFinalizerForegroundDeletion)) {
      opts.propagation_policy = apiserver::PropagationPolicy::kForeground;
    } else {
      opts.propagation_policy = apiserver::PropagationPolicy::kBackground;
    }
    api_.Delete(latest->kind, latest->metadata.namespace_, latest->metadata.name, opts, on_write);
  });
  const bool cluster_scoped_item = item->metadata.namespace_.empty();
  for (const auto& ref : item->metadata.owner_references) {
    if (absent_owners_.count(ref.uid)) {
      st->dangling.insert(ref.uid);
      continue;
    }
    const bool cluster_scoped_owner = api::IsClusterScoped(ref.kind);
    if (cluster_scoped_item && !cluster_scoped_owner) {
      // Spec C.7: a cluster-scoped dependent can only have cluster-scoped owners.
      recorder_.Event(sim_.Now(), *item, "Warning", "OwnerRefInvalidNamespace",
                      "ownerRef [" + ref.api_version + "/" + ref.kind + ", name: " + ref.name + ", uid: " + ref.uid +
                          "] does not exist in namespace \"\"");
      st->dangling.insert(ref.uid);
      continue;
    }
    ++st->pending;
    std::string ns = cluster_scoped_owner ? "" : item->metadata.namespace_;
    api_.Get(ref.kind, ns, ref.name, owner_.Bind([this, st, ref, decide](const apiserver::Response& r) {
      if (r.code == apiserver::Code::kNotFound || (r.ok() && r.object->metadata.uid != ref.uid)) {
        absent_owners_.insert(ref.uid);
        st->dangling.insert(ref.uid);
      } else if (!r.ok()) {
        st->error = true;
      } else if (DeletingDependents(r.object)) {
        st->waiting.insert(ref.uid);
      } else {
        st->solid.insert(ref.uid);
      }
      if (--st->pending == 0) decide();
    }));
  }
  if (st->pending == 0) decide();
}

void GarbageCollector::RemoveFinalizer(const api::ObjectPtr& obj, const std::string& finalizer, Queue::Done done) {
  std::shared_ptr<api::Object> copy = obj->Clone();
  std::erase(copy->metadata.finalizers, finalizer);
  api_.Update(copy, owner_.Bind([done](const apiserver::Response& r) {
    done(!r.ok() && r.code != apiserver::Code::kNotFound);
  }));
}

// --- attemptToOrphan ---------------------------------------------------------------------------

void GarbageCollector::AttemptToOrphan(const std::string& uid, Queue::Done done) {
  auto it = nodes_.find(uid);
  if (it == nodes_.end() || !it->second.observed || !Orphaning(it->second.object)) return done(false);
  // Upstream orphanDependents: every dependent loses its reference to this owner, then the
  // owner loses the orphan finalizer.
  struct State {
    int pending = 0;
    bool failed = false;
  };
  auto st = std::make_shared<State>();
  const std::function<void()> finish = owner_.Bind([this, uid, st, done]() {
    if (st->failed) return done(true);
    auto cur = nodes_.find(uid);
    if (cur == nodes_.end() || !Orphaning(cur->second.object)) return done(false);
    RemoveFinalizer(cur->second.object, api::kFinalizerOrphan, done);
  });
  for (const Node* dep : Dependents(it->second)) {
    std::shared_ptr<api::Object> copy = dep->object->Clone();
    std::erase_if(copy->metadata.owner_references, [&](const api::OwnerReference& r) { return r.uid == uid; });
    ++st->pending;
    api_.Update(copy, owner_.Bind([st, finish](const apiserver::Response& r) {
      if (!r.ok() && r.code != apiserver::Code::kNotFound) st->failed = true;
      if (--st->pending == 0) finish();
    }));
  }
  if (st->pending == 0) finish();
}

}  // namespace kubesim::controllers
