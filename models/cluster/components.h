// Components: every component of one running cluster, wired together — the etcd model, the API
// server, the scheduler, kube-controller-manager, the metrics server, one kubelet and kube-proxy
// per node — and the recorders that turn committed writes into results. It implements the
// scenario's ActionContext, which is how timeline actions reach the cluster, as `kubectl` would.
// Cluster (cluster.h) is the small facade the CLI and Python use; tests and tools that look inside
// a running cluster include this header and call Cluster::components().
//
// Components are wired to each other only through the API server. Ownership: this object owns
// every component and the Simulation they run on; components are destroyed before the API server,
// the store and the Simulation.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "models/apiserver/api_server.h"
#include "models/autoscaler/cluster_autoscaler.h"
#include "models/client/load_generator.h"
#include "models/cloud/cloud_provider.h"
#include "models/cloudcontrollers/cloud_controller_manager.h"
#include "models/cluster/cluster.h"
#include "models/cluster/leader_elected.h"
#include "models/cluster/metrics_sampler.h"
#include "models/controllers/controller_manager.h"
#include "models/controllers/garbage_collector.h"
#include "models/controllers/node_lifecycle.h"
#include "models/etcd/mvcc_store.h"
#include "models/etcd/raft_cluster.h"
#include "models/kubelet/kube_proxy.h"
#include "models/kubelet/kubelet.h"
#include "models/metrics/metrics_server.h"
#include "models/report/recorder.h"
#include "models/report/results.h"
#include "models/scenario/scenario.h"
#include "models/scheduler/registry.h"
#include "models/scheduler/scheduler.h"
#include "sim/simulation.h"

namespace kubesim::cluster {

class Components : public scenario::ActionContext {
 public:
  Components(const scenario::Scenario& scenario, RunOptions options);
  ~Components() override;
  Components(const Components&) = delete;
  Components& operator=(const Components&) = delete;

  // Builds the components and loads the initial state; errors if the scheduler profile is invalid.
  sim::Status Start();
  // Runs to the end of the scenario (or `until`).
  void Run();
  // Runs up to `t` (for stepping from tools and Python).
  void RunUntil(sim::Time t);
  sim::Time end() const { return end_; }

  report::RunResults Results();
  // Results() for the last time: the recorded pod rows and events are moved out, not copied (the
  // CLI's end of run). Later calls see no rows or events.
  report::RunResults TakeResults();

  // The end-of-run invariants (docs/architecture.md) over the stored state: no node holds more
  // than its allocatable, every stored pod is accounted for in the results, every revision was
  // seen exactly once. Returns the violations found, one line each (empty when all hold).
  std::vector<std::string> CheckInvariants();
  sim::Simulation& simulation() { return sim_; }
  apiserver::ApiServer& api_server() { return *api_; }
  scheduler::Scheduler& scheduler() { return *scheduler_; }
  // Null when the controller is disabled (spec.controllerManager.controllers) or before Start().
  const controllers::GarbageCollector* garbage_collector() const {
    return controllers_ ? controllers_->Find<controllers::GarbageCollector>() : nullptr;
  }
  const kubelet::EndpointProgrammingTracker& endpoint_tracker() const { return *endpoint_tracker_; }
  // Null when no kube-proxy runs for the node.
  const kubelet::KubeProxy* kube_proxy(const std::string& node) const {
    auto it = kube_proxies_.find(node);
    return it == kube_proxies_.end() ? nullptr : it->second.get();
  }
  const etcd::MvccStore& store() const { return store_; }
  // Null when disabled or before Start(); for tests that look at zone states.
  const controllers::NodeLifecycleController* node_lifecycle() const {
    return controllers_ ? controllers_->Find<controllers::NodeLifecycleController>() : nullptr;
  }
  // Null before Start().
  const controllers::ControllerManager* controller_manager() const { return controllers_.get(); }
  // Null without spec.cloud / spec.clusterAutoscaler.
  const cloud::CloudProvider* cloud() const { return cloud_.get(); }
  const autoscaler::ClusterAutoscaler* cluster_autoscaler() const { return autoscaler_.get(); }

  // Live use from Python (python/): runs `run` as a timeline action named `action` at Now(), in the
  // input phase, with the same TimelineAction event the timeline records; it runs when the
  // simulation next advances (RunUntil(Now()) runs it at once).
  void Act(const std::string& action, const std::string& description, scenario::ActionFn run);
  // `kubectl apply` through the scenario client: creates `obj`, or when it exists replaces the
  // stored object's labels, annotations and spec (keeping uid, creation time and status), retried
  // on 409 Conflict. Failures become Warning events, as for timeline actions.
  void ApplyObject(std::shared_ptr<const api::Object> obj);

  // ActionContext.
  void CreateObject(std::shared_ptr<api::Object> obj) override;
  void DeleteObject(const std::string& kind, const std::string& ns, const std::string& name,
                    apiserver::DeleteOptions opts = {}) override;
  void StopKubelet(const std::string& node) override;
  void UpdateObject(const std::string& kind, const std::string& ns, const std::string& name, Mutation mutate) override;
  void CrashNode(const std::string& node) override;
  void RestartKubelet(const std::string& node) override;
  void DrainNode(const std::string& node) override;
  cloud::CloudProvider* Cloud() override { return cloud_.get(); }
  etcd::RaftCluster& Etcd() override { return *etcd_; }
  network::Topology& Network() override { return network_; }
  apiserver::ApiServer& KubeApiServer() override { return *api_; }
  etcd::MvccStore& EtcdStore() override { return store_; }
  client::LoadGenerator& ApiServerLoad() override;
  void ReportFailure(const std::string& reason, const std::string& object, const std::string& message) override {
    ScenarioEvent("Warning", reason, object, message);
  }
  const network::Topology& network() const { return network_; }
  void After(sim::Duration d, const std::string& description, scenario::ActionFn fn) override;
  const etcd::RaftCluster& etcd() const { return *etcd_; }

 private:
  // Results() (take = false) or TakeResults() (take = true).
  report::RunResults Collect(bool take);
  void OnCommit(const etcd::Event& e);
  void SampleControlPlane();
  void RecordEvent(const client::RecordedEvent& e) { recorder_.OnEvent(e); }
  void StartKubelet(std::shared_ptr<const api::Node> node);
  // Runs `run` at `at` in the input phase, recorded as the TimelineAction event `action`.
  void ScheduleAction(sim::Time at, const std::string& action, const std::string& description, scenario::ActionFn run);
  // spec.cloud: the provider, its initial instances' Nodes (bootstrapped like the scenario's own).
  sim::Status StartCloud();
  void EvictUntilAllowed(const std::string& ns, const std::string& name);
  void TryUpdate(const std::string& kind, const std::string& ns, const std::string& name, Mutation mutate,
                 int attempts_left);
  void TryApply(std::shared_ptr<const api::Object> obj, int attempts_left);
  void ResolveOwnerReferences(api::Object& obj);
  void ScenarioEvent(const std::string& type, const std::string& reason, const std::string& object,
                     const std::string& message);

  const scenario::Scenario& scenario_;
  uint64_t seed_;
  sim::Time end_;
  sim::Simulation sim_;
  etcd::MvccStore store_;
  network::Topology network_;                // which hosts reach the control plane
  std::unique_ptr<etcd::RaftCluster> etcd_;  // decides when the store's writes commit
  std::unique_ptr<apiserver::ApiServer> api_;
  std::unique_ptr<apiserver::ApiClient> scenario_client_;  // timeline actions, as a user's kubectl
  std::unique_ptr<client::LoadGenerator> load_;            // apiserverLoad, made by the first one
  report::Recorder recorder_;
  const scheduler::Registry& registry_;
  std::unique_ptr<scheduler::Scheduler> scheduler_;
  std::map<std::string, std::unique_ptr<kubelet::Kubelet>> kubelets_;
  std::unique_ptr<metrics::MetricsServer> metrics_server_;  // metrics.k8s.io, read by the HPA
  // kube-controller-manager: its controllers on the process's shared informers.
  std::unique_ptr<controllers::ControllerManager> controllers_;
  // Their leases: while one cannot renew, it stops (kube-controller-manager's controllers are
  // destroyed and built anew, as a restarted process's are).
  std::unique_ptr<LeaderElected> scheduler_election_;
  std::unique_ptr<LeaderElected> controller_manager_election_;
  // kube-proxy of each node, and what they programmed when.
  std::unique_ptr<kubelet::EndpointProgrammingTracker> endpoint_tracker_;
  std::map<std::string, std::unique_ptr<kubelet::KubeProxy>> kube_proxies_;
  // spec.cloud: the provider and the cloud-controller-manager; null without a cloud.
  std::unique_ptr<cloud::CloudProvider> cloud_;
  std::unique_ptr<cloudcontrollers::CloudControllerManager> cloud_controllers_;
  std::vector<std::shared_ptr<const api::Node>> initial_cloud_nodes_;  // until their kubelets start
  std::unique_ptr<autoscaler::ClusterAutoscaler> autoscaler_;          // spec.clusterAutoscaler; else null
  // The cloud's and the autoscaler's gauges at each metrics sample (SampleCloud), appended to
  // metrics.csv as columns.
  std::vector<std::vector<double>> cloud_samples_;
  void SampleCloud();
  // spec.output sampling (metrics_sampler.h); null when it is off.
  std::unique_ptr<MetricsSampler> sampler_;
  std::vector<std::vector<double>> control_plane_samples_;  // one row per sample: etcd's metrics
  sim::Duration sample_interval_;
  sim::Time next_sample_ = sim::Time::Zero();
  std::optional<sim::Time> last_sample_;
  std::string sample_warning_;
  std::vector<report::FailedAction> failed_actions_;
  int64_t commit_watch_ = 0;
  int64_t commits_seen_ = 0;
  int64_t last_revision_seen_ = 0;
};

}  // namespace kubesim::cluster
