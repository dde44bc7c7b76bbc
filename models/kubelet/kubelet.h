// The kubelet of one node (kubernetes/kubernetes pkg/kubelet/kubelet.go @ v1.32, Kubelet): it
// registers its Node, renews its Lease, reports node status, watches the pods bound to the node
// and hands them to its parts, which it composes as upstream's Kubelet struct holds podWorkers,
// probeManager, evictionManager and imageManager:
//
//   PodWorkers      pod_workers.h       per-pod sync: starts, exits, restarts, status, termination
//   ProbeManager    prober_manager.h    readiness, liveness and startup probe workers
//   EvictionManager eviction_manager.h  node-pressure eviction by memory, the admit handler
//   ImageManager    image_manager.h     the node's image cache and serial puller
//
// The parts talk to each other only through the Kubelet or through narrow interfaces: the pod
// workers call the probe manager directly (upstream's SyncPod does); the probe and eviction
// managers reach the pod workers through the Host interfaces the Kubelet implements (upstream:
// the results channels of the sync loop, and the killPodFunc the kubelet hands the eviction
// manager). Every write goes through the Kubelet's one API client, `kubelet/<node>`.
//
// Process model. Stop() is a kubelet that stops talking (process killed or node partitioned): no
// more lease renewals, status writes or deletes; the containers keep running; the control plane
// has to notice on its own. Crash() also loses every container. Restart() is a new process on
// the same node: it registers, posts its status, relists its pods and resyncs them. A process's
// pending work (timers, bound API callbacks) lives in the Owners of the Kubelet and its parts;
// Stop() resets them all, so nothing the old process scheduled runs afterwards, while the state
// the container runtime would keep (the pod workers' records, the pulled images, the probe
// results) stays.
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "models/api/node.h"
#include "models/api/pod.h"
#include "models/apiserver/api_client.h"
#include "models/apiserver/api_server.h"
#include "models/client/event_recorder.h"
#include "models/client/informer.h"
#include "models/kubelet/config.h"
#include "models/kubelet/eviction_manager.h"
#include "models/kubelet/image_manager.h"
#include "models/kubelet/pod_runtime.h"
#include "models/kubelet/pod_workers.h"
#include "models/kubelet/prober_manager.h"
#include "sim/owner.h"
#include "sim/simulation.h"

namespace kubesim::kubelet {

class Kubelet : private ProbeManager::Host, private EvictionManager::Host {
 public:
  // `host`: the node's place in the network (models/network); requests and watches go through it.
  Kubelet(sim::Simulation& sim, apiserver::ApiServer& api, client::EventRecorder recorder,
          std::shared_ptr<const api::Node> node, KubeletConfig config, network::HostId host = network::kControlPlane);
  Kubelet(const Kubelet&) = delete;
  Kubelet& operator=(const Kubelet&) = delete;

  void Start();
  // stopKubelet: the kubelet process stops (or is cut off); its containers keep running.
  void Stop();
  // crashNode: the kubelet stops and its containers are gone.
  void Crash();
  // restartKubelet: the kubelet comes back after Stop() or Crash().
  void Restart();
  bool running() const { return running_; }
  // Its informers' consistency with the store (client::Informer::CheckAgainst).
  std::vector<std::string> CheckInformers(const etcd::MvccStore& store) const;
  const std::string& node_name() const { return node_name_; }
  // The node conditions a healthy kubelet reports (also what nodes of a scenario's initial state
  // start with).
  static std::vector<api::NodeCondition> NodeConditions(sim::Time now, bool memory_pressure);

 private:
  void Register();
  void RenewLease();
  void SyncNodeStatus();
  // True when the Node the API server has (the node informer's copy) reports a condition
  // `conditions` does not, or with another status.
  bool StoredConditionsDiffer(const std::vector<api::NodeCondition>& conditions) const;
  void OnPod(const api::ObjectPtr& obj);
  void OnPodGone(const api::ObjectPtr& obj);

  // ProbeManager::Host
  PodRuntime* Runtime(const std::string& uid) override;
  void ProbeResultChanged(PodRuntime& rt) override;
  void KillContainer(PodRuntime& rt, size_t idx, sim::Duration grace, const std::string& message) override;
  // EvictionManager::Host
  std::vector<const PodRuntime*> ActivePods() override;
  void KillPod(const std::string& uid, const std::string& message) override;

  sim::Simulation& sim_;
  apiserver::ApiClient api_;        // kubeClient: registration, pod status, informers (kubeAPIQPS/Burst)
  apiserver::ApiClient heartbeat_;  // heartbeatClient: Lease and node status, never throttled
  client::EventRecorder recorder_;
  std::shared_ptr<const api::Node> node_manifest_;
  std::string node_name_;
  KubeletConfig config_;
  client::Informer pods_;
  // Its own Node (field selector metadata.name), as upstream's kubelet keeps it (kubelet.go,
  // nodeLister): node status updates compare against it. Own client and latency stream, so this
  // watch never shifts the draws of the kubelet's other requests.
  client::Informer node_;
  bool running_ = false;
  bool handlers_added_ = false;
  bool force_status_write_ = false;
  sim::Time last_status_report_;
  std::shared_ptr<const api::Object> lease_;
  std::unique_ptr<ImageManager> images_;
  uint64_t reported_images_ = 0;  // images_->generation() at the last node status write
  bool reported_memory_pressure_ = false;
  ProbeManager prober_;
  EvictionManager eviction_;
  PodWorkers pod_workers_;
  sim::Owner owner_{sim_};  // registration, lease, node status, the restart's relist
};

}  // namespace kubesim::kubelet
