#include "models/cluster/leader_elected.h"

#include <utility>

#include "models/apiserver/api_client.h"

namespace kubesim::cluster {

LeaderElected::LeaderElected(sim::Simulation& sim, apiserver::ApiServer& api, std::string component,
                             std::string client_name, client::LeaderElectionConfig config,
                             client::EventRecorder recorder, std::function<void()> start, std::function<void()> stop)
    : sim_(sim),
      api_(api),
      component_(std::move(component)),
      client_name_(std::move(client_name)),
      recorder_(std::move(recorder)),
      start_(std::move(start)),
      stop_(std::move(stop)),
      config_(std::move(config)) {}

std::unique_ptr<client::LeaderElector> LeaderElected::NewElector() {
  // Upstream's identity is the host name and a fresh UUID per process; here the incarnation.
  ++incarnation_;
  return std::make_unique<client::LeaderElector>(sim_, apiserver::ApiClient(sim_, api_, client_name_), config_,
                                                 "control-plane_" + component_ + "-" + std::to_string(incarnation_),
                                                 sim_.Stream("client-go/leaderelection/" + component_), recorder_);
}

sim::Status LeaderElected::Bootstrap() {
  elector_ = NewElector();
  apiserver::Response r = api_.Bootstrap(client::LeaderElector::Record(config_, elector_->identity(), sim_.Now()));
  if (!r.ok()) return sim::InvalidArgument(component_ + " lease: rejected by the API server: " + r.message);
  elector_->RunAsLeader(api::As<api::Lease>(r.object), [this]() { Lost(); });
  return sim::Status::Ok();
}

void LeaderElected::Lost() {
  lost_at_ = sim_.Now();
  stop_();
  // The old elector is still on the stack: the new process starts in its own event.
  owner_.After(sim::Duration::Zero(), [this]() {
    elector_ = NewElector();
    elector_->Run(
        [this]() {
          ++leader_changes_;
          if (lost_at_) without_leader_ += sim_.Now() - *lost_at_;
          lost_at_.reset();
          start_();
        },
        [this]() { Lost(); });
  });
}

sim::Duration LeaderElected::without_leader(sim::Time now) const {
  return without_leader_ + (lost_at_ ? now - *lost_at_ : sim::Duration::Zero());
}

}  // namespace kubesim::cluster
