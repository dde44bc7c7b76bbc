// ImageLocality: cases from kubernetes/kubernetes
// pkg/scheduler/framework/plugins/imagelocality/image_locality_test.go TestImageLocalityPriority and
// TestNormalizedImageName @ v1.32 (v1.26+ semantics: init containers counted, maxThreshold 1000 MB per
// container), named by the upstream cases' `name:`; read in a copy from just before v1.32 (it imports
// pkg/scheduler/internal/cache) that has these v1.26+ expectations. Cases not named after an upstream
// case are kubesim's own.
#include "models/scheduler/plugins/image_locality.h"

#include <catch2/catch.hpp>

#include "tests/models/scheduler/plugins/score_harness.h"
#include "tests/support/builders.h"
#include "tests/support/fake_lister.h"

namespace kubesim::scheduler {
namespace {

using testing::FakeLister;
using testing::MakeNodeInfo;
using testing::NodeBuilder;
using testing::PodBuilder;
using testing::RunScore;

constexpr int64_t kMB = 1024 * 1024;

// A node whose status lists "gcr.io/<size>:latest" of <size> MB for each size.
NodeInfo ImageNode(const char* name, std::vector<int64_t> sizes_mb) {
  NodeBuilder n(name);
  for (int64_t mb : sizes_mb) n.Image("gcr.io/" + std::to_string(mb) + ":latest", mb * kMB);
  return MakeNodeInfo(n);
}

const std::vector<int64_t> kN403002000 = {40, 300, 2000};
const std::vector<int64_t> kN25010 = {250, 10};
const std::vector<int64_t> kN300600900 = {300, 600, 900};
const std::vector<int64_t> kN400030 = {4000, 30};

PodBuilder Images(std::vector<std::string> images) {
  PodBuilder p;
  for (auto& i : images) p.Image(i);
  return p;
}

std::vector<int64_t> Run(const PodBuilder& pod, const std::vector<NodeInfo>& nodes) {
  FakeLister lister(nodes);
  ImageLocality plugin(&lister);
  return RunScore(plugin, pod.pod(), nodes);
}

TEST_CASE("ImageLocality Score: upstream TestImageLocalityPriority cases", "[scheduler][plugin]") {
  struct Row {
    const char* name;
    std::vector<std::string> images;
    std::vector<NodeInfo> nodes;
    std::vector<int64_t> want;
  };
  std::vector<Row> rows = {
      // n2: 250 MB on 1 of 2 nodes → 125 MB; 100·(125−23)/(2000−23) = 5.
      {"two images spread on two nodes, prefer the larger image one",
       {"gcr.io/40", "gcr.io/250"},
       {ImageNode("n1", kN403002000), ImageNode("n2", kN25010)},
       {0, 5}},
      // n1: 20 MB + 150 MB = 170 MB; 100·147/1977 = 7.
      {"two images on one node, prefer this node",
       {"gcr.io/40", "gcr.io/300"},
       {ImageNode("n1", kN403002000), ImageNode("n2", kN25010)},
       {7, 0}},
      // n1: 4000 MB on 1 of 2 → 2000 MB = maxThreshold for two containers.
      {"if exceed limit, use limit",
       {"gcr.io/10", "gcr.io/4000"},
       {ImageNode("n1", kN400030), ImageNode("n2", kN25010)},
       {100, 0}},
      // kubesim's own cases.
      {"no images anywhere", {"gcr.io/40"}, {ImageNode("n1", {}), ImageNode("n2", {})}, {0, 0}},
      // A repeated image counts again: 2 × 300 MB on the only node; 100·577/1977 = 29.
      {"repeated image", {"gcr.io/300", "gcr.io/300"}, {ImageNode("n1", kN300600900)}, {29}},
      {"explicit tag matches as is", {"gcr.io/300:latest", "gcr.io/300"}, {ImageNode("n1", kN300600900)}, {29}},
      {"other tag does not match", {"gcr.io/300:v1"}, {ImageNode("n1", kN300600900)}, {0}},
  };
  for (const auto& r : rows) {
    INFO(r.name);
    CHECK(Run(Images(r.images), r.nodes) == r.want);
  }
}

// kubesim's own case, after upstream's "include InitContainers: two images spread on two nodes, prefer
// the larger image one".
TEST_CASE("ImageLocality counts init containers (v1.26+)", "[scheduler][plugin]") {
  // gcr.io/300 on both nodes → 300 MB; gcr.io/2000 on 1 of 2 → 1000 MB; maxThreshold 2000 MB.
  // n1: 100·(1300−23)/1977 = 64; n2: 100·(300−23)/1977 = 14.
  PodBuilder pod = Images({"gcr.io/2000"});
  api::Container init;
  init.name = "init";
  init.image = "gcr.io/300";
  pod.mutable_pod().spec.init_containers.push_back(init);
  std::vector<NodeInfo> nodes = {ImageNode("n1", kN403002000), ImageNode("n2", kN300600900)};
  CHECK(Run(pod, nodes) == std::vector<int64_t>{64, 14});
}

TEST_CASE("ImageLocality spreads over all snapshot nodes and not only the scored ones", "[scheduler][plugin]") {
  std::vector<NodeInfo> all = {ImageNode("n1", kN403002000), ImageNode("n2", kN25010), ImageNode("n3", kN25010)};
  FakeLister lister(all);
  ImageLocality plugin(&lister);
  PodBuilder pod = Images({"gcr.io/250"});
  CycleState state;
  REQUIRE(plugin.PreScore(state, pod.pod(), {&all[0], &all[1]}).IsSuccess());
  // 250 MB on 2 of 3 nodes: int64(262144000 · 2/3) = 174762666; 100·(174762666−23 MB)/(977 MB) = 14.
  int64_t s1 = -1, s2 = -1;
  REQUIRE(plugin.Score(state, pod.pod(), all[0], &s1).IsSuccess());
  REQUIRE(plugin.Score(state, pod.pod(), all[1], &s2).IsSuccess());
  CHECK(s1 == 0);
  CHECK(s2 == 14);
  // Without PreScore, Score derives the same summary itself.
  CycleState empty;
  int64_t s3 = -1;
  REQUIRE(plugin.Score(empty, pod.pod(), all[1], &s3).IsSuccess());
  CHECK(s3 == 14);
}

TEST_CASE("ImageLocality with zero containers scores 0", "[scheduler][plugin]") {
  std::vector<NodeInfo> nodes = {ImageNode("n1", kN403002000)};
  CHECK(Run(PodBuilder(), nodes) == std::vector<int64_t>{0});
}

// Upstream TestNormalizedImageName: "add :latest postfix 1", "add :latest postfix 2", "keep it as is 1",
// "keep it as is 2" (the digest row); the gcr.io:5000/root:tag row is kubesim's own.
TEST_CASE("ImageLocality image name normalisation", "[scheduler][plugin]") {
  struct Row {
    const char* in;
    const char* want;
  };
  std::vector<Row> rows = {
      {"root", "root:latest"},
      {"gcr.io:5000/root", "gcr.io:5000/root:latest"},
      {"root:tag", "root:tag"},
      {"gcr.io:5000/root:tag", "gcr.io:5000/root:tag"},
      {"root@sha256:86e0e091d0da6bde2456dbb48306f3956bbeb2eae1b5b9a43045843f69fe4aaa",
       "root@sha256:86e0e091d0da6bde2456dbb48306f3956bbeb2eae1b5b9a43045843f69fe4aaa"},
  };
  for (const auto& r : rows) {
    INFO(r.in);
    CHECK(NormalizedImageName(r.in) == r.want);
  }
}

TEST_CASE("ImageLocality scores only with a SharedLister", "[scheduler][plugin]") {
  // Without one (a configuration being validated) it builds, but cannot score.
  PluginContext none;
  auto unwired = ImageLocalityFactory()(none, nullptr);
  REQUIRE(unwired.ok());
  auto* scorer = dynamic_cast<PreScorePlugin*>(unwired->get());
  REQUIRE(scorer != nullptr);
  CycleState empty_state;
  CHECK(scorer->PreScore(empty_state, PodBuilder().Image("a").pod(), {}).code() == Code::kError);
  std::vector<NodeInfo> nodes;
  FakeLister lister(nodes);
  PluginContext ctx;
  ctx.lister = &lister;
  auto made = ImageLocalityFactory()(ctx, nullptr);
  REQUIRE(made.ok());
  CHECK(made.value()->Name() == "ImageLocality");
}

}  // namespace
}  // namespace kubesim::scheduler
