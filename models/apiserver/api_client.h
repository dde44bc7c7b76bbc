// ApiClient: one component's connection to the API server (its "user agent"), as a client-go
// clientset is. Requests carry the component's own latency stream
// (`apiserver/latency/<name>`), so adding a component, or another request by one, never shifts
// the latencies another component sees. Every request but a watch first waits for the
// component's client-side rate limit (QPS/burst, client_connection.h). Copies share one
// connection: one stream, one token bucket.
#pragma once

#include <memory>
#include <string>
#include <utility>

#include "models/apiserver/api_server.h"
#include "models/apiserver/client_connection.h"

namespace kubesim::apiserver {

class ApiClient {
 public:
  // `host`: where the component runs (models/network); a request from a host cut off from the
  // control plane times out instead of reaching the server. The rate limit is the component's
  // (the server's ClientConnections, by the part of `name` before the first '/').
  ApiClient(sim::Simulation& sim, ApiServer& server, std::string name, network::HostId host = network::kControlPlane);

  const std::string& name() const { return state_->name; }
  ApiServer& server() const { return *server_; }

  // The same clientset under another name: its own latency stream, the same rate limiter. For a
  // component's parts that upstream serves from its one clientset (the kubelet's Node informer,
  // kube-scheduler's PodDisruptionBudget informer).
  ApiClient Named(std::string name) const;
  // The same connection without client-side throttling: the kubelet's heartbeat client, which
  // upstream builds with QPS -1 (kubernetes/kubernetes cmd/kubelet/app/server.go
  // buildKubeletClientConfig @ v1.32) so that node status and Lease renewals never wait.
  ApiClient WithoutRateLimit() const;
  // The same connection, its requests authenticating as `user` (API Priority and Fairness
  // classifies them by it).
  ApiClient As(std::shared_ptr<const UserInfo> user) const;

  void Create(std::shared_ptr<api::Object> obj, ResponseCallback cb) const {
    Send(std::move(cb), [obj = std::move(obj)](ApiServer& s, ResponseCallback reply, const RequestOrigin* o) mutable {
      s.Create(std::move(obj), std::move(reply), o);
    });
  }
  void Update(std::shared_ptr<api::Object> obj, ResponseCallback cb) const {
    Send(std::move(cb), [obj = std::move(obj)](ApiServer& s, ResponseCallback reply, const RequestOrigin* o) mutable {
      s.Update(std::move(obj), std::move(reply), o);
    });
  }
  void UpdateStatus(std::shared_ptr<api::Object> obj, ResponseCallback cb) const {
    Send(std::move(cb), [obj = std::move(obj)](ApiServer& s, ResponseCallback reply, const RequestOrigin* o) mutable {
      s.UpdateStatus(std::move(obj), std::move(reply), o);
    });
  }
  void Delete(const std::string& kind, const std::string& ns, const std::string& name, DeleteOptions opts,
              ResponseCallback cb) const {
    Send(std::move(cb), [kind, ns, name, opts](ApiServer& s, ResponseCallback reply, const RequestOrigin* o) {
      s.Delete(kind, ns, name, opts, std::move(reply), o);
    });
  }
  void Evict(const std::string& ns, const std::string& name, ResponseCallback cb) const {
    Send(std::move(cb), [ns, name](ApiServer& s, ResponseCallback reply, const RequestOrigin* o) {
      s.Evict(ns, name, std::move(reply), o);
    });
  }
  void Get(const std::string& kind, const std::string& ns, const std::string& name, ResponseCallback cb) const {
    Send(std::move(cb), [kind, ns, name](ApiServer& s, ResponseCallback reply, const RequestOrigin* o) {
      s.Get(kind, ns, name, std::move(reply), o);
    });
  }
  void List(const std::string& kind, ResponseCallback cb, const std::string& node_name = "") const {
    Send(std::move(cb), [kind, node_name](ApiServer& s, ResponseCallback reply, const RequestOrigin* o) {
      s.List(kind, std::move(reply), node_name, o);
    });
  }
  void Bind(const std::string& ns, const std::string& name, const std::string& uid, const std::string& node,
            ResponseCallback cb) const {
    Send(std::move(cb), [ns, name, uid, node](ApiServer& s, ResponseCallback reply, const RequestOrigin* o) {
      s.Bind(ns, name, uid, node, std::move(reply), o);
    });
  }
  // Not throttled (client-go's Request.Watch does not wait for the rate limiter).
  int64_t Watch(const std::string& kind, WatchOptions opts, WatchHandler handler) const {
    opts.host = state_->host;
    opts.connection = state_->origin.connection;
    return server_->Watch(kind, std::move(opts), std::move(handler));
  }
  void StopWatch(int64_t id) const { server_->StopWatch(id); }

 private:
  struct State {
    sim::Simulation* sim;
    std::string name;
    network::HostId host;
    RequestOrigin origin;                  // its latency stream and API Priority and Fairness identity
    std::shared_ptr<TokenBucket> limiter;  // null: not limited
  };

  // A request waits for its token first; one that must wait is sent later, unless every copy of
  // the client is gone by then (the process ended with the request still in its rate limiter).
  template <class Request>
  void Send(ResponseCallback cb, Request request) const {
    if (state_->limiter != nullptr) {
      const sim::Duration wait = state_->limiter->Reserve(state_->sim->Now());
      if (wait > sim::Duration::Zero()) {
        state_->sim->After(wait, [server = server_, weak = std::weak_ptr<const State>(state_), waiting = std::move(cb),
                                  send = std::move(request)]() mutable {
          auto state = weak.lock();
          if (state == nullptr || Unanswered(*server, state->host, waiting)) return;
          send(*server, std::move(waiting), &state->origin);
        });
        return;
      }
    }
    if (Unanswered(*server_, state_->host, cb)) return;
    request(*server_, std::move(cb), &state_->origin);
  }
  // A stopped server refuses the connection; a host cut off from it waits out its timeout.
  static bool Unanswered(ApiServer& server, network::HostId host, ResponseCallback& cb) {
    if (!server.serving()) {
      server.FailRefused(std::move(cb));
      return true;
    }
    if (host != network::kControlPlane && !server.Reachable(host)) {
      server.FailUnreachable(std::move(cb));
      return true;
    }
    return false;
  }

  ApiClient(ApiServer* server, std::shared_ptr<const State> state) : server_(server), state_(std::move(state)) {}

  ApiServer* server_;
  std::shared_ptr<const State> state_;
};

}  // namespace kubesim::apiserver
