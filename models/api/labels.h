// Label selectors (metav1.LabelSelector): matchLabels AND every matchExpression.
//
// Semantics as upstream `metav1.LabelSelectorAsSelector` + `labels.Selector.Matches`:
// In / NotIn / Exists / DoesNotExist; NotIn and DoesNotExist match objects without the key.
// An empty selector matches everything; a null selector (std::optional empty at the use site)
// matches nothing — callers decide which they hold, as upstream does.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "models/api/object.h"
#include "sim/status.h"

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
// labels.SelectorFromSet(set).Matches(labels) (k8s.io/apimachinery pkg/labels/selector.go @ v1.32):
// every key of `set` is in `labels` with an equal value; an empty set matches everything.
bool SetMatches(const StringMap& set, const StringMap& labels);

// A label selector in its string form (`kubectl get -l`, `?labelSelector=`), parsed with the grammar,
// validation and error messages of upstream labels.Parse (kubernetes/apimachinery
// pkg/labels/selector.go @ v0.32):
//
//   <selector>    ::= <requirement> | <requirement> "," <selector>
//   <requirement> ::= [!] KEY [ ("in" | "notin") "(" VALUE ["," VALUE]* ")" | ("=" | "==" | "!=") VALUE ]
//
// e.g. "app in (web,api),tier!=db,!canary,zone". KEY is a qualified name ([prefix/]name), VALUE a
// label value (possibly empty); blanks separate tokens; "" selects everything. The result is the
// equivalent metav1 form, which matches exactly the labels upstream's parsed selector matches:
// `k=v` and `k==v` become `k In (v)`, `k!=v` `k NotIn (v)` (true without k, as upstream's
// NotEquals), `k` Exists and `!k` DoesNotExist; all in match_expressions, sorted by key (stable),
// each with its values sorted and deduplicated. As upstream metav1.ParseToLabelSelector
// (pkg/apis/meta/v1/helpers.go) does, `k>n` and `k<n` parse but are then rejected (a
// metav1.LabelSelector has no Gt or Lt); unlike it, `k!=v` is kept, as the NotIn above.
sim::StatusOr<LabelSelector> ParseLabelSelector(std::string_view selector);

// Whether `v` is a valid label value (upstream validation.IsValidLabelValue): empty, or at most 63
// characters of [-A-Za-z0-9_.] starting and ending with a letter or digit.
bool IsLabelValue(std::string_view v);

}  // namespace kubesim::api
