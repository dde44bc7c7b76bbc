#include "models/network/topology.h"

#include <algorithm>
#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/connected_components.hpp>

namespace kubesim::network {

Topology::Topology() : reachable_{true} {}

HostId Topology::AddNode(const std::string& name, const std::string& zone,
                         const std::map<std::string, std::string>& labels) {
  auto it = host_by_name_.find(name);
  if (it != host_by_name_.end()) return it->second;
  const auto host = static_cast<HostId>(nodes_.size() + 1);
  nodes_.push_back(Node{name, zone, labels, host});
  host_by_name_[name] = host;
  if (!zone.empty()) zone_index_.emplace(zone, zone_index_.size());
  reachable_.push_back(true);
  if (!partitions_.empty()) Recompute();
  return host;
}

bool Topology::Cuts(const PartitionSpec& p, const Node& n) const {
  if (p.control_plane) return true;
  if (std::find(p.nodes.begin(), p.nodes.end(), n.name) != p.nodes.end()) return true;
  if (!p.selector.empty()) {
    bool all = std::all_of(p.selector.begin(), p.selector.end(), [&](const auto& kv) {
      auto l = n.labels.find(kv.first);
      return l != n.labels.end() && l->second == kv.second;
    });
    if (all) return true;
  }
  return false;
}

void Topology::Recompute() {
  // Vertices: 0 the control plane, 1..N the nodes (by host), then one per zone.
  using Graph = boost::adjacency_list<boost::vecS, boost::vecS, boost::undirectedS>;
  const size_t n = nodes_.size();
  Graph g(1 + n + zone_index_.size());
  std::set<std::string> cut_zones;
  for (const auto& [id, p] : partitions_) cut_zones.insert(p.zones.begin(), p.zones.end());
  for (const auto& [zone, index] : zone_index_) {
    if (!cut_zones.count(zone)) boost::add_edge(0, 1 + n + index, g);
  }
  for (const Node& node : nodes_) {
    bool cut = std::any_of(partitions_.begin(), partitions_.end(), [&](const auto& p) { return Cuts(p.second, node); });
    if (cut) continue;
    size_t peer = node.zone.empty() ? 0 : 1 + n + zone_index_.at(node.zone);
    boost::add_edge(static_cast<size_t>(node.host), peer, g);
  }
  std::vector<int> component(boost::num_vertices(g));
  boost::connected_components(g, component.data());
  for (size_t h = 0; h <= n; ++h) reachable_[h] = component[h] == component[0];
}

int Topology::Partition(PartitionSpec spec) {
  int id = next_partition_++;
  partitions_[id] = std::move(spec);
  Recompute();
  if (on_change_) on_change_();
  return id;
}

void Topology::Heal(int partition) {
  if (partitions_.erase(partition) == 0) return;
  Recompute();
  if (on_change_) on_change_();
}

void Topology::HealAll() {
  if (partitions_.empty()) return;
  partitions_.clear();
  Recompute();
  if (on_change_) on_change_();
}

std::vector<std::string> Topology::UnreachableNodes() const {
  std::vector<std::string> out;
  for (const Node& n : nodes_) {
    if (!Reachable(n.host)) out.push_back(n.name);
  }
  return out;
}

}  // namespace kubesim::network
