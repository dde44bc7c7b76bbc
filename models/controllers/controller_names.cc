#include "models/controllers/controller_names.h"

#include <algorithm>

namespace kubesim::controllers {

const std::vector<ControllerName>& KnownControllers() {
  // Start order: the order Cluster::Start used before the manager existed, kept so that every
  // event the controllers schedule when they start keeps its place in the event order.
  static const std::vector<ControllerName> kNames = {
      {"node-lifecycle-controller", {"nodelifecycle"}},
      {"taint-eviction-controller", {}},
      {"replicaset-controller", {"replicaset"}},
      {"deployment-controller", {"deployment"}},
      {"horizontal-pod-autoscaler-controller", {"horizontalpodautoscaling"}},
      {"job-controller", {"job"}},
      {"daemonset-controller", {"daemonset"}},
      {"statefulset-controller", {"statefulset"}},
      {"garbage-collector-controller", {"garbagecollector"}},
      {"disruption-controller", {"disruption"}},
      {"endpointslice-controller", {"endpointslice"}},
      {"namespace-controller", {"namespace"}},
      {"serviceaccount-controller", {"serviceaccount"}},
      {"serviceaccount-token-controller", {"serviceaccount-token"}},
      {"pod-garbage-collector-controller", {"podgc"}},
      {"node-ipam-controller", {"nodeipam"}},
  };
  return kNames;
}

namespace {

// The canonical name `entry` (without a leading '-') stands for, or null.
const char* Canonical(const std::string& entry) {
  for (const auto& c : KnownControllers()) {
    if (entry == c.name) return c.name;
    for (const char* alias : c.aliases) {
      if (entry == alias) return c.name;
    }
  }
  return nullptr;
}

}  // namespace

sim::StatusOr<std::vector<std::string>> ResolveControllers(const std::vector<std::string>& list) {
  std::string errors;
  std::vector<std::pair<std::string, bool>> decisions;  // canonical name → enabled, in list order
  bool star = false;
  for (const auto& entry : list) {
    if (entry == "*") {
      star = true;
      continue;
    }
    const bool disable = !entry.empty() && entry[0] == '-';
    const std::string name = disable ? entry.substr(1) : entry;
    const char* canonical = Canonical(name);
    if (canonical == nullptr) {
      if (!errors.empty()) errors += "\n";
      errors += "\"" + name + "\" is not in the list of known controllers";
      continue;
    }
    decisions.emplace_back(canonical, !disable);
  }
  if (!errors.empty()) return sim::InvalidArgument(errors);
  std::vector<std::string> enabled;
  for (const auto& c : KnownControllers()) {
    auto first = std::find_if(decisions.begin(), decisions.end(), [&](const auto& d) { return d.first == c.name; });
    if (first != decisions.end() ? first->second : star) enabled.push_back(c.name);
  }
  return enabled;
}

}  // namespace kubesim::controllers
