// CloudProvider: the simulated cloud under the run's clock — the instances of the scenario's node
// groups, their lifecycle, the cloud API the cluster-autoscaler and the cloud-controller-manager
// call, the failures a timeline injects into it, and what the instances cost.
//
// An instance is requested (a node group's size grows), waits for the API's launch token bucket,
// is placed in a zone of its group (the one with the fewest instances that has the instance type
// in stock, as an AWS Auto Scaling group or GCE regional managed instance group rebalances), boots
// for the provisioning latency (a lognormal from a named stream), and then its kubelet starts and
// registers the Node, tainted node.cloudprovider.kubernetes.io/uninitialized as a kubelet with an
// external cloud provider does. A launch that finds no zone in stock, or would exceed a vCPU
// quota, fails; the failed instance stays visible with its error (as GCE's instance errors and
// cluster-autoscaler's InstanceErrorInfo classes OutOfResources and Other) until its group is
// shrunk. A terminated instance stops at once (its kubelet and containers vanish) and is
// reported gone after the termination latency. A spot interruption terminates after the notice.
//
// The provider knows nothing of Kubernetes objects beyond the Node manifest its instances boot
// with (node_bootstrap.h); the cluster wires its callbacks to the kubelets.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "models/cloud/cloud_config.h"
#include "sim/owner.h"
#include "sim/simulation.h"
#include "sim/status.h"

namespace kubesim::cloud {

enum class InstanceState {
  kRequested,  // waiting for the launch token bucket
  kPending,    // launched, booting
  kRunning,    // its kubelet runs
  kStopped,    // terminated: the machine is off, the provider still lists it
  kGone,       // the provider no longer lists it
  kFailed,     // the launch failed (stockout, quota); listed with its error until removed
};
const char* InstanceStateName(InstanceState s);

struct Instance {
  int64_t seq = 0;          // launch order, over the whole cloud
  bool initial = false;     // one of the groups' instances at the start of the run
  std::string id;           // i-0000000000000001
  std::string provider_id;  // kubesim://ZONE/ID (AWS's form is aws:///ZONE/ID)
  std::string node_name;    // GROUP-N
  std::string node_group;
  std::string instance_type;  // empty while kRequested
  std::string zone;           // empty while kRequested
  CapacityType capacity_type = CapacityType::kOnDemand;
  InstanceState state = InstanceState::kRequested;
  sim::Time requested_at;
  std::optional<sim::Time> running_at;
  std::optional<sim::Time> stopped_at;
  double price_per_hour = 0;
  // kFailed: cluster-autoscaler's InstanceErrorInfo (ErrorClass OutOfResources or Other, the
  // provider's code and message).
  std::string error_class, error_code, error_message;
  bool interruption_notice = false;
  std::string internal_ip;  // status.addresses InternalIP

  bool Listed() const { return state != InstanceState::kGone; }
  // Counts towards its group's size and the quotas.
  bool Active() const {
    return state == InstanceState::kRequested || state == InstanceState::kPending || state == InstanceState::kRunning;
  }
};

// What the cloud tells the cluster.
struct CloudHooks {
  // The instance booted: start its kubelet, which registers `node`.
  std::function<void(const Instance&, std::shared_ptr<const api::Node> node)> booted;
  // The instance stopped: its kubelet and containers are gone.
  std::function<void(const Instance&)> stopped;
  // Cloud activity worth a line in events.jsonl (source "cloud-provider").
  std::function<void(const std::string& type, const std::string& reason, const std::string& object,
                     const std::string& message)>
      event;
};

// A cloud load balancer for a LoadBalancer Service (cloudprovider.LoadBalancer).
struct LoadBalancer {
  std::string service;  // namespace/name
  std::string ingress_ip;
  std::vector<std::string> backends;  // node names, sorted
  sim::Time requested_at;
  std::optional<sim::Time> ready_at;
  int64_t backend_updates = 0;
};

// A block storage volume (an EBS volume, a GCE persistent disk): zonal, attached to at most one
// instance at a time.
enum class DiskState { kCreating, kAvailable, kAttaching, kInUse, kDetaching, kDeleted };
const char* DiskStateName(DiskState s);
struct Disk {
  std::string id;  // vol-0000000000000001
  std::string zone;
  int64_t size_bytes = 0;
  std::string type;
  DiskState state = DiskState::kCreating;
  std::string node;  // the instance (by Node name) it is attached or attaching to
};

struct NodeGroupCost {
  double cost_usd = 0;
  int64_t instances_launched = 0;
};

struct CloudSummary {
  int64_t instances_launched = 0;    // launches that booted or are booting
  int64_t instances_terminated = 0;  // stopped, for any reason
  int64_t instances_failed = 0;      // launches that failed (stockout, quota)
  int64_t spot_interruptions = 0;
  double cost_usd = 0;
  std::map<std::string, NodeGroupCost> by_node_group;
};

class CloudProvider {
 public:
  CloudProvider(sim::Simulation& sim, const CloudConfig& config, CloudHooks hooks);
  CloudProvider(const CloudProvider&) = delete;
  CloudProvider& operator=(const CloudProvider&) = delete;

  const CloudConfig& config() const { return config_; }

  // Every group's initial instances, running at t=0 with their Nodes returned initialised (they
  // are the cluster's initial state, as nodePools are). Call once, before the run.
  std::vector<std::shared_ptr<const api::Node>> BootInitialInstances();

  // --- The node group API (cluster-autoscaler cloudprovider.NodeGroup). ---
  // Active instances (requested, booting, running).
  int32_t TargetSize(const std::string& group) const;
  // Launches `delta` more instances. Errors: an injected API error, or a size above maxSize.
  sim::Status IncreaseSize(const std::string& group, int32_t delta);
  // Terminates the instances behind these Nodes (they must belong to `group`) and shrinks it.
  sim::Status DeleteNodes(const std::string& group, const std::vector<std::string>& nodes);
  // Removes failed and not yet launched instances from the group without touching running ones
  // (NodeGroup.DecreaseTargetSize, and deleting instances that errored).
  sim::Status DeleteFailedInstances(const std::string& group);
  // Listed instances of the group, launch order.
  std::vector<const Instance*> Instances(const std::string& group) const;

  // --- InstancesV2, for the cloud-controller-manager. ---
  const Instance* InstanceByNode(const std::string& node) const;
  const Instance* InstanceByProviderID(const std::string& provider_id) const;

  // --- Timeline faults. ---
  // Spot interruption of these running instances (by Node name): notice now, stop after the notice.
  void Interrupt(const std::vector<std::string>& nodes);
  // `count` running spot instances of `group`, oldest first.
  std::vector<std::string> SpotInstancesToInterrupt(const std::string& group, int32_t count) const;
  void Stockout(const std::string& zone, const std::string& instance_type, sim::Duration duration);
  void InjectApiErrors(double rate, sim::Duration duration);
  // Terminates one instance as a user would in the console: its group is not shrunk, so the group
  // launches a replacement, as an Auto Scaling group replaces an unhealthy instance.
  void TerminateInstance(const std::string& node);
  // Sets the group's desired size as the provider's console or API would (clamped by nothing:
  // outside [minSize, maxSize] is an error).
  sim::Status SetTargetSize(const std::string& group, int32_t size);

  // --- LoadBalancer, for the service controller. ---
  using LoadBalancerDone = std::function<void(const sim::Status&, const std::string& ingress_ip)>;
  // Creates the service's load balancer (answered after the provisioning latency) or updates the
  // backends of the one it has (answered at once). Injected API errors fail it at once.
  void EnsureLoadBalancer(const std::string& service, std::vector<std::string> backends, LoadBalancerDone done);
  sim::Status UpdateLoadBalancerHosts(const std::string& service, std::vector<std::string> backends);
  sim::Status EnsureLoadBalancerDeleted(const std::string& service);
  const LoadBalancer* FindLoadBalancer(const std::string& service) const;
  const std::map<std::string, LoadBalancer>& load_balancers() const { return load_balancers_; }

  // --- Disks, for volume provisioning and attach/detach (the storage controllers). ---
  using DiskDone = std::function<void(const sim::Status&, const Disk*)>;
  // Creates a disk in `zone`; `done` once it is available (after the create latency).
  void CreateDisk(const std::string& zone, int64_t size_bytes, const std::string& type, DiskDone done);
  // Attaches an available disk to the running instance behind `node`, in the same zone, within the
  // instance's attach limit; `done` once in use. A disk in use elsewhere fails (VolumeInUse: the
  // cloud's side of a Multi-Attach error).
  void AttachDisk(const std::string& disk_id, const std::string& node, DiskDone done);
  void DetachDisk(const std::string& disk_id, DiskDone done);
  // Deletes an available disk.
  sim::Status DeleteDisk(const std::string& disk_id);
  const Disk* FindDisk(const std::string& disk_id) const;
  // Disks attached or attaching to `node`.
  int32_t DisksOn(const std::string& node) const;

  // --- Routes, for the route controller (cloudprovider.Routes). ---
  // node → destination CIDR.
  const std::map<std::string, std::string>& routes() const { return routes_; }
  // Fails when the route table is full (RouteLimitExceeded) or on an injected API error.
  sim::Status CreateRoute(const std::string& node, const std::string& cidr);
  sim::Status DeleteRoute(const std::string& node);

  // Cost so far; cost accrues while an instance runs, billed per second.
  CloudSummary Summary(sim::Time now) const;
  double CostUsd(sim::Time now) const { return Summary(now).cost_usd; }

 private:
  struct Group {
    const NodeGroupConfig* config;
    int64_t next_index = 0;
    std::vector<int64_t> instances;  // seqs, launch order
  };
  Instance& NewInstance(Group& g);
  sim::Status ResizeTo(const std::string& group, int32_t size);
  // A failure the API call hits now, or OK (injected errors).
  sim::Status ApiCall(const std::string& what);
  void RequestLaunch(int64_t seq);
  void Launch(int64_t seq);
  void Boot(int64_t seq);
  void Stop(int64_t seq, const std::string& reason, const std::string& message);
  void Fail(Instance& inst, const std::string& error_class, const std::string& code, const std::string& message);
  int64_t ActiveMilliCPU(const std::string& family) const;  // family empty: every family
  bool InStock(const std::string& zone, const std::string& type) const;
  void Event(const std::string& type, const std::string& reason, const Instance& inst, const std::string& message);
  void RefillTokens();

  sim::Simulation& sim_;
  const CloudConfig& config_;
  CloudHooks hooks_;
  std::map<std::string, Group> groups_;
  std::map<int64_t, Instance> instances_;           // by seq
  mutable std::map<std::string, int32_t> targets_;  // TargetSize per group, while clean
  mutable bool targets_dirty_ = true;
  std::map<std::string, int64_t> by_node_;                              // node name → seq
  std::map<std::pair<std::string, std::string>, sim::Time> stockouts_;  // (zone, type) → until
  double api_error_rate_ = 0;
  sim::Time api_errors_until_ = sim::Time::Zero();
  // Launch token bucket (EC2's RunInstances resource bucket).
  double tokens_ = 0;
  sim::Time tokens_at_ = sim::Time::Zero();
  std::vector<int64_t> launch_queue_;  // kRequested, FIFO
  bool launch_scheduled_ = false;
  int64_t next_seq_ = 1;
  int64_t spot_interruptions_ = 0;
  std::map<std::string, LoadBalancer> load_balancers_;  // by service
  std::map<std::string, std::string> routes_;           // node → CIDR
  std::map<std::string, Disk> disks_;                   // by id
  int64_t next_disk_ = 1;
  int64_t next_lb_ = 1;
  sim::Owner owner_{sim_};
};

}  // namespace kubesim::cloud
