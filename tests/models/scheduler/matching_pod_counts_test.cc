// MatchingPodCounts keeps CountPodsMatchSelector's answers and their sums per topology domain from
// the scheduler cache's changes; these tests prove it gives the same counts, and PodTopologySpread
// the same filter codes and scores, as counting from scratch over every node as upstream does, on
// random clusters under random pod and node changes.
#include "models/scheduler/matching_pod_counts.h"

#include <catch2/catch.hpp>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "models/api/node.h"
#include "models/scheduler/cache.h"
#include "models/scheduler/plugins/pod_topology_spread.h"
#include "models/scheduler/plugins/topology_spread_common.h"
#include "models/scheduler/snapshot_lister.h"
#include "sim/random.h"
#include "tests/support/builders.h"

namespace kubesim::scheduler {
namespace {

using testing::NodeBuilder;
using testing::PodBuilder;

const std::vector<std::string> kNamespaces = {"default", "other"};
const std::vector<std::string> kApps = {"a", "b", "c"};

template <typename T>
const T& Pick(sim::Rng& rng, const std::vector<T>& v) {
  return v[rng.UniformInt(v.size())];
}

// Null (matches nothing), empty (counts 0), `app In (…)`, `app=… , tier Exists`, `tier DoesNotExist`.
std::vector<std::optional<api::LabelSelector>> Selectors() {
  std::vector<std::optional<api::LabelSelector>> out;
  out.push_back(std::nullopt);
  out.push_back(api::LabelSelector{});
  for (const auto& app : kApps) {
    api::LabelSelector s;
    s.match_labels["app"] = app;
    out.push_back(s);
    s.match_expressions.push_back({"tier", api::SelectorOp::kExists, {}});
    out.push_back(s);
  }
  api::LabelSelector in;
  in.match_expressions.push_back({"app", api::SelectorOp::kIn, {"a", "c"}});
  out.push_back(in);
  api::LabelSelector none;
  none.match_expressions.push_back({"tier", api::SelectorOp::kDoesNotExist, {}});
  out.push_back(none);
  return out;
}

std::shared_ptr<const api::Node> RandomNode(sim::Rng& rng, int i) {
  NodeBuilder b("node-" + std::to_string(i));
  b.Cap({{"cpu", "64"}, {"memory", "256Gi"}});
  // One node in eight lacks the zone label (the "" domain of System defaulting), one in ten the
  // hostname label; one in six is tainted (nodeTaintsPolicy Honor).
  if (rng.UniformInt(8) != 0) b.Label(api::kLabelZone, "zone-" + std::to_string(rng.UniformInt(3)));
  if (rng.UniformInt(6) == 0) b.Taint("dedicated", "x", api::kTaintNoSchedule);
  auto node = std::make_shared<api::Node>(*b.Build());
  if (rng.UniformInt(10) == 0) node->metadata.labels.erase(api::kLabelHostname);
  return node;
}

std::shared_ptr<const api::Pod> RandomPod(sim::Rng& rng, const std::string& uid, const std::string& node) {
  PodBuilder b(uid);
  b.Namespace(Pick(rng, kNamespaces)).Label("app", Pick(rng, kApps)).Node(node).Req({{"cpu", "10m"}});
  if (rng.UniformInt(2) == 0) b.Label("tier", "web");
  if (rng.UniformInt(10) == 0) b.Terminating();
  b.mutable_pod().metadata.uid = uid;
  return b.Build();
}

// A random change to the cluster: add, replace or remove a pod, relabel a node, or remove a node
// (its pods stay counted in the cache) and add it back later.
void Mutate(sim::Rng& rng, Cache& cache, std::vector<std::shared_ptr<const api::Pod>>& pods, int nodes, int& next_uid) {
  const uint64_t op = rng.UniformInt(12);
  if (op >= 10) {
    const int i = static_cast<int>(rng.UniformInt(static_cast<uint64_t>(nodes)));
    if (op == 10) {
      cache.RemoveNode("node-" + std::to_string(i));
    } else {
      cache.AddNode(RandomNode(rng, i));
    }
    return;
  }
  const std::string node = "node-" + std::to_string(rng.UniformInt(static_cast<uint64_t>(nodes)));
  if (op < 5 || pods.empty()) {
    pods.push_back(RandomPod(rng, "pod-" + std::to_string(next_uid++), node));
    cache.AddPod(pods.back());
  } else if (op < 7) {
    auto& p = pods[rng.UniformInt(pods.size())];
    p = RandomPod(rng, p->metadata.uid, rng.UniformInt(2) == 0 ? p->spec.node_name : node);
    cache.UpdatePod(p);
  } else if (op < 9) {
    size_t i = rng.UniformInt(pods.size());
    cache.RemovePod(*pods[i]);
    pods.erase(pods.begin() + static_cast<std::ptrdiff_t>(i));
  } else {
    cache.UpdateNode(RandomNode(rng, static_cast<int>(rng.UniformInt(static_cast<uint64_t>(nodes)))));
  }
}

// What upstream's loops give over the cache's node list for (`topology_key`, `required`): per
// domain, nodes and matching pods; and each listed node's domain ("-" when it does not count).
struct DirectSums {
  std::map<std::string, std::pair<int64_t, int64_t>> domains;
  std::map<std::string, std::string> domain_of;
};
DirectSums Direct(Cache& cache, const std::string& topology_key, const std::vector<std::string>& required,
                  const std::optional<api::LabelSelector>& sel, const std::string& ns) {
  DirectSums out;
  for (const NodeInfo* ni : cache.NodeList()) {
    const api::StringMap& labels = ni->node()->metadata.labels;
    bool counts = true;
    for (const auto& k : required) counts = counts && labels.count(k) > 0;
    out.domain_of[ni->name()] = "-";
    if (!counts) continue;
    auto it = labels.find(topology_key);
    const std::string domain = it == labels.end() ? "" : it->second;
    out.domain_of[ni->name()] = domain;
    auto& [n, pods] = out.domains[domain];
    ++n;
    pods += CountPodsMatchSelector(ni->pods(), sel, ns);
  }
  return out;
}

DirectSums Kept(Cache& cache, const MatchingPodCounts::DomainCounts& d) {
  DirectSums out;
  d.ForEachDomain([&](const std::string& name, int64_t pods) { out.domains[name].second = pods; });
  for (const NodeInfo* ni : cache.NodeList()) {
    const int32_t id = d.DomainOf(*ni);
    out.domain_of[ni->name()] = id < 0 ? "-" : d.Name(id);
    if (id >= 0) ++out.domains[d.Name(id)].first;
    if (id >= 0) REQUIRE(d.Pods(id) == d.PodsIn(d.Name(id)));
  }
  return out;
}

TEST_CASE("MatchingPodCounts equals CountPodsMatchSelector on random clusters under random changes", "[scheduler]") {
  const std::vector<std::pair<std::string, std::vector<std::string>>> key_sets = {
      {api::kLabelZone, {}},
      {api::kLabelZone, {api::kLabelZone}},
      {api::kLabelHostname, {api::kLabelHostname, api::kLabelZone}},
  };
  for (uint64_t seed = 1; seed <= 5; ++seed) {
    sim::Rng rng(seed);
    Cache cache;
    const int nodes = 12 + static_cast<int>(rng.UniformInt(20));
    for (int i = 0; i < nodes; ++i) cache.AddNode(RandomNode(rng, i));
    std::vector<std::shared_ptr<const api::Pod>> pods;
    int next_uid = 0;
    const auto selectors = Selectors();
    int64_t compared = 0;
    for (int step = 0; step < 300; ++step) {
      // Several changes between reads, and tables asked for the first time at any point.
      const uint64_t changes = 1 + rng.UniformInt(4);
      for (uint64_t c = 0; c < changes; ++c) Mutate(rng, cache, pods, nodes, next_uid);
      for (int k = 0; k < 3; ++k) {
        const auto& sel = Pick(rng, selectors);
        const std::string& ns = Pick(rng, kNamespaces);
        auto table = cache.matching_pods().For(ns, sel);
        INFO("seed " << seed << " step " << step);
        // Every NodeInfo, also those of removed nodes that still hold pods.
        for (int i = 0; i < nodes; ++i) {
          const NodeInfo* ni = cache.GetNode("node-" + std::to_string(i));
          if (ni == nullptr) continue;
          REQUIRE(table->Count(*ni) == CountPodsMatchSelector(ni->pods(), sel, ns));
          ++compared;
        }
        const auto& [key, required] = Pick(rng, key_sets);
        const DirectSums direct = Direct(cache, key, required, sel, ns);
        const DirectSums kept = Kept(cache, table->ByDomain(key, required));
        REQUIRE(kept.domain_of == direct.domain_of);
        REQUIRE(kept.domains == direct.domains);
      }
    }
    CHECK(compared > 5000);
    CHECK(cache.matching_pods().tables() > 10);
  }
}

TEST_CASE("MatchingPodCounts forgets the least recently used selector beyond its limit", "[scheduler]") {
  // Counts over a cache with no NodeInfo yet, keeping 64 selectors.
  const std::map<std::string, NodeInfo> no_nodes;
  MatchingPodCounts counts(no_nodes, /*max_tables=*/64);
  api::LabelSelector first;
  first.match_labels["app"] = "0";
  auto held = counts.For("default", first);
  for (int i = 1; i < 100; ++i) {
    api::LabelSelector s;
    s.match_labels["app"] = std::to_string(i);
    counts.For("default", s);
  }
  CHECK(counts.tables() == 64);
  // A forgotten table stays readable and no longer follows; asked for again, it starts afresh.
  counts.PodChanged(0, PodInfo(PodBuilder("p").Label("app", "0").Build()), +1);
  NodeInfo n(NodeBuilder("n").Build());  // slot 0
  CHECK(held->Count(n) == 0);
  auto again = counts.For("default", first);
  CHECK(again != held);
  counts.PodChanged(0, PodInfo(PodBuilder("q").Label("app", "0").Build()), +1);
  CHECK(again->Count(n) == 1);
  CHECK(held->Count(n) == 0);
}

// PodTopologySpread's filter codes and scores with counts kept across cycles (one plugin for the
// whole run: per node, and per domain where a constraint includes every node) equal those of a
// plugin that counts from scratch over every node as upstream does (a new plugin per cycle).
// Incoming pods have their own constraints or System defaults (from an owning ReplicaSet), with
// or without a nodeSelector and either inclusion policy, so both ways of summing are compared.
TEST_CASE("PodTopologySpread with counts kept across cycles scores as one counting from scratch", "[scheduler]") {
  for (uint64_t seed = 11; seed <= 16; ++seed) {
    sim::Rng rng(seed);
    Cache cache;
    SnapshotLister lister(cache);
    for (const auto& app : kApps) {
      for (const auto& ns : kNamespaces) {
        auto rs = std::make_shared<api::ReplicaSet>();
        rs->metadata.name = "rs-" + app;
        rs->metadata.namespace_ = ns;
        rs->selector.match_labels["app"] = app;
        lister.replicasets.push_back(rs);
      }
    }
    const int nodes = 20 + static_cast<int>(rng.UniformInt(20));
    for (int i = 0; i < nodes; ++i) cache.AddNode(RandomNode(rng, i));
    std::vector<std::shared_ptr<const api::Pod>> pods;
    int next_uid = 0;
    PodTopologySpread kept(&lister);
    int64_t scored = 0;
    for (int step = 0; step < 300; ++step) {
      Mutate(rng, cache, pods, nodes, next_uid);
      PodBuilder in("incoming");
      const std::string app = Pick(rng, kApps);
      in.Namespace(Pick(rng, kNamespaces)).Label("app", app);
      if (rng.UniformInt(4) == 0) in.NodeSelector(api::kLabelZone, "zone-" + std::to_string(rng.UniformInt(3)));
      if (rng.UniformInt(3) == 0) {
        // System defaults: the owning ReplicaSet's selector.
        api::OwnerReference ref;
        ref.api_version = api::ReplicaSet::kAPIVersion;
        ref.kind = api::ReplicaSet::kKind;
        ref.name = "rs-" + app;
        ref.controller = true;
        in.mutable_pod().metadata.owner_references.push_back(ref);
      } else {
        for (const char* key : {api::kLabelHostname, api::kLabelZone}) {
          api::TopologySpreadConstraint c;
          c.max_skew = 1 + static_cast<int32_t>(rng.UniformInt(3));
          c.topology_key = key;
          c.label_selector = Selectors()[rng.UniformInt(Selectors().size())];
          c.when_unsatisfiable = rng.UniformInt(3) == 0 ? "DoNotSchedule" : "ScheduleAnyway";
          if (rng.UniformInt(4) == 0) c.node_affinity_policy = "Ignore";
          if (rng.UniformInt(4) == 0) c.node_taints_policy = "Honor";
          in.mutable_pod().spec.topology_spread_constraints.push_back(c);
        }
      }
      const api::Pod& pod = in.pod();
      const std::vector<const NodeInfo*>& all = cache.NodeList();
      PodTopologySpread fresh(&lister);
      fresh.set_use_kept_counts(false);
      CycleState kept_state, fresh_state;
      Status a = kept.PreFilter(kept_state, pod, all);
      Status b = fresh.PreFilter(fresh_state, pod, all);
      REQUIRE(a.code() == b.code());
      std::vector<const NodeInfo*> feasible;
      for (const NodeInfo* ni : all) {
        Code ca = a.IsSkip() ? Code::kSuccess : kept.Filter(kept_state, pod, *ni).code();
        Code cb = b.IsSkip() ? Code::kSuccess : fresh.Filter(fresh_state, pod, *ni).code();
        INFO("seed " << seed << " step " << step << " node " << ni->name());
        REQUIRE(ca == cb);
        if (ca == Code::kSuccess) feasible.push_back(ni);
      }
      if (feasible.empty()) continue;
      a = kept.PreScore(kept_state, pod, feasible);
      b = fresh.PreScore(fresh_state, pod, feasible);
      REQUIRE(a.code() == b.code());
      if (!a.IsSuccess()) continue;
      NodeScoreList la, lb;
      for (const NodeInfo* ni : feasible) {
        int64_t sa = -1, sb = -1;
        REQUIRE(kept.Score(kept_state, pod, *ni, &sa).IsSuccess());
        REQUIRE(fresh.Score(fresh_state, pod, *ni, &sb).IsSuccess());
        la.push_back({ni->name(), sa});
        lb.push_back({ni->name(), sb});
      }
      REQUIRE(kept.NormalizeScore(kept_state, pod, la).IsSuccess());
      REQUIRE(fresh.NormalizeScore(fresh_state, pod, lb).IsSuccess());
      for (size_t i = 0; i < la.size(); ++i) {
        INFO("seed " << seed << " step " << step << " node " << la[i].name);
        REQUIRE(la[i].score == lb[i].score);
        ++scored;
      }
    }
    CHECK(scored > 1000);
  }
}

}  // namespace
}  // namespace kubesim::scheduler
