#include "models/apiserver/client_connection.h"

#include <algorithm>

namespace kubesim::apiserver {

namespace {

// client-go rest.DefaultQPS and rest.DefaultBurst (kubernetes/client-go rest/config.go @ v0.32),
// used by RESTClientFor when a config leaves them zero.
constexpr double kDefaultQps = 5;
constexpr int32_t kDefaultBurst = 10;
// Above this a token costs less than a nanosecond of simulated time.
constexpr double kMaxQps = 1e9;

}  // namespace

TokenBucket::TokenBucket(ClientRateLimit limit) {
  const double qps = limit.qps > 0 ? limit.qps : kDefaultQps;
  const int32_t burst = limit.burst > 0 ? limit.burst : kDefaultBurst;
  interval_ = std::max(sim::Duration::Nanoseconds(1), sim::Duration::FromNanosRounded(1e9 / qps));
  // Saturated rather than overflowed for a very low qps: a bucket that takes years to fill.
  constexpr int64_t kLongest = int64_t{1} << 60;
  capacity_ = interval_.nanos() > kLongest / burst ? sim::Duration::Nanoseconds(kLongest) : interval_ * burst;
}

sim::Duration TokenBucket::Reserve(sim::Time now) {
  // Tokens refill continuously up to the burst: a bucket that would have been empty before
  // `now - capacity` is full now.
  sim::Time empty = empty_at_ ? std::max(*empty_at_, now - capacity_) : now - capacity_;
  empty = empty + interval_;
  empty_at_ = empty;
  return empty > now ? empty - now : sim::Duration::Zero();
}

ClientConnections ClientConnections::Upstream() {
  ClientConnections c;
  // kube-controller-manager and cloud-controller-manager: --kube-api-qps 20, --kube-api-burst 30
  // (kubernetes/controller-manager config/v1alpha1/defaults.go
  // RecommendedDefaultGenericControllerManagerConfiguration @ v0.32).
  c.kube_controller_manager = {20, 30};
  c.cloud_controller_manager = {20, 30};
  // KubeSchedulerConfiguration clientConnection qps 50, burst 100 (kubernetes/kubernetes
  // pkg/scheduler/apis/config/v1/defaults.go SetDefaults_KubeSchedulerConfiguration @ v1.32).
  c.scheduler = {50, 100};
  // KubeletConfiguration kubeAPIQPS 50, kubeAPIBurst 100 (kubernetes/kubernetes
  // pkg/kubelet/apis/config/v1beta1/defaults.go @ v1.32). Its heartbeat client (Lease, node
  // status) is not limited: ApiClient::WithoutRateLimit.
  c.kubelet = {50, 100};
  // KubeProxyConfiguration clientConnection qps 5, burst 10 (kubernetes/kubernetes
  // pkg/proxy/apis/config/v1alpha1/defaults.go @ v1.32).
  c.kube_proxy = {5, 10};
  // --kube-client-qps 5, --kube-client-burst 10 (kubernetes/autoscaler cluster-autoscaler
  // config/flags/flags.go @ cluster-autoscaler-1.32).
  c.cluster_autoscaler = {5, 10};
  return c;
}

ClientRateLimit ClientConnections::For(std::string_view client_name) const {
  const std::string_view component = client_name.substr(0, client_name.find('/'));
  if (component == "kube-controller-manager") return kube_controller_manager;
  if (component == "cloud-controller-manager") return cloud_controller_manager;
  if (component == "scheduler") return scheduler;
  if (component == "kubelet") return kubelet;
  if (component == "kube-proxy") return kube_proxy;
  if (component == "cluster-autoscaler") return cluster_autoscaler;
  return {};
}

sim::StatusOr<ClientRateLimit> DecodeClientConnection(const api::YamlNode& node, ClientRateLimit defaults) {
  KUBESIM_RETURN_IF_ERROR(node.ExpectMap());
  KUBESIM_RETURN_IF_ERROR(node.CheckKeys({"kubeconfig", "acceptContentTypes", "contentType", "qps", "burst"}));
  ClientRateLimit limit = defaults;
  if (node["qps"].Defined()) {
    KUBESIM_ASSIGN_OR_RETURN(double qps, node["qps"].Number());
    if (qps > kMaxQps) {
      return node["qps"].Error("Invalid value: " + node["qps"].Scalar() + ": kubesim simulates at most " +
                               std::to_string(static_cast<int64_t>(kMaxQps)) + " requests per second per client");
    }
    if (qps != 0) limit.qps = qps;
  }
  if (node["burst"].Defined()) {
    KUBESIM_ASSIGN_OR_RETURN(int32_t burst, node["burst"].Int32());
    if (burst < 0) return node["burst"].Error("Invalid value: " + std::to_string(burst) + ": must be non-negative");
    if (burst != 0) limit.burst = burst;
  }
  return limit;
}

}  // namespace kubesim::apiserver
