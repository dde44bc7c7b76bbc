#include "models/client/leader_election_config.h"

#include <cstdint>
#include <utility>

namespace kubesim::client {

sim::StatusOr<LeaderElectionConfig> DecodeLeaderElection(const api::YamlNode& node, LeaderElectionConfig defaults) {
  KUBESIM_RETURN_IF_ERROR(node.ExpectMap());
  KUBESIM_RETURN_IF_ERROR(node.CheckKeys({"leaderElect", "leaseDuration", "renewDeadline", "retryPeriod",
                                          "resourceLock", "resourceName", "resourceNamespace"}));
  LeaderElectionConfig c = std::move(defaults);
  if (node["leaderElect"].Defined()) {
    KUBESIM_ASSIGN_OR_RETURN(c.leader_elect, node["leaderElect"].Bool());
  }
  for (auto [key, field] : {std::pair{"leaseDuration", &c.lease_duration},
                            std::pair{"renewDeadline", &c.renew_deadline}, std::pair{"retryPeriod", &c.retry_period}}) {
    if (!node[key].Defined()) continue;
    KUBESIM_ASSIGN_OR_RETURN(*field, node[key].ToDuration());
  }
  for (auto [key, field] :
       {std::pair{"resourceName", &c.lease_name}, std::pair{"resourceNamespace", &c.lease_namespace}}) {
    if (!node[key].Defined()) continue;
    KUBESIM_ASSIGN_OR_RETURN(*field, node[key].String());
  }
  // Upstream validates the rest only when leader election is on.
  if (!c.leader_elect) return c;
  for (auto [key, value] : {std::pair{"leaseDuration", c.lease_duration}, std::pair{"renewDeadline", c.renew_deadline},
                            std::pair{"retryPeriod", c.retry_period}}) {
    if (value <= sim::Duration::Zero()) {
      const api::YamlNode at = node[key].Defined() ? node[key] : node;
      return at.Error("Invalid value: " + value.ToString() + ": must be greater than zero");
    }
  }
  if (c.lease_duration <= c.renew_deadline) {
    const api::YamlNode at = node["leaseDuration"].Defined() ? node["leaseDuration"] : node["renewDeadline"];
    return at.Error("Invalid value: " + c.renew_deadline.ToString() +
                    ": LeaseDuration must be greater than RenewDeadline");
  }
  // client-go tools/leaderelection NewLeaderElector: the process refuses to start.
  if (c.renew_deadline.nanos() <= static_cast<int64_t>(1.2 * static_cast<double>(c.retry_period.nanos()))) {
    const api::YamlNode at = node["renewDeadline"].Defined() ? node["renewDeadline"] : node["retryPeriod"];
    return at.Error("Invalid value: renewDeadline must be greater than retryPeriod*JitterFactor");
  }
  if (node["resourceLock"].Defined()) {
    KUBESIM_ASSIGN_OR_RETURN(std::string lock, node["resourceLock"].String());
    // client-go tools/leaderelection/resourcelock New @ v0.32: Endpoints and ConfigMaps locks are gone.
    if (lock != "leases") {
      return node["resourceLock"].Error("Unsupported value: \"" + lock + "\": supported values: \"leases\"");
    }
  }
  for (auto [key, value] :
       {std::pair{"resourceName", &c.lease_name}, std::pair{"resourceNamespace", &c.lease_namespace}}) {
    if (value->empty()) return node[key].Error(std::string("Invalid value: \"\": ") + key + " is required");
  }
  return c;
}

}  // namespace kubesim::client
