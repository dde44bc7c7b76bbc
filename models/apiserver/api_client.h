// ApiClient: one component's connection to the API server (its "user agent"), as a client-go
// clientset is. Requests carry the component's own latency stream
// (`apiserver/latency/<name>`), so adding a component, or another request by one, never shifts
// the latencies another component sees. Client-side rate limits (QPS/burst) belong here.
#pragma once

#include <memory>
#include <string>

#include "models/apiserver/api_server.h"

namespace kubesim::apiserver {

class ApiClient {
 public:
  ApiClient(sim::Simulation& sim, ApiServer& server, std::string name)
      : server_(&server), rng_(&sim.Stream("apiserver/latency/" + name)), name_(std::move(name)) {}

  const std::string& name() const { return name_; }
  ApiServer& server() const { return *server_; }

  void Create(std::shared_ptr<api::Object> obj, ResponseCallback cb) const {
    server_->Create(std::move(obj), std::move(cb), rng_);
  }
  void Update(std::shared_ptr<api::Object> obj, ResponseCallback cb) const {
    server_->Update(std::move(obj), std::move(cb), rng_);
  }
  void UpdateStatus(std::shared_ptr<api::Object> obj, ResponseCallback cb) const {
    server_->UpdateStatus(std::move(obj), std::move(cb), rng_);
  }
  void Delete(const std::string& kind, const std::string& ns, const std::string& name, DeleteOptions opts,
              ResponseCallback cb) const {
    server_->Delete(kind, ns, name, opts, std::move(cb), rng_);
  }
  void Evict(const std::string& ns, const std::string& name, ResponseCallback cb) const {
    server_->Evict(ns, name, std::move(cb), rng_);
  }
  void Get(const std::string& kind, const std::string& ns, const std::string& name, ResponseCallback cb) const {
    server_->Get(kind, ns, name, std::move(cb), rng_);
  }
  void List(const std::string& kind, ResponseCallback cb, const std::string& node_name = "") const {
    server_->List(kind, std::move(cb), node_name, rng_);
  }
  void Bind(const std::string& ns, const std::string& name, const std::string& uid, const std::string& node,
            ResponseCallback cb) const {
    server_->Bind(ns, name, uid, node, std::move(cb), rng_);
  }
  int64_t Watch(const std::string& kind, WatchOptions opts, WatchHandler handler) const {
    return server_->Watch(kind, std::move(opts), std::move(handler));
  }
  void StopWatch(int64_t id) const { server_->StopWatch(id); }

 private:
  ApiServer* server_;
  sim::Rng* rng_;
  std::string name_;
};

}  // namespace kubesim::apiserver
