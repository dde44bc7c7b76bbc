#include "models/api/node.h"

namespace kubesim::api {

const NodeCondition* Node::FindCondition(const std::string& type) const {
  for (const auto& c : status.conditions) {
    if (c.type == type) return &c;
  }
  return nullptr;
}

}  // namespace kubesim::api
