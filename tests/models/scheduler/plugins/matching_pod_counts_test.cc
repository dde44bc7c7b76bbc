// MatchingPodCounts keeps CountPodsMatchSelector's answers across scheduling cycles; these tests
// prove it gives the same counts, and PodTopologySpread the same filter codes and scores, as a
// count from scratch, on random clusters under random pod and node changes.
#include "models/scheduler/plugins/matching_pod_counts.h"

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
  // One node in eight lacks the zone label (the "" domain of System defaulting); one in six is
  // tainted (nodeTaintsPolicy Honor).
  if (rng.UniformInt(8) != 0) b.Label(api::kLabelZone, "zone-" + std::to_string(rng.UniformInt(3)));
  if (rng.UniformInt(6) == 0) b.Taint("dedicated", "x", api::kTaintNoSchedule);
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
    CHECK(compared > 5000);
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

// The sums a direct pass over `nodes` gives: per zone value ("" without one), nodes and matching pods.
std::map<std::string, std::pair<int64_t, int64_t>> DirectZoneSums(const std::vector<const NodeInfo*>& nodes,
                                                                  const api::LabelSelector& sel) {
  std::map<std::string, std::pair<int64_t, int64_t>> out;
  for (const NodeInfo* ni : nodes) {
    auto it = ni->node()->metadata.labels.find(api::kLabelZone);
    auto& [n, pods] = out[it == ni->node()->metadata.labels.end() ? "" : it->second];
    ++n;
    pods += CountPodsMatchSelector(ni->pods(), sel, "default");
  }
  return out;
}

TEST_CASE("MatchingPodCounts::DomainCounts follows pod and node changes, and refuses lists it cannot follow",
          "[scheduler]") {
  sim::Rng rng(7);
  Cache cache;
  const int nodes = 30;
  for (int i = 0; i < nodes; ++i) cache.AddNode(RandomNode(rng, i));
  std::vector<std::shared_ptr<const api::Pod>> pods;
  int next_uid = 0;
  api::LabelSelector sel;
  sel.match_labels["app"] = "a";
  MatchingPodCounts memo;
  auto table = memo.For("default", sel, nodes);
  // The same sums following the cache's change log (visiting only changed nodes), with bursts of
  // changes long enough for the log to drop its oldest entries.
  MatchingPodCounts logged_memo;
  auto logged = logged_memo.For("default", sel, nodes);
  auto sums = [](const MatchingPodCounts::DomainCounts* d) {
    std::map<std::string, std::pair<int64_t, int64_t>> out;
    for (const auto& [zone, total] : d->totals()) {
      if (total.nodes > 0) out[zone] = {total.nodes, total.pods};
    }
    return out;
  };
  for (int step = 0; step < 400; ++step) {
    const uint64_t burst = rng.UniformInt(50) == 0 ? 3000 : 1 + rng.UniformInt(3);
    for (uint64_t i = 0; i < burst; ++i) Mutate(rng, cache, pods, nodes, next_uid);
    INFO("step " << step);
    const auto direct = DirectZoneSums(cache.NodeList(), sel);
    const auto* d = table->ByDomain(cache.NodeList(), api::kLabelZone, {});
    REQUIRE(d != nullptr);
    REQUIRE(sums(d) == direct);
    if (step % 3 == 0) continue;  // the logged sums fall behind by several changes at times
    const auto* l = logged->ByDomain(cache.NodeList(), api::kLabelZone, {}, &cache.changes());
    REQUIRE(l != nullptr);
    REQUIRE(sums(l) == direct);
  }
  CHECK(cache.changes().base() > 0);
  // NodeInfos outside a Cache all have slot 0: nothing can be kept by slot for them.
  NodeInfo a(NodeBuilder("a").Label(api::kLabelZone, "z").Build());
  NodeInfo b(NodeBuilder("b").Label(api::kLabelZone, "z").Build());
  CHECK(table->ByDomain({&a, &b}, api::kLabelZone, {}) == nullptr);
  // Only nodes with every required key count.
  const auto* d = table->ByDomain({&a}, api::kLabelZone, {api::kLabelZone, "missing"});
  REQUIRE(d != nullptr);
  for (const auto& [zone, total] : d->totals()) CHECK(total.nodes == 0);
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
      fresh.set_keep_domain_counts(false);
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
