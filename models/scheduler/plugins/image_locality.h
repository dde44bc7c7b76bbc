// ImageLocality (kubernetes/kubernetes pkg/scheduler/framework/plugins/imagelocality/image_locality.go
// @ v1.32; v1.26+ semantics).
// Score favours nodes that already hold the pod's container images: the sum over init and app
// containers of each present image's size, scaled by the fraction of nodes holding it (against
// the "node heating" of always picking the same nodes), clamped to [23 MB, 1000 MB × #containers]
// and mapped linearly onto [0, 100].
//
// Upstream keeps an imageStates summary (image name → size, number of nodes) in the snapshot.
// kubesim derives it from SharedLister::Nodes() once per cycle in PreScore (which never Skips) and
// keeps it in CycleState; Score recomputes it when PreScore did not run. The lister is not owned.
#pragma once

#include <string>
#include <vector>

#include "models/scheduler/framework.h"
#include "models/scheduler/registry.h"
#include "models/scheduler/shared_lister.h"

namespace kubesim::scheduler {

// Upstream normalizedImageName: append ":latest" when the name has neither a tag nor a digest
// (no ':' after the last '/').
std::string NormalizedImageName(const std::string& name);

class ImageLocality : public PreScorePlugin, public ScorePlugin {
 public:
  static constexpr const char* kName = "ImageLocality";
  static constexpr int64_t kMB = 1024 * 1024;
  static constexpr int64_t kMinThreshold = 23 * kMB;
  static constexpr int64_t kMaxContainerThreshold = 1000 * kMB;

  // REQUIRES: `lister` outlives the plugin and is valid during scheduling cycles.
  explicit ImageLocality(SharedLister* lister) : lister_(lister) {}

  std::string Name() const override { return kName; }
  // Score only: it never rejects a pod, so no event can make one schedulable.
  uint32_t EventsToRegister() const override { return 0; }
  Status PreScore(CycleState& state, const api::Pod& pod, const std::vector<const NodeInfo*>& nodes) override;
  Status Score(const CycleState& state, const api::Pod& pod, const NodeInfo& node, int64_t* score) const override;

 private:
  SharedLister* lister_;
};

// Registry factory (no args; takes the SharedLister from the PluginContext).
PluginFactory ImageLocalityFactory();

}  // namespace kubesim::scheduler
