// NodeInfo: the scheduler's aggregated view of one node (upstream framework.NodeInfo): the Node,
// the pods assigned or assumed onto it, and the sums of their requests.
//
// Two sums are kept, as upstream: `requested` (real requests, used by Filter and by
// BalancedAllocation) and `non_zero_requested` (cpu/memory defaulted to 100m / 200Mi for
// containers that request none, used by NodeResourcesFit scoring). See kubernetes/kubernetes
// pkg/scheduler/framework/types.go (NodeInfo.Requested, NonZeroRequested) and
// pkg/scheduler/util/pod_resources.go (DefaultMilliCPURequest, DefaultMemoryRequest) @ v1.32.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "models/api/node.h"
#include "models/api/pod.h"
#include "models/scheduler/image_names.h"

namespace kubesim::scheduler {

// Upstream framework.Resource: CPU in millicores, the rest in units.
struct Resource {
  int64_t milli_cpu = 0;
  int64_t memory = 0;
  int64_t ephemeral_storage = 0;
  int64_t allowed_pod_number = 0;
  std::map<std::string, int64_t> scalar;

  void Add(const Resource& o);
  void Sub(const Resource& o);
  void SetMax(const Resource& o);
  int64_t Get(const std::string& name) const;
  static Resource FromList(const api::ResourceList& list);
};

// DefaultMilliCPURequest / DefaultMemoryRequest (pkg/scheduler/util/pod_resources.go).
inline constexpr int64_t kDefaultMilliCPURequest = 100;
inline constexpr int64_t kDefaultMemoryRequest = 200 * 1024 * 1024;

// component-helpers PodRequests: max(Σ app + Σ sidecars, max init peak) + overhead.
// With `non_zero`, containers that give no cpu (memory) request count as 100m (200Mi).
Resource ComputePodRequests(const api::Pod& pod, bool non_zero);

struct PodInfo {
  std::shared_ptr<const api::Pod> pod;
  Resource requests;           // real
  Resource non_zero_requests;  // defaulted cpu/memory
  // FNV-1a of metadata.namespace: counts over many pods per namespace (MatchingPodCounts) pass
  // other namespaces' pods by one integer compare, and compare strings only on a match.
  uint64_t namespace_hash;
  explicit PodInfo(std::shared_ptr<const api::Pod> p);
};
using PodInfoPtr = std::shared_ptr<const PodInfo>;

class NodeInfo {
 public:
  NodeInfo() = default;
  explicit NodeInfo(std::shared_ptr<const api::Node> node) : NodeInfo() { SetNode(std::move(node)); }

  void SetNode(std::shared_ptr<const api::Node> node);
  const api::Node* node() const { return node_.get(); }
  const std::shared_ptr<const api::Node>& node_ptr() const { return node_; }
  const std::string& name() const { return node_->metadata.name; }
  // The Node's spec.unschedulable and spec.taints, copied at SetNode: the Filter plugins that read
  // them for every node of every cycle then need not reach the Node object (a cache miss per node
  // at tens of thousands of nodes). REQUIRES: node() is set.
  bool unschedulable() const { return unschedulable_; }
  const std::vector<api::Taint>& taints() const { return taints_; }

  void AddPod(PodInfoPtr pod);
  // The pod removed, null when the NodeInfo does not hold `uid`.
  PodInfoPtr RemovePod(const std::string& uid);
  const std::vector<PodInfoPtr>& pods() const { return pods_; }
  // Upstream NodeInfo.PodsWithAffinity / PodsWithRequiredAntiAffinity: the few pods that
  // InterPodAffinity must look at for every incoming pod, kept apart so it need not scan all.
  const std::vector<PodInfoPtr>& pods_with_affinity() const { return pods_with_affinity_; }
  const std::vector<PodInfoPtr>& pods_with_required_anti_affinity() const { return pods_with_required_anti_affinity_; }

  // A small number naming this node in its Cache (0 outside one), never reused there, so that
  // what is kept per node of one cache (MatchingPodCounts) can be indexed by it.
  uint32_t slot() const { return slot_; }
  void set_slot(uint32_t slot) { slot_ = slot; }

  // Upstream NodeInfo.ImageStates, the size part: the size of image `name` on this node (of the
  // last status.images entry listing the name, as upstream's cache builds it), none when the node
  // does not list it. A sorted index built with the Node, so ImageLocality's per-node lookup does
  // not scan every image name of the node.
  std::optional<int64_t> ImageSize(std::string_view name) const {
    return ImageSize(ImageNames::Find(name), ImageNameHash(name));
  }
  // The same for a caller that looks one name up on many nodes: `interned` =
  // ImageNames::Find(name) (null: no node lists it), `hash` = ImageNameHash(name).
  std::optional<int64_t> ImageSize(const std::string* interned, uint64_t hash) const;
  static uint64_t ImageNameHash(std::string_view name);

  const Resource& allocatable() const { return allocatable_; }
  const Resource& requested() const { return requested_; }
  const Resource& non_zero_requested() const { return non_zero_requested_; }

 private:
  std::shared_ptr<const api::Node> node_;
  std::vector<PodInfoPtr> pods_;
  std::vector<PodInfoPtr> pods_with_affinity_;
  std::vector<PodInfoPtr> pods_with_required_anti_affinity_;
  Resource allocatable_;
  bool unschedulable_ = false;
  std::vector<api::Taint> taints_;
  // By name hash then name, so a lookup compares integers; the name is interned (ImageNames), so
  // confirming a hash match compares pointers instead of reading the name.
  struct ImageEntry {
    uint64_t hash;
    int64_t size;
    const std::string* name;
  };
  std::vector<ImageEntry> image_sizes_;
  Resource requested_;
  Resource non_zero_requested_;

  uint32_t slot_ = 0;
};

}  // namespace kubesim::scheduler
