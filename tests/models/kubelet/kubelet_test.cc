// The kubelet process: node status cadence, and crashNode / stopKubelet / restartKubelet.
#include "tests/models/kubelet/kubelet_harness.h"

namespace kubesim::kubelet {
namespace {

using namespace harness;  // NOLINT: the test harness

TEST_CASE("Node status: computed every 10 s, written only on change or every 5 minutes", "[kubelet]") {
  Run run(Scenario("12m", {}));
  auto heartbeat = [&run]() {
    auto node = api::As<api::Node>(run.c->store().Get("/registry/nodes/n0"));
    return node->FindCondition("Ready")->last_heartbeat_time - sim::Time::Zero();
  };
  run.Until(Duration::Seconds(299));
  CHECK(heartbeat() == Duration::Zero());  // nothing changed: no write since the initial state
  run.Until(Duration::Seconds(301));
  // nodeStatusReportFrequency: the first 10 s tick at or after 5 min from registration.
  CHECK(heartbeat() >= Duration::Seconds(300));
  CHECK(heartbeat() < Duration::Seconds(301));
  run.Until(Duration::Seconds(599));
  CHECK(heartbeat() < Duration::Seconds(301));
  run.Until(Duration::Seconds(601));
  CHECK(heartbeat() >= Duration::Seconds(600));
}

TEST_CASE("crashNode then restartKubelet within the grace period: pods kept, containers restarted", "[kubelet]") {
  Run run(
      Scenario("5m",
               {
                   R"({apiVersion: v1, kind: Pod, metadata: {name: web}, spec: {nodeName: n0, containers: [{name: c, )"
                   R"(image: "nginx:1.27"}]}})",
                   R"({apiVersion: v1, kind: Pod, metadata: {name: once}, spec: {nodeName: n0, restartPolicy: Never, )"
                   R"(containers: [{name: c, image: "busybox:1.36"}]}})",
               }) +
      Timeline({{"60s", "crashNode: {node: n0}"}, {"90s", "restartKubelet: {node: n0}"}}));
  run.Until(Duration::Seconds(89));
  CHECK(run.Pod("web")->status.container_statuses[0].restart_count == 0);  // nobody reports the crash
  run.Until(Duration::Seconds(95));
  auto web = run.Pod("web");
  REQUIRE(web);
  const api::ContainerStatus& s = web->status.container_statuses[0];
  // The containers died with the node: exit 255, reason Unknown; Always restarts at once.
  CHECK(s.restart_count == 1);
  CHECK(s.state.kind == api::ContainerState::Kind::kRunning);
  CHECK(s.last_state.terminated.exit_code == 255);
  CHECK(s.last_state.terminated.reason == "Unknown");
  CHECK(s.last_state.terminated.finished_at - sim::Time::Zero() == Duration::Seconds(60));
  CHECK(ReadyStatus(*web) == "True");
  // restartPolicy Never: the pod failed with its node.
  CHECK(run.Pod("once")->status.phase == "Failed");
  run.Until(Duration::Minutes(5));
  auto node = api::As<api::Node>(run.c->store().Get("/registry/nodes/n0"));
  CHECK(node->FindCondition("Ready")->status == "True");
  CHECK(node->spec.taints.empty());
  CHECK_FALSE(DeletedAt(run, "web"));
  // The lease is renewed again.
  auto lease = api::As<api::Lease>(run.c->store().Get("/registry/leases/kube-node-lease/n0"));
  CHECK(*lease->renew_time - sim::Time::Zero() >= Duration::Seconds(290));
}

TEST_CASE("stopKubelet then restartKubelet: running containers are adopted, exits meanwhile handled", "[kubelet]") {
  Run run(
      Scenario(
          "3m",
          {
              R"({apiVersion: v1, kind: Pod, metadata: {name: web}, spec: {nodeName: n0, containers: [{name: c, )"
              R"(image: "nginx:1.27"}]}})",
              R"({apiVersion: v1, kind: Pod, metadata: {name: job, annotations: {kubesim.io/run-duration: 60s, )"
              R"(kubesim.io/exit-code: "2"}}, spec: {nodeName: n0, restartPolicy: OnFailure, containers: [{name: c, )"
              R"(image: "busybox:1.36"}]}})",
          }) +
      Timeline({{"30s", "stopKubelet: {node: n0}"}, {"90s", "restartKubelet: {node: n0}"}}));
  run.Until(Duration::Seconds(95));
  CHECK(run.Pod("web")->status.container_statuses[0].restart_count == 0);
  CHECK(run.Pod("web")->status.container_statuses[0].state.kind == api::ContainerState::Kind::kRunning);
  // job's container exited at ~60.5 s with code 2 while the kubelet was away; the restarted
  // kubelet restarts it (the first restart is immediate; the back-off was in the old process).
  const api::ContainerStatus& j = run.Pod("job")->status.container_statuses[0];
  CHECK(j.restart_count == 1);
  CHECK(j.last_state.terminated.exit_code == 2);
  CHECK(j.last_state.terminated.finished_at - sim::Time::Zero() > Duration::Seconds(60));
  CHECK(j.last_state.terminated.finished_at - sim::Time::Zero() < Duration::Seconds(61));
}

TEST_CASE("crashNode for longer than the grace period: evicted pods are deleted when the kubelet returns",
          "[kubelet]") {
  // A second, healthy node: with every node of the zone down the controller would stop evicting
  // (FullDisruption).
  Run run(
      Scenario("10m",
               {
                   R"({apiVersion: v1, kind: Node, metadata: {name: n1}, status: {capacity: {cpu: "8", memory: 32Gi, )"
                   R"(pods: "110"}}})",
                   R"({apiVersion: v1, kind: Pod, metadata: {name: web}, spec: {nodeName: n0, containers: [{name: c, )"
                   R"(image: "nginx:1.27"}]}})",
               }) +
      Timeline({{"60s", "crashNode: {node: n0}"}, {"8m", "restartKubelet: {node: n0}"}}));
  run.Until(Duration::Seconds(470));
  // The node lifecycle controller noticed (Ready Unknown, unreachable taints) and the taint
  // eviction controller deleted the pod, which stays terminating: no kubelet finishes it.
  auto node = api::As<api::Node>(run.c->store().Get("/registry/nodes/n0"));
  CHECK(node->FindCondition("Ready")->status == "Unknown");
  auto web = run.Pod("web");
  REQUIRE(web);
  CHECK(web->metadata.deletion_timestamp);
  CHECK_FALSE(DeletedAt(run, "web"));
  // Back at 8 m: the kubelet sees the deletion, finds nothing running and finishes it.
  run.Until(Duration::Seconds(485));
  auto deleted = DeletedAt(run, "web");
  REQUIRE(deleted);
  CHECK(*deleted >= Duration::Minutes(8));
  CHECK(*deleted < Duration::Minutes(8) + Duration::Seconds(1));
  run.Until(Duration::Minutes(10));
  node = api::As<api::Node>(run.c->store().Get("/registry/nodes/n0"));
  CHECK(node->FindCondition("Ready")->status == "True");
}

}  // namespace
}  // namespace kubesim::kubelet
