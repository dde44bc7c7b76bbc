// Expanders: which node group a scale-up grows when several could help (kubernetes/autoscaler
// cluster-autoscaler/expander @ 1.33). The configured expanders run in order as filters, each
// keeping its best options, until one option is left; a random pick ends the chain
// (factory/chain.go). kubesim's random choice comes from the run's named stream
// "cluster-autoscaler/expander" instead of Go's global math/rand.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "models/api/node.h"
#include "models/api/pod.h"
#include "sim/random.h"

namespace kubesim::autoscaler {

// One way to help pending pods (expander.Option).
struct Option {
  std::string node_group;
  int32_t node_count = 0;
  std::vector<const api::Pod*> pods;  // the pods the new nodes would take
  std::shared_ptr<const api::Node> template_node;
  double price_per_hour = 0;  // the group's instance price (the price expander's NodePrice)
};

struct ExpanderContext {
  const std::vector<std::string>* names;  // as configured, e.g. {"priority", "least-waste"}
  const std::map<int64_t, std::vector<std::string>>* priorities;
  int64_t cluster_nodes = 0;  // the price expander's preferred node depends on it
  sim::Rng* rng = nullptr;
};

// The chosen option (index into `options`). REQUIRES: options not empty.
size_t BestOption(const std::vector<Option>& options, const ExpanderContext& ctx);

// The expanders' scores, for tests.
double LeastWasteScore(const Option& o);
double PriceScore(const Option& o, int64_t cluster_nodes);

}  // namespace kubesim::autoscaler
