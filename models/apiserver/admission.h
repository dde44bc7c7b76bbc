// The default admission plugins of v1.32 that change scheduling-relevant fields of a Pod
// (control-plane.md §6): Priority and DefaultTolerationSeconds, and NamespaceLifecycle's
// rejection of creates in a terminating namespace. ServiceAccount and ResourceQuota are not
// modelled yet (docs/fidelity.md).
#pragma once

#include <string>

#include "models/api/object.h"
#include "models/etcd/mvcc_store.h"

namespace kubesim::apiserver {

struct AdmissionResult {
  bool ok = true;
  int code = 200;  // 403 Forbidden, 422 Invalid
  std::string message;
};

// Mutates `obj` as the admission chain would on CREATE; reads PriorityClasses from the store.
AdmissionResult RunAdmission(api::Object& obj, const etcd::MvccStore& store);

// DefaultTolerationSeconds default (admission.go): 300 s for not-ready and unreachable.
inline constexpr int64_t kDefaultTolerationSeconds = 300;

}  // namespace kubesim::apiserver
