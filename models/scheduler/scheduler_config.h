// The scheduler's settings as a KubeSchedulerConfiguration gives them (kubescheduler.config.k8s.io/v1,
// kubernetes/kubernetes pkg/scheduler/apis/config/types.go @ v1.32): profiles with their plugin
// sets per extension point, percentageOfNodesToScore, the pod backoffs, plus kubesim's simulated
// cycle time. A light header: the scenario layer carries these without the scheduler itself;
// config.h decodes them from YAML.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "models/api/pod.h"
#include "models/api/yaml_node.h"
#include "models/apiserver/client_connection.h"
#include "models/apiserver/latency.h"
#include "models/client/leader_election_config.h"
#include "sim/time.h"

namespace kubesim::scheduler {

struct PluginRef {
  std::string name;
  int64_t weight = 0;  // score weight; 0 → 1 for score plugins, as upstream defaults it
};

// A profile's `plugins.<extensionPoint>` (v1 PluginSet).
struct PluginSet {
  std::vector<PluginRef> enabled;
  std::vector<std::string> disabled;  // "*" disables every default plugin of the point
};

// The extension points kubesim runs, by their configuration names.
enum class ExtensionPoint { kPreEnqueue, kQueueSort, kPreFilter, kFilter, kPostFilter, kPreScore, kScore, kBind };
inline constexpr ExtensionPoint kExtensionPoints[] = {
    ExtensionPoint::kPreEnqueue, ExtensionPoint::kQueueSort, ExtensionPoint::kPreFilter, ExtensionPoint::kFilter,
    ExtensionPoint::kPostFilter, ExtensionPoint::kPreScore,  ExtensionPoint::kScore,     ExtensionPoint::kBind};
const char* ExtensionPointName(ExtensionPoint p);  // "preEnqueue", "queueSort", ...

struct ProfileConfig {
  std::string scheduler_name = api::kDefaultSchedulerName;
  // MultiPoint: each plugin is enabled at every extension point it implements, in this order.
  PluginSet multi_point;
  // Per-extension-point sets, after merging with the defaults (upstream mergePluginSet).
  std::map<ExtensionPoint, PluginSet> points;
  std::optional<int32_t> percentage_of_nodes_to_score;
  // pluginConfig: plugin name → its `args` node (kept with its file position for errors).
  std::map<std::string, api::YamlNode> plugin_args;
};

// The v1.32 default profile restricted to the plugins kubesim implements, in upstream order with
// upstream weights (kubernetes/kubernetes pkg/scheduler/apis/config/v1/default_plugins.go
// getDefaultPlugins @ v1.32).
ProfileConfig DefaultProfileConfig();

struct QueueConfig {
  sim::Duration pod_initial_backoff = sim::Duration::Seconds(1);
  sim::Duration pod_max_backoff = sim::Duration::Seconds(10);
  sim::Duration max_in_unschedulable = sim::Duration::Minutes(5);
};

struct SchedulerConfig {
  std::vector<ProfileConfig> profiles = {DefaultProfileConfig()};
  int32_t percentage_of_nodes_to_score = 0;  // 0: adaptive (upstream numFeasibleNodesToFind)
  QueueConfig queue;
  // clientConnection: qps 50, burst 100 (pkg/scheduler/apis/config/v1/defaults.go
  // SetDefaults_KubeSchedulerConfiguration @ v1.32).
  apiserver::ClientRateLimit client_connection{50, 100};
  // KubeSchedulerConfiguration leaderElection (the Lease kube-system/kube-scheduler by default).
  client::LeaderElectionConfig leader_election = [] {
    client::LeaderElectionConfig c;
    c.lease_name = "kube-scheduler";
    return c;
  }();
  // Scheduling decision p50 ≈ 10 ms, p99 ≈ 25 ms per pod, as measured in kubernetes/kubernetes
  // #42000 and #56053 (see docs/calibration.md).
  apiserver::LatencyModel cycle_latency{sim::Duration::Milliseconds(10), sim::Duration::Milliseconds(25)};
};

}  // namespace kubesim::scheduler
