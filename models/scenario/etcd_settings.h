// The scenario's `spec.etcd` (docs/control-plane.md): members, raft timers, fsync and peer
// latencies. Every field is checked with etcd's own rules and reported at its FILE:LINE:COL.
#pragma once

#include "models/api/yaml_node.h"
#include "models/etcd/config.h"
#include "sim/status.h"

namespace kubesim::scenario {

sim::Status ParseEtcdSettings(const api::YamlNode& node, etcd::EtcdConfig* config);

}  // namespace kubesim::scenario
