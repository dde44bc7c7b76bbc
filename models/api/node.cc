#include "models/api/node.h"

namespace kubesim::api {

const NodeCondition* Node::FindCondition(std::string_view type) const {
  for (const auto& c : status.conditions) {
    if (c.type == type) return &c;
  }
  return nullptr;
}

}  // namespace kubesim::api
