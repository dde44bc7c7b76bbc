#include "models/client/leader_elector.h"

#include <utility>

namespace kubesim::client {

namespace {

// wait.JitterUntil's factor in LeaderElector.acquire (leaderelection.go JitterFactor = 1.2).
constexpr double kJitterFactor = 1.2;

// Upstream compares the raw record bytes it read with the ones it observed last: any change of
// holder, duration or times restarts the observation clock.
bool SameRecord(const api::Lease& a, const api::Lease& b) {
  return a.holder_identity == b.holder_identity && a.lease_duration_seconds == b.lease_duration_seconds &&
         a.acquire_time == b.acquire_time && a.renew_time == b.renew_time && a.lease_transitions == b.lease_transitions;
}

}  // namespace

LeaderElector::LeaderElector(sim::Simulation& sim, apiserver::ApiClient client, LeaderElectionConfig config,
                             std::string identity, sim::Rng& jitter, EventRecorder recorder)
    : sim_(sim),
      client_(std::move(client)),
      config_(std::move(config)),
      identity_(std::move(identity)),
      jitter_(jitter),
      recorder_(std::move(recorder)) {}

std::shared_ptr<api::Lease> LeaderElector::Record(const LeaderElectionConfig& config, const std::string& identity,
                                                  sim::Time now) {
  auto lease = std::make_shared<api::Lease>();
  lease->api_version = api::Lease::kAPIVersion;
  lease->kind = api::Lease::kKind;
  lease->metadata.namespace_ = config.lease_namespace;
  lease->metadata.name = config.lease_name;
  lease->holder_identity = identity;
  lease->lease_duration_seconds = static_cast<int32_t>(config.lease_duration.nanos() / 1'000'000'000);
  lease->acquire_time = now;
  lease->renew_time = now;
  return lease;
}

void LeaderElector::Run(std::function<void()> on_started, std::function<void()> on_stopped) {
  on_started_ = std::move(on_started);
  on_stopped_ = std::move(on_stopped);
  Acquire();
}

void LeaderElector::RunAsLeader(std::shared_ptr<const api::Lease> lease, std::function<void()> on_stopped) {
  on_stopped_ = std::move(on_stopped);
  lock_ = lease;
  Observe(std::move(lease));
  leading_ = true;
  owner_.After(config_.retry_period, [this]() { RenewCycle(); });
}

void LeaderElector::Acquire() {
  if (stopped_) return;
  TryAcquireOrRenew([this](bool acquired) {
    if (!acquired) {
      const double factor = 1 + jitter_.Uniform01() * kJitterFactor;
      owner_.After(sim::Duration::FromNanosRounded(static_cast<double>(config_.retry_period.nanos()) * factor),
                   [this]() { Acquire(); });
      return;
    }
    leading_ = true;
    recorder_.Event(sim_.Now(), *lock_, "Normal", "LeaderElection", identity_ + " became leader");
    if (on_started_) on_started_();
    RenewCycle();  // renew's wait.Until runs its first poll at once
  });
}

void LeaderElector::RenewCycle() {
  if (stopped_) return;
  const int64_t cycle = ++cycle_;
  const sim::Time start = sim_.Now();
  const sim::Time deadline = start + config_.renew_deadline;
  // PollUntilContextTimeout(RetryPeriod, RenewDeadline, immediate): the deadline cancels the
  // attempt in flight, and the lease is lost.
  owner_.At(deadline, [this, cycle]() {
    if (cycle_ == cycle) Lost();
  });
  RenewAttempt(cycle, start, 0);
}

void LeaderElector::RenewAttempt(int64_t cycle, sim::Time start, int attempts) {
  TryAcquireOrRenew([this, cycle, start, attempts](bool renewed) {
    if (cycle_ != cycle || stopped_) return;  // past its deadline: the lease is already lost
    if (renewed) {
      ++cycle_;  // disarms the deadline
      owner_.After(config_.retry_period, [this]() { RenewCycle(); });
      return;
    }
    // The poll's ticker is not sliding: the next attempt is at the next tick, or at once when
    // the failed one took longer than a period.
    const sim::Time tick = start + config_.retry_period * (attempts + 1);
    const sim::Time next = tick > sim_.Now() ? tick : sim_.Now();
    owner_.At(next, [this, cycle, start, attempts]() {
      if (cycle_ == cycle && !stopped_) RenewAttempt(cycle, start, attempts + 1);
    });
  });
}

bool LeaderElector::LeaseValid() const {
  return observed_ != nullptr &&
         observed_time_ + sim::Duration::Seconds(observed_->lease_duration_seconds) > sim_.Now();
}

void LeaderElector::Observe(std::shared_ptr<const api::Lease> lease) {
  observed_ = std::move(lease);
  observed_time_ = sim_.Now();
}

void LeaderElector::TryAcquireOrRenew(std::function<void(bool)> done) {
  auto record = Record(config_, identity_, sim_.Now());
  // 1. The leader's fast path: update the Lease it wrote last, assuming nobody else did.
  if (IsLeader() && LeaseValid() && lock_ != nullptr) {
    record->acquire_time = observed_->acquire_time;
    record->lease_transitions = observed_->lease_transitions;
    // On failure, the slow path goes on with the same record (its renewTime is this attempt's
    // start), as upstream's tryAcquireOrRenew does.
    Update(record, [this, record, done](bool ok) {
      if (ok) {
        done(true);
        return;
      }
      SlowPath(record, done);
    });
    return;
  }
  SlowPath(std::move(record), std::move(done));
}

void LeaderElector::SlowPath(std::shared_ptr<api::Lease> record, std::function<void(bool)> done) {
  // 2. Get the Lease, or create it.
  client_.Get(api::Lease::kKind, config_.lease_namespace, config_.lease_name,
              owner_.Bind([this, record, done](const apiserver::Response& r) {
                if (stopped_) return;
                if (r.code == apiserver::Code::kNotFound) {
                  client_.Create(record, Written(record, done));
                  return;
                }
                auto current = r.ok() ? api::As<api::Lease>(r.object) : nullptr;
                if (current == nullptr) {
                  done(false);
                  return;
                }
                lock_ = current;
                // 3. Someone else's lease that has not yet expired, by this candidate's clock.
                if (observed_ == nullptr || !SameRecord(*observed_, *current)) Observe(current);
                if (!current->holder_identity.empty() && LeaseValid() && !IsLeader()) {
                  done(false);
                  return;
                }
                // 4. Take it over (one more transition) or keep it.
                if (IsLeader()) {
                  record->acquire_time = current->acquire_time;
                  record->lease_transitions = current->lease_transitions;
                } else {
                  record->lease_transitions = current->lease_transitions + 1;
                }
                Update(record, done);
              }));
}

void LeaderElector::Update(std::shared_ptr<api::Lease> record, std::function<void(bool)> done) {
  // LeaseLock.Update: the Lease as last read or written, with the record as its spec; its
  // resourceVersion is a precondition, so a concurrent writer makes this a 409.
  auto next = lock_ != nullptr ? std::static_pointer_cast<api::Lease>(lock_->Clone()) : record;
  next->holder_identity = record->holder_identity;
  next->lease_duration_seconds = record->lease_duration_seconds;
  next->acquire_time = record->acquire_time;
  next->renew_time = record->renew_time;
  next->lease_transitions = record->lease_transitions;
  client_.Update(next, Written(record, std::move(done)));
}

apiserver::ResponseCallback LeaderElector::Written(std::shared_ptr<api::Lease> record, std::function<void(bool)> done) {
  // setObservedRecord after a successful create or update: this candidate's own record, observed
  // when the answer came.
  return owner_.Bind([this, record = std::move(record), done = std::move(done)](const apiserver::Response& r) {
    if (stopped_) return;
    if (!r.ok()) {
      done(false);
      return;
    }
    lock_ = api::As<api::Lease>(r.object);
    Observe(record);
    done(true);
  });
}

void LeaderElector::Lost() {
  if (stopped_) return;
  stopped_ = true;
  leading_ = false;
  ++cycle_;
  if (lock_ != nullptr) {
    recorder_.Event(sim_.Now(), *lock_, "Normal", "LeaderElection", identity_ + " stopped leading");
  }
  if (on_stopped_) on_stopped_();
}

}  // namespace kubesim::client
