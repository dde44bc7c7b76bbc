// Topology: who can reach whom — the control plane (API servers, etcd, kube-controller-manager,
// kube-scheduler), the zones, and each node — as a graph (Boost.Graph) whose links a scenario can
// cut (`partition`) and restore (`heal`). The API server asks it whether a client's host reaches
// it: a kubelet cut off from the control plane cannot renew its lease or post its status, and
// does not hear of changes until the link returns.
//
// Hosts are small integers; kControlPlane is every control-plane component. A node is linked to
// its zone (or straight to the control plane when it has none); a zone is linked to the control
// plane. Reachability is the connected component of the control plane, recomputed only when a
// link is cut or restored, so asking costs one vector lookup.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace kubesim::network {

using HostId = int32_t;
inline constexpr HostId kControlPlane = 0;

// What a `partition` cuts off from the control plane.
struct PartitionSpec {
  std::vector<std::string> zones;               // every node of these zones
  std::vector<std::string> nodes;               // these nodes
  std::map<std::string, std::string> selector;  // nodes whose labels hold all of these
  bool control_plane = false;                   // every node
};

class Topology {
 public:
  Topology();

  // A node's host, created on first use (a kubelet that restarts keeps it). `labels` are the
  // node's at registration, for selector partitions; `zone` its topology.kubernetes.io/zone.
  HostId AddNode(const std::string& name, const std::string& zone, const std::map<std::string, std::string>& labels);

  bool Reachable(HostId host) const { return host == kControlPlane || reachable_[static_cast<size_t>(host)]; }

  // Cuts the links `spec` names; returns the partition's id, for Heal. Nodes added later in a cut
  // zone (or matching a cut selector, or any node under control_plane) are cut too.
  int Partition(PartitionSpec spec);
  void Heal(int partition);
  void HealAll();

  // Called after every change of reachability (a partition or a heal).
  void SetOnChange(std::function<void()> fn) { on_change_ = std::move(fn); }

  // Nodes cut off now, by name (for results and tests).
  std::vector<std::string> UnreachableNodes() const;

 private:
  struct Node {
    std::string name;
    std::string zone;
    std::map<std::string, std::string> labels;
    HostId host;
  };
  void Recompute();
  bool Cuts(const PartitionSpec& p, const Node& n) const;

  std::vector<Node> nodes_;  // by host - 1
  std::map<std::string, HostId> host_by_name_;
  std::map<std::string, size_t> zone_index_;  // zone → vertex offset among zones
  std::map<int, PartitionSpec> partitions_;
  int next_partition_ = 1;
  std::vector<bool> reachable_;
  std::function<void()> on_change_;
};

}  // namespace kubesim::network
