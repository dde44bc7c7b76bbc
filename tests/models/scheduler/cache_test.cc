// The scheduler cache against upstream's cases (kubernetes/kubernetes pkg/scheduler/backend/cache/
// cache_test.go @ v1.32). Upstream's cases there carry no `name:` strings, so each TEST_CASE is
// named after the upstream test function and its sections after the case's comment.
//
// Not ported: expiry of assumed pods (TestExpirePod, TestAddPodAfterExpiration and the expiry half
// of TestAddPodWillConfirm). They run the cache with a 10 s TTL; v1.32's scheduler creates it with
// durationToExpireAssumedPod = 0, "never expire", which is what kubesim implements (cache.h).
#include "models/scheduler/cache.h"

#include <catch2/catch.hpp>

#include "models/scheduler/image_names.h"
#include "models/scheduler/node_info.h"
#include "tests/support/builders.h"

namespace kubesim::scheduler {
namespace {

using testing::NodeBuilder;
using testing::PodBuilder;

// Upstream makeBasePod: one container with cpu and memory requests and a host port.
std::shared_ptr<const api::Pod> BasePod(const std::string& node, const std::string& name, const char* cpu,
                                        const char* memory, int32_t port) {
  return PodBuilder(name)
      .Namespace("node_info_cache_test")
      .Req({{"cpu", cpu}, {"memory", memory}})
      .HostPort(port)
      .Node(node)
      .Build();
}

TEST_CASE("TestAssumePodScheduled", "[scheduler]") {
  Cache cache;
  cache.AddNode(NodeBuilder("node").Cap({{"cpu", "4"}, {"memory", "4Gi"}}).Build());
  SECTION("assumed pods count on their node until forgotten") {
    auto p1 = BasePod("node", "test-1", "100m", "500", 80);
    auto p2 = BasePod("node", "test-2", "200m", "1Ki", 8080);
    cache.AssumePod(p1);
    cache.AssumePod(p2);
    CHECK(cache.IsAssumed(p1->metadata.uid));
    CHECK(cache.IsAssumed(p2->metadata.uid));
    const NodeInfo* ni = cache.GetNode("node");
    REQUIRE(ni != nullptr);
    CHECK(ni->requested().milli_cpu == 300);
    CHECK(ni->requested().memory == 500 + 1024);
    CHECK(ni->pods().size() == 2);
    cache.ForgetPod(p1->metadata.uid);
    cache.ForgetPod(p2->metadata.uid);
    CHECK_FALSE(cache.IsAssumed(p1->metadata.uid));
    CHECK(cache.GetNode("node")->pods().empty());
    CHECK(cache.GetNode("node")->requested().milli_cpu == 0);
  }
  SECTION("an assumed pod without requests counts by the non-zero defaults") {
    auto p = PodBuilder("test-nonzero").Container().Node("node").Build();
    cache.AssumePod(p);
    const NodeInfo* ni = cache.GetNode("node");
    CHECK(ni->requested().milli_cpu == 0);
    CHECK(ni->non_zero_requested().milli_cpu == 100);               // upstream DefaultMilliCPURequest
    CHECK(ni->non_zero_requested().memory == 200LL * 1024 * 1024);  // upstream DefaultMemoryRequest
  }
}

TEST_CASE("TestAddPodWillConfirm", "[scheduler]") {
  // Two pods were assumed at the same time, but only the first is Add()ed and confirmed.
  Cache cache;
  cache.AddNode(NodeBuilder("node").Cap({{"cpu", "4"}, {"memory", "4Gi"}}).Build());
  auto p1 = BasePod("node", "test-1", "100m", "500", 80);
  auto p2 = BasePod("node", "test-2", "200m", "1Ki", 8080);
  cache.AssumePod(p1);
  cache.AssumePod(p2);
  cache.AddPod(p1);
  CHECK_FALSE(cache.IsAssumed(p1->metadata.uid));
  CHECK(cache.IsAssumed(p2->metadata.uid));
  const NodeInfo* ni = cache.GetNode("node");
  CHECK(ni->pods().size() == 2);  // confirmed once, not twice
  CHECK(ni->requested().milli_cpu == 300);
  // A confirmed pod is no longer forgettable: a late ForgetPod leaves it counted.
  cache.ForgetPod(p1->metadata.uid);
  CHECK(cache.GetNode("node")->requested().milli_cpu == 300);
}

TEST_CASE("TestAddPodWillReplaceAssumed", "[scheduler]") {
  // A pod being Add()ed replaces the assumed one, on the node the informer says.
  Cache cache;
  auto assumed = BasePod("assumed-node-1", "test-1", "100m", "500", 80);
  auto added = BasePod("actual-node", "test-1", "100m", "500", 80);
  auto updated = BasePod("actual-node", "test-1", "200m", "500", 90);
  cache.AssumePod(assumed);
  cache.AddPod(added);
  cache.UpdatePod(updated);
  const NodeInfo* was = cache.GetNode("assumed-node-1");
  CHECK((was == nullptr || (was->pods().empty() && was->requested().milli_cpu == 0)));
  const NodeInfo* actual = cache.GetNode("actual-node");
  REQUIRE(actual != nullptr);
  CHECK(actual->pods().size() == 1);
  CHECK(actual->requested().milli_cpu == 200);
  CHECK(actual->requested().memory == 500);
  CHECK_FALSE(cache.IsAssumed(added->metadata.uid));
}

TEST_CASE("TestUpdatePod", "[scheduler]") {
  // Updates replace the pod's requests on its node, in either direction.
  Cache cache;
  cache.AddNode(NodeBuilder("node").Cap({{"cpu", "4"}, {"memory", "4Gi"}}).Build());
  auto small = BasePod("node", "test", "100m", "500", 80);
  auto big = BasePod("node", "test", "200m", "1Ki", 8080);
  cache.AddPod(small);
  cache.UpdatePod(big);
  CHECK(cache.GetNode("node")->requested().milli_cpu == 200);
  CHECK(cache.GetNode("node")->pods().size() == 1);
  cache.UpdatePod(small);
  CHECK(cache.GetNode("node")->requested().milli_cpu == 100);
  CHECK(cache.GetNode("node")->requested().memory == 500);
}

TEST_CASE("TestRemovePod", "[scheduler]") {
  auto pod = BasePod("node-1", "test", "100m", "500", 80);
  SECTION("a pod on a known node is removed from it") {
    Cache cache;
    cache.AddNode(NodeBuilder("node-1").Cap({{"cpu", "4"}, {"memory", "4Gi"}}).Build());
    cache.AddNode(NodeBuilder("node-2").Cap({{"cpu", "4"}, {"memory", "4Gi"}}).Build());
    cache.AddPod(pod);
    CHECK(cache.GetNode("node-1")->requested().milli_cpu == 100);
    cache.RemovePod(*pod);
    CHECK(cache.GetNode("node-1")->pods().empty());
    CHECK(cache.GetNode("node-1")->requested().milli_cpu == 0);
    CHECK(cache.NodeList().size() == 2);
  }
  SECTION("a pod on a removed node counts until it is removed itself") {
    Cache cache;
    cache.AddNode(NodeBuilder("node-1").Cap({{"cpu", "4"}, {"memory", "4Gi"}}).Build());
    cache.AddPod(pod);
    cache.RemoveNode("node-1");
    // Still counted (upstream keeps the pod's NodeInfo until the pod goes) but listed no more.
    REQUIRE(cache.GetNode("node-1") != nullptr);
    CHECK(cache.GetNode("node-1")->node() == nullptr);
    CHECK(cache.NodeList().empty());
    cache.RemovePod(*pod);
    CHECK(cache.GetNode("node-1") == nullptr);
  }
  SECTION("an assumed pod is removed too") {
    Cache cache;
    cache.AddNode(NodeBuilder("node-1").Cap({{"cpu", "4"}, {"memory", "4Gi"}}).Build());
    cache.AssumePod(pod);
    cache.RemovePod(*pod);
    CHECK_FALSE(cache.IsAssumed(pod->metadata.uid));
    CHECK(cache.GetNode("node-1")->pods().empty());
  }
  SECTION("removing an unknown pod changes nothing") {
    Cache cache;
    cache.AddNode(NodeBuilder("node-1").Cap({{"cpu", "4"}, {"memory", "4Gi"}}).Build());
    cache.RemovePod(*pod);
    CHECK(cache.GetNode("node-1")->pods().empty());
  }
}

TEST_CASE("TestForgetPod", "[scheduler]") {
  // Forgotten assumed pods leave the cache; a second ForgetPod is harmless.
  Cache cache;
  cache.AddNode(NodeBuilder("node").Cap({{"cpu", "4"}, {"memory", "4Gi"}}).Build());
  auto p1 = BasePod("node", "test-1", "100m", "500", 80);
  auto p2 = BasePod("node", "test-2", "200m", "1Ki", 8080);
  cache.AssumePod(p1);
  cache.AssumePod(p2);
  cache.ForgetPod(p1->metadata.uid);
  CHECK_FALSE(cache.IsAssumed(p1->metadata.uid));
  CHECK(cache.IsAssumed(p2->metadata.uid));
  CHECK(cache.GetNode("node")->requested().milli_cpu == 200);
  cache.ForgetPod(p1->metadata.uid);
  cache.ForgetPod(p2->metadata.uid);
  CHECK(cache.GetNode("node")->pods().empty());
  CHECK(cache.GetNode("node")->requested().milli_cpu == 0);
}

// Upstream addNodeImageStates assigns each name of status.images in order, so a name listed twice
// takes the size of its last entry; ImageLocality reads these sizes per node.
TEST_CASE("NodeInfo image sizes: the last entry listing a name wins", "[scheduler]") {
  auto node = NodeBuilder("node").Image("registry.k8s.io/pause:3.10", 100).Image("nginx:1.27", 300).Build();
  auto copy = std::make_shared<api::Node>(*node);
  copy->status.images.push_back(api::ContainerImage{{"nginx:latest", "registry.k8s.io/pause:3.10"}, 700});
  NodeInfo info(copy);
  CHECK(info.ImageSize("registry.k8s.io/pause:3.10") == 700);
  CHECK(info.ImageSize("nginx:1.27") == 300);
  CHECK(info.ImageSize("nginx:latest") == 700);
  CHECK_FALSE(info.ImageSize("nginx").has_value());
  info.SetNode(node);
  CHECK(info.ImageSize("registry.k8s.io/pause:3.10") == 100);
  CHECK_FALSE(info.ImageSize("nginx:latest").has_value());
}

// Names are compared by their interned copy: one per distinct name, whatever string it came from,
// and none for a name no Node has listed (no NodeInfo can hold it).
TEST_CASE("ImageNames: one interned copy per name, none for a name never listed", "[scheduler]") {
  const std::string name = "example.com/image-names-test:1";
  CHECK(ImageNames::Find(name) == nullptr);
  const std::string* interned = ImageNames::Intern(name);
  REQUIRE(interned != nullptr);
  CHECK(*interned == name);
  CHECK(ImageNames::Intern(std::string("example.com/image-names-test:") + "1") == interned);
  CHECK(ImageNames::Find(name) == interned);
  CHECK(ImageNames::Find("example.com/image-names-test:2") == nullptr);
  NodeInfo info(NodeBuilder("node").Image(name, 42).Build());
  CHECK(info.ImageSize(interned, NodeInfo::ImageNameHash(name)) == 42);
  // The right hash with another name's copy, and a null copy, find nothing.
  const std::string* other = ImageNames::Intern("example.com/image-names-test:3");
  CHECK_FALSE(info.ImageSize(other, NodeInfo::ImageNameHash(name)).has_value());
  CHECK_FALSE(info.ImageSize(nullptr, NodeInfo::ImageNameHash(name)).has_value());
}

}  // namespace
}  // namespace kubesim::scheduler
