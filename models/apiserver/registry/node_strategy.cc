#include "models/apiserver/registry/node_strategy.h"

#include <algorithm>

#include "models/api/node.h"

namespace kubesim::apiserver::registry {

bool NodeStrategy::PrepareForStatusUpdate(api::Object& next, const api::Object& request) const {
  auto* node = dynamic_cast<api::Node*>(&next);
  if (node == nullptr) return next.CopyStatusFrom(request);
  std::vector<api::NodeCondition> stored = node->status.conditions;
  if (!next.CopyStatusFrom(request)) return false;
  auto& conds = node->status.conditions;
  for (auto& c : stored) {
    bool mentioned =
        std::any_of(conds.begin(), conds.end(), [&](const api::NodeCondition& n) { return n.type == c.type; });
    if (!mentioned) conds.push_back(std::move(c));
  }
  return true;
}

}  // namespace kubesim::apiserver::registry
