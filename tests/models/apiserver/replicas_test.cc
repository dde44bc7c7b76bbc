// Several kube-apiserver replicas behind a load balancer: which replica a process's requests and
// watches reach, what a replica's stop does to them, and each replica's own watch cache.
#include <catch2/catch.hpp>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "models/api/pod.h"
#include "models/apiserver/api_client.h"
#include "models/apiserver/api_server.h"
#include "tests/support/builders.h"
#include "tests/support/fixed_api_server_config.h"

namespace kubesim::apiserver {
namespace {

std::shared_ptr<api::Pod> MakePod(const std::string& name) {
  return std::make_shared<api::Pod>(*testing::PodBuilder(name).Container().Build());
}

struct Fixture {
  explicit Fixture(int replicas, int inflight = 400) {
    ApiServerConfig c = testing::FixedApiServerConfig();
    c.replicas = replicas;
    c.max_requests_inflight = inflight;
    c.max_mutating_requests_inflight = inflight;
    api = std::make_unique<ApiServer>(sim, store, c);
  }
  sim::Simulation sim{1};
  etcd::MvccStore store;
  std::unique_ptr<ApiServer> api;

  Response Create(const ApiClient& client, const std::string& name) {
    std::optional<Response> got;
    client.Create(MakePod(name), [&](const Response& r) { got = r; });
    while (!got && sim.Step()) {
    }
    REQUIRE(got.has_value());
    return *got;
  }
  std::vector<int64_t> Served() const {
    std::vector<int64_t> out;
    for (int r = 0; r < api->replicas(); ++r) out.push_back(api->requests_served_by(r));
    return out;
  }
};

TEST_CASE("ApiServer replicas: one connection per process, as client-go's shared transport", "[apiserver][replicas]") {
  CHECK(ConnectionOf("kube-controller-manager/replicaset") == ConnectionOf("kube-controller-manager/deployment"));
  CHECK(ConnectionOf("scheduler/pdb") == ConnectionOf("scheduler"));
  CHECK(ConnectionOf("kubelet/node-1/node") == ConnectionOf("kubelet/node-1"));
  CHECK(ConnectionOf("kubelet/node-1") != ConnectionOf("kubelet/node-2"));
  CHECK(ConnectionOf("kube-proxy/node-1") != ConnectionOf("kubelet/node-1"));
}

TEST_CASE("ApiServer replicas: a process stays on its replica, moves when it stops, and does not move back",
          "[apiserver][replicas]") {
  Fixture f(3);
  ApiClient a(f.sim, *f.api, "user-a");
  ApiClient a_too(f.sim, *f.api, "user-a/other-clientset");
  ApiClient b(f.sim, *f.api, "user-b");
  // Round robin over new connections: a gets replica 0, b replica 1; a's other clientset shares
  // a's connection.
  CHECK(f.Create(a, "p1").code == Code::kCreated);
  CHECK(f.Create(b, "p2").code == Code::kCreated);
  CHECK(f.Create(a_too, "p3").code == Code::kCreated);
  CHECK(f.Served() == std::vector<int64_t>{2, 1, 0});
  f.api->Stop(0);
  CHECK(f.api->serving());
  CHECK_FALSE(f.api->serving(0));
  // The balancer gives the broken connection the next replica in turn that serves.
  CHECK(f.Create(a, "p4").code == Code::kCreated);
  CHECK(f.Served() == std::vector<int64_t>{2, 1, 1});
  f.api->Start(0);
  // HTTP/2 connections are long-lived: the moved process stays where it is.
  CHECK(f.Create(a_too, "p5").code == Code::kCreated);
  CHECK(f.Served() == std::vector<int64_t>{2, 1, 2});
  // A new process is dealt the next replica in turn, the restarted one.
  ApiClient c(f.sim, *f.api, "user-c");
  CHECK(f.Create(c, "p6").code == Code::kCreated);
  CHECK(f.Served() == std::vector<int64_t>{3, 1, 2});
  // Only when every replica is down is a request refused.
  for (int r = 0; r < 3; ++r) f.api->Stop(r);
  CHECK_FALSE(f.api->serving());
  Response refused = f.Create(b, "p5");
  CHECK(refused.code == Code::kUnavailable);
  CHECK(refused.message == "dial tcp 10.0.0.1:6443: connect: connection refused");
}

TEST_CASE("ApiServer replicas: a stop breaks its own watches only, its restarted cache cannot resume older ones",
          "[apiserver][replicas]") {
  Fixture f(2);
  // Connections in the order they are made: on0 → replica 0, on1 → 1, writer → 0.
  ApiClient on0(f.sim, *f.api, "watcher-0");
  ApiClient on1(f.sim, *f.api, "watcher-1");
  ApiClient writer(f.sim, *f.api, "writer");
  std::vector<WatchEvent> got0, got1;
  on0.Watch("Pod", {}, [&](const WatchEvent& e) { got0.push_back(e); });
  on1.Watch("Pod", {}, [&](const WatchEvent& e) { got1.push_back(e); });
  REQUIRE(f.Create(writer, "p1").code == Code::kCreated);
  const int64_t before = f.store.revision();
  f.sim.RunUntil(f.sim.Now() + sim::Duration::Milliseconds(10));
  CHECK(got0.size() == 1);
  CHECK(got1.size() == 1);

  f.api->Stop(0);
  REQUIRE(f.Create(writer, "p2").code == Code::kCreated);
  f.sim.RunUntil(f.sim.Now() + sim::Duration::Milliseconds(10));
  REQUIRE(got0.size() == 2);
  CHECK(got0[1].type == WatchEventType::kError);
  CHECK(got0[1].error.message == "http2: client connection lost");
  REQUIRE(got1.size() == 2);
  CHECK(got1[1].type == WatchEventType::kAdded);
  CHECK(f.api->watch_errors() == 1);

  f.api->Start(0);
  // The writer moved to replica 1; the next new connection gets replica 0, whose cache starts
  // now, and the one after replica 1, whose cache goes back further.
  ApiClient late0(f.sim, *f.api, "late-0");
  ApiClient late1(f.sim, *f.api, "late-1");
  std::vector<WatchEvent> resumed0, resumed1;
  WatchOptions from_before;
  from_before.resource_version = before;
  late0.Watch("Pod", from_before, [&](const WatchEvent& e) { resumed0.push_back(e); });
  late1.Watch("Pod", from_before, [&](const WatchEvent& e) { resumed1.push_back(e); });
  f.sim.RunUntil(f.sim.Now() + sim::Duration::Milliseconds(10));
  REQUIRE(resumed0.size() == 1);
  CHECK(resumed0[0].type == WatchEventType::kError);
  CHECK(resumed0[0].error.code == Code::kGone);
  REQUIRE(resumed1.size() == 1);
  CHECK(resumed1[0].type == WatchEventType::kAdded);
  CHECK(resumed1[0].object->metadata.name == "p2");
}

TEST_CASE("ApiServer replicas: requests queued on a replica that stops fail with their connection",
          "[apiserver][replicas]") {
  // 20 + 20 seats per replica: of 100 creates sent at once, many wait in API Priority and Fairness.
  Fixture f(2, /*inflight=*/20);
  ApiClient on0(f.sim, *f.api, "user-0");  // connects first: replica 0
  ApiClient on1(f.sim, *f.api, "user-1");  // replica 1
  std::vector<Response> got0, got1;
  for (int i = 0; i < 100; ++i) {
    on0.Create(MakePod("a" + std::to_string(i)), [&](const Response& r) { got0.push_back(r); });
    on1.Create(MakePod("b" + std::to_string(i)), [&](const Response& r) { got1.push_back(r); });
  }
  f.sim.RunUntil(f.sim.Now() + sim::Duration::Milliseconds(1));
  REQUIRE(f.api->flow_control(0).waiting(f.api->flow_control(0).LevelIndex("global-default")) > 0);
  f.api->Stop(0);
  // Long enough for ServiceAccount admission's lookups of the missing `default` account (< 2 s).
  f.sim.RunUntil(f.sim.Now() + sim::Duration::Seconds(5));
  REQUIRE(got0.size() == 100);
  for (const Response& r : got0) {
    CHECK(r.code == Code::kUnavailable);
    CHECK(r.message == "http2: client connection lost");
  }
  CHECK(f.api->flow_control(0).in_use(f.api->flow_control(0).LevelIndex("global-default")) == 0);
  CHECK(f.api->flow_control(0).waiting(f.api->flow_control(0).LevelIndex("global-default")) == 0);
  // The other replica served its own queue in full.
  REQUIRE(got1.size() == 100);
  for (const Response& r : got1) CHECK(r.code == Code::kCreated);
}

}  // namespace
}  // namespace kubesim::apiserver
