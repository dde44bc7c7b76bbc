#include "models/apiserver/client_connection.h"

#include <catch2/catch.hpp>
#include <memory>
#include <string>
#include <vector>

#include "models/api/kinds.h"
#include "models/apiserver/api_client.h"
#include "tests/support/fixed_api_server_config.h"

namespace kubesim::apiserver {
namespace {

using sim::Duration;
using sim::Time;

Time At(int64_t ms) { return Time::Zero() + Duration::Milliseconds(ms); }

TEST_CASE("token bucket: a full burst at once, then one request per 1/qps", "[client][ratelimit]") {
  TokenBucket bucket({20, 30});  // kube-controller-manager's default
  for (int i = 0; i < 30; ++i) CHECK(bucket.Reserve(At(0)) == Duration::Zero());
  // The 31st waits for the next token, 50 ms; the 32nd for the one after.
  CHECK(bucket.Reserve(At(0)) == Duration::Milliseconds(50));
  CHECK(bucket.Reserve(At(0)) == Duration::Milliseconds(100));
  // Reservations are kept: at 100 ms every token so far is spoken for.
  CHECK(bucket.Reserve(At(100)) == Duration::Milliseconds(50));
}

TEST_CASE("token bucket: tokens come back at qps, never above the burst", "[client][ratelimit]") {
  TokenBucket bucket({10, 2});
  CHECK(bucket.Reserve(At(0)) == Duration::Zero());
  CHECK(bucket.Reserve(At(0)) == Duration::Zero());
  CHECK(bucket.Reserve(At(0)) == Duration::Milliseconds(100));
  // An hour later the bucket holds its burst of 2, not 36,000 tokens.
  CHECK(bucket.Reserve(At(3'600'000)) == Duration::Zero());
  CHECK(bucket.Reserve(At(3'600'000)) == Duration::Zero());
  CHECK(bucket.Reserve(At(3'600'000)) == Duration::Milliseconds(100));
  // Half a token's time later, the next is 50 ms away... plus the one already reserved.
  CHECK(bucket.Reserve(At(3'600'050)) == Duration::Milliseconds(150));
}

TEST_CASE("token bucket: zero qps and burst mean client-go's defaults 5 and 10", "[client][ratelimit]") {
  TokenBucket bucket({0, 0});
  for (int i = 0; i < 10; ++i) CHECK(bucket.Reserve(At(0)) == Duration::Zero());
  CHECK(bucket.Reserve(At(0)) == Duration::Milliseconds(200));
}

TEST_CASE("client connections: each component's upstream default, others unlimited", "[client][ratelimit]") {
  const ClientConnections c = ClientConnections::Upstream();
  CHECK(c.For("kube-controller-manager/replicaset").qps == 20);
  CHECK(c.For("kube-controller-manager/replicaset").burst == 30);
  CHECK(c.For("scheduler").qps == 50);
  CHECK(c.For("scheduler/pdb").burst == 100);
  CHECK(c.For("kubelet/node-1").qps == 50);
  CHECK(c.For("kube-proxy/node-1").burst == 10);
  CHECK(c.For("cluster-autoscaler").qps == 5);
  CHECK_FALSE(c.For("scenario").limited());
  CHECK_FALSE(c.For("apiserver-load").limited());
  CHECK_FALSE(ClientConnections{}.For("kube-controller-manager/replicaset").limited());
}

std::shared_ptr<api::ConfigMap> MakeConfigMap(const std::string& name) {
  auto cm = std::make_shared<api::ConfigMap>();
  cm->api_version = "v1";
  cm->kind = api::ConfigMap::kKind;
  cm->metadata.name = name;
  cm->metadata.namespace_ = "default";
  return cm;
}

struct Fixture {
  sim::Simulation sim{1};
  etcd::MvccStore store;
  ApiServer api{sim, store, testing::FixedApiServerConfig()};
  std::vector<std::string> answered;  // "name @time"

  Fixture() {
    ClientConnections clients;
    clients.kube_controller_manager = {10, 3};
    api.SetClientConnections(clients);
  }
  ResponseCallback Log(const std::string& name) {
    return [this, name](const Response& r) {
      CHECK(r.ok());
      answered.push_back(name + " @" + sim.Now().ToString());
    };
  }
};

TEST_CASE("api client: requests beyond the burst wait for their token", "[client][ratelimit]") {
  Fixture f;
  ApiClient client(f.sim, f.api, "kube-controller-manager/replicaset");
  for (int i = 0; i < 5; ++i) client.Create(MakeConfigMap("cm-" + std::to_string(i)), f.Log("cm-" + std::to_string(i)));
  f.sim.RunUntil(At(10000));
  // Three at once (10 ms each), then one per 100 ms.
  CHECK(f.answered == std::vector<std::string>{"cm-0 @10ms", "cm-1 @10ms", "cm-2 @10ms", "cm-3 @110ms", "cm-4 @210ms"});
}

TEST_CASE("api client: copies and Named clients share the bucket, WithoutRateLimit does not wait",
          "[client][ratelimit]") {
  Fixture f;
  ApiClient client(f.sim, f.api, "kube-controller-manager/replicaset");
  ApiClient copy = client;
  ApiClient named = client.Named("kube-controller-manager/replicaset/other");
  ApiClient heartbeat = client.WithoutRateLimit();
  client.Create(MakeConfigMap("a"), f.Log("a"));
  copy.Create(MakeConfigMap("b"), f.Log("b"));
  named.Create(MakeConfigMap("c"), f.Log("c"));
  named.Create(MakeConfigMap("d"), f.Log("d"));  // the bucket's fourth request
  for (int i = 0; i < 5; ++i) heartbeat.Create(MakeConfigMap("h" + std::to_string(i)), nullptr);
  // Another component, another bucket.
  ApiClient other(f.sim, f.api, "kube-controller-manager/deployment");
  other.Create(MakeConfigMap("e"), f.Log("e"));
  f.sim.RunUntil(At(10000));
  CHECK(f.answered == std::vector<std::string>{"a @10ms", "b @10ms", "c @10ms", "e @10ms", "d @110ms"});
  CHECK(f.store.Get(ApiServer::Key("ConfigMap", "default", "h4")) != nullptr);
}

TEST_CASE("api client: a request still waiting for its token dies with the last copy of its client",
          "[client][ratelimit]") {
  Fixture f;
  auto client = std::make_unique<ApiClient>(f.sim, f.api, "kube-controller-manager/replicaset");
  for (int i = 0; i < 4; ++i)
    client->Create(MakeConfigMap("cm-" + std::to_string(i)), f.Log("cm-" + std::to_string(i)));
  f.sim.RunUntil(At(50));
  client.reset();  // the process ends with cm-3 in its rate limiter
  f.sim.RunUntil(At(10000));
  CHECK(f.answered == std::vector<std::string>{"cm-0 @10ms", "cm-1 @10ms", "cm-2 @10ms"});
  CHECK(f.store.Get(ApiServer::Key("ConfigMap", "default", "cm-3")) == nullptr);
}

// When the last 429 of a single create arrives: workload-high on a server with 1 + 1 seats never
// gets one (the other levels' guaranteed minimums take both), so every attempt waits out the 15 s queue
// limit and is rejected with Retry-After 1 s; client-go retries 10 times.
double FinalRejectionSeconds(bool limited) {
  sim::Simulation sim{1};
  etcd::MvccStore store;
  ApiServerConfig config = testing::FixedApiServerConfig();
  config.max_requests_inflight = 1;
  config.max_mutating_requests_inflight = 1;
  ApiServer api{sim, store, config};
  ClientConnections clients;
  clients.cluster_autoscaler = {0.01, 1};  // one token per 100 s
  api.SetClientConnections(clients);
  ApiClient client(sim, api, "cluster-autoscaler");
  if (!limited) client = client.WithoutRateLimit();
  double at = -1;
  // A Secret: a kube-system service account's ConfigMap writes would be leader election's
  // (the workload-leader-election FlowSchema), a level with a seat of its own here.
  auto secret = std::make_shared<api::Secret>();
  secret->api_version = "v1";
  secret->kind = api::Secret::kKind;
  secret->metadata.name = "s";
  secret->metadata.namespace_ = "default";
  client.Create(secret, [&](const Response& r) {
    CHECK(r.code == Code::kTooManyRequests);
    at = sim.Now().ToSeconds();
  });
  sim.RunUntil(Time::Zero() + Duration::Seconds(3000));
  return at;
}

TEST_CASE("api client: each retry after 429 waits for a token of the client's rate limiter", "[client][ratelimit]") {
  // Unlimited: rejected at 15 s, retried 1 s later, 10 times: the last 429 at 11 × 15 + 10 × 1 s.
  CHECK(FinalRejectionSeconds(/*limited=*/false) == Approx(175));
  // One token per 100 s: retry n waits until n × 100 s (withRetry.Before), the last 429 15 s after.
  CHECK(FinalRejectionSeconds(/*limited=*/true) == Approx(1015));
}

TEST_CASE("client connection decoding: upstream's defaulting and validation, located", "[client][ratelimit]") {
  auto decode = [](const std::string& yaml) {
    auto docs = api::LoadYamlDocuments(yaml, "s.yaml");
    REQUIRE(docs.ok());
    REQUIRE(docs->size() == 1);
    return DecodeClientConnection(docs->front(), {50, 100});
  };
  auto ok = decode("{qps: 5000, burst: 5000}");
  REQUIRE(ok.ok());
  CHECK(ok->qps == 5000);
  CHECK(ok->burst == 5000);
  auto zero = decode("{qps: 0, contentType: application/vnd.kubernetes.protobuf}");
  REQUIRE(zero.ok());
  CHECK(zero->qps == 50);  // defaulted, as SetDefaults_* do
  CHECK(zero->burst == 100);
  auto off = decode("{qps: -1}");
  REQUIRE(off.ok());
  CHECK_FALSE(off->limited());
  auto negative = decode("{burst: -1}");
  REQUIRE_FALSE(negative.ok());
  CHECK(negative.status().message().rfind("s.yaml:1:", 0) == 0);
  CHECK(negative.status().message().find("burst: Invalid value: -1: must be non-negative") != std::string::npos);
  auto unknown = decode("{qpss: 5}");
  REQUIRE_FALSE(unknown.ok());
  CHECK(unknown.status().message().find("qpss") != std::string::npos);
  auto text = decode("{qps: fast}");
  REQUIRE_FALSE(text.ok());
  CHECK(text.status().message().find("must be a decimal number") != std::string::npos);
}

}  // namespace
}  // namespace kubesim::apiserver
