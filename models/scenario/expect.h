// `spec.expect`: the scenario's assertions (models/report/expectations.h evaluates them).
//
//   expect:
//     - name: pending pods drain          # optional
//       metric: scheduler_pending_pods{queue="active"}
//       aggregate: max                    # min max mean first last p50 p90 p95 p99 count value
//       window: {from: 20m, to: 30m}      # optional; simulated time
//       comparator: "<="                  # < <= > >= == !=
//       threshold: 0
#pragma once

#include "models/api/yaml_node.h"
#include "models/report/expectations.h"
#include "sim/time.h"

namespace kubesim::scenario {

sim::StatusOr<report::Expectation> ParseExpectation(const api::YamlNode& node, sim::Duration duration);

}  // namespace kubesim::scenario
