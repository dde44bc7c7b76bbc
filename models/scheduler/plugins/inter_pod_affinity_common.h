// Helpers of InterPodAffinity (upstream framework.AffinityTerm and the topology maps of
// plugins/interpodaffinity): matching a pod (anti-)affinity term against a pod, and counts per
// topology pair (key, value).
//
// Terms are matched straight from the api::PodAffinityTerm of the pod that owns them, so an
// existing pod's terms cost nothing per cycle unless they are evaluated.
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>

#include "models/api/affinity.h"
#include "models/api/pod.h"
#include "models/scheduler/shared_lister.h"

namespace kubesim::scheduler {

// Namespace labels through the SharedLister, cached for one cycle. Get returns null for a
// namespace the lister does not know.
class NamespaceLabelCache {
 public:
  explicit NamespaceLabelCache(SharedLister* lister) : lister_(lister) {}
  const api::StringMap* Get(const std::string& ns);

 private:
  SharedLister* lister_;
  std::unordered_map<std::string, const api::StringMap*> cache_;
  std::unordered_map<std::string, std::shared_ptr<const api::Namespace>> keep_;
};

// Upstream AffinityTerm.Matches(target, nsLabels) for `term` of pod `owner`:
// * namespaces: `term.namespaces`, or the owner's namespace when both namespaces and
//   namespaceSelector are unset; otherwise the target's namespace labels must match the
//   namespaceSelector (an empty selector matches every namespace);
// * labelSelector (null matches nothing) ANDed, as the API server merges them at creation
//   (MatchLabelKeysInPodAffinity, beta in v1.31), with `key In (owner's value)` for each
//   matchLabelKeys key and `key NotIn (owner's value)` for each mismatchLabelKeys key the owner
//   carries.
// When the target's namespace is unknown: `unknown_namespace_as_empty` evaluates the selector on
// no labels (upstream matching an existing pod's term against the incoming pod, nsLabels nil);
// otherwise only an empty selector matches (upstream's incoming terms, whose namespaceSelector
// was resolved to the listed namespaces).
bool AffinityTermMatches(const api::Pod& owner, const api::PodAffinityTerm& term, const api::Pod& target,
                         NamespaceLabelCache& namespaces, bool unknown_namespace_as_empty);

// Counts per topology pair: key → value → count (upstream topologyToMatchedTermCount / scoreMap).
using TopologyCounts = std::unordered_map<std::string, std::unordered_map<std::string, int64_t>>;

// Upstream topologyToMatchedTermCount.update: adds `value` at (key, node_labels[key]) when the
// node has the key; an entry that drops to 0 is removed. Returns whether the node had the key.
bool UpdateTopologyCount(TopologyCounts& counts, const api::StringMap& node_labels, const std::string& key,
                         int64_t value);
// The count at (key, value); 0 when absent.
int64_t TopologyCount(const TopologyCounts& counts, const std::string& key, const std::string& value);

}  // namespace kubesim::scheduler
