// LeaderElectionConfig: how a component elects its leader (component-base LeaderElectionConfiguration:
// the `leaderElection` block of KubeSchedulerConfiguration and of kube-controller-manager's
// generic configuration), and its decoder with upstream's validation.
#pragma once

#include <string>

#include "models/api/yaml_node.h"
#include "sim/status.h"
#include "sim/time.h"

namespace kubesim::client {

// component-base config/v1alpha1 RecommendedDefaultLeaderElectionConfiguration @ v0.32, used by
// both kube-scheduler and kube-controller-manager: --leader-elect true, --leader-elect-lease-duration
// 15s, --leader-elect-renew-deadline 10s, --leader-elect-retry-period 2s, resource lock "leases" in
// kube-system named after the component.
struct LeaderElectionConfig {
  // false: the component works from the start without a lease, and nothing stops it.
  bool leader_elect = true;
  std::string lease_namespace = "kube-system";
  std::string lease_name;
  sim::Duration lease_duration = sim::Duration::Seconds(15);
  sim::Duration renew_deadline = sim::Duration::Seconds(10);
  sim::Duration retry_period = sim::Duration::Seconds(2);
};

// Decodes a `leaderElection` block over `defaults` with component-base's validation
// (config/validation/validation.go ValidateLeaderElectionConfiguration @ v0.32) and the timing rule
// client-go's NewLeaderElector enforces (renewDeadline > 1.2 × retryPeriod); errors are located.
sim::StatusOr<LeaderElectionConfig> DecodeLeaderElection(const api::YamlNode& node, LeaderElectionConfig defaults);

}  // namespace kubesim::client
