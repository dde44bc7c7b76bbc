// The kube-scheduler component: informers on pods and nodes, the scheduling queue, the cache, one
// Profile per schedulerName, and the ScheduleOne loop (upstream schedule_one.go), talking to the
// rest of the cluster only through the API server.
//
// A scheduling cycle runs at the instant its pod is popped, against the cache as it is then; the
// scheduler is then busy for `cycle_latency` (its measured per-pod decision time) before the
// binding request is sent and the next pod is popped. Binding is asynchronous, as upstream's
// binding goroutine: the pod is assumed in the cache until the bind commits and the informer
// confirms it.
//
// A cycle that ends in a FitError runs the PostFilter plugins (DefaultPreemption) at the same
// instant; a nominated node goes into the Nominator at once and into status.nominatedNodeName
// through the API (upstream handleSchedulingFailure/updatePod). The nomination is dropped when
// the pod is assumed, bound or deleted.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "models/apiserver/api_client.h"
#include "models/apiserver/api_server.h"
#include "models/client/event_recorder.h"
#include "models/client/informer.h"
#include "models/scheduler/cache.h"
#include "models/scheduler/nominator.h"
#include "models/scheduler/profile.h"
#include "models/scheduler/schedule_one.h"
#include "models/scheduler/scheduling_queue.h"
#include "models/scheduler/shared_lister.h"
#include "sim/owner.h"

namespace kubesim::scheduler {

// One scheduling attempt as upstream's pkg/scheduler/metrics observes it: the
// scheduler_scheduling_attempt_duration_seconds histogram (scheduling cycle plus, on success, the
// binding cycle; labelled by result and profile) and, when the pod got bound,
// scheduler_pod_scheduling_sli_duration_seconds (from the pod's first entry into the queue).
// Consumers (models/perf) build their own histograms; the scheduler keeps none.
struct AttemptObservation {
  std::string profile;
  std::string result;  // "scheduled", "unschedulable" or "error", upstream's label values
  sim::Duration attempt_duration;
  bool bound = false;
  sim::Duration sli_duration;  // valid when bound
  int attempts = 0;            // the attempt this was, 1-based (upstream's "attempts" label)
  std::string pod_namespace;
};
using AttemptObserver = std::function<void(const AttemptObservation&)>;
// What kube-scheduler exports on /metrics for the sampler (models/cluster/metrics_sampler.h) to
// scrape. Counting these changes nothing the scheduler or anyone else sees.
struct SchedulerMetrics {
  // scheduler_schedule_attempts_total{result}: upstream metrics.PodScheduled after a successful
  // binding, PodUnschedulable after a FitError, PodScheduleError after any other scheduling or
  // binding failure.
  int64_t scheduled = 0;
  int64_t unschedulable = 0;
  int64_t error = 0;
  // scheduler_pod_scheduling_sli_duration_seconds observations, in order: seconds from the pod's
  // first entry into the queue (QueuedPodInfo.initial_attempt_timestamp) to its successful bind.
  std::vector<double> sli_seconds;
};

class Scheduler : public SharedLister {
 public:
  Scheduler(sim::Simulation& sim, apiserver::ApiServer& api, client::EventRecorder recorder, SchedulerConfig config,
            const Registry& registry);

  // Validates the profiles; then Start() wires informers and loops.
  sim::Status Init();
  void Start();

  Cache& cache() { return cache_; }

  // SharedLister, for plugins.
  const std::vector<const NodeInfo*>& Nodes() override { return cache_.NodeList(); }
  MatchingPodCounts* MatchingPods() override { return &cache_.matching_pods(); }
  const NodeInfo* GetNode(const std::string& name) override { return cache_.GetNode(name); }
  const std::vector<const NodeInfo*>& NodesWithAffinityPods() override { return cache_.NodesWithAffinityPods(); }
  const std::vector<const NodeInfo*>& NodesWithRequiredAntiAffinityPods() override {
    return cache_.NodesWithRequiredAntiAffinityPods();
  }
  int64_t ImageNodeCount(const std::string& name) override { return cache_.ImageNodeCount(name); }
  std::shared_ptr<const api::Namespace> GetNamespace(const std::string& name) override;
  std::vector<std::shared_ptr<const api::Service>> Services(const std::string& ns) override;
  std::vector<std::shared_ptr<const api::ReplicaSet>> ReplicaSets(const std::string& ns) override;
  std::shared_ptr<const api::ReplicaSet> GetReplicaSet(const std::string& ns, const std::string& name) override;
  std::vector<std::shared_ptr<const api::PodDisruptionBudget>> PodDisruptionBudgets() override;
  size_t pending_pods() const;
  const Nominator& nominator() const { return nominator_; }
  int64_t attempts() const { return attempts_; }
  // Called at the end of every attempt that reached a scheduling cycle (null: none).
  void SetAttemptObserver(AttemptObserver observer) { attempt_observer_ = std::move(observer); }
  const SchedulerMetrics& metrics() const { return metrics_; }
  // Null before Start(); for scraping queue sizes (scheduler_pending_pods).
  const SchedulingQueue* queue() const { return queue_.get(); }
  // Leader election (client::LeaderElector): without the lease no pod is popped; informers and
  // the queue keep running (upstream's process exits and a new one relists: docs/fidelity.md).
  void SetLeading(bool leading);
  // Its informers' consistency with the store (client::Informer::CheckAgainst).
  std::vector<std::string> CheckInformers(const etcd::MvccStore& store) const;

 private:
  Profile* ProfileFor(const api::Pod& pod);
  bool Responsible(const api::Pod& pod) { return ProfileFor(pod) != nullptr; }
  void OnPodAdd(const api::ObjectPtr& obj);
  void OnPodUpdate(const api::ObjectPtr& old_obj, const api::ObjectPtr& new_obj);
  void OnPodDelete(const api::ObjectPtr& obj);
  void OnNodeAdd(const api::ObjectPtr& obj);
  void OnNodeUpdate(const api::ObjectPtr& old_obj, const api::ObjectPtr& new_obj);
  void OnNodeDelete(const api::ObjectPtr& obj);
  void MaybeScheduleNext();
  // The loop body, in upstream's steps (kubernetes/kubernetes pkg/scheduler/schedule_one.go @ v1.32):
  // ScheduleOne pops a pod and, unless skipPodSchedule, runs its schedulingCycle; a failed cycle
  // ends in handleSchedulingFailure, a successful one assumes the pod and starts its bindingCycle
  // once the cycle's time has passed; a failed bind ends in handleBindingCycleError.
  void ScheduleOne();
  // SchedulePod on the cache's nodes, then PostFilter on a FitError. Returns the cycle's modelled
  // duration (drawn from scheduler/cycle-latency), for which the scheduler stays busy.
  sim::Duration SchedulingCycle(Profile& profile, QueuedPodInfo info, int64_t cycle);
  // Upstream assume: the pod, placed on `host`, goes into the cache so the next cycle sees it,
  // and out of the nominator.
  std::shared_ptr<const api::Pod> Assume(const api::Pod& pod, const std::string& host);
  // Observes the failed attempt, requeues the pod as unschedulable (with the events that may make
  // it schedulable), records FailedScheduling and writes PodScheduled=False (and a nomination).
  void HandleSchedulingFailure(Profile& profile, QueuedPodInfo info, int64_t cycle, const ScheduleResult& result,
                               const std::string& post_filter_msg, const PostFilterResult& nominating,
                               sim::Duration took);
  // The profile's binder; the attempt is observed when the bind answers.
  void BindingCycle(Profile& profile, std::shared_ptr<const api::Pod> assumed, QueuedPodInfo info, int64_t cycle,
                    sim::Time cycle_start);
  // Forgets the assumption, requeues the others and, unless it is gone, bound or being deleted,
  // the pod itself.
  void HandleBindingCycleError(const std::shared_ptr<const api::Pod>& assumed, QueuedPodInfo info, int64_t cycle,
                               const Status& s);
  void Observe(const AttemptObservation& o);
  void ObserveAttempt(const Profile& profile, const QueuedPodInfo& info, const std::string& result,
                      sim::Time cycle_start, bool bound);
  // Upstream updatePod: writes the PodScheduled=False condition and, when `nominated` is set and
  // differs, status.nominatedNodeName — only if either changes.
  void UpdatePodScheduledCondition(const api::Pod& pod, const std::string& reason, const std::string& message,
                                   const std::optional<std::string>& nominated = std::nullopt);

  sim::Simulation& sim_;
  apiserver::ApiClient api_;
  client::EventRecorder recorder_;
  SchedulerConfig config_;
  const Registry& registry_;
  std::vector<std::unique_ptr<Profile>> profiles_;
  std::unique_ptr<SchedulingQueue> queue_;
  Cache cache_;
  client::Informer pod_informer_;
  client::Informer node_informer_;
  client::Informer namespace_informer_;
  client::Informer service_informer_;
  client::Informer replicaset_informer_;
  // PDBs are read only by preemption; their own client (and latency stream) keeps the requests of
  // the other informers where they were before PDBs were watched.
  apiserver::ApiClient pdb_api_;
  client::Informer pdb_informer_;
  Nominator nominator_;
  sim::Rng& tiebreak_rng_;
  sim::Rng& latency_rng_;
  size_t next_start_node_index_ = 0;
  bool busy_ = false;
  bool leading_ = true;
  bool wake_scheduled_ = false;
  int64_t attempts_ = 0;
  AttemptObserver attempt_observer_;
  SchedulerMetrics metrics_;
  sim::Owner owner_{sim_};
};

}  // namespace kubesim::scheduler
