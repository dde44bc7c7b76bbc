// The kubelet of one node: registers its Node, renews its Lease, reports node status, and runs
// the pods bound to it through their lifecycle, writing every change through the API server.
//
// Pod lifecycle (control-plane.md §5.3–5.4): Pending → (start latency) → Running with Ready=True
// (no probes are modelled yet) → Succeeded after the run time in annotation
// `kubesim.io/run-duration`, if any. A pod with a deletionTimestamp is stopped and then deleted
// with grace period 0, as the kubelet's final delete. Stop() models a kubelet that stops talking
// (process killed or node partitioned): no more lease renewals, status writes or deletes; the
// control plane has to notice on its own.
#pragma once

#include <map>
#include <set>
#include <memory>
#include <string>

#include "models/api/node.h"
#include "models/api/pod.h"
#include "models/apiserver/api_client.h"
#include "models/apiserver/api_server.h"
#include "models/client/event_recorder.h"
#include "models/client/informer.h"
#include "sim/simulation.h"
#include "sim/task.h"

namespace kubesim::kubelet {

struct KubeletConfig {
  // calibration.md §2.1 (kubemark, kubernetes/kubernetes #42000): run-after-schedule p50 200 ms,
  // p99 731 ms for an image already present.
  apiserver::LatencyModel pod_start_latency{sim::Duration::Milliseconds(200), sim::Duration::Milliseconds(731)};
  // control-plane.md §0: nodeLeaseDurationSeconds 40, renewed every 0.25 × 40 = 10 s.
  int32_t node_lease_duration_seconds = 40;
  sim::Duration lease_renew_interval = sim::Duration::Seconds(10);
  // nodeStatusUpdateFrequency 10 s / nodeStatusReportFrequency 5 min.
  sim::Duration node_status_update_frequency = sim::Duration::Seconds(10);
  sim::Duration node_status_report_frequency = sim::Duration::Minutes(5);
};

class Kubelet {
 public:
  Kubelet(sim::Simulation& sim, apiserver::ApiServer& api, client::EventRecorder recorder,
          std::shared_ptr<const api::Node> node, KubeletConfig config);
  ~Kubelet();

  void Start();
  void Stop();
  bool running() const { return running_; }
  const std::string& node_name() const { return node_name_; }

 private:
  void Register();
  void RenewLease();
  void SyncNodeStatus();
  void OnPod(const api::ObjectPtr& obj);
  void OnPodGone(const api::ObjectPtr& obj);
  sim::Task PodWorker(std::string key, std::string uid);
  void WriteStatus(const api::Pod& pod);
  void FinishDeletion(const api::Pod& pod);
  std::shared_ptr<const api::Pod> CurrentPod(const std::string& key, const std::string& uid) const;

  sim::Simulation& sim_;
  apiserver::ApiClient api_;
  client::EventRecorder recorder_;
  std::shared_ptr<const api::Node> node_manifest_;
  std::string node_name_;
  KubeletConfig config_;
  client::Informer pods_;
  sim::Rng& rng_;
  bool running_ = false;
  sim::Time last_status_report_;
  std::shared_ptr<const api::Object> lease_;
  std::set<std::string> workers_;   // uids of pods whose worker was started
  std::set<std::string> deleting_;  // uids whose final delete was sent
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace kubesim::kubelet
