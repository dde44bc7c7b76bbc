// The pod garbage collector's setting (upstream PodGCControllerConfiguration,
// kubernetes/kubernetes pkg/controller/podgc/config/types.go @ v1.32), apart from the controller so
// that scenario settings can name it without the controller's dependencies.
#pragma once

#include <cstdint>

namespace kubesim::controllers {

// kube-controller-manager's --terminated-pod-gc-threshold default
// (pkg/controller/podgc/config/v1alpha1/defaults.go RecommendedDefaultPodGCControllerConfiguration).
inline constexpr int64_t kDefaultTerminatedPodGCThreshold = 12500;

}  // namespace kubesim::controllers
