// MatchingPodCounts keeps CountPodsMatchSelector's answers across scheduling cycles; these tests
// prove it gives the same counts, and PodTopologySpread the same filter codes and scores, as a
// count from scratch, on random clusters under random pod and node changes.
#include "models/scheduler/plugins/matching_pod_counts.h"

#include <catch2/catch.hpp>
#include <optional>
#include <string>
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
  // One node in eight lacks the zone label (the "" domain of System defaulting).
  if (rng.UniformInt(8) != 0) b.Label(api::kLabelZone, "zone-" + std::to_string(rng.UniformInt(3)));
  return b.Build();
}

std::shared_ptr<const api::Pod> RandomPod(sim::Rng& rng, const std::string& uid, const std::string& node) {
  PodBuilder b(uid);
  b.Namespace(Pick(rng, kNamespaces)).Label("app", Pick(rng, kApps)).Node(node).Req({{"cpu", "10m"}});
  if (rng.UniformInt(2) == 0) b.Label("tier", "web");
  if (rng.UniformInt(10) == 0) b.Terminating();
  b.mutable_pod().metadata.uid = uid;
  return b.Build();
}

// A random change to the cluster: add, replace or remove a pod, or relabel a node.
void Mutate(sim::Rng& rng, Cache& cache, std::vector<std::shared_ptr<const api::Pod>>& pods, int nodes, int& next_uid) {
  const uint64_t op = rng.UniformInt(10);
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

TEST_CASE("MatchingPodCounts equals CountPodsMatchSelector on random clusters under random changes", "[scheduler]") {
  for (uint64_t seed = 1; seed <= 5; ++seed) {
    sim::Rng rng(seed);
    Cache cache;
    const int nodes = 12 + static_cast<int>(rng.UniformInt(20));
    for (int i = 0; i < nodes; ++i) cache.AddNode(RandomNode(rng, i));
    std::vector<std::shared_ptr<const api::Pod>> pods;
    int next_uid = 0;
    MatchingPodCounts memo;
    const auto selectors = Selectors();
    int64_t compared = 0;
    for (int step = 0; step < 300; ++step) {
      Mutate(rng, cache, pods, nodes, next_uid);
      // A few selectors per step, so that tables go stale over several changes before being read.
      for (int k = 0; k < 3; ++k) {
        const auto& sel = Pick(rng, selectors);
        const std::string& ns = Pick(rng, kNamespaces);
        auto table = memo.For(ns, sel, cache.NodeList().size());
        for (const NodeInfo* ni : cache.NodeList()) {
          INFO("seed " << seed << " step " << step << " node " << ni->name());
          REQUIRE(table->Count(*ni) == CountPodsMatchSelector(ni->pods(), sel, ns));
          ++compared;
        }
      }
    }
    CHECK(compared > 10000);
  }
}

TEST_CASE("MatchingPodCounts: a copied NodeInfo keeps its counts until either copy changes", "[scheduler]") {
  NodeInfo a(NodeBuilder("n").Build());
  a.AddPod(std::make_shared<const PodInfo>(PodBuilder("p1").Label("app", "a").Build()));
  api::LabelSelector sel;
  sel.match_labels["app"] = "a";
  MatchingPodCounts memo;
  auto table = memo.For("default", sel, 1);
  REQUIRE(table->Count(a) == 1);
  NodeInfo b = a;
  REQUIRE(b.generation() == a.generation());
  REQUIRE(table->Count(b) == 1);
  b.RemovePod("uid-p1");
  REQUIRE(b.generation() != a.generation());
  CHECK(table->Count(b) == 0);
  CHECK(table->Count(a) == 1);
}

TEST_CASE("MatchingPodCounts: copies that diverge after sharing a history are each counted right", "[scheduler]") {
  // A snapshot's NodeInfo is a copy of the cache's, and preemption edits copies of its own: the
  // same slot then sees two histories with a common start. Counts must follow each.
  api::LabelSelector sel;
  sel.match_labels["app"] = "a";
  MatchingPodCounts memo;
  auto table = memo.For("default", sel, 1);
  auto pod = [](const std::string& name, const std::string& app) {
    return std::make_shared<const PodInfo>(PodBuilder(name).Label("app", app).Build());
  };
  NodeInfo a(NodeBuilder("n").Build());
  a.AddPod(pod("p1", "a"));
  a.AddPod(pod("p2", "b"));
  REQUIRE(table->Count(a) == 1);
  NodeInfo b = a;
  CHECK(table->Count(b) == 1);
  a.AddPod(pod("p3", "a"));  // a: p1 p2 p3 → 2
  b.AddPod(pod("q3", "b"));  // b: p1 p2 q3 → 1, the same number of changes as a
  b.RemovePod("uid-p1");     // b: → 0
  a.AddPod(pod("p4", "b"));  // a: → 2
  for (int round = 0; round < 3; ++round) {
    CHECK(table->Count(a) == 2);
    CHECK(table->Count(b) == 0);
  }
  // Long histories start over (a new epoch) and are still counted right.
  for (int i = 0; i < 100; ++i) {
    a.AddPod(pod("x" + std::to_string(i), i % 3 == 0 ? "a" : "c"));
    if (i % 7 == 0) CHECK(table->Count(a) == CountPodsMatchSelector(a.pods(), sel, "default"));
    if (i % 2 == 0) a.RemovePod("uid-x" + std::to_string(i));
  }
  CHECK(table->Count(a) == CountPodsMatchSelector(a.pods(), sel, "default"));
  CHECK(table->Count(b) == 0);
}

TEST_CASE("MatchingPodCounts evicts the least recently used selector beyond its limit", "[scheduler]") {
  MatchingPodCounts memo(/*max_entries=*/64 * 10);
  api::LabelSelector first;
  first.match_labels["app"] = "0";
  auto held = memo.For("default", first, 10);
  for (int i = 1; i < 100; ++i) {
    api::LabelSelector s;
    s.match_labels["app"] = std::to_string(i);
    memo.For("default", s, 10);
  }
  CHECK(memo.tables() == 64);
  // A table handed out stays usable after its eviction.
  NodeInfo n(NodeBuilder("n").Build());
  n.AddPod(std::make_shared<const PodInfo>(PodBuilder("p").Label("app", "0").Build()));
  CHECK(held->Count(n) == 1);
}

// PodTopologySpread's filter codes and scores with counts kept across cycles (one plugin for the
// whole run) equal those of a plugin that counts from scratch (a new plugin per cycle).
TEST_CASE("PodTopologySpread with counts kept across cycles scores as one counting from scratch", "[scheduler]") {
  for (uint64_t seed = 11; seed <= 14; ++seed) {
    sim::Rng rng(seed);
    Cache cache;
    SnapshotLister lister(cache);
    const int nodes = 20 + static_cast<int>(rng.UniformInt(20));
    for (int i = 0; i < nodes; ++i) cache.AddNode(RandomNode(rng, i));
    std::vector<std::shared_ptr<const api::Pod>> pods;
    int next_uid = 0;
    PodTopologySpread kept(&lister);
    for (int step = 0; step < 200; ++step) {
      Mutate(rng, cache, pods, nodes, next_uid);
      PodBuilder in("incoming");
      in.Namespace(Pick(rng, kNamespaces)).Label("app", Pick(rng, kApps));
      for (const char* key : {api::kLabelHostname, api::kLabelZone}) {
        api::TopologySpreadConstraint c;
        c.max_skew = 1 + static_cast<int32_t>(rng.UniformInt(3));
        c.topology_key = key;
        c.label_selector = Selectors()[rng.UniformInt(Selectors().size())];
        c.when_unsatisfiable = rng.UniformInt(3) == 0 ? "DoNotSchedule" : "ScheduleAnyway";
        in.mutable_pod().spec.topology_spread_constraints.push_back(c);
      }
      const api::Pod& pod = in.pod();
      const std::vector<const NodeInfo*>& all = cache.NodeList();
      PodTopologySpread fresh(&lister);
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
      }
    }
  }
}

}  // namespace
}  // namespace kubesim::scheduler
