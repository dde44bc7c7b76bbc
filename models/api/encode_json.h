// EncodeJson: a stored object as Kubernetes-shaped JSON (apiVersion, kind, metadata, spec, status),
// for tools that read live state: the Python module's Simulation.get/list (docs/python.md).
//
// Field names are upstream's camelCase. Covered: every kind's metadata; Pod and Node specs and
// statuses in their simulated fields; the workload kinds' replicas, selectors and status counters;
// Namespace, PriorityClass and Lease essentials. Other fields and opaque kinds carry metadata only.
// Times are simulated seconds since the start of the run (numbers, not RFC 3339 strings), and
// quantities keep the text they were written with. Empty optional fields are omitted.
#pragma once

#include <nlohmann/json.hpp>

#include "models/api/object.h"

namespace kubesim::api {

nlohmann::ordered_json EncodeJson(const Object& obj);

}  // namespace kubesim::api
