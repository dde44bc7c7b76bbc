// The pod registry's rules (kubernetes/kubernetes pkg/registry/core/pod/strategy.go @ v1.32,
// podStrategy): graceful deletion.
#pragma once

#include "models/apiserver/registry/strategy.h"

namespace kubesim::apiserver::registry {

class PodStrategy : public Strategy {
 public:
  // CheckGracefulDelete: DeleteOptions.gracePeriodSeconds, else the pod's
  // terminationGracePeriodSeconds; 0 for a pod no node runs (unbound) or that has finished
  // (Succeeded, Failed), which is deleted at once. A bound, running pod keeps its
  // deletionTimestamp (now + grace) until its kubelet, having stopped the containers, deletes it
  // with grace 0.
  std::optional<int64_t> CheckGracefulDelete(const api::Object& obj, const DeleteOptions& opts) const override;
};

}  // namespace kubesim::apiserver::registry
