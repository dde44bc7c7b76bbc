// PodTopologySpread: cases from kubernetes/kubernetes pkg/scheduler/framework/plugins/podtopologyspread/
// scoring_test.go TestPodTopologySpreadScore and filtering_test.go TestSingleConstraint @ v1.32, named by
// the upstream cases' `name:` (scoring_test.go read in a v1.32-era copy and on master at 008b3652959c,
// filtering_test.go in an older copy and on master at 01c2588bf4a3; the names used here are the same in
// each), plus kubesim's own cases for minDomains, inclusion policies, matchLabelKeys, the System default
// constraints from Services and ReplicaSets, and args decoding.
#include "models/scheduler/plugins/pod_topology_spread.h"

#include <catch2/catch.hpp>
#include <optional>
#include <string>
#include <vector>

#include "models/api/kinds.h"
#include "models/api/node.h"
#include "models/api/yaml_node.h"
#include "tests/models/scheduler/plugins/score_harness.h"
#include "tests/support/builders.h"
#include "tests/support/fake_lister.h"

namespace kubesim::scheduler {
namespace {

using testing::FakeLister;
using testing::MakeNodeInfo;
using testing::NodeBuilder;
using testing::PodBuilder;
using testing::RunFilterAll;

api::LabelSelector Exists(const std::string& key) {
  api::LabelSelector s;
  s.match_expressions.push_back({key, api::SelectorOp::kExists, {}});
  return s;
}

api::TopologySpreadConstraint SC(int32_t max_skew, std::string key, std::optional<api::LabelSelector> selector,
                                 std::string when = "ScheduleAnyway") {
  api::TopologySpreadConstraint c;
  c.max_skew = max_skew;
  c.topology_key = std::move(key);
  c.label_selector = std::move(selector);
  c.when_unsatisfiable = std::move(when);
  return c;
}

// `n` pods with the given label on one node.
std::vector<PodBuilder> Pods(int n, const std::string& label = "foo", const std::string& ns = "default") {
  std::vector<PodBuilder> out;
  for (int i = 0; i < n; ++i)
    out.push_back(PodBuilder(std::string("p").append(std::to_string(i))).Label(label, "").Namespace(ns));
  return out;
}

struct ScoreResult {
  Code prescore = Code::kSuccess;
  std::vector<int64_t> scores;
};

// As testing::RunScore (score_harness.h), but PreScore gets only the first `candidates` nodes while
// the lister holds all (upstream's "failed nodes"), and a PreScore Skip is returned rather than
// required away.
ScoreResult RunScore(PodTopologySpread& plugin, const api::Pod& pod, const std::vector<NodeInfo>& nodes,
                     size_t candidates) {
  CycleState state;
  std::vector<const NodeInfo*> ptrs;
  for (size_t i = 0; i < candidates; ++i) ptrs.push_back(&nodes[i]);
  ScoreResult r;
  Status st = plugin.PreScore(state, pod, ptrs);
  r.prescore = st.code();
  if (!st.IsSuccess()) return r;
  NodeScoreList list;
  for (const auto* n : ptrs) {
    int64_t s = -1;
    REQUIRE(plugin.Score(state, pod, *n, &s).IsSuccess());
    list.push_back({n->name(), s});
  }
  REQUIRE(plugin.NormalizeScore(state, pod, list).IsSuccess());
  for (const auto& s : list) r.scores.push_back(s.score);
  return r;
}

constexpr Code S = Code::kSuccess;
constexpr Code U = Code::kUnschedulable;
constexpr Code UU = Code::kUnschedulableAndUnresolvable;

struct ScoreRow {
  const char* name;
  PodBuilder pod;
  std::vector<NodeInfo> nodes;  // candidates first, then failed nodes
  size_t candidates;
  std::vector<int64_t> want;
  bool match_label_keys = true;
};

NodeBuilder N(const char* name) { return NodeBuilder(name); }
NodeBuilder NodeLabelled(const char* name) { return NodeBuilder(name).Label("node", name); }

TEST_CASE("PodTopologySpread Score: upstream TestPodTopologySpreadScore cases", "[scheduler][plugin]") {
  auto foo = Exists("foo");
  auto pod = [] { return PodBuilder("in").Label("foo", ""); };
  std::vector<ScoreRow> rows;
  rows.push_back({"one constraint on node, no existing pods",
                  pod().Spread(SC(1, api::kLabelHostname, foo)),
                  {MakeNodeInfo(N("a")), MakeNodeInfo(N("b"))},
                  2,
                  {100, 100}});
  rows.push_back({"one constraint on node, only one node is candidate",
                  pod().Spread(SC(1, api::kLabelHostname, foo)),
                  {MakeNodeInfo(N("a"), Pods(2)), MakeNodeInfo(N("b"), Pods(1))},
                  1,
                  {100}});
  rows.push_back({"one constraint on node, all nodes have the same number of matching pods",
                  pod().Spread(SC(1, api::kLabelHostname, foo)),
                  {MakeNodeInfo(N("a"), Pods(1)), MakeNodeInfo(N("b"), Pods(1))},
                  2,
                  {100, 100}});
  rows.push_back({"one constraint on node, all 4 nodes are candidates",
                  pod().Spread(SC(1, api::kLabelHostname, foo)),
                  {MakeNodeInfo(N("a"), Pods(2)), MakeNodeInfo(N("b"), Pods(1)), MakeNodeInfo(N("c")),
                   MakeNodeInfo(N("d"), Pods(3))},
                  4,
                  {20, 60, 100, 0}});
  rows.push_back({"one constraint on node, null selector",
                  pod().Spread(SC(1, api::kLabelHostname, std::nullopt)),
                  {MakeNodeInfo(N("a"), Pods(2)), MakeNodeInfo(N("b"), Pods(1)), MakeNodeInfo(N("c")),
                   MakeNodeInfo(N("d"), Pods(3))},
                  4,
                  {100, 100, 100, 100}});
  {
    auto a_pods = Pods(1, "foo", "ns1");
    a_pods.push_back(PodBuilder("q").Label("foo", ""));
    rows.push_back({"existing pods in a different namespace do not count",
                    pod().Spread(SC(1, api::kLabelHostname, foo)),
                    {MakeNodeInfo(N("a"), a_pods), MakeNodeInfo(N("b"), Pods(2))},
                    2,
                    {100, 33}});
  }
  rows.push_back(
      {"terminating Pods should be excluded",
       pod().Spread(SC(1, api::kLabelHostname, foo)),
       {MakeNodeInfo(N("a"), {PodBuilder("t").Label("foo", "").Terminating()}), MakeNodeInfo(N("b"), Pods(1))},
       2,
       {100, 0}});
  {
    auto c = SC(2, "node", foo);
    c.min_domains = 10;
    rows.push_back({"minDomains has no effect when ScheduleAnyway",
                    pod().Spread(c),
                    {MakeNodeInfo(NodeLabelled("a"), Pods(2)), MakeNodeInfo(NodeLabelled("b"), Pods(2)),
                     MakeNodeInfo(NodeLabelled("c"), Pods(1))},
                    3,
                    {75, 75, 100}});
  }
  auto policy_nodes = [](bool taint) {
    auto c = NodeLabelled("c");
    if (taint) c.Taint("k", "v", "NoSchedule");
    NodeBuilder a = NodeLabelled("a");
    NodeBuilder b = NodeLabelled("b");
    if (!taint) {
      a.Label("foo", "");
      b.Label("foo", "");
    }
    return std::vector<NodeInfo>{MakeNodeInfo(a, Pods(2)), MakeNodeInfo(b, Pods(1)), MakeNodeInfo(c, Pods(1))};
  };
  // "honoed" is upstream's spelling.
  rows.push_back({"NodeAffinityPolicy honoed with labelSelectors",
                  pod().NodeSelector("foo", "").Spread(SC(1, "node", foo)),
                  policy_nodes(false),
                  3,
                  {0, 33, 100}});
  {
    auto c = SC(1, "node", foo);
    c.node_affinity_policy = "Ignore";
    rows.push_back({"NodeAffinityPolicy ignored with labelSelectors",
                    pod().NodeSelector("foo", "").Spread(c),
                    policy_nodes(false),
                    3,
                    {66, 100, 100}});
  }
  {
    auto c = SC(1, "node", foo);
    c.node_taints_policy = "Honor";
    rows.push_back({"NodeTaintsPolicy honored", pod().Spread(c), policy_nodes(true), 3, {0, 33, 100}});
  }
  rows.push_back({"NodeTaintsPolicy ignored", pod().Spread(SC(1, "node", foo)), policy_nodes(true), 3, {66, 100, 100}});
  {
    auto zone = SC(1, api::kLabelZone, foo);
    zone.match_label_keys = {"baz"};
    auto host = SC(1, api::kLabelHostname, Exists("bar"));
    host.match_label_keys = {"baz"};
    auto in = PodBuilder("in").Label("foo", "").Label("bar", "").Label("baz", "").Spread(zone).Spread(host);
    auto nodes = [] {
      return std::vector<NodeInfo>{
          MakeNodeInfo(N("a").Label(api::kLabelZone, "zone1"), Pods(1, "foo")),
          MakeNodeInfo(N("b").Label(api::kLabelZone, "zone1"), {PodBuilder("x").Label("foo", "").Label("bar", "")}),
          MakeNodeInfo(N("c").Label(api::kLabelZone, "zone2"),
                       {PodBuilder("y").Label("foo", ""), PodBuilder("z").Label("bar", "")}),
          MakeNodeInfo(N("d").Label(api::kLabelZone, "zone2"))};
    };
    rows.push_back({"matchLabelKeys ignored when feature gate disabled", in, nodes(), 4, {60, 20, 60, 100}, false});
    // kubesim's own: the same pods with the gate on (v1.32 default); baz is ANDed into both selectors
    // and no existing pod carries it.
    rows.push_back(
        {"the same with the MatchLabelKeysInPodTopologySpread gate on", in, nodes(), 4, {100, 100, 100, 100}, true});
  }
  for (auto& r : rows) {
    SECTION(r.name) {
      FakeLister lister(r.nodes);
      PodTopologySpread plugin(&lister, {}, r.match_label_keys);
      ScoreResult got = RunScore(plugin, r.pod.pod(), r.nodes, r.candidates);
      REQUIRE(got.prescore == S);
      CHECK(got.scores == r.want);
    }
  }
}

// kubesim's own, after upstream's "one constraint on node, 3 out of 4 nodes are candidates, one node
// doesn't match topology key".
TEST_CASE("PodTopologySpread Score: nodes missing a key are ignored and score 0", "[scheduler][plugin]") {
  auto in = PodBuilder("in").Label("foo", "").Spread(SC(1, api::kLabelZone, Exists("foo")));
  std::vector<NodeInfo> nodes = {MakeNodeInfo(N("a").Label(api::kLabelZone, "z1"), Pods(1)),
                                 MakeNodeInfo(N("b").Label(api::kLabelZone, "z2")), MakeNodeInfo(N("c"))};
  FakeLister lister(nodes);
  PodTopologySpread plugin(&lister);
  // weight ln(2+2): a round(1.386)=1, b 0; c ignored → 0.
  CHECK(RunScore(plugin, in.pod(), nodes, 3).scores == std::vector<int64_t>{0, 100, 0});
}

TEST_CASE("PodTopologySpread PreScore skips pods without ScheduleAnyway constraints", "[scheduler][plugin]") {
  std::vector<NodeInfo> nodes = {MakeNodeInfo(N("a"))};
  FakeLister lister(nodes);
  PodTopologySpread plugin(&lister);
  auto hard = PodBuilder("in").Label("foo", "").Spread(SC(1, api::kLabelHostname, Exists("foo"), "DoNotSchedule"));
  CHECK(RunScore(plugin, hard.pod(), nodes, 1).prescore == Code::kSkip);
  // No constraints and no Service or ReplicaSet: the System defaults have an empty selector.
  CHECK(RunScore(plugin, PodBuilder("in").Label("app", "web").pod(), nodes, 1).prescore == Code::kSkip);
}

std::vector<NodeInfo> ZoneNodes(std::vector<std::vector<PodBuilder>> pods) {
  const char* names[] = {"a", "b", "x", "y"};
  const char* zones[] = {"zone1", "zone1", "zone2", "zone2"};
  std::vector<NodeInfo> out;
  for (size_t i = 0; i < 4; ++i) {
    out.push_back(MakeNodeInfo(NodeLabelled(names[i]).Label(api::kLabelZone, zones[i]), pods[i]));
  }
  return out;
}

TEST_CASE("PodTopologySpread Filter: upstream TestSingleConstraint cases", "[scheduler][plugin]") {
  struct Row {
    const char* name;
    std::optional<api::LabelSelector> selector;
    std::vector<std::vector<PodBuilder>> pods;
    std::vector<Code> want;
  };
  auto ns_pods = Pods(1, "foo", "ns1");
  ns_pods.push_back(PodBuilder("q").Label("foo", "").Namespace("ns2"));
  std::vector<Row> rows = {
      {"no existing pods", Exists("foo"), {{}, {}, {}, {}}, {S, S, S, S}},
      {"no existing pods, incoming pod doesn't match itself", Exists("bar"), {{}, {}, {}, {}}, {S, S, S, S}},
      {"existing pods in a different namespace do not count",
       Exists("foo"),
       {ns_pods, {}, Pods(1), Pods(1)},
       {S, S, U, U}},
      {"pods spread across zones as 3/3, all nodes fit", Exists("foo"), {Pods(2), Pods(1), {}, Pods(3)}, {S, S, S, S}},
  };
  for (auto& r : rows) {
    SECTION(r.name) {
      auto nodes = ZoneNodes(r.pods);
      FakeLister lister(nodes);
      PodTopologySpread plugin(&lister);
      auto in = PodBuilder("in").Label("foo", "").Spread(SC(1, api::kLabelZone, r.selector, "DoNotSchedule"));
      CHECK(RunFilterAll(plugin, in.pod(), nodes) == r.want);
    }
  }
}

TEST_CASE("PodTopologySpread Filter: reasons, minDomains, policies, matchLabelKeys", "[scheduler][plugin]") {
  auto foo = Exists("foo");
  SECTION("node without the key is unresolvable, skew violation unschedulable") {
    std::vector<NodeInfo> nodes = {MakeNodeInfo(N("a").Label(api::kLabelZone, "z1"), Pods(1)),
                                   MakeNodeInfo(N("b").Label(api::kLabelZone, "z2")), MakeNodeInfo(N("c"))};
    FakeLister lister(nodes);
    PodTopologySpread plugin(&lister);
    auto in = PodBuilder("in").Label("foo", "").Spread(SC(1, api::kLabelZone, foo, "DoNotSchedule"));
    std::vector<std::string> reasons;
    CHECK(RunFilterAll(plugin, in.pod(), nodes, &reasons) == std::vector<Code>{U, S, UU});
    CHECK(reasons ==
          std::vector<std::string>{"node(s) didn't match pod topology spread constraints", "",
                                   "node(s) didn't match pod topology spread constraints (missing required label)"});
  }
  SECTION("minDomains above the domain count makes the global minimum 0") {
    auto nodes = ZoneNodes({Pods(1), {}, Pods(1), {}});
    FakeLister lister(nodes);
    PodTopologySpread plugin(&lister);
    auto c = SC(1, api::kLabelZone, foo, "DoNotSchedule");
    CHECK(RunFilterAll(plugin, PodBuilder("in").Label("foo", "").Spread(c).pod(), nodes) ==
          std::vector<Code>{S, S, S, S});
    c.min_domains = 3;
    CHECK(RunFilterAll(plugin, PodBuilder("in").Label("foo", "").Spread(c).pod(), nodes) ==
          std::vector<Code>{U, U, U, U});
  }
  SECTION("nodeTaintsPolicy Honor drops the tainted domain from the minimum") {
    std::vector<NodeInfo> nodes = {MakeNodeInfo(N("a").Label(api::kLabelZone, "z1"), Pods(1)),
                                   MakeNodeInfo(N("x").Label(api::kLabelZone, "z2").Taint("k", "v", "NoSchedule"))};
    FakeLister lister(nodes);
    PodTopologySpread plugin(&lister);
    auto c = SC(1, api::kLabelZone, foo, "DoNotSchedule");
    CHECK(RunFilterAll(plugin, PodBuilder("in").Label("foo", "").Spread(c).pod(), nodes) == std::vector<Code>{U, S});
    c.node_taints_policy = "Honor";
    CHECK(RunFilterAll(plugin, PodBuilder("in").Label("foo", "").Spread(c).pod(), nodes) == std::vector<Code>{S, S});
  }
  SECTION("nodeAffinityPolicy Honor drops domains the pod cannot land in") {
    std::vector<NodeInfo> nodes = {MakeNodeInfo(N("a").Label(api::kLabelZone, "z1").Label("disk", "ssd"), Pods(1)),
                                   MakeNodeInfo(N("x").Label(api::kLabelZone, "z2"))};
    FakeLister lister(nodes);
    PodTopologySpread plugin(&lister);
    auto c = SC(1, api::kLabelZone, foo, "DoNotSchedule");
    CHECK(RunFilterAll(plugin, PodBuilder("in").Label("foo", "").NodeSelector("disk", "ssd").Spread(c).pod(), nodes) ==
          std::vector<Code>{S, S});
    c.node_affinity_policy = "Ignore";
    CHECK(RunFilterAll(plugin, PodBuilder("in").Label("foo", "").NodeSelector("disk", "ssd").Spread(c).pod(), nodes) ==
          std::vector<Code>{U, S});
  }
  SECTION("matchLabelKeys narrow the selector to the pod's own values") {
    std::vector<NodeInfo> nodes = {
        MakeNodeInfo(N("a").Label(api::kLabelZone, "z1"), {PodBuilder("o1").Label("foo", "").Label("app", "v2"),
                                                           PodBuilder("o2").Label("foo", "").Label("app", "v2")}),
        MakeNodeInfo(N("x").Label(api::kLabelZone, "z2"))};
    FakeLister lister(nodes);
    auto c = SC(1, api::kLabelZone, foo, "DoNotSchedule");
    c.match_label_keys = {"app"};
    auto in = PodBuilder("in").Label("foo", "").Label("app", "v1").Spread(c);
    PodTopologySpread gate_on(&lister);
    CHECK(RunFilterAll(gate_on, in.pod(), nodes) == std::vector<Code>{S, S});
    PodTopologySpread gate_off(&lister, {}, false);
    CHECK(RunFilterAll(gate_off, in.pod(), nodes) == std::vector<Code>{U, S});
  }
  SECTION("no DoNotSchedule constraint: PreFilter Skip") {
    std::vector<NodeInfo> nodes = {MakeNodeInfo(N("a"))};
    FakeLister lister(nodes);
    PodTopologySpread plugin(&lister);
    auto in = PodBuilder("in").Label("foo", "").Spread(SC(1, api::kLabelZone, foo));
    CHECK(RunFilterAll(plugin, in.pod(), nodes) == std::vector<Code>{Code::kSkip});
  }
}

std::shared_ptr<const api::Service> Service(const std::string& name, api::StringMap selector) {
  auto s = std::make_shared<api::Service>();
  s->kind = "Service";
  s->metadata.name = name;
  s->metadata.namespace_ = "default";
  s->selector = std::move(selector);
  return s;
}

TEST_CASE("PodTopologySpread System default constraints from Services and ReplicaSets", "[scheduler][plugin]") {
  auto web = [](int n) {
    std::vector<PodBuilder> out;
    for (int i = 0; i < n; ++i)
      out.push_back(PodBuilder(std::string("w").append(std::to_string(i))).Label("app", "web"));
    return out;
  };
  auto in = PodBuilder("in").Label("app", "web");
  SECTION("Service selector, every node zoned") {
    std::vector<NodeInfo> nodes = {MakeNodeInfo(N("a").Label(api::kLabelZone, "zone1"), web(2)),
                                   MakeNodeInfo(N("b").Label(api::kLabelZone, "zone1")),
                                   MakeNodeInfo(N("c").Label(api::kLabelZone, "zone2"), web(1))};
    FakeLister lister(nodes);
    lister.AddService(Service("web", {{"app", "web"}}));
    lister.AddService(Service("other", {{"app", "db"}}));
    PodTopologySpread plugin(&lister);
    // host ln(5), zone ln(4): raw a = round(2·1.609+2 + 2·1.386+4) = 12, b = 9, c = 9.
    CHECK(RunScore(plugin, in.pod(), nodes, 3).scores == std::vector<int64_t>{75, 100, 100});
  }
  SECTION("a node without a zone registers the empty domain and is not ignored") {
    std::vector<NodeInfo> nodes = {MakeNodeInfo(N("a").Label(api::kLabelZone, "zone1"), web(2)),
                                   MakeNodeInfo(N("b").Label(api::kLabelZone, "zone1")),
                                   MakeNodeInfo(N("c").Label(api::kLabelZone, "zone2"), web(1)), MakeNodeInfo(N("d"))};
    FakeLister lister(nodes);
    lister.AddService(Service("web", {{"app", "web"}}));
    PodTopologySpread plugin(&lister);
    // host ln(6), zone ln(5) (zone1, zone2, ""): a 13, b 9, c 9, d 2 (hostname term only).
    CHECK(RunScore(plugin, in.pod(), nodes, 4).scores == std::vector<int64_t>{15, 46, 46, 100});
  }
  SECTION("controlling ReplicaSet selector") {
    std::vector<NodeInfo> nodes = {MakeNodeInfo(N("a").Label(api::kLabelZone, "zone1"), web(2)),
                                   MakeNodeInfo(N("b").Label(api::kLabelZone, "zone1")),
                                   MakeNodeInfo(N("c").Label(api::kLabelZone, "zone2"), web(1))};
    FakeLister lister(nodes);
    auto rs = std::make_shared<api::ReplicaSet>();
    rs->kind = "ReplicaSet";
    rs->metadata.name = "web-rs";
    rs->metadata.namespace_ = "default";
    rs->selector.match_labels = {{"app", "web"}};
    lister.AddReplicaSet(rs);
    auto owned = PodBuilder("in").Label("app", "web");
    owned.mutable_pod().metadata.owner_references.push_back({"apps/v1", "ReplicaSet", "web-rs", "uid-rs", true, true});
    PodTopologySpread plugin(&lister);
    CHECK(RunScore(plugin, owned.pod(), nodes, 3).scores == std::vector<int64_t>{75, 100, 100});
    // Not the controller: no selector, no defaults.
    owned.mutable_pod().metadata.owner_references[0].controller = false;
    CHECK(RunScore(plugin, owned.pod(), nodes, 3).prescore == Code::kSkip);
  }
  SECTION("List defaulting without constraints disables defaults") {
    std::vector<NodeInfo> nodes = {MakeNodeInfo(N("a"))};
    FakeLister lister(nodes);
    lister.AddService(Service("web", {{"app", "web"}}));
    PodTopologySpreadArgs args;
    args.defaulting_type = "List";
    PodTopologySpread plugin(&lister, args);
    CHECK(RunScore(plugin, in.pod(), nodes, 1).prescore == Code::kSkip);
  }
}

sim::StatusOr<PodTopologySpreadArgs> Decode(const std::string& text) {
  auto docs = api::LoadYamlDocuments(text, "cfg.yaml");
  REQUIRE(docs.ok());
  return DecodePodTopologySpreadArgs(docs->at(0));
}

TEST_CASE("PodTopologySpreadArgs decoding and validation", "[scheduler][plugin]") {
  SECTION("List with constraints") {
    auto a = Decode(
        "defaultingType: List\n"
        "defaultConstraints:\n"
        "- maxSkew: 2\n"
        "  topologyKey: topology.kubernetes.io/zone\n"
        "  whenUnsatisfiable: DoNotSchedule\n");
    REQUIRE(a.ok());
    CHECK(a->defaulting_type == "List");
    REQUIRE(a->default_constraints.size() == 1);
    CHECK(a->default_constraints[0].max_skew == 2);
  }
  SECTION("defaults to System") {
    auto a = Decode("kind: PodTopologySpreadArgs\n");
    REQUIRE(a.ok());
    CHECK(a->defaulting_type == "System");
  }
  struct Row {
    const char* text;
    const char* want;
  };
  std::vector<Row> rows = {
      {"defaultingType: System\ndefaultConstraints:\n- maxSkew: 1\n  topologyKey: k\n  whenUnsatisfiable: "
       "ScheduleAnyway\n",
       "cfg.yaml:1:17: defaultingType: Invalid value: \"System\": when .defaultConstraints are not empty"},
      {"defaultingType: List\ndefaultConstraints:\n- maxSkew: 1\n  topologyKey: k\n  whenUnsatisfiable: "
       "ScheduleAnyway\n"
       "  labelSelector: {}\n",
       "cfg.yaml:6:18: defaultConstraints[0].labelSelector: Forbidden: constraint must not define a selector"},
      {"defaultingType: Lists\n", "cfg.yaml:1:17: defaultingType: Unsupported value: \"Lists\""},
      {"defaultingType: List\ndefaultConstraints:\n- maxSkew: 0\n  topologyKey: k\n  whenUnsatisfiable: "
       "ScheduleAnyway\n",
       "cfg.yaml:3:12: defaultConstraints[0].maxSkew: Invalid value: 0"},
      {"defaultingType: List\ndefaultConstraints:\n- maxSkew: 1\n  topologyKey: k\n  whenUnsatisfiable: "
       "ScheduleAnyway\n"
       "- maxSkew: 2\n  topologyKey: k\n  whenUnsatisfiable: ScheduleAnyway\n",
       "defaultConstraints[1]: Duplicate value"},
      {"weight: 1\n", "weight"},
  };
  for (const auto& r : rows) {
    INFO(r.text);
    auto a = Decode(r.text);
    REQUIRE_FALSE(a.ok());
    CHECK_THAT(a.status().message(), Catch::Contains(r.want));
  }
}

}  // namespace
}  // namespace kubesim::scheduler
