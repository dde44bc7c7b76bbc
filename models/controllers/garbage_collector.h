// The garbage collector of kube-controller-manager (kubernetes/kubernetes
// pkg/controller/garbagecollector @ v1.32: garbagecollector.go, graph_builder.go): deletes objects
// whose owners are all gone, and carries out the Foreground and Orphan propagation policies the
// API server records as finalizers.
//
// Structure, as upstream:
// - the graph builder (informers over every kind stored → ProcessGraphChange) keeps an ownership
//   graph in a Boost.Graph adjacency_list, one vertex per object (or per owner only referenced,
//   a "virtual" vertex), one edge owner → dependent per ownerReference;
// - attemptToDelete (a workqueue of UIDs) looks at one object: an owner in foreground deletion
//   waits for its blocking dependents and then loses its `foregroundDeletion` finalizer; any
//   other object checks each owner with a live GET (by name, compared by UID): owners all absent
//   → the object is deleted (with its own propagation: Orphan / Foreground finalizer, else
//   Background); some owners still there → the references to the absent ones are removed;
//   owners waiting for their dependents → the object is deleted in foreground when it has
//   dependents of its own;
// - attemptToOrphan removes an owner carrying the `orphan` finalizer from every dependent's
//   ownerReferences, then removes the finalizer.
// Up to --concurrent-gc-syncs (20) items of each queue are in flight at a time.
//
// Cycles (bad input: A owns B owns A) are found when an edge is added (a reachability search
// from the dependent back to the owner), reported once as a Warning event `OwnerRefCycle`, and
// the edges of the cycle never block a foreground deletion, so nothing waits on itself forever.
// Upstream has no explicit detection; it clears blockOwnerDeletion on such references
// (unblockOwnerReferences) when it notices, with the same outcome.
//
// Determinism: the graph is mutated in informer-event order, dependents are visited sorted by
// (kind, namespace, name), and every container that decides anything is ordered.
#pragma once

#include <boost/graph/adjacency_list.hpp>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "models/api/object.h"
#include "models/apiserver/api_client.h"
#include "models/client/event_recorder.h"
#include "models/client/informer.h"
#include "models/client/shared_informer_factory.h"
#include "models/client/workqueue.h"
#include "sim/owner.h"
#include "sim/simulation.h"

namespace kubesim::controllers {

class GarbageCollector {
 public:
  // Upstream --concurrent-gc-syncs default.
  static constexpr int kConcurrentGCSyncs = 20;

  // `kinds`: the kinds monitored (upstream: every deletable resource; here every typed kind,
  // api::TypedKinds(), and the opaque kinds the scenario stores).
  GarbageCollector(sim::Simulation& sim, apiserver::ApiServer& api, client::SharedInformerFactory& informers,
                   client::EventRecorder recorder, std::vector<std::string> kinds);
  GarbageCollector(const GarbageCollector&) = delete;
  GarbageCollector& operator=(const GarbageCollector&) = delete;

  void Start();

  // For tests and reports: owner cycles found so far, each as the sorted "Kind/ns/name" of its
  // members joined by ", ".
  const std::set<std::string>& cycles() const { return cycles_reported_; }
  size_t graph_size() const { return nodes_.size(); }

 private:
  struct VertexProps {
    std::string uid;
  };
  struct EdgeProps {
    bool block_owner_deletion = false;
    bool in_cycle = false;
  };
  using Graph = boost::adjacency_list<boost::vecS, boost::vecS, boost::bidirectionalS, VertexProps, EdgeProps>;
  using Vertex = Graph::vertex_descriptor;
  using Edge = Graph::edge_descriptor;

  // What the graph knows of one UID. Virtual: referenced as an owner, not (or no longer) observed.
  struct Node {
    Vertex vertex;
    bool observed = false;
    std::string kind, namespace_, name;
    api::ObjectPtr object;  // the latest observed version; null when virtual
  };

  // One workqueue with up to kConcurrentGCSyncs items in flight; `process` calls `done(retry)`
  // once, possibly later.
  class Queue {
   public:
    using Done = std::function<void(bool retry)>;
    Queue(sim::Simulation& sim, std::function<bool()> ready, std::function<void(const std::string&, Done)> process);
    void Add(const std::string& uid) { queue_.Add(uid); }

   private:
    void Wake(sim::Duration after);
    void Pump();
    sim::Simulation& sim_;
    client::WorkQueue queue_;
    std::function<bool()> ready_;
    std::function<void(const std::string&, Done)> process_;
    int in_flight_ = 0;
    bool wake_scheduled_ = false;
    sim::Owner owner_{sim_};
  };

  // Graph builder.
  void ProcessGraphChange(const api::ObjectPtr& obj, bool deleted);
  Node& Ensure(const std::string& uid);
  void RemoveIfUnneeded(const std::string& uid);
  void CheckCycle(const std::string& owner_uid, const std::string& dependent_uid);
  std::vector<const Node*> Dependents(const Node& n) const;  // observed, sorted
  bool Synced() const;

  // Workers.
  void AttemptToDelete(const std::string& uid, Queue::Done done);
  void ProcessDeletingDependents(const Node& n, Queue::Done done);
  void ClassifyOwners(std::shared_ptr<const api::Object> item, Queue::Done done);
  void AttemptToOrphan(const std::string& uid, Queue::Done done);
  void RemoveFinalizer(const api::ObjectPtr& obj, const std::string& finalizer, Queue::Done done);

  sim::Simulation& sim_;
  apiserver::ApiClient api_;
  client::EventRecorder recorder_;
  std::vector<client::Informer*> informers_;  // the process's shared informers, one per kind
  Graph graph_;
  std::vector<Vertex> free_vertices_;  // cleared vertices reused in LIFO order (deterministic)
  // uid → node, as upstream's uidToNode map; only looked up, never iterated, so hash order is
  // never observable.
  std::unordered_map<std::string, Node> nodes_;
  std::set<std::string> absent_owners_;  // UIDs verified absent (upstream absentOwnerCache)
  std::set<std::string> cycles_reported_;
  Queue attempt_to_delete_;
  Queue attempt_to_orphan_;
  sim::Owner owner_{sim_};
};

}  // namespace kubesim::controllers
