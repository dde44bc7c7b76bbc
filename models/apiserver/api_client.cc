#include "models/apiserver/api_client.h"

namespace kubesim::apiserver {

namespace {
// A client's latency stream and API Priority and Fairness identity, from its name.
RequestOrigin OriginFor(sim::Simulation& sim, const std::string& name) {
  return {&sim.Stream("apiserver/latency/" + name), UserFor(name), ConnectionOf(name), {}};
}
}  // namespace

ApiClient::ApiClient(sim::Simulation& sim, ApiServer& server, std::string name, network::HostId host)
    : server_(&server) {
  const ClientRateLimit limit = server.client_connections().For(name);
  std::shared_ptr<TokenBucket> limiter = limit.limited() ? std::make_shared<TokenBucket>(limit) : nullptr;
  RequestOrigin origin = OriginFor(sim, name);
  origin.limiter = limiter;
  state_ = std::make_shared<const State>(State{&sim, std::move(name), host, origin, std::move(limiter)});
}

ApiClient ApiClient::Named(std::string name) const {
  sim::Simulation& sim = *state_->sim;
  RequestOrigin origin = OriginFor(sim, name);
  origin.limiter = state_->limiter;
  return ApiClient(server_,
                   std::make_shared<const State>(State{&sim, std::move(name), state_->host, origin, state_->limiter}));
}

ApiClient ApiClient::As(std::shared_ptr<const UserInfo> user) const {
  State as = *state_;
  as.origin.user = std::move(user);
  return ApiClient(server_, std::make_shared<const State>(std::move(as)));
}

ApiClient ApiClient::WithoutRateLimit() const {
  State unlimited = *state_;
  unlimited.limiter = nullptr;
  unlimited.origin.limiter.reset();
  return ApiClient(server_, std::make_shared<const State>(std::move(unlimited)));
}

}  // namespace kubesim::apiserver
