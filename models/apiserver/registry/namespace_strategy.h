// The namespace registry's rules (kubernetes/kubernetes pkg/registry/core/namespace/strategy.go
// and storage/storage.go @ v1.32): a new namespace is Active with the spec finalizer
// `kubernetes`; a deleted one turns Terminating and stays while that finalizer (removed by the
// namespace controller once the namespace is empty) or any metadata finalizer remains.
#pragma once

#include "models/apiserver/registry/strategy.h"

namespace kubesim::apiserver::registry {

class NamespaceStrategy : public Strategy {
 public:
  // namespaceStrategy.PrepareForCreate: phase Active, spec.finalizers [kubernetes].
  void PrepareForCreate(api::Object& obj) const override;

  // The namespace REST's Delete, with NamespaceLifecycle admission's immortal namespaces
  // (staging/src/k8s.io/apiserver/pkg/admission/plugin/namespace/lifecycle/admission.go):
  // `default`, `kube-system` and `kube-public` are Forbidden; a namespace held by spec or
  // metadata finalizers is marked deleted (deletionTimestamp now, grace 0, phase Terminating) and
  // stays; one held by nothing goes on to the generic store, which deletes it.
  std::optional<Deletion> Delete(const api::Object& cur, const std::vector<std::string>& finalizers,
                                 sim::Time now) const override;

  // ShouldDeleteNamespaceDuringUpdate: never while spec finalizers remain, else as any kind.
  bool ShouldDeleteDuringUpdate(const api::Object& next) const override;
};

}  // namespace kubesim::apiserver::registry
