// Balancing similar node groups (kubernetes/autoscaler cluster-autoscaler/processors/nodegroupset
// @ 1.33): with --balance-similar-node-groups a scale-up is spread over the chosen group and the
// groups whose template nodes are alike, the smallest group first, so that, say, one group per
// zone grows evenly.
#pragma once

#include <string>
#include <vector>

#include "models/api/node.h"

namespace kubesim::autoscaler {

// compare_nodegroups.go IsCloudProviderNodeInfoSimilar: the same capacity (memory within 1.5 %),
// allocatable within 5 %, and the same labels apart from those that tell nodes of one group from
// another's (hostname, zone and region, the node group's own label).
bool IsSimilar(const api::Node& a, const api::Node& b);

struct GroupSize {
  std::string name;
  int32_t target = 0;
  int32_t max_size = 0;
  int32_t delta = 0;  // out: nodes to add
};

// balancing_processor.go BalanceScaleUpBetweenGroups: `nodes` new nodes, one at a time to the
// group with the smallest size (target + delta), the earlier group on ties; groups at their
// maximum take no more. Returns the nodes placed (fewer when every group is full).
int32_t BalanceScaleUp(std::vector<GroupSize>& groups, int32_t nodes);

}  // namespace kubesim::autoscaler
