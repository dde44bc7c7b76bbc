#include "models/client/leader_elector.h"

#include <catch2/catch.hpp>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "tests/support/fixed_api_server_config.h"

namespace kubesim::client {
namespace {

using sim::Duration;
using sim::Time;

Time Sec(double s) { return Time::Zero() + Duration::FromNanosRounded(s * 1e9); }

struct Fixture {
  sim::Simulation sim{7};
  etcd::MvccStore store;
  apiserver::ApiServer api{sim, store, testing::FixedApiServerConfig()};
  LeaderElectionConfig config;
  std::vector<std::string> events;  // "identity became leader @t"

  Fixture() { config.lease_name = "kube-scheduler"; }
  std::unique_ptr<LeaderElector> Elector(const std::string& identity) {
    return std::make_unique<LeaderElector>(
        sim, apiserver::ApiClient(sim, api, "scheduler/leader-election"), config, identity,
        sim.Stream("client-go/leaderelection/" + identity),
        EventRecorder([this](const RecordedEvent& e) { events.push_back(e.message + " @" + sim.Now().ToString()); },
                      "default-scheduler"));
  }
  std::shared_ptr<const api::Lease> Stored() {
    return api::As<api::Lease>(store.Get(apiserver::ApiServer::Key("Lease", "kube-system", "kube-scheduler")));
  }
  std::shared_ptr<const api::Lease> Bootstrap(const std::string& identity) {
    auto r = api.Bootstrap(LeaderElector::Record(config, identity, sim.Now()));
    REQUIRE(r.ok());
    return api::As<api::Lease>(r.object);
  }
};

TEST_CASE("leader election: the holder renews every retry period", "[client][leaderelection]") {
  Fixture f;
  auto leader = f.Elector("a");
  bool lost = false;
  leader->RunAsLeader(f.Bootstrap("a"), [&lost]() { lost = true; });
  f.sim.RunUntil(Sec(30));
  CHECK(leader->leading());
  CHECK_FALSE(lost);
  auto lease = f.Stored();
  REQUIRE(lease != nullptr);
  CHECK(lease->holder_identity == "a");
  CHECK(lease->lease_transitions == 0);
  CHECK(lease->acquire_time == Sec(0));
  // Every 2 s after the previous renewal answered (10 ms later).
  CHECK(*lease->renew_time > Sec(27.9));
  CHECK(*lease->renew_time <= Sec(30));
}

TEST_CASE(
    "leader election: without the API server the leader stops within the renew deadline, and a new "
    "process takes over a lease duration after it first sees the old lease",
    "[client][leaderelection]") {
  Fixture f;
  auto leader = f.Elector("a");
  std::unique_ptr<LeaderElector> next;
  std::optional<Time> lost_at, started_at;
  leader->RunAsLeader(f.Bootstrap("a"), [&]() {
    lost_at = f.sim.Now();
    f.sim.After(Duration::Zero(), [&]() {
      next = f.Elector("b");
      next->Run([&]() { started_at = f.sim.Now(); }, []() {});
    });
  });
  f.sim.At(Sec(5), [&]() { f.api.Stop(0); });
  f.sim.At(Sec(25), [&]() { f.api.Start(0); });
  f.sim.RunUntil(Sec(60));
  // Renewals answer 10 ms after they start: at 2.01 s and 4.02 s; the cycle from 6.02 s fails
  // until its deadline.
  REQUIRE(lost_at.has_value());
  CHECK(*lost_at == Sec(16.02));
  CHECK_FALSE(leader->leading());
  // "b" first reads the lease when the server is back (its first GET at or after 25 s), then must
  // wait 15 s; its retries are jittered to [2, 4.4) s.
  REQUIRE(started_at.has_value());
  CHECK(*started_at >= Sec(40));
  CHECK(*started_at <= Sec(25 + 4.4 + 15 + 4.4 + 0.1));
  auto lease = f.Stored();
  CHECK(lease->holder_identity == "b");
  CHECK(lease->lease_transitions == 1);
  CHECK(next->leading());
  CHECK(f.events.size() == 2);
  CHECK(f.events[0] == "a stopped leading @16.02s");
  CHECK(f.events[1].rfind("b became leader @", 0) == 0);
}

TEST_CASE("leader election: of two candidates exactly one leads, and the other never takes a renewed lease",
          "[client][leaderelection]") {
  Fixture f;
  auto a = f.Elector("a");
  auto b = f.Elector("b");
  int started = 0;
  a->Run([&]() { ++started; }, []() {});
  b->Run([&]() { ++started; }, []() {});
  for (int s = 1; s <= 120; ++s) {
    f.sim.RunUntil(Sec(s));
    CHECK(a->leading() != b->leading());
  }
  CHECK(started == 1);
  CHECK(f.Stored()->lease_transitions == 0);
}

}  // namespace
}  // namespace kubesim::client
