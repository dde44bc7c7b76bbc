#include "models/scenario/etcd_settings.h"

#include "models/api/quantity.h"
#include "models/scenario/latency_settings.h"

namespace kubesim::scenario {

sim::Status ParseEtcdSettings(const api::YamlNode& node, etcd::EtcdConfig* config) {
  if (!node.Defined()) return sim::Status::Ok();
  KUBESIM_RETURN_IF_ERROR(node.ExpectMap());
  KUBESIM_RETURN_IF_ERROR(node.CheckKeys(
      {"members", "heartbeatInterval", "electionTimeout", "fsyncLatency", "peerLatency", "quotaBackendBytes"}));
  if (node.Has("members")) {
    KUBESIM_ASSIGN_OR_RETURN(config->members, node["members"].Int32());
    // etcd recommends at most 7 members (etcd.io/docs/v3.5/faq, "What is maximum cluster size?").
    if (config->members < 1 || config->members > 7) {
      return node["members"].Error("Invalid value: must be between 1 and 7");
    }
  }
  if (node.Has("heartbeatInterval")) {
    KUBESIM_ASSIGN_OR_RETURN(config->heartbeat_interval, node["heartbeatInterval"].ToDuration());
    if (config->heartbeat_interval < sim::Duration::Milliseconds(1)) {
      return node["heartbeatInterval"].Error("Invalid value: must be at least 1ms");
    }
  }
  if (node.Has("electionTimeout")) {
    KUBESIM_ASSIGN_OR_RETURN(config->election_timeout, node["electionTimeout"].ToDuration());
  }
  // etcd's own checks (server/embed/config.go @ v3.5.16, Config.Validate).
  const api::YamlNode where = node.Has("electionTimeout") ? node["electionTimeout"] : node["heartbeatInterval"];
  if (config->election_timeout < config->heartbeat_interval * 5) {
    return where.Error("Invalid value: election timeout should be at least 5 times the heartbeat interval");
  }
  if (config->election_timeout > sim::Duration::Seconds(50)) {
    return where.Error("Invalid value: election timeout must not exceed 50s");
  }
  if (node.Has("fsyncLatency")) {
    KUBESIM_ASSIGN_OR_RETURN(config->fsync, ParseLatency(node["fsyncLatency"]));
  }
  if (node.Has("peerLatency")) {
    KUBESIM_ASSIGN_OR_RETURN(config->peer_round_trip, ParseLatency(node["peerLatency"]));
  }
  if (node.Has("quotaBackendBytes")) {
    KUBESIM_ASSIGN_OR_RETURN(api::Quantity q, node["quotaBackendBytes"].ToQuantity());
    // etcd: 0 means the default, a negative value no quota (server/storage/quota.go @ v3.5.16,
    // NewBackendQuota). kubesim asks for a size and says so, rather than guess which was meant.
    if (q.Value() <= 0) {
      return node["quotaBackendBytes"].Error("Invalid value: \"" + q.text() +
                                             "\": must be a positive size such as 2Gi (etcd's default)");
    }
    config->quota_backend_bytes = q.Value();
  }
  return sim::Status::Ok();
}

}  // namespace kubesim::scenario
