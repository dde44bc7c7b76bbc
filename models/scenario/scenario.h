// Scenario: the `kubesim.io/v1alpha1` `Scenario` document — seed, duration, the objects that
// exist when the run starts, a timeline of actions, and control-plane settings.
//
// Loading validates everything before a run starts: unknown fields, malformed values, missing
// files, duplicate objects and actions naming things that never exist are errors that name
// FILE:LINE:COL and the field. Manifests are decoded by models/api's codec.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "models/api/object.h"
#include "models/api/yaml_node.h"
#include "models/apiserver/api_types.h"
#include "models/apiserver/client_connection.h"
#include "models/apiserver/config.h"
#include "models/autoscaler/options.h"
#include "models/client/leader_election_config.h"
#include "models/cloud/cloud_config.h"
#include "models/controllers/node_ipam_config.h"
#include "models/controllers/pod_gc_config.h"
#include "models/etcd/config.h"
#include "models/kubelet/config.h"
#include "models/metrics/load.h"
#include "models/report/expectations.h"
#include "models/scenario/compare_settings.h"
#include "models/scenario/output_settings.h"
#include "models/scenario/parameters.h"
#include "models/scheduler/scheduler_config.h"
#include "sim/status.h"
#include "sim/time.h"

namespace kubesim::scheduler {
class Registry;  // models/scheduler/registry.h
}
namespace kubesim::cloud {
class CloudProvider;  // models/cloud/cloud_provider.h
}
namespace kubesim::etcd {
class RaftCluster;  // models/etcd/raft_cluster.h
class MvccStore;    // models/etcd/mvcc_store.h
}  // namespace kubesim::etcd
namespace kubesim::client {
class LoadGenerator;  // models/client/load_generator.h
}  // namespace kubesim::client
namespace kubesim::network {
class Topology;  // models/network/topology.h
}
namespace kubesim::apiserver {
class ApiServer;  // models/apiserver/api_server.h
}

namespace kubesim::scenario {

// What a timeline action may do to the running cluster. models/cluster implements it; actions
// reach the cluster only through it (and so through the API server or a component's own switch).
class ActionContext {
 public:
  virtual ~ActionContext() = default;
  virtual void CreateObject(std::shared_ptr<api::Object> obj) = 0;
  // `opts`: the request's DeleteOptions (the timeline's optional propagationPolicy).
  virtual void DeleteObject(const std::string& kind, const std::string& ns, const std::string& name,
                            apiserver::DeleteOptions opts) = 0;
  virtual void StopKubelet(const std::string& node) = 0;
  // Read-modify-write of a stored object, as `kubectl scale` / `kubectl set image` do: GET,
  // `mutate` the copy, PUT, retried on 409 Conflict. A mutate error is reported, not written.
  using Mutation = std::function<sim::Status(api::Object&)>;
  virtual void UpdateObject(const std::string& kind, const std::string& ns, const std::string& name,
                            Mutation mutate) = 0;
  // The node's kubelet and containers vanish (docs/kubelet.md).
  virtual void CrashNode(const std::string& node) = 0;
  // The node's kubelet comes back after stopKubelet or crashNode.
  virtual void RestartKubelet(const std::string& node) = 0;
  // `kubectl drain --ignore-daemonsets`: cordons the node and evicts its pods through the Eviction
  // API, retrying an eviction a PodDisruptionBudget refuses every 5 s, as kubectl does.
  virtual void DrainNode(const std::string& node) = 0;
  // The cloud (spec.cloud), for the cloud's faults; null when the scenario has none.
  virtual cloud::CloudProvider* Cloud() = 0;
  // The etcd cluster, for control-plane faults.
  virtual etcd::RaftCluster& Etcd() = 0;
  // The network, for partitions.
  virtual network::Topology& Network() = 0;
  // The API server, for apiserverDown / apiserverRestart.
  virtual apiserver::ApiServer& KubeApiServer() = 0;
  // The etcd store, for maintenance (compact, defrag, alarm disarm).
  virtual etcd::MvccStore& EtcdStore() = 0;
  // The client that sends the timeline's apiserverLoad requests.
  virtual client::LoadGenerator& ApiServerLoad() = 0;
  // A timeline action that did not take effect: a Warning event `reason` (Failed…) on `object`,
  // listed in summary.json failed_actions, as a failed kubectl command would report it.
  virtual void ReportFailure(const std::string& reason, const std::string& object, const std::string& message) = 0;
  // Runs `fn` `d` from now, as a timeline action (an action's `duration:` undoes it this way).
  virtual void After(sim::Duration d, const std::string& description, std::function<void(ActionContext&)> fn) = 0;
};

using ActionFn = std::function<void(ActionContext&)>;

struct TimelineEntry {
  sim::Duration at;
  std::string action;  // its name in the scenario: create, delete, stopKubelet, crashNode, restartKubelet
  std::string description;
  api::SourceRef source;
  ActionFn run;
};

struct ControlPlaneSettings {
  apiserver::ApiServerConfig api_server;
  etcd::EtcdConfig etcd;  // spec.etcd
  kubelet::KubeletConfig kubelet;
  kubelet::KubeProxyConfig kube_proxy;
  scheduler::SchedulerConfig scheduler;
  // spec.controllerManager.controllers resolved to the canonical names of the controllers that
  // run, in start order (models/controllers/controller_names.h); unset: every controller, as
  // upstream's default `--controllers=*`.
  std::optional<std::vector<std::string>> controllers;
  // spec.controllerManager.terminatedPodGCThreshold (--terminated-pod-gc-threshold): terminated
  // pods the pod garbage collector keeps; 0 keeps them all.
  int64_t terminated_pod_gc_threshold = controllers::kDefaultTerminatedPodGCThreshold;
  // spec.controllerManager.allocateNodeCIDRs / clusterCIDR / nodeCIDRMaskSize; unset: no node IPAM.
  std::optional<controllers::NodeIpamConfig> node_ipam;
  OutputSettings output;  // spec.output: metrics sampling
  // Client-side QPS/burst of each component: upstream's defaults, with
  // spec.controllerManager.clientConnection and spec.kubelet.kubeAPIQPS/kubeAPIBurst applied (the
  // scheduler's comes from its KubeSchedulerConfiguration, `scheduler.client_connection`).
  apiserver::ClientConnections clients = apiserver::ClientConnections::Upstream();
  // spec.controllerManager.leaderElection (KubeControllerManagerConfiguration
  // generic.leaderElection): the Lease kube-system/kube-controller-manager by default.
  client::LeaderElectionConfig controller_manager_election = [] {
    client::LeaderElectionConfig c;
    c.lease_name = "kube-controller-manager";
    return c;
  }();
};

class WorkloadSource;  // models/scenario/workloads.h

struct Scenario {
  std::string name;
  std::string file;
  uint64_t seed = 1;
  sim::Duration duration = sim::Duration::Hours(1);
  std::vector<std::shared_ptr<const api::Object>> objects;  // initial state, in order
  std::vector<TimelineEntry> timeline;                      // sorted by `at`, stable
  ControlPlaneSettings settings;
  std::vector<std::string> warnings;
  std::map<std::string, int> not_simulated_kinds;  // kind → count, over objects and timeline
  std::vector<metrics::WorkloadLoad> loads;        // CPU demand per workload (metrics server)
  std::vector<Parameter> parameters;               // declared, with the values used
  std::vector<report::Expectation> expectations;   // `expect:`, in order
  // Generators and traces (spec.workloads); the Cluster expands them at Start() with the run's seed.
  std::vector<std::shared_ptr<const WorkloadSource>> workloads;
  CompareSettings compare;                                           // `spec.compare`, read by `kubesim compare`
  std::optional<cloud::CloudConfig> cloud;                           // `spec.cloud`
  std::optional<autoscaler::AutoscalingOptions> cluster_autoscaler;  // `spec.clusterAutoscaler`
};

// `registry` resolves the plugin names of a KubeSchedulerConfiguration; the Cluster that runs the
// scenario must use the same one.
// Without a registry: the in-tree plugins (scheduler::Registry::Default()).
sim::StatusOr<Scenario> LoadScenario(const std::string& path);
sim::StatusOr<Scenario> LoadScenario(const std::string& path, const scheduler::Registry& registry);
sim::StatusOr<Scenario> LoadScenarioFromString(const std::string& text, const std::string& file);
sim::StatusOr<Scenario> LoadScenarioFromString(const std::string& text, const std::string& file,
                                               const scheduler::Registry& registry);

// An edit of the parsed document before it is decoded (Python's `overrides`). Nodes it adds carry
// no position of their own, so errors in them point at the nearest node from the file; the caller
// knows which fields it set and may say so.
using DocumentEdit = std::function<sim::Status(YAML::Node root)>;
sim::StatusOr<Scenario> LoadScenario(const std::string& path, const scheduler::Registry& registry,
                                     const DocumentEdit& edit);
sim::StatusOr<Scenario> LoadScenarioFromString(const std::string& text, const std::string& file,
                                               const scheduler::Registry& registry, const DocumentEdit& edit);

// Everything a load may be given besides the text.
struct LoadOptions {
  const scheduler::Registry* registry = nullptr;  // in-tree plugins when null
  DocumentEdit edit;                              // applied before parameters are substituted
  std::map<std::string, std::string> parameters;  // `--set name=value`
};
sim::StatusOr<Scenario> LoadScenario(const std::string& path, const LoadOptions& options);
sim::StatusOr<Scenario> LoadScenarioFromString(const std::string& text, const std::string& file,
                                               const LoadOptions& options);

}  // namespace kubesim::scenario
