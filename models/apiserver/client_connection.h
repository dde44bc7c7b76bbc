// Client-side rate limiting, as client-go's REST client applies it: every request of a clientset
// first waits for a token of its QPS/burst bucket (kubernetes/client-go rest/config.go
// RESTClientFor and rest/request.go tryThrottle, util/flowcontrol/throttle.go
// NewTokenBucketRateLimiter over golang.org/x/time/rate @ v0.32). Watches are not throttled
// (request.go Watch). Each component sets its own QPS/burst (ClientConnections); a component that
// opens several clientsets (kube-controller-manager: one per controller) has one bucket per
// clientset.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "models/api/yaml_node.h"
#include "sim/status.h"
#include "sim/time.h"

namespace kubesim::apiserver {

// A clientset's rest.Config QPS and Burst. As RESTClientFor reads them: qps 0 means client-go's
// DefaultQPS 5, burst 0 its DefaultBurst 10, and a negative qps turns the limiter off.
struct ClientRateLimit {
  double qps = -1;
  int32_t burst = 0;
  bool limited() const { return qps >= 0; }
};

// x/time/rate's token bucket with the reservation semantics client-go's Wait uses: a request
// takes a token now if one is left, or reserves the next one and waits for it, so waiting
// requests leave in the order they asked. Integer nanoseconds: `empty_at_` is when the bucket
// would be empty, given the tokens reserved so far.
class TokenBucket {
 public:
  explicit TokenBucket(ClientRateLimit limit);
  // How long a request made at `now` waits before it is sent (zero while tokens are left).
  sim::Duration Reserve(sim::Time now);

 private:
  sim::Duration interval_;  // 1 / qps
  sim::Duration capacity_;  // burst × interval: a full bucket's worth of time
  std::optional<sim::Time> empty_at_;
};

// Each component's QPS/burst by the name its ApiClient carries (the part before the first '/').
// Default-constructed: no limits anywhere (unit tests that drive the API server directly);
// Upstream(): every component's v1.32 default.
struct ClientConnections {
  ClientRateLimit kube_controller_manager;
  ClientRateLimit cloud_controller_manager;
  ClientRateLimit scheduler;
  ClientRateLimit kubelet;
  ClientRateLimit kube_proxy;
  ClientRateLimit cluster_autoscaler;

  static ClientConnections Upstream();
  // The limit of a client named "<component>/…"; unknown components (the scenario's own kubectl,
  // apiserverLoad, metrics-server) are not limited.
  ClientRateLimit For(std::string_view client_name) const;
};

// A ClientConnectionConfiguration (kubernetes/component-base config/v1alpha1 types.go @ v0.32):
// kubeconfig, acceptContentTypes, contentType, qps, burst. The component defaults a zero qps or
// burst to its own (`defaults`), as KubeSchedulerConfiguration and KubeControllerManagerConfiguration
// defaulting do; a negative burst is invalid (ValidateClientConnectionConfiguration), a negative
// qps turns the limiter off.
sim::StatusOr<ClientRateLimit> DecodeClientConnection(const api::YamlNode& node, ClientRateLimit defaults);

}  // namespace kubesim::apiserver
