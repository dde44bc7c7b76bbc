#include "models/scenario/output_settings.h"

namespace kubesim::scenario {

sim::Status ParseOutputSettings(const api::YamlNode& node, OutputSettings* out) {
  if (!node.Defined()) return sim::Status::Ok();
  KUBESIM_RETURN_IF_ERROR(node.ExpectMap());
  KUBESIM_RETURN_IF_ERROR(node.CheckKeys({"interval"}));
  api::YamlNode interval = node["interval"];
  if (interval.Defined()) {
    KUBESIM_ASSIGN_OR_RETURN(out->interval, interval.ToDuration());
    if (out->interval < sim::Duration::Zero()) {
      return interval.Error("Invalid value: must not be negative (0s turns sampling off)");
    }
    // Below a millisecond the samples say nothing a 1 ms sample does not, and cost memory.
    if (out->interval > sim::Duration::Zero() && out->interval < sim::Duration::Milliseconds(1)) {
      return interval.Error("Invalid value: must be at least 1ms, or 0s to turn sampling off");
    }
  }
  return sim::Status::Ok();
}

}  // namespace kubesim::scenario
