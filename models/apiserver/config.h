// ApiServerConfig: the kube-apiserver model's settings (`spec.apiServer`), each default with its
// source; docs/calibration.md lists them all.
#pragma once

#include "models/apiserver/latency.h"
#include "sim/time.h"

namespace kubesim::apiserver {

struct ApiServerConfig {
  // Measured in a kubemark density run, 30 pods per node (kubernetes/kubernetes #25827, 2016):
  // POST pods p50 18.5 ms / p99 110 ms, POST bindings 28.9 / 108 ms, PUT pods 10.6 / 234 ms,
  // DELETE pods 13.5 / 199 ms. Sources and uses: docs/calibration.md.
  LatencyModel create{sim::Duration::Microseconds(18500), sim::Duration::Milliseconds(110)};
  LatencyModel bind{sim::Duration::Microseconds(28900), sim::Duration::Milliseconds(108)};
  LatencyModel update{sim::Duration::Microseconds(10600), sim::Duration::Milliseconds(234)};
  LatencyModel del{sim::Duration::Microseconds(13500), sim::Duration::Milliseconds(199)};
  // ASSUMPTION: no published per-verb figure for a single-object GET; 5 ms / 50 ms sits well
  // inside the read SLO (p99 ≤ 1 s, kubernetes/community sig-scalability/slos/api_call_latency.md).
  LatencyModel get{sim::Duration::Milliseconds(5), sim::Duration::Milliseconds(50)};
  // LIST pods p50 240 ms in a 100-node load test holding ≈ 3,000 pods (kubernetes/kubernetes
  // #4521, 2015) → 80 µs per object on top of GET (our arithmetic).
  sim::Duration list_per_object = sim::Duration::Microseconds(80);
  // ASSUMPTION: no measured figure exists for commit → watcher delivery alone (the watch-latency
  // SLI of kubernetes/community sig-scalability/slos/watch_latency.md has no number yet);
  // kubesim assumes 10 ms. See docs/calibration.md.
  sim::Duration watch_delay = sim::Duration::Milliseconds(10);
  // --etcd-compaction-interval default 5 min (kubernetes/apiserver
  // pkg/storage/storagebackend/config.go @ v0.32, DefaultCompactInterval).
  sim::Duration compaction_interval = sim::Duration::Minutes(5);
  // --max-requests-inflight 400 and --max-mutating-requests-inflight 200 (kubernetes/apiserver
  // pkg/server/config.go @ v0.32); with API Priority and Fairness (on by default) their sum is the
  // server's concurrency limit, which the priority levels share (priority_and_fairness.h).
  // Per replica.
  int max_requests_inflight = 400;
  int max_mutating_requests_inflight = 200;
  // kube-apiserver processes behind one load balancer (api_server.h); kubeadm's single
  // control-plane node runs one.
  int replicas = 1;
};

// The most replicas a scenario may ask for (scenario validation).
inline constexpr int kMaxApiServerReplicas = 16;

}  // namespace kubesim::apiserver
