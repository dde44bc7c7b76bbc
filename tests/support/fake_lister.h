// A SharedLister over test-built NodeInfos and objects, for plugins that read beyond the pod
// and its node (PodTopologySpread, InterPodAffinity, ImageLocality).
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "models/scheduler/shared_lister.h"

namespace kubesim::testing {

class FakeLister : public scheduler::SharedLister {
 public:
  // `nodes` must outlive the lister.
  explicit FakeLister(const std::vector<scheduler::NodeInfo>& nodes) {
    for (const auto& n : nodes) ptrs_.push_back(&n);
  }
  const std::vector<const scheduler::NodeInfo*>& Nodes() override { return ptrs_; }
  const scheduler::NodeInfo* GetNode(const std::string& name) override {
    for (const auto* n : ptrs_) {
      if (n->name() == name) return n;
    }
    return nullptr;
  }
  std::shared_ptr<const api::Namespace> GetNamespace(const std::string& name) override {
    auto it = namespaces_.find(name);
    return it == namespaces_.end() ? nullptr : it->second;
  }
  std::vector<std::shared_ptr<const api::Service>> Services(const std::string& ns) override {
    std::vector<std::shared_ptr<const api::Service>> out;
    for (const auto& s : services_) {
      if (s->metadata.namespace_ == ns) out.push_back(s);
    }
    return out;
  }
  std::vector<std::shared_ptr<const api::ReplicaSet>> ReplicaSets(const std::string& ns) override {
    std::vector<std::shared_ptr<const api::ReplicaSet>> out;
    for (const auto& r : replicasets_) {
      if (r->metadata.namespace_ == ns) out.push_back(r);
    }
    return out;
  }

  void AddNamespace(const std::string& name, api::StringMap labels) {
    auto ns = std::make_shared<api::Namespace>();
    ns->kind = "Namespace";
    ns->metadata.name = name;
    ns->metadata.labels = std::move(labels);
    namespaces_[name] = ns;
  }
  void AddService(std::shared_ptr<const api::Service> s) { services_.push_back(std::move(s)); }
  void AddReplicaSet(std::shared_ptr<const api::ReplicaSet> r) { replicasets_.push_back(std::move(r)); }

 private:
  std::vector<const scheduler::NodeInfo*> ptrs_;
  std::map<std::string, std::shared_ptr<const api::Namespace>> namespaces_;
  std::vector<std::shared_ptr<const api::Service>> services_;
  std::vector<std::shared_ptr<const api::ReplicaSet>> replicasets_;
};

}  // namespace kubesim::testing
