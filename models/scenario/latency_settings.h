// A modelled latency in a scenario: a fixed duration (`5s`) or a lognormal given by its median and
// p99 (`{median: 60s, p99: 150s}`), as apiserver::LatencyModel holds it.
#pragma once

#include "models/api/yaml_node.h"
#include "models/apiserver/latency.h"
#include "sim/status.h"

namespace kubesim::scenario {

sim::StatusOr<apiserver::LatencyModel> ParseLatency(const api::YamlNode& node);

}  // namespace kubesim::scenario
