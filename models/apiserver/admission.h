// The default admission plugins of v1.32 that act on a Pod, in upstream's order
// (kubernetes/kubernetes pkg/kubeapiserver/options/plugins.go @ v1.32, AllOrderedPlugins):
// NamespaceLifecycle's rejection of creates in a terminating namespace, ServiceAccount
// (serviceAccountName defaulted to `default`, a missing account refused), Priority and
// DefaultTolerationSeconds. ResourceQuota is not modelled yet (docs/fidelity.md).
//
// ServiceAccount and kubesim's implicit namespaces: a namespace no Namespace object declares
// (scenarios rarely declare `default`) stands for a namespace that has existed for long, so its
// `default` ServiceAccount counts as present; any other account must exist as an object.
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

struct AdmissionOptions {
  // The name the request carried (a generateName prefix when the server generates the name),
  // as upstream error messages print it; empty: the object's name.
  std::string request_name;
  // The scenario's initial state (ApiServer::Bootstrap): a snapshot of a running cluster, in
  // which the controller made every namespace's `default` ServiceAccount long before its pods;
  // a pod may therefore name `default` before the controller has written it.
  bool bootstrap = false;
  // False: ServiceAccount admission only defaults the name. For `kubesim schedule`, which
  // explains a placement from a snapshot that need not list ServiceAccounts.
  bool look_up_service_account = true;
};

// Mutates `obj` as the admission chain would on CREATE; reads Namespaces, ServiceAccounts and
// PriorityClasses from the store.
AdmissionResult RunAdmission(api::Object& obj, const etcd::MvccStore& store, const AdmissionOptions& opts = {});

// True when `obj` is a pod that ServiceAccount admission would refuse now only because the
// `default` ServiceAccount of its (declared, active) namespace does not exist yet. Upstream
// getServiceAccount then looks it up again, up to kDefaultServiceAccountLookups times in all,
// while the request waits (the controller creates it right after the namespace).
bool AwaitsDefaultServiceAccount(const api::Object& obj, const etcd::MvccStore& store);
inline constexpr int kDefaultServiceAccountLookups = 10;

// DefaultTolerationSeconds default (admission.go): 300 s for not-ready and unreachable.
inline constexpr int64_t kDefaultTolerationSeconds = 300;

}  // namespace kubesim::apiserver
