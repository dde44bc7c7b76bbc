#include "models/scheduler/plugins/image_locality.h"

#include <algorithm>
#include <memory>
#include <set>

namespace kubesim::scheduler {
namespace {

constexpr const char* kPreScoreStateKey = "PreScoreImageLocality";

// Upstream's snapshot imageStates reduced to what Score needs: how many of the snapshot's nodes
// list each image name, and the snapshot's node count.
struct ImageSummary : StateData {
  std::vector<std::string> pod_images;       // normalised, init then app containers
  std::vector<uint64_t> hashes;              // NodeInfo::ImageNameHash of each, for the per-node lookups
  std::vector<const std::string*> interned;  // ImageNames::Find of each (null: on no node)
  std::vector<int64_t> num_nodes;            // nodes listing each
  int64_t total_nodes = 0;
};

// The pod's images, normalised, in upstream's order (init containers, then app containers).
std::vector<std::string> PodImages(const api::Pod& pod) {
  std::vector<std::string> out;
  for (const auto& c : pod.spec.init_containers) out.push_back(NormalizedImageName(c.image));
  for (const auto& c : pod.spec.containers) out.push_back(NormalizedImageName(c.image));
  return out;
}

// Only the pod's own images can contribute, so only their node counts are looked up (the
// lister keeps upstream's imageStates counts).
ImageSummary Summarize(SharedLister& lister, std::vector<std::string> pod_images) {
  ImageSummary s;
  s.total_nodes = static_cast<int64_t>(lister.Nodes().size());
  for (const auto& name : pod_images) {
    s.hashes.push_back(NodeInfo::ImageNameHash(name));
    s.interned.push_back(ImageNames::Find(name));
    s.num_nodes.push_back(lister.ImageNodeCount(name));
  }
  s.pod_images = std::move(pod_images);
  return s;
}

// Upstream scaledImageScore: size × (numNodes / totalNumNodes) in float64, truncated, in that
// order of operations.
int64_t ScaledImageScore(int64_t size, int64_t num_nodes, int64_t total_nodes) {
  if (total_nodes == 0) return 0;  // a node outside the snapshot; upstream cannot get here
  double spread = static_cast<double>(num_nodes) / static_cast<double>(total_nodes);
  return static_cast<int64_t>(static_cast<double>(size) * spread);
}

// Upstream calculatePriority: clamp below first, then above, as upstream's if/else-if (with zero
// containers maxThreshold is 0 and the score is 0, without dividing by zero).
int64_t CalculatePriority(int64_t sum, int64_t num_containers) {
  int64_t max_threshold = ImageLocality::kMaxContainerThreshold * num_containers;
  if (sum < ImageLocality::kMinThreshold) {
    sum = ImageLocality::kMinThreshold;
  } else if (sum > max_threshold) {
    sum = max_threshold;
  }
  return kMaxNodeScore * (sum - ImageLocality::kMinThreshold) / (max_threshold - ImageLocality::kMinThreshold);
}

int64_t Compute(const ImageSummary& summary, const NodeInfo& node) {
  // Upstream sumImageScores (v1.26+): init containers, then app containers; a repeated image
  // counts again. A node's size for a name is its last entry listing it (upstream ImageStates).
  int64_t sum = 0;
  for (size_t i = 0; i < summary.pod_images.size(); ++i) {
    const std::optional<int64_t> size = node.ImageSize(summary.interned[i], summary.hashes[i]);
    if (!size.has_value()) continue;
    sum += ScaledImageScore(*size, summary.num_nodes[i], summary.total_nodes);
  }
  return CalculatePriority(sum, static_cast<int64_t>(summary.pod_images.size()));
}

}  // namespace

std::string NormalizedImageName(const std::string& name) {
  auto colon = name.rfind(':');
  auto slash = name.rfind('/');
  bool has_tag = colon != std::string::npos && (slash == std::string::npos || colon > slash);
  return has_tag ? name : name + ":latest";
}

Status ImageLocality::PreScore(CycleState& state, const api::Pod& pod, const std::vector<const NodeInfo*>&) {
  if (lister_ == nullptr) return Status::Error("ImageLocality needs a SharedLister");
  // All nodes of the snapshot, not only the feasible ones, as upstream's imageStates.
  state.Write(kPreScoreStateKey, std::make_unique<ImageSummary>(Summarize(*lister_, PodImages(pod))));
  return Status::Success();
}

Status ImageLocality::Score(const CycleState& state, const api::Pod& pod, const NodeInfo& node, int64_t* score) const {
  if (const auto* s = state.Read<ImageSummary>(kPreScoreStateKey)) {
    *score = Compute(*s, node);
    return Status::Success();
  }
  if (lister_ == nullptr) return Status::Error("ImageLocality needs a SharedLister");
  *score = Compute(Summarize(*lister_, PodImages(pod)), node);
  return Status::Success();
}

PluginFactory ImageLocalityFactory() {
  return [](const PluginContext& ctx, const api::YamlNode* args) -> sim::StatusOr<std::shared_ptr<Plugin>> {
    if (args != nullptr && args->Defined() && args->size() > 0) {
      return args->Error(std::string("plugin ") + ImageLocality::kName + " takes no arguments");
    }
    // A null lister is allowed when a configuration is only validated; scoring then errors.
    return std::shared_ptr<Plugin>(std::make_shared<ImageLocality>(ctx.lister));
  };
}

}  // namespace kubesim::scheduler
