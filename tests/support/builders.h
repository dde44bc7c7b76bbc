// Builders for test objects, shaped like upstream's st.MakePod()/st.MakeNode() so that spec
// section D's tables read the same here: `Req({{"cpu","1000m"},{"memory","2000"}})` appends one
// container with exactly those requests.
#pragma once

#include <initializer_list>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "models/api/node.h"
#include "models/api/pod.h"
#include "models/scheduler/node_info.h"

namespace kubesim::testing {

inline api::ResourceList Resources(std::initializer_list<std::pair<const char*, const char*>> items) {
  api::ResourceList out;
  for (const auto& [k, v] : items) out[k] = api::Quantity::Parse(v).value();
  return out;
}

class PodBuilder {
 public:
  explicit PodBuilder(std::string name = "p") {
    pod_ = std::make_shared<api::Pod>();
    pod_->kind = "Pod";
    pod_->api_version = "v1";
    pod_->metadata.name = name;
    pod_->metadata.namespace_ = "default";
    pod_->metadata.uid = "uid-" + name;
  }
  PodBuilder& Req(std::initializer_list<std::pair<const char*, const char*>> items) {
    api::Container c;
    c.name = "c" + std::to_string(pod_->spec.containers.size());
    c.requests = Resources(items);
    pod_->spec.containers.push_back(std::move(c));
    return *this;
  }
  PodBuilder& Container() {  // one container without requests
    api::Container c;
    c.name = "c" + std::to_string(pod_->spec.containers.size());
    pod_->spec.containers.push_back(std::move(c));
    return *this;
  }
  PodBuilder& Node(std::string n) {
    pod_->spec.node_name = std::move(n);
    return *this;
  }
  PodBuilder& Priority(int32_t p) {
    pod_->spec.priority = p;
    return *this;
  }
  PodBuilder& Toleration(std::string key, std::string op, std::string value, std::string effect) {
    pod_->spec.tolerations.push_back(
        api::Toleration{std::move(key), std::move(op), std::move(value), std::move(effect), {}});
    return *this;
  }
  PodBuilder& Uid(std::string uid) {
    pod_->metadata.uid = std::move(uid);
    return *this;
  }
  PodBuilder& Namespace(std::string ns) {
    pod_->metadata.namespace_ = std::move(ns);
    return *this;
  }
  PodBuilder& Label(std::string k, std::string v) {
    pod_->metadata.labels[std::move(k)] = std::move(v);
    return *this;
  }
  PodBuilder& NodeSelector(std::string k, std::string v) {
    pod_->spec.node_selector[std::move(k)] = std::move(v);
    return *this;
  }
  PodBuilder& Affinity(api::Affinity a) {
    pod_->spec.affinity = std::move(a);
    return *this;
  }
  PodBuilder& Spread(api::TopologySpreadConstraint c) {
    pod_->spec.topology_spread_constraints.push_back(std::move(c));
    return *this;
  }
  // One container with this image (and no requests).
  PodBuilder& Image(std::string image) {
    api::Container c;
    c.name = "c" + std::to_string(pod_->spec.containers.size());
    c.image = std::move(image);
    pod_->spec.containers.push_back(std::move(c));
    return *this;
  }
  // A host port on the last container (adds one if there is none).
  PodBuilder& HostPort(int32_t port, std::string protocol = "TCP", std::string host_ip = "") {
    if (pod_->spec.containers.empty()) Container();
    api::ContainerPort p;
    p.container_port = port;
    p.host_port = port;
    p.protocol = std::move(protocol);
    p.host_ip = std::move(host_ip);
    pod_->spec.containers.back().ports.push_back(std::move(p));
    return *this;
  }
  PodBuilder& SchedulingGate(std::string name) {
    pod_->spec.scheduling_gates.push_back(std::move(name));
    return *this;
  }
  PodBuilder& Terminating() {
    pod_->metadata.deletion_timestamp = sim::Time::Zero();
    return *this;
  }
  PodBuilder& Phase(std::string phase) {
    pod_->status.phase = std::move(phase);
    return *this;
  }
  api::Pod& mutable_pod() { return *pod_; }
  std::shared_ptr<const api::Pod> Build() const { return std::make_shared<api::Pod>(*pod_); }
  const api::Pod& pod() const { return *pod_; }

 private:
  std::shared_ptr<api::Pod> pod_;
};

class NodeBuilder {
 public:
  explicit NodeBuilder(std::string name) {
    node_ = std::make_shared<api::Node>();
    node_->kind = "Node";
    node_->api_version = "v1";
    node_->metadata.name = name;
    node_->metadata.labels[api::kLabelHostname] = name;
  }
  // Capacity = allocatable, as upstream's makeNode; `pods` defaults to 110 unless given.
  NodeBuilder& Cap(std::initializer_list<std::pair<const char*, const char*>> items) {
    node_->status.capacity = Resources(items);
    if (!node_->status.capacity.count("pods")) node_->status.capacity["pods"] = api::Quantity::FromUnits(110);
    node_->status.allocatable = node_->status.capacity;
    return *this;
  }
  NodeBuilder& Taint(std::string key, std::string value, std::string effect) {
    node_->spec.taints.push_back(api::Taint{std::move(key), std::move(value), std::move(effect), std::nullopt});
    return *this;
  }
  NodeBuilder& Label(std::string k, std::string v) {
    node_->metadata.labels[std::move(k)] = std::move(v);
    return *this;
  }
  // status.images entry: one image name with its size in bytes.
  NodeBuilder& Image(std::string name, int64_t size_bytes) {
    node_->status.images.push_back(api::ContainerImage{{std::move(name)}, size_bytes});
    return *this;
  }
  NodeBuilder& Unschedulable() {
    node_->spec.unschedulable = true;
    return *this;
  }
  std::shared_ptr<const api::Node> Build() const { return std::make_shared<api::Node>(*node_); }

 private:
  std::shared_ptr<api::Node> node_;
};

// A NodeInfo with `existing` pods on it (as the snapshot would hold them).
inline scheduler::NodeInfo MakeNodeInfo(const NodeBuilder& node, const std::vector<PodBuilder>& existing = {}) {
  scheduler::NodeInfo ni(node.Build());
  int i = 0;
  for (const auto& p : existing) {
    auto copy = std::make_shared<api::Pod>(p.pod());
    copy->metadata.uid = "existing-" + std::to_string(i++) + "-" + copy->metadata.uid;
    ni.AddPod(std::make_shared<const scheduler::PodInfo>(copy));
  }
  return ni;
}

}  // namespace kubesim::testing
