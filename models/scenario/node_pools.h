// Node pools: `spec.nodePools` describes groups of identical Nodes the way cluster-autoscaler and
// managed node groups do, instead of one manifest per node.
//
//   nodePools:
//     - name: general                 # nodes general-0 … general-(count-1)
//       count: 30
//       zones: [eu-west-a, eu-west-b, eu-west-c]   # node i goes to zones[i % 3]
//       region: eu-west
//       instanceType: m5.xlarge
//       capacity: {cpu: "4", memory: 16Gi, pods: "110"}
//       labels: {pool: general}
//       taints: [{key: dedicated, value: batch, effect: NoSchedule}]
//       template: {Node manifest}     # optional base; `{{i}}` in it is the node's index
//
// Zone, region and instance type become the well-known labels topology.kubernetes.io/zone,
// topology.kubernetes.io/region and node.kubernetes.io/instance-type, which the scheduler's
// topology spread, the node lifecycle controller's zones and users' selectors read.
#pragma once

#include <memory>
#include <vector>

#include "models/api/object.h"
#include "models/api/yaml_node.h"
#include "models/scenario/object_loader.h"

namespace kubesim::scenario {

// Decodes one pool into Nodes appended to `out` (registered with `loader`, so duplicates and
// timeline references are checked as for `objects:`).
sim::Status LoadNodePool(const api::YamlNode& pool, ObjectLoader& loader,
                         std::vector<std::shared_ptr<const api::Object>>* out);

}  // namespace kubesim::scenario
