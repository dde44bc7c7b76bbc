// The node agents' settings (`spec.kubelet`, `spec.kubeProxy`), each default with its upstream
// source or published measurement (docs/calibration.md lists them all). A light header: the
// scenario layer parses these without the kubelet itself.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "models/apiserver/latency.h"
#include "sim/time.h"

namespace kubesim::kubelet {

struct ImageConfig {
  // serializeImagePulls default true (kubernetes/kubelet config/v1beta1/types.go @ v0.32). When
  // false, pulls run in parallel, each at the full bandwidth (no sharing modelled).
  bool serialize_image_pulls = true;
  // Effective pull rate of image bytes, derived from one published pull: ≈ 33 MB/s (a 1.5 GB
  // image in ≈ 45 s of download and extraction, moby/moby #21814); docs/calibration.md.
  int64_t pull_bytes_per_second = 33'000'000;
  // ASSUMPTION: registry round trip (auth, manifest) of every pull, estimated at 0.1–1 s; the
  // middle of that range. No published measurement isolates it (docs/calibration.md).
  sim::Duration pull_overhead = sim::Duration::Milliseconds(500);
  // Scenario table: image reference (as in pod specs; ":latest" implied without a tag) → bytes.
  std::map<std::string, int64_t> image_sizes;
  // Size of an image no table knows: ≈ 350 MB compressed, the node:20 / python:3.12 base images
  // most application images build on (docs/calibration.md).
  int64_t default_image_size_bytes = 350'000'000;
};

struct KubeletConfig {
  // Run-after-schedule latency measured in a kubemark density run, 30 pods per node, image
  // already present (kubernetes/kubernetes #42000, 2017): p50 200 ms, p99 731 ms. Also used for a
  // container's restart (simplification: the sandbox already exists then, so a real restart is
  // somewhat faster). Sources and uses: docs/calibration.md.
  apiserver::LatencyModel pod_start_latency{sim::Duration::Milliseconds(200), sim::Duration::Milliseconds(731)};
  // nodeLeaseDurationSeconds 40 (kubernetes/kubelet config/v1beta1/types.go @ v0.32), renewed
  // every nodeLeaseRenewIntervalFraction 0.25 × 40 = 10 s (kubernetes/kubernetes
  // pkg/kubelet/kubelet.go @ v1.32).
  int32_t node_lease_duration_seconds = 40;
  sim::Duration lease_renew_interval = sim::Duration::Seconds(10);
  // nodeStatusUpdateFrequency 10 s / nodeStatusReportFrequency 5 min (kubernetes/kubelet
  // config/v1beta1/types.go @ v0.32).
  sim::Duration node_status_update_frequency = sim::Duration::Seconds(10);
  sim::Duration node_status_report_frequency = sim::Duration::Minutes(5);
  // containerBackOffPeriod 10 s, MaxContainerBackOff 300 s (kubernetes/kubernetes
  // pkg/kubelet/kubelet.go @ v1.32).
  sim::Duration container_backoff_initial = sim::Duration::Seconds(10);
  sim::Duration container_backoff_max = sim::Duration::Seconds(300);
  // A pod worker in back-off requeues after backOffPeriod 10 s × [1, 1.5) (kubernetes/kubernetes
  // pkg/kubelet/kubelet.go and pod_workers.go @ v1.32).
  sim::Duration pod_worker_backoff_period = sim::Duration::Seconds(10);
  ImageConfig images;
  // evictionHard memory.available < 100Mi (kubernetes/kubernetes
  // pkg/kubelet/apis/config/v1beta1/defaults_linux.go @ v1.32), checked every 10 s
  // (evictionMonitoringPeriod, pkg/kubelet/kubelet.go); a pressure condition clears 5 min after
  // it was last observed (evictionPressureTransitionPeriod, kubernetes/kubelet
  // config/v1beta1/types.go @ v0.32).
  int64_t eviction_hard_memory_available_bytes = 100 * 1024 * 1024;
  sim::Duration eviction_monitoring_period = sim::Duration::Seconds(10);
  sim::Duration eviction_pressure_transition_period = sim::Duration::Minutes(5);
};

// ASSUMPTION (docs/fidelity.md, docs/calibration.md; no published figure): one kube-proxy sync
// takes a fixed 50 ms; see kube_proxy.h.
struct KubeProxyConfig {
  sim::Duration min_sync_period = sim::Duration::Seconds(1);      // --iptables-min-sync-period
  sim::Duration sync_duration = sim::Duration::Milliseconds(50);  // ASSUMPTION, see above
};

}  // namespace kubesim::kubelet
