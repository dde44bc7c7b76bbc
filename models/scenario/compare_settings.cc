#include "models/scenario/compare_settings.h"

#include <charconv>
#include <cmath>
#include <set>

namespace kubesim::scenario {
namespace {

// A YAML number (integer or decimal) as a finite, non-negative double. yaml-cpp keeps scalars as
// text; from_chars reads them without locale or rounding surprises.
sim::StatusOr<double> NonNegativeNumber(const api::YamlNode& node) {
  if (!node.IsScalar()) return node.Error("Invalid value: must be a number");
  const std::string s = node.Scalar();
  double v = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || ptr != s.data() + s.size() || !std::isfinite(v)) {
    return node.Error("Invalid value: \"" + s + "\": must be a number");
  }
  if (v < 0) return node.Error("Invalid value: " + s + ": must not be negative");
  return v;
}

}  // namespace

sim::StatusOr<CompareSettings> ParseCompareSettings(const api::YamlNode& node) {
  CompareSettings out;
  if (!node.Defined()) return out;
  out.present = true;
  KUBESIM_RETURN_IF_ERROR(node.ExpectMap());
  KUBESIM_RETURN_IF_ERROR(node.CheckKeys({"metrics", "tolerances"}));
  if (node["metrics"].Defined()) {
    KUBESIM_ASSIGN_OR_RETURN(auto items, node["metrics"].Items());
    if (items.empty()) return node["metrics"].Error("Invalid value: must name at least one metric, or be left out");
    std::set<std::string> seen;
    for (const auto& item : items) {
      KUBESIM_ASSIGN_OR_RETURN(std::string name, item.String());
      if (!seen.insert(name).second) return item.Error("Duplicate value: \"" + name + "\"");
      out.metrics.push_back(MetricSelection{name, item});
    }
  }
  KUBESIM_ASSIGN_OR_RETURN(auto entries, node["tolerances"].Entries());
  for (const auto& [name, value] : entries) {
    KUBESIM_RETURN_IF_ERROR(value.ExpectMap());
    KUBESIM_RETURN_IF_ERROR(value.CheckKeys({"relative", "absolute"}));
    ToleranceOverride t{name, value, std::nullopt, std::nullopt};
    if (value["relative"].Defined()) {
      KUBESIM_ASSIGN_OR_RETURN(t.relative, NonNegativeNumber(value["relative"]));
    }
    if (value["absolute"].Defined()) {
      KUBESIM_ASSIGN_OR_RETURN(t.absolute, NonNegativeNumber(value["absolute"]));
    }
    if (!t.relative && !t.absolute) return value.Error("Required value: relative, absolute or both");
    out.tolerances.push_back(std::move(t));
  }
  return out;
}

}  // namespace kubesim::scenario
