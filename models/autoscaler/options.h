// AutoscalingOptions: the cluster-autoscaler's settings, under upstream's flag names in camelCase
// in the scenario's `spec.clusterAutoscaler` (kubernetes/autoscaler
// cluster-autoscaler/config/flags/flags.go and config/const.go @ cluster-autoscaler-1.33.0, where
// the --expander default became least-waste; 1.32's main.go has the same flags with `random`).
// Parsed and validated by models/scenario/autoscaler_settings.cc.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "sim/time.h"

namespace kubesim::autoscaler {

struct AutoscalingOptions {
  sim::Duration scan_interval = sim::Duration::Seconds(10);
  int32_t max_nodes_total = 0;  // 0: no limit
  // --cores-total / --memory-total "min:max" (cores; GiB). Defaults DefaultMaxClusterCores = 5000*64
  // and DefaultMaxClusterMemory = 5000*64*20 GiB.
  int64_t min_cores_total = 0;
  int64_t max_cores_total = 320000;
  int64_t min_memory_total_gib = 0;
  int64_t max_memory_total_gib = 6400000;
  // Comma-separated, applied in order (expander/factory/expander_factory.go).
  std::vector<std::string> expanders = {"least-waste"};
  bool scale_down_enabled = true;
  sim::Duration scale_down_delay_after_add = sim::Duration::Minutes(10);
  sim::Duration scale_down_delay_after_delete = sim::Duration::Zero();
  sim::Duration scale_down_delay_after_failure = sim::Duration::Minutes(3);
  sim::Duration scale_down_unneeded_time = sim::Duration::Minutes(10);
  sim::Duration scale_down_unready_time = sim::Duration::Minutes(20);
  double scale_down_utilization_threshold = 0.5;
  sim::Duration max_node_provision_time = sim::Duration::Minutes(15);
  int64_t max_graceful_termination_sec = 600;
  int32_t max_scale_down_parallelism = 10;
  int32_t max_drain_parallelism = 1;
  int32_t expendable_pods_priority_cutoff = -10;
  sim::Duration initial_node_group_backoff_duration = sim::Duration::Minutes(5);
  sim::Duration max_node_group_backoff_duration = sim::Duration::Minutes(30);
  sim::Duration node_group_backoff_reset_timeout = sim::Duration::Hours(3);
  sim::Duration new_pod_scale_up_delay = sim::Duration::Zero();
  bool skip_nodes_with_system_pods = true;
  bool skip_nodes_with_local_storage = true;
  int32_t max_nodes_per_scaleup = 1000;
  sim::Duration max_pod_eviction_time = sim::Duration::Minutes(2);
  bool ignore_daemonsets_utilization = false;
  int32_t max_total_unready_percentage = 45;
  int32_t ok_total_unready_count = 3;
  sim::Duration node_delete_delay_after_taint = sim::Duration::Seconds(5);
  bool cordon_node_before_terminating = false;
  // --balance-similar-node-groups: a scale-up is spread over node groups whose template nodes are
  // alike (processors/nodegroupset).
  bool balance_similar_node_groups = false;
  // The priority expander's configuration: the `priorities` data of the ConfigMap
  // kube-system/cluster-autoscaler-priority-expander, priority → node group name regexes.
  std::map<int64_t, std::vector<std::string>> priorities;
};

// The expanders kubesim implements, by upstream name.
const std::vector<std::string>& KnownExpanders();

}  // namespace kubesim::autoscaler
