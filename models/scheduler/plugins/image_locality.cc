#include "models/scheduler/plugins/image_locality.h"

#include <map>
#include <memory>
#include <set>

namespace kubesim::scheduler {
namespace {

constexpr const char* kPreScoreStateKey = "PreScoreImageLocality";

// Upstream's snapshot imageStates reduced to what Score needs: how many of the snapshot's nodes
// list each image name, and the snapshot's node count.
struct ImageSummary : StateData {
  std::map<std::string, int64_t> num_nodes;
  int64_t total_nodes = 0;
};

ImageSummary Summarize(const std::vector<const NodeInfo*>& nodes) {
  ImageSummary s;
  s.total_nodes = static_cast<int64_t>(nodes.size());
  for (const NodeInfo* n : nodes) {
    std::set<std::string> names;  // a node counts once per name even if listed twice
    for (const auto& image : n->node()->status.images) names.insert(image.names.begin(), image.names.end());
    for (const auto& name : names) ++s.num_nodes[name];
  }
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

int64_t Compute(const ImageSummary& summary, const api::Pod& pod, const NodeInfo& node) {
  // The node's own image states (upstream NodeInfo.ImageStates: name → size, later entries win).
  std::map<std::string, int64_t> sizes;
  for (const auto& image : node.node()->status.images) {
    for (const auto& name : image.names) sizes[name] = image.size_bytes;
  }
  // Upstream sumImageScores (v1.26+): init containers, then app containers; a repeated image
  // counts again.
  int64_t sum = 0;
  auto add = [&](const std::vector<api::Container>& containers) {
    for (const auto& c : containers) {
      auto it = sizes.find(NormalizedImageName(c.image));
      if (it == sizes.end()) continue;
      auto n = summary.num_nodes.find(it->first);
      int64_t num_nodes = n == summary.num_nodes.end() ? 0 : n->second;
      sum += ScaledImageScore(it->second, num_nodes, summary.total_nodes);
    }
  };
  add(pod.spec.init_containers);
  add(pod.spec.containers);
  int64_t num_containers = static_cast<int64_t>(pod.spec.init_containers.size() + pod.spec.containers.size());
  return CalculatePriority(sum, num_containers);
}

}  // namespace

std::string NormalizedImageName(const std::string& name) {
  auto colon = name.rfind(':');
  auto slash = name.rfind('/');
  bool has_tag = colon != std::string::npos && (slash == std::string::npos || colon > slash);
  return has_tag ? name : name + ":latest";
}

Status ImageLocality::PreScore(CycleState& state, const api::Pod&, const std::vector<const NodeInfo*>&) {
  if (lister_ == nullptr) return Status::Error("ImageLocality needs a SharedLister");
  // All nodes of the snapshot, not only the feasible ones, as upstream's imageStates.
  state.Write(kPreScoreStateKey, std::make_unique<ImageSummary>(Summarize(lister_->Nodes())));
  return Status::Success();
}

Status ImageLocality::Score(const CycleState& state, const api::Pod& pod, const NodeInfo& node, int64_t* score) const {
  if (const auto* s = state.Read<ImageSummary>(kPreScoreStateKey)) {
    *score = Compute(*s, pod, node);
    return Status::Success();
  }
  if (lister_ == nullptr) return Status::Error("ImageLocality needs a SharedLister");
  *score = Compute(Summarize(lister_->Nodes()), pod, node);
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
