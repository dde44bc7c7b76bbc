// Resource names and lists (core/v1 ResourceList), and the integer form the scheduler computes with.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "models/api/quantity.h"

namespace kubesim::api {

inline constexpr const char* kResourceCPU = "cpu";
inline constexpr const char* kResourceMemory = "memory";
inline constexpr const char* kResourceEphemeralStorage = "ephemeral-storage";
inline constexpr const char* kResourcePods = "pods";

using ResourceList = std::map<std::string, Quantity>;

// Integer amounts per resource: CPU in millicores, everything else in plain units (bytes, count),
// as upstream's framework.Resource. Ordered map: iteration order is stable.
using ResourceAmounts = std::map<std::string, int64_t>;

// CPU is counted in milli-units, every other resource in units (upstream `Resource.Add`).
int64_t AmountOf(const std::string& resource, const Quantity& q);
ResourceAmounts ToAmounts(const ResourceList& list);

// Upstream `IsScalarResourceName`: extended resources (domain-prefixed, not kubernetes.io/),
// hugepages-*, attachable-volumes-*: resources outside cpu/memory/ephemeral-storage/pods.
bool IsScalarResource(const std::string& name);
// Extended resource: a name with a domain prefix outside *kubernetes.io/ (upstream IsExtendedResourceName).
bool IsExtendedResource(const std::string& name);

}  // namespace kubesim::api
