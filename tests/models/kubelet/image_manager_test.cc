// Image pulls: the per-node cache, the serial puller, imagePullPolicy, sizes and bandwidth.
#include "tests/models/kubelet/kubelet_harness.h"

namespace kubesim::kubelet {
namespace {

using namespace harness;  // NOLINT: the test harness

const char* kBareNode =
    R"({capacity: {cpu: "8", memory: 32Gi, pods: "110"}, images: [{names: ["cached:1"], sizeBytes: 5000000}]})";

std::string PodWithImage(const std::string& name, const std::string& image, const std::string& policy = "") {
  return "{apiVersion: v1, kind: Pod, metadata: {name: " + name +
         "}, spec: {nodeName: n0, containers: [{name: c, image: \"" + image + "\"" +
         (policy.empty() ? "" : ", imagePullPolicy: " + policy) + "}]}}";
}

TEST_CASE("Image pulls are serialized per node and delay the start", "[kubelet]") {
  Run run(
      Scenario("1m", {PodWithImage("a", "img-a:1"), PodWithImage("b", "img-b:1")}, kBareNode,
               "podStartLatency: 500ms, imagePullBandwidth: 10M, imageSizes: {\"img-a:1\": 50M, \"img-b:1\": 30M}"));
  run.Until(Duration::Seconds(30));
  std::vector<std::string> pulled = run.EventMessages("Pulled");
  REQUIRE(pulled.size() == 2);
  // 0.5 s registry round trip + 50 MB at 10 MB/s; b waits for a, then 0.5 s + 3 s.
  CHECK(pulled[0] ==
        "Successfully pulled image \"img-a:1\" in 5.5s (5.5s including waiting). Image size: 50000000 bytes.");
  CHECK(pulled[1] ==
        "Successfully pulled image \"img-b:1\" in 3.5s (9s including waiting). Image size: 30000000 bytes.");
  CHECK(run.EventMessages("Pulling") ==
        std::vector<std::string>{"Pulling image \"img-a:1\"", "Pulling image \"img-b:1\""});
  std::vector<Duration> pulls = run.EventTimes("Pulled");
  std::vector<Duration> starts = run.EventTimes("Started");
  REQUIRE(starts.size() == 2);
  CHECK(pulls[1] - pulls[0] == Duration::Milliseconds(3500));
  // The container starts the start latency after its pull.
  CHECK(starts[0] - pulls[0] == Duration::Milliseconds(500));
  CHECK(starts[1] - pulls[1] == Duration::Milliseconds(500));
  // The node reports its new images at the next status update (every 10 s), for ImageLocality.
  auto node = api::As<api::Node>(run.c->store().Get("/registry/nodes/n0"));
  REQUIRE(node);
  std::vector<std::string> names;
  for (const auto& img : node->status.images) names.push_back(img.names.at(0));
  CHECK(names == std::vector<std::string>{"img-a:1", "img-b:1", "cached:1"});  // largest first
}

TEST_CASE("A node annotation sets that node's image pull bandwidth", "[kubelet]") {
  std::string yaml = Scenario("1m", {PodWithImage("a", "img-a:1")}, kBareNode,
                              "podStartLatency: 500ms, imagePullBandwidth: 10M, imageSizes: {\"img-a:1\": 50M}");
  yaml.replace(yaml.find("metadata: {name: n0}"), 20,
               "metadata: {name: n0, annotations: {kubesim.io/image-pull-bandwidth: 100M}}");
  Run run(yaml);
  run.Until(Duration::Seconds(30));
  CHECK(run.EventMessages("Pulled") ==
        std::vector<std::string>{
            "Successfully pulled image \"img-a:1\" in 1s (1s including waiting). Image size: 50000000 bytes."});
}

TEST_CASE("Parallel image pulls when serializeImagePulls is false", "[kubelet]") {
  Run run(Scenario("1m", {PodWithImage("a", "img-a:1"), PodWithImage("b", "img-b:1")}, kBareNode,
                   "podStartLatency: 500ms, serializeImagePulls: false, imagePullBandwidth: 10M, "
                   "imageSizes: {\"img-a:1\": 50M, \"img-b:1\": 30M}"));
  run.Until(Duration::Seconds(30));
  std::vector<std::string> pulled = run.EventMessages("Pulled");
  REQUIRE(pulled.size() == 2);
  CHECK(pulled[0] ==
        "Successfully pulled image \"img-b:1\" in 3.5s (3.5s including waiting). Image size: 30000000 bytes.");
  CHECK(pulled[1] ==
        "Successfully pulled image \"img-a:1\" in 5.5s (5.5s including waiting). Image size: 50000000 bytes.");
}

TEST_CASE("imagePullPolicy: IfNotPresent uses the cache, latest always pulls, Never fails when absent", "[kubelet]") {
  Run run(
      Scenario("1m",
               {PodWithImage("cached", "cached:1"), PodWithImage("latest", "cached:latest"),
                PodWithImage("never", "absent:1", "Never"), PodWithImage("default-size", "nginx:1.27")},
               R"({capacity: {cpu: "8", memory: 32Gi, pods: "110"}, images: [{names: ["cached:1", "cached:latest"], )"
               R"(sizeBytes: 5000000}]})"));
  run.Until(Duration::Seconds(30));
  std::vector<std::string> pulled = run.EventMessages("Pulled");
  std::sort(pulled.begin(), pulled.end());
  // nginx:1.27: 45 MB (docs/calibration.md) at the default 33 MB/s, after the 0.5 s round trip;
  // cached:latest is present but Always pulls: only the round trip, queued behind nginx (pods are
  // admitted in key order: default-size before latest).
  CHECK(pulled == std::vector<std::string>{
                      "Container image \"cached:1\" already present on machine",
                      "Successfully pulled image \"cached:latest\" in 500ms (2.363636s including waiting). Image size: "
                      "5000000 bytes.",
                      "Successfully pulled image \"nginx:1.27\" in 1.863636s (1.863636s including waiting). Image "
                      "size: 45000000 bytes.",
                  });
  auto never = run.Pod("never");
  CHECK(never->status.phase == "Pending");
  REQUIRE(never->status.container_statuses.size() == 1);
  CHECK(never->status.container_statuses[0].state.waiting_reason == "ErrImageNeverPull");
  CHECK(run.EventMessages("ErrImageNeverPull") ==
        std::vector<std::string>{"Container image \"absent:1\" is not present with pull policy of Never"});
  CHECK(run.Pod("cached")->status.phase == "Running");
  CHECK(run.Pod("latest")->status.phase == "Running");
  CHECK(run.Pod("default-size")->status.phase == "Running");
}

TEST_CASE("Failing pulls: ErrImagePull, then ImagePullBackOff 10 s doubling, then the pull succeeds", "[kubelet]") {
  Run run(Scenario(
      "5m",
      {"{apiVersion: v1, kind: Pod, metadata: {name: flaky, annotations: {kubesim.io/image-pull-failures: \"3\"}}, "
       "spec: {nodeName: n0, containers: [{name: c, image: \"img-a:1\"}]}}"},
      kBareNode, "podStartLatency: 500ms, imagePullBandwidth: 10M, imageSizes: {\"img-a:1\": 50M}"));
  // The registry refuses the first pull after its 0.5 s round trip.
  run.Until(Duration::Seconds(2));
  auto pod = run.Pod("flaky");
  REQUIRE(pod->status.container_statuses.size() == 1);
  CHECK(pod->status.phase == "Pending");
  CHECK(pod->status.container_statuses[0].state.waiting_reason == "ErrImagePull");
  std::vector<std::string> failed = run.EventMessages("Failed");
  REQUIRE(failed.size() == 2);
  CHECK_THAT(failed[0], Catch::StartsWith("Failed to pull image \"img-a:1\": "));
  CHECK(failed[1] == "Error: ErrImagePull");
  run.Until(Duration::Minutes(5));
  std::vector<Duration> pulling = run.EventTimes("Pulling");
  REQUIRE(pulling.size() == 4);  // three failures, then the pull that works
  // Retries come at pod-worker syncs (10 s × [1, 1.5)) once the back-off (10, 20, 40 s) since the
  // last failure has passed; syncs inside it report ImagePullBackOff.
  const int64_t backoff[] = {10, 20, 40};
  for (size_t i = 0; i < 3; ++i) {
    INFO("retry " << i + 1);
    Duration gap = pulling[i + 1] - pulling[i] - Duration::Milliseconds(500);
    CHECK(gap >= Duration::Seconds(backoff[i]));
    CHECK(gap < Duration::Seconds(backoff[i] + 15));
  }
  CHECK(run.EventMessages("BackOff").size() >= 2);
  CHECK(run.EventMessages("BackOff")[0] == "Back-off pulling image \"img-a:1\"");
  CHECK(run.EventMessages("Pulled").size() == 1);
  CHECK(run.Pod("flaky")->status.phase == "Running");
}

}  // namespace
}  // namespace kubesim::kubelet
