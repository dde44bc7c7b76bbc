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
  // `host`: where the component runs (models/network); a request from a host cut off from the
  // control plane times out instead of reaching the server.
  ApiClient(sim::Simulation& sim, ApiServer& server, std::string name, network::HostId host = network::kControlPlane)
      : server_(&server),
        origin_{&sim.Stream("apiserver/latency/" + name), ClassifyClient(name), FlowHash(name)},
        name_(std::move(name)),
        host_(host) {}

  const std::string& name() const { return name_; }
  ApiServer& server() const { return *server_; }

  void Create(std::shared_ptr<api::Object> obj, ResponseCallback cb) const {
    if (Unanswered(cb)) return;
    server_->Create(std::move(obj), std::move(cb), &origin_);
  }
  void Update(std::shared_ptr<api::Object> obj, ResponseCallback cb) const {
    if (Unanswered(cb)) return;
    server_->Update(std::move(obj), std::move(cb), &origin_);
  }
  void UpdateStatus(std::shared_ptr<api::Object> obj, ResponseCallback cb) const {
    if (Unanswered(cb)) return;
    server_->UpdateStatus(std::move(obj), std::move(cb), &origin_);
  }
  void Delete(const std::string& kind, const std::string& ns, const std::string& name, DeleteOptions opts,
              ResponseCallback cb) const {
    if (Unanswered(cb)) return;
    server_->Delete(kind, ns, name, opts, std::move(cb), &origin_);
  }
  void Evict(const std::string& ns, const std::string& name, ResponseCallback cb) const {
    if (Unanswered(cb)) return;
    server_->Evict(ns, name, std::move(cb), &origin_);
  }
  void Get(const std::string& kind, const std::string& ns, const std::string& name, ResponseCallback cb) const {
    if (Unanswered(cb)) return;
    server_->Get(kind, ns, name, std::move(cb), &origin_);
  }
  void List(const std::string& kind, ResponseCallback cb, const std::string& node_name = "") const {
    if (Unanswered(cb)) return;
    server_->List(kind, std::move(cb), node_name, &origin_);
  }
  void Bind(const std::string& ns, const std::string& name, const std::string& uid, const std::string& node,
            ResponseCallback cb) const {
    if (Unanswered(cb)) return;
    server_->Bind(ns, name, uid, node, std::move(cb), &origin_);
  }
  int64_t Watch(const std::string& kind, WatchOptions opts, WatchHandler handler) const {
    opts.host = host_;
    return server_->Watch(kind, std::move(opts), std::move(handler));
  }
  void StopWatch(int64_t id) const { server_->StopWatch(id); }

 private:
  ApiServer* server_;
  // A stopped server refuses the connection; a host cut off from it waits out its timeout.
  bool Unanswered(ResponseCallback& cb) const {
    if (!server_->serving()) {
      server_->FailRefused(std::move(cb));
      return true;
    }
    if (host_ != network::kControlPlane && !server_->Reachable(host_)) {
      server_->FailUnreachable(std::move(cb));
      return true;
    }
    return false;
  }

  RequestOrigin origin_;  // its latency stream and API Priority and Fairness identity
  std::string name_;
  network::HostId host_;
};

}  // namespace kubesim::apiserver
