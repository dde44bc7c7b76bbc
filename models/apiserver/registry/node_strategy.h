// The node registry's status update (kubernetes/kubernetes pkg/registry/core/node/strategy.go @
// v1.32, nodeStatusStrategy): everything but the status is kept from the stored Node.
//
// The kubelet writes its status as a strategic merge patch (nodeutil.PatchNodeStatus), whose
// conditions merge by `type` (patchMergeKey): a condition the kubelet does not own, such as the
// route controller's NetworkUnavailable, survives the kubelet's writes. kubesim's kubelet sends
// its whole status instead, so a status update keeps every stored condition whose type the
// request does not mention. (Every other writer sends the conditions it read, so for them this
// changes nothing.)
#pragma once

#include "models/apiserver/registry/strategy.h"

namespace kubesim::apiserver::registry {

class NodeStrategy : public Strategy {
 public:
  bool PrepareForStatusUpdate(api::Object& next, const api::Object& request) const override;
};

}  // namespace kubesim::apiserver::registry
