// EtcdConfig: the etcd cluster's settings (`spec.etcd`), each default with its source;
// docs/control-plane.md and docs/calibration.md list them.
#pragma once

#include <cstdint>

#include "models/apiserver/latency.h"
#include "sim/time.h"

namespace kubesim::etcd {

// etcd's default --quota-backend-bytes, 2 GiB (server/storage/quota.go @ v3.5.16, DefaultQuotaBytes).
inline constexpr int64_t kDefaultQuotaBackendBytes = int64_t{2} * 1024 * 1024 * 1024;

struct EtcdConfig {
  // Members of the raft group; a quorum is members / 2 + 1. Three is what kubeadm's stacked HA
  // topology and most managed control planes run.
  int members = 3;
  // --heartbeat-interval 100 ms and --election-timeout 1000 ms (etcd-io/etcd
  // server/embed/config.go @ v3.5.16, TickMs / ElectionMs).
  sim::Duration heartbeat_interval = sim::Duration::Milliseconds(100);
  sim::Duration election_timeout = sim::Duration::Milliseconds(1000);
  // WAL fsync: median 2 ms as measured by OpenAI on network-attached SSD ("Scaling Kubernetes to
  // 2,500 nodes", 2018); p99 10 ms, the ceiling etcd's docs give for a healthy disk
  // (etcd.io/docs/v3.5/faq, "wal_fsync_duration_seconds p99 should be under 10 ms").
  apiserver::LatencyModel fsync{sim::Duration::Milliseconds(2), sim::Duration::Milliseconds(10)};
  // Round trip between members: "up to several hundred microseconds" inside a data centre
  // (etcd.io/docs/v3.5/op-guide/performance) → median 0.5 ms; p99 5 ms is an ASSUMPTION (the
  // etcd alert fires at a peer RTT p99 above 150 ms).
  apiserver::LatencyModel peer_round_trip{sim::Duration::Microseconds(500), sim::Duration::Milliseconds(5)};

  // --quota-backend-bytes: 2 GiB (etcd-io/etcd server/storage/quota.go @ v3.5.16,
  // DefaultQuotaBytes); 0 disables the quota.
  int64_t quota_backend_bytes = kDefaultQuotaBackendBytes;

  int Quorum() const { return members / 2 + 1; }
  // How long a proposal or a linearizable read waits before "etcdserver: request timed out":
  // 5 s + 2 × election timeout (etcd-io/etcd server/config/config.go @ v3.5.16, ReqTimeout).
  sim::Duration RequestTimeout() const { return sim::Duration::Seconds(5) + election_timeout * 2; }
};

}  // namespace kubesim::etcd
