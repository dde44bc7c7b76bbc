// SharedInformerFactory (client-go informers.SharedInformerFactory): one informer per kind for a
// whole process, shared by every controller in it. kube-controller-manager runs all its
// controllers on one factory, so the API server serves it one watch per resource, not one per
// controller; every controller sees an event at the same instant, in handler-registration order.
#pragma once

#include <map>
#include <memory>
#include <string>

#include "models/client/informer.h"

namespace kubesim::client {

class SharedInformerFactory {
 public:
  // `component`: the process's name, whose connection (latency stream) the informers share.
  SharedInformerFactory(sim::Simulation& sim, apiserver::ApiServer& api, const std::string& component)
      : sim_(sim), api_(sim, api, component + "/informers") {}
  SharedInformerFactory(const SharedInformerFactory&) = delete;
  SharedInformerFactory& operator=(const SharedInformerFactory&) = delete;

  // The process's informer for `kind`, made on first use; Start() on it is idempotent.
  Informer& For(const std::string& kind) {
    auto it = informers_.find(kind);
    if (it == informers_.end()) it = informers_.emplace(kind, std::make_unique<Informer>(sim_, api_, kind)).first;
    return *it->second;
  }
  // Informer::CheckAgainst over every informer made, in kind order.
  std::vector<std::string> CheckAgainst(const etcd::MvccStore& store) const {
    std::vector<std::string> out;
    for (const auto& [kind, informer] : informers_) {
      std::vector<std::string> v = informer->CheckAgainst(store);
      out.insert(out.end(), v.begin(), v.end());
    }
    return out;
  }

 private:
  sim::Simulation& sim_;
  apiserver::ApiClient api_;
  std::map<std::string, std::unique_ptr<Informer>> informers_;
};

}  // namespace kubesim::client
