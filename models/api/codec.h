// Decoding of real Kubernetes manifests (apiVersion/kind YAML) into kubesim's object model.
//
// Decoding applies what the API server's defaulting would (namespace "default", requests copied
// from limits, allocatable from capacity, the hostname label) and the validation kubesim relies
// on (names, containers, quantities, taint effects, selector operators). Errors name
// FILE:LINE:COL and the field. Fields kubesim reads are type-checked; other fields are accepted
// and ignored, except fields that change scheduling and are not simulated yet, which add a warning.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "models/api/kinds.h"
#include "models/api/node.h"
#include "models/api/object.h"
#include "models/api/pod.h"
#include "models/api/yaml_node.h"

namespace kubesim::api {

struct DecodeResult {
  std::shared_ptr<Object> object;
  std::vector<std::string> warnings;  // "FILE:LINE:COL: field: not simulated yet ..."
};

sim::StatusOr<DecodeResult> DecodeObject(const YamlNode& doc);

// Lower-case plural resource name, as in API paths ("pods", "priorityclasses").
std::string ResourceOf(const std::string& kind);
bool IsClusterScoped(const std::string& kind);
// The API group ("" for core) and resource of a kind kubesim knows (simulated or stored as
// opaque), without allocating; nullopt for any other kind.
struct ResourceNames {
  std::string_view group;
  std::string_view resource;
};
std::optional<ResourceNames> ResourceNamesOf(std::string_view kind);
// Kinds with behaviour or typed storage in kubesim; every other kind is stored opaque.
bool IsSimulatedKind(const std::string& kind);
// The kinds kubesim stores as typed objects (every simulated kind), in a fixed order: what the
// garbage collector monitors.
std::vector<std::string> TypedKinds();

sim::StatusOr<LabelSelector> DecodeLabelSelector(const YamlNode& node);
// A core/v1 NodeAffinity (requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms,
// preferredDuringSchedulingIgnoredDuringExecution[{weight, preference}]) with pod validation.
sim::StatusOr<NodeAffinity> DecodeNodeAffinity(const YamlNode& node);

// A list of core/v1 TopologySpreadConstraints with pod validation (spec.topologySpreadConstraints,
// PodTopologySpreadArgs.defaultConstraints).
sim::StatusOr<std::vector<TopologySpreadConstraint>> DecodeTopologySpreadConstraints(const YamlNode& node);

}  // namespace kubesim::api
