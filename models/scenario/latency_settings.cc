#include "models/scenario/latency_settings.h"

namespace kubesim::scenario {

using api::YamlNode;

sim::StatusOr<apiserver::LatencyModel> ParseLatency(const YamlNode& node) {
  // Either a single duration (fixed) or {median, p99} (lognormal).
  if (node.IsScalar()) {
    KUBESIM_ASSIGN_OR_RETURN(sim::Duration d, node.ToDuration());
    if (d < sim::Duration::Zero()) return node.Error("Invalid value: must not be negative");
    return apiserver::LatencyModel::Fixed(d);
  }
  KUBESIM_RETURN_IF_ERROR(node.ExpectMap());
  KUBESIM_RETURN_IF_ERROR(node.CheckKeys({"median", "p99"}));
  if (!node["median"].Defined()) return node["median"].Error("Required value");
  KUBESIM_ASSIGN_OR_RETURN(sim::Duration median, node["median"].ToDuration());
  sim::Duration p99 = median;
  if (node["p99"].Defined()) {
    KUBESIM_ASSIGN_OR_RETURN(p99, node["p99"].ToDuration());
  }
  if (median < sim::Duration::Zero()) return node["median"].Error("Invalid value: must not be negative");
  if (p99 < median) return node["p99"].Error("Invalid value: p99 must be at least the median");
  return apiserver::LatencyModel{median, p99};
}

}  // namespace kubesim::scenario
