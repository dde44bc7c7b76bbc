#include "models/api/labels.h"

#include <algorithm>

namespace kubesim::api {

bool RequirementMatches(const LabelSelectorRequirement& r, const StringMap& labels) {
  auto it = labels.find(r.key);
  bool has = it != labels.end();
  auto in_values = [&]() { return has && std::find(r.values.begin(), r.values.end(), it->second) != r.values.end(); };
  switch (r.op) {
    case SelectorOp::kIn:
      return in_values();
    case SelectorOp::kNotIn:
      return !in_values();
    case SelectorOp::kExists:
      return has;
    case SelectorOp::kDoesNotExist:
      return !has;
  }
  return false;
}

bool LabelSelector::Matches(const StringMap& labels) const {
  for (const auto& [k, v] : match_labels) {
    auto it = labels.find(k);
    if (it == labels.end() || it->second != v) return false;
  }
  for (const auto& r : match_expressions) {
    if (!RequirementMatches(r, labels)) return false;
  }
  return true;
}

}  // namespace kubesim::api
