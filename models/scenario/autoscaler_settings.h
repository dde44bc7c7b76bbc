// The scenario's `spec.clusterAutoscaler` (docs/cloud.md): present means the cluster-autoscaler
// runs. Its keys are upstream's flag names in camelCase (scanInterval for --scan-interval), each
// value checked as upstream's flag parsing and validation would, errors at FILE:LINE:COL.
#pragma once

#include <optional>

#include "models/api/yaml_node.h"
#include "models/autoscaler/options.h"
#include "models/cloud/cloud_config.h"
#include "sim/status.h"

namespace kubesim::scenario {

// Call when `clusterAutoscaler` is present. `cloud`: the scenario's cloud (the autoscaler needs
// one); null when it has none.
sim::StatusOr<std::optional<autoscaler::AutoscalingOptions>> ParseAutoscalerSettings(const api::YamlNode& node,
                                                                                     const cloud::CloudConfig* cloud);

}  // namespace kubesim::scenario
