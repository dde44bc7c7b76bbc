// Label selectors (metav1.LabelSelector): matchLabels AND every matchExpression.
//
// Semantics as upstream `metav1.LabelSelectorAsSelector` + `labels.Selector.Matches`:
// In / NotIn / Exists / DoesNotExist; NotIn and DoesNotExist match objects without the key.
// An empty selector matches everything; a null selector (std::optional empty at the use site)
// matches nothing — callers decide which they hold, as upstream does.
#pragma once

#include <string>
#include <vector>

#include "models/api/object.h"

namespace kubesim::api {

enum class SelectorOp { kIn, kNotIn, kExists, kDoesNotExist };

struct LabelSelectorRequirement {
  std::string key;
  SelectorOp op = SelectorOp::kIn;
  std::vector<std::string> values;

  friend bool operator==(const LabelSelectorRequirement&, const LabelSelectorRequirement&) = default;
};

struct LabelSelector {
  StringMap match_labels;
  std::vector<LabelSelectorRequirement> match_expressions;

  bool Empty() const { return match_labels.empty() && match_expressions.empty(); }
  bool Matches(const StringMap& labels) const;

  friend bool operator==(const LabelSelector&, const LabelSelector&) = default;
};

bool RequirementMatches(const LabelSelectorRequirement& r, const StringMap& labels);

}  // namespace kubesim::api
