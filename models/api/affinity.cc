#include "models/api/affinity.h"

#include <algorithm>
#include <charconv>

namespace kubesim::api {
namespace {

bool ParseInt(const std::string& s, int64_t* out) {
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc() && ptr == s.data() + s.size();
}

}  // namespace

// As upstream labels.Requirement.Matches for node selectors: Gt/Lt compare the label parsed as
// an integer with the single value; a label that is missing or not an integer does not match.
bool NodeSelectorRequirementMatches(const NodeSelectorRequirement& r, const StringMap& labels) {
  auto it = labels.find(r.key);
  bool has = it != labels.end();
  switch (r.op) {
    case NodeSelectorOp::kIn:
      return has && std::find(r.values.begin(), r.values.end(), it->second) != r.values.end();
    case NodeSelectorOp::kNotIn:
      return !has || std::find(r.values.begin(), r.values.end(), it->second) == r.values.end();
    case NodeSelectorOp::kExists:
      return has;
    case NodeSelectorOp::kDoesNotExist:
      return !has;
    case NodeSelectorOp::kGt:
    case NodeSelectorOp::kLt: {
      int64_t label = 0, value = 0;
      if (!has || r.values.size() != 1 || !ParseInt(it->second, &label) || !ParseInt(r.values[0], &value)) {
        return false;
      }
      return r.op == NodeSelectorOp::kGt ? label > value : label < value;
    }
  }
  return false;
}

bool NodeSelectorTermMatches(const NodeSelectorTerm& term, const StringMap& labels, const std::string& node_name) {
  if (term.match_expressions.empty() && term.match_fields.empty()) return false;
  for (const auto& r : term.match_expressions) {
    if (!NodeSelectorRequirementMatches(r, labels)) return false;
  }
  StringMap fields = {{"metadata.name", node_name}};
  for (const auto& r : term.match_fields) {
    if (!NodeSelectorRequirementMatches(r, fields)) return false;
  }
  return true;
}

bool NodeSelectorMatches(const NodeSelector& selector, const StringMap& labels, const std::string& node_name) {
  for (const auto& term : selector.terms) {
    if (NodeSelectorTermMatches(term, labels, node_name)) return true;
  }
  return false;
}

}  // namespace kubesim::api
