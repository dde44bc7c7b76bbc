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

// Upstream nextGeneration: a process-wide counter, so a generation names one state of one NodeInfo
// (a copy shares its original's generation until either changes).
uint64_t NextNodeInfoGeneration();

// The NodeInfos a Cache changed, in order: the slot of each one a change touched (node set or
// updated, pod added or removed), so what is kept per node can visit only those instead of every
// node. Upstream's cache keeps its NodeInfos in a list ordered by generation for the same reason
// (UpdateSnapshot walks only the nodes changed since the snapshot's generation; kubernetes/
// kubernetes pkg/scheduler/backend/cache/cache.go @ v1.32, moveNodeInfoToHead). Entries before
// base() are dropped once the log outgrows the cluster; a reader that far behind visits every node.
class NodeChangeLog {
 public:
  uint64_t base() const { return base_; }
  uint64_t end() const { return base_ + slots_.size(); }
  // REQUIRES: base() <= pos < end().
  uint32_t at(uint64_t pos) const { return slots_[pos - base_]; }
  // Changes whenever a node joins or leaves the node list (or moves in it): positions in the log
  // say nothing about the nodes of another list.
  uint64_t list_epoch() const { return list_epoch_; }

  void Append(uint32_t slot, size_t nodes) {
    if (slots_.size() >= 4 * nodes + 4096) {
      base_ += slots_.size();
      slots_.clear();
    }
    slots_.push_back(slot);
  }
  void ListChanged() { ++list_epoch_; }

 private:
  uint64_t base_ = 0;
  std::vector<uint32_t> slots_;
  uint64_t list_epoch_ = 0;
};

class NodeInfo {
 public:
  // One change of pods_, as what is counted over pods' namespaces and labels sees it: `pod` added
  // (sign +1) or removed (-1); `id` is the generation the change gave the NodeInfo, unique across
  // every NodeInfo and copy, so a reader can tell whether a history it saw is still this one's.
  struct PodChange {
    PodInfoPtr pod;
    int sign;
    uint64_t id;
    uint64_t namespace_hash;  // the pod's PodInfo::namespace_hash, read without touching the pod
  };

  NodeInfo() : generation_(NextNodeInfoGeneration()), pod_changes_epoch_(generation_) {}
  explicit NodeInfo(std::shared_ptr<const api::Node> node) : NodeInfo() { SetNode(std::move(node)); }

  void SetNode(std::shared_ptr<const api::Node> node);
  const api::Node* node() const { return node_.get(); }
  const std::shared_ptr<const api::Node>& node_ptr() const { return node_; }
  const std::string& name() const { return node_->metadata.name; }

  void AddPod(PodInfoPtr pod);
  bool RemovePod(const std::string& uid);
  const std::vector<PodInfoPtr>& pods() const { return pods_; }
  // Upstream NodeInfo.PodsWithAffinity / PodsWithRequiredAntiAffinity: the few pods that
  // InterPodAffinity must look at for every incoming pod, kept apart so it need not scan all.
  const std::vector<PodInfoPtr>& pods_with_affinity() const { return pods_with_affinity_; }
  const std::vector<PodInfoPtr>& pods_with_required_anti_affinity() const { return pods_with_required_anti_affinity_; }

  // Upstream NodeInfo.Generation: renewed by every change to the node or its pods; a copy shares
  // it until either changes. Each pod change's id (pod_changes()) is the generation it gave.
  uint64_t generation() const { return generation_; }
  // The generation SetNode last gave: unchanged while only pods change, so what is derived from
  // the Node alone (its labels' topology domain) need not be read again (MatchingPodCounts).
  uint64_t node_generation() const { return node_generation_; }
  // A small number naming this node in its Cache (0 outside one), for tables indexed by node.
  // Not unique across caches: what such a table keeps must be checked against the node's history
  // (pod_changes_epoch() and the change ids), as MatchingPodCounts does.
  uint32_t slot() const { return slot_; }
  void set_slot(uint32_t slot) { slot_ = slot; }

  // The pod changes since pod_changes_epoch() began, oldest first (kubesim's own: upstream
  // recounts). A count kept over this node's pods can apply the changes after the ones it has seen
  // instead of recounting (MatchingPodCounts). The log starts again, under a new epoch, when it
  // outgrows twice the pods; a copy shares its original's history up to the copy.
  const std::vector<PodChange>& pod_changes() const { return pod_changes_; }
  uint64_t pod_changes_epoch() const { return pod_changes_epoch_; }

  // Upstream NodeInfo.ImageStates, the size part: the size of image `name` on this node (of the
  // last status.images entry listing the name, as upstream's cache builds it), none when the node
  // does not list it. A sorted index built with the Node, so ImageLocality's per-node lookup does
  // not scan every image name of the node.
  std::optional<int64_t> ImageSize(std::string_view name) const;

  const Resource& allocatable() const { return allocatable_; }
  const Resource& requested() const { return requested_; }
  const Resource& non_zero_requested() const { return non_zero_requested_; }

 private:
  std::shared_ptr<const api::Node> node_;
  std::vector<PodInfoPtr> pods_;
  std::vector<PodInfoPtr> pods_with_affinity_;
  std::vector<PodInfoPtr> pods_with_required_anti_affinity_;
  Resource allocatable_;
  std::vector<std::pair<std::string_view, int64_t>> image_sizes_;  // by name; views into node_
  Resource requested_;
  Resource non_zero_requested_;
  void LogPodChange(PodInfoPtr pod, int sign);

  uint64_t generation_;
  uint64_t node_generation_ = 0;
  uint32_t slot_ = 0;
  std::vector<PodChange> pod_changes_;
  uint64_t pod_changes_epoch_;
};

}  // namespace kubesim::scheduler
