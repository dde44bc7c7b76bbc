// NodeAffinity (kubernetes/kubernetes pkg/scheduler/framework/plugins/nodeaffinity/node_affinity.go
// @ v1.32): the Score cases of upstream node_affinity_test.go TestNodeAffinityPriority, named by their
// `name:` (read in a v1.32-era copy and at 022462ccaeb5, v1.28; the names are the same), Filter and
// PreFilter rules, NodeAffinityArgs decoding.
#include "models/scheduler/plugins/node_affinity.h"

#include <catch2/catch.hpp>

#include "models/api/yaml_node.h"
#include "tests/models/scheduler/plugins/score_harness.h"
#include "tests/support/builders.h"

namespace kubesim::scheduler {
namespace {

using api::NodeSelectorOp;
using testing::MakeNodeInfo;
using testing::NodeBuilder;
using testing::PodBuilder;
using testing::RunScore;

api::NodeSelectorRequirement Req(std::string key, NodeSelectorOp op, std::vector<std::string> values = {}) {
  return api::NodeSelectorRequirement{std::move(key), op, std::move(values)};
}

api::NodeSelectorTerm Term(std::vector<api::NodeSelectorRequirement> exprs,
                           std::vector<api::NodeSelectorRequirement> fields = {}) {
  return api::NodeSelectorTerm{std::move(exprs), std::move(fields)};
}

api::Affinity RequiredAffinity(std::vector<api::NodeSelectorTerm> terms) {
  api::Affinity a;
  a.node_affinity = api::NodeAffinity{api::NodeSelector{std::move(terms)}, {}};
  return a;
}

api::Affinity PreferredAffinity(std::vector<api::PreferredSchedulingTerm> terms) {
  api::Affinity a;
  a.node_affinity = api::NodeAffinity{std::nullopt, std::move(terms)};
  return a;
}

NodeBuilder Labelled(const char* name, std::vector<std::pair<std::string, std::string>> labels) {
  NodeBuilder n(name);
  for (const auto& [k, v] : labels) n.Label(k, v);
  return n;
}

// Upstream TestNodeAffinityPriority's label sets and affinities.
const std::vector<std::pair<std::string, std::string>> kLabel1 = {{"foo", "bar"}};
const std::vector<std::pair<std::string, std::string>> kLabel2 = {{"key", "value"}};
const std::vector<std::pair<std::string, std::string>> kLabel3 = {{"az", "az1"}};
const std::vector<std::pair<std::string, std::string>> kLabel4 = {{"abc", "az11"}, {"def", "az22"}};
const std::vector<std::pair<std::string, std::string>> kLabel5 = {{"foo", "bar"}, {"key", "value"}, {"az", "az1"}};

std::vector<api::PreferredSchedulingTerm> Affinity1() {
  return {{2, Term({Req("foo", NodeSelectorOp::kIn, {"bar"})})}};
}

std::vector<api::PreferredSchedulingTerm> Affinity2() {
  return {{2, Term({Req("foo", NodeSelectorOp::kIn, {"bar"})})},
          {4, Term({Req("key", NodeSelectorOp::kIn, {"value"})})},
          {5, Term({Req("foo", NodeSelectorOp::kIn, {"bar"}), Req("key", NodeSelectorOp::kIn, {"value"}),
                    Req("az", NodeSelectorOp::kIn, {"az1"})})}};
}

TEST_CASE("NodeAffinity Score: upstream TestNodeAffinityPriority cases", "[scheduler][plugin]") {
  // Also covers upstream's "Skip is returned in PreScore when NodeAffinity is nil" (in the v1.32 table).
  SECTION("all nodes are same priority as NodeAffinity is nil") {
    NodeAffinity plugin;
    std::vector<NodeInfo> nodes = {MakeNodeInfo(Labelled("n1", kLabel1)), MakeNodeInfo(Labelled("n2", kLabel2)),
                                   MakeNodeInfo(Labelled("n3", kLabel3))};
    CycleState state;
    CHECK(plugin.PreScore(state, PodBuilder().pod(), {&nodes[0], &nodes[1], &nodes[2]}).IsSkip());
    NodeScoreList list;
    for (const auto& n : nodes) {
      int64_t s = -1;
      REQUIRE(plugin.Score(state, PodBuilder().pod(), n, &s).IsSuccess());
      list.push_back({n.name(), s});
    }
    REQUIRE(plugin.NormalizeScore(state, PodBuilder().pod(), list).IsSuccess());
    CHECK(list[0].score == 0);
    CHECK(list[1].score == 0);
    CHECK(list[2].score == 0);
  }
  SECTION("no node matches preferred scheduling requirements in NodeAffinity of pod so all nodes' priority is zero") {
    NodeAffinity plugin;
    auto pod = PodBuilder().Affinity(PreferredAffinity(Affinity1()));
    std::vector<NodeInfo> nodes = {MakeNodeInfo(Labelled("n1", kLabel4)), MakeNodeInfo(Labelled("n2", kLabel2)),
                                   MakeNodeInfo(Labelled("n3", kLabel3))};
    CHECK(RunScore(plugin, pod.pod(), nodes) == std::vector<int64_t>{0, 0, 0});
  }
  SECTION("only node1 matches the preferred scheduling requirements of pod") {
    NodeAffinity plugin;
    auto pod = PodBuilder().Affinity(PreferredAffinity(Affinity1()));
    std::vector<NodeInfo> nodes = {MakeNodeInfo(Labelled("n1", kLabel1)), MakeNodeInfo(Labelled("n2", kLabel2)),
                                   MakeNodeInfo(Labelled("n3", kLabel3))};
    CHECK(RunScore(plugin, pod.pod(), nodes) == std::vector<int64_t>{100, 0, 0});
  }
  // Raw 2, 11, 4 normalise to 18, 100, 36. Upstream's name ends with a space.
  SECTION("all nodes matches the preferred scheduling requirements of pod but with different priorities ") {
    NodeAffinity plugin;
    auto pod = PodBuilder().Affinity(PreferredAffinity(Affinity2()));
    std::vector<NodeInfo> nodes = {MakeNodeInfo(Labelled("n1", kLabel1)), MakeNodeInfo(Labelled("n5", kLabel5)),
                                   MakeNodeInfo(Labelled("n2", kLabel2))};
    CHECK(RunScore(plugin, pod.pod(), nodes) == std::vector<int64_t>{18, 100, 36});
  }
  SECTION("added affinity") {
    NodeAffinityArgs args;
    args.added_affinity = api::NodeAffinity{std::nullopt, Affinity1()};
    NodeAffinity plugin(args);
    std::vector<NodeInfo> nodes = {MakeNodeInfo(Labelled("n1", kLabel1)), MakeNodeInfo(Labelled("n2", kLabel2))};
    CHECK(RunScore(plugin, PodBuilder().pod(), nodes) == std::vector<int64_t>{100, 0});
  }
  // Upstream's added term is `key In [value]`; `key Exists` matches the same nodes here.
  SECTION("added affinity and pod has default affinity") {
    NodeAffinityArgs args;
    args.added_affinity = api::NodeAffinity{std::nullopt, {{3, Term({Req("key", NodeSelectorOp::kExists)})}}};
    NodeAffinity plugin(args);
    auto pod = PodBuilder().Affinity(PreferredAffinity(Affinity1()));
    std::vector<NodeInfo> nodes = {MakeNodeInfo(Labelled("n1", kLabel1)), MakeNodeInfo(Labelled("n2", kLabel2)),
                                   MakeNodeInfo(Labelled("n5", kLabel5))};
    // raw 2, 3, 5 → 100·raw/5.
    CHECK(RunScore(plugin, pod.pod(), nodes) == std::vector<int64_t>{40, 60, 100});
  }
}

// kubesim's own case: upstream DefaultNormalizeScore (pkg/scheduler/framework/plugins/helper/
// normalize_score.go) on the raw scores of "all nodes matches the preferred scheduling requirements
// of pod but with different priorities ".
TEST_CASE("NodeAffinity NormalizeScore: raw 2, 11, 4 become 18, 100, 36", "[scheduler][plugin]") {
  NodeAffinity plugin;
  CycleState state;
  NodeScoreList list = {{"a", 2}, {"b", 11}, {"c", 4}};
  REQUIRE(plugin.NormalizeScore(state, PodBuilder().pod(), list).IsSuccess());
  CHECK(list[0].score == 18);
  CHECK(list[1].score == 100);
  CHECK(list[2].score == 36);
}

// Runs PreFilter then (unless skipped) Filter, as the framework does.
Status RunFilter(NodeAffinity& plugin, const PodBuilder& pod, const NodeInfo& node) {
  CycleState state;
  Status pre = plugin.PreFilter(state, pod.pod(), {&node});
  if (pre.IsSkip()) return Status::Success();
  if (!pre.IsSuccess()) return pre;
  return plugin.Filter(state, pod.pod(), node);
}

// kubesim's own cases for the rules upstream TestNodeAffinity (node_affinity_test.go) checks:
// nodeSelector, required terms ORed, expressions ANDed, matchFields on metadata.name, Gt/Lt, empty
// terms.
TEST_CASE("NodeAffinity Filter: nodeSelector and required node affinity", "[scheduler][plugin]") {
  const Code kOk = Code::kSuccess;
  const Code kNo = Code::kUnschedulableAndUnresolvable;
  struct Row {
    const char* id;
    PodBuilder pod;
    NodeBuilder node;
    Code want;
  };
  std::vector<Row> rows = {
      {"no selector, no affinity", PodBuilder(), Labelled("n", kLabel1), kOk},
      {"nodeSelector matches", PodBuilder().NodeSelector("foo", "bar"), Labelled("n", kLabel5), kOk},
      {"nodeSelector value differs", PodBuilder().NodeSelector("foo", "baz"), Labelled("n", kLabel1), kNo},
      {"nodeSelector needs all labels", PodBuilder().NodeSelector("foo", "bar").NodeSelector("key", "value"),
       Labelled("n", kLabel1), kNo},
      {"nodeSelector label missing", PodBuilder().NodeSelector("zone", "a"), Labelled("n", kLabel1), kNo},
      {"required In matches",
       PodBuilder().Affinity(RequiredAffinity({Term({Req("foo", NodeSelectorOp::kIn, {"x", "bar"})})})),
       Labelled("n", kLabel1), kOk},
      {"required terms are ORed",
       PodBuilder().Affinity(RequiredAffinity(
           {Term({Req("foo", NodeSelectorOp::kIn, {"nope"})}), Term({Req("key", NodeSelectorOp::kIn, {"value"})})})),
       Labelled("n", kLabel2), kOk},
      {"no ORed term matches",
       PodBuilder().Affinity(RequiredAffinity(
           {Term({Req("foo", NodeSelectorOp::kIn, {"nope"})}), Term({Req("key", NodeSelectorOp::kDoesNotExist)})})),
       Labelled("n", kLabel2), kNo},
      {"expressions within a term are ANDed",
       PodBuilder().Affinity(RequiredAffinity(
           {Term({Req("foo", NodeSelectorOp::kIn, {"bar"}), Req("key", NodeSelectorOp::kNotIn, {"value"})})})),
       Labelled("n", kLabel5), kNo},
      {"nodeSelector AND affinity: selector fails",
       PodBuilder().NodeSelector("az", "az2").Affinity(RequiredAffinity({Term({Req("foo", NodeSelectorOp::kExists)})})),
       Labelled("n", kLabel5), kNo},
      {"nodeSelector AND affinity: both match",
       PodBuilder().NodeSelector("az", "az1").Affinity(RequiredAffinity({Term({Req("foo", NodeSelectorOp::kExists)})})),
       Labelled("n", kLabel5), kOk},
      {"matchFields metadata.name In matches",
       PodBuilder().Affinity(RequiredAffinity({Term({}, {Req("metadata.name", NodeSelectorOp::kIn, {"n"})})})),
       Labelled("n", kLabel1), kOk},
      {"matchFields metadata.name In other node",
       PodBuilder().Affinity(RequiredAffinity({Term({}, {Req("metadata.name", NodeSelectorOp::kIn, {"m"})})})),
       Labelled("n", kLabel1), kNo},
      {"matchFields metadata.name NotIn",
       PodBuilder().Affinity(RequiredAffinity({Term({}, {Req("metadata.name", NodeSelectorOp::kNotIn, {"n"})})})),
       Labelled("n", kLabel1), kNo},
      {"matchFields ORed with a label term",
       PodBuilder().Affinity(RequiredAffinity({Term({}, {Req("metadata.name", NodeSelectorOp::kIn, {"m"})}),
                                               Term({Req("foo", NodeSelectorOp::kIn, {"bar"})})})),
       Labelled("n", kLabel1), kOk},
      {"Gt matches", PodBuilder().Affinity(RequiredAffinity({Term({Req("gpus", NodeSelectorOp::kGt, {"3"})})})),
       Labelled("n", {{"gpus", "4"}}), kOk},
      {"Gt equal fails", PodBuilder().Affinity(RequiredAffinity({Term({Req("gpus", NodeSelectorOp::kGt, {"4"})})})),
       Labelled("n", {{"gpus", "4"}}), kNo},
      {"Lt matches", PodBuilder().Affinity(RequiredAffinity({Term({Req("gpus", NodeSelectorOp::kLt, {"5"})})})),
       Labelled("n", {{"gpus", "4"}}), kOk},
      {"Lt on a non-integer label fails",
       PodBuilder().Affinity(RequiredAffinity({Term({Req("gpus", NodeSelectorOp::kLt, {"5"})})})),
       Labelled("n", {{"gpus", "four"}}), kNo},
      {"empty term matches nothing", PodBuilder().Affinity(RequiredAffinity({Term({})})), Labelled("n", kLabel1), kNo},
      {"empty term list matches nothing", PodBuilder().Affinity(RequiredAffinity({})), Labelled("n", kLabel1), kNo},
      {"preferred-only affinity does not filter", PodBuilder().Affinity(PreferredAffinity(Affinity1())),
       Labelled("n", kLabel2), kOk},
  };
  NodeAffinity plugin;
  for (const auto& r : rows) {
    INFO(r.id);
    NodeInfo ni = MakeNodeInfo(r.node);
    Status s = RunFilter(plugin, r.pod, ni);
    CHECK(s.code() == r.want);
    if (r.want == kNo)
      CHECK(s.reasons() == std::vector<std::string>{"node(s) didn't match Pod's node affinity/selector"});
  }
}

TEST_CASE("NodeAffinity PreFilter: Skip and node-name conflicts", "[scheduler][plugin]") {
  NodeAffinity plugin;
  NodeInfo node = MakeNodeInfo(Labelled("n", kLabel1));
  auto prefilter = [&](const PodBuilder& pod) {
    CycleState state;
    return plugin.PreFilter(state, pod.pod(), {&node});
  };
  CHECK(prefilter(PodBuilder()).IsSkip());
  CHECK(prefilter(PodBuilder().Affinity(PreferredAffinity(Affinity1()))).IsSkip());
  CHECK(prefilter(PodBuilder().NodeSelector("foo", "bar")).IsSuccess());
  CHECK(prefilter(PodBuilder().Affinity(RequiredAffinity({Term({Req("foo", NodeSelectorOp::kExists)})}))).IsSuccess());
  // Within one term the metadata.name sets intersect; {a} ∩ {b} is empty in every term.
  Status conflict = prefilter(PodBuilder().Affinity(RequiredAffinity({Term(
      {}, {Req("metadata.name", NodeSelectorOp::kIn, {"a"}), Req("metadata.name", NodeSelectorOp::kIn, {"b"})})})));
  CHECK(conflict.code() == Code::kUnschedulableAndUnresolvable);
  CHECK(conflict.reasons() == std::vector<std::string>{"pod affinity terms conflict"});
  // A second term without a name restriction lifts it.
  CHECK(prefilter(PodBuilder().Affinity(RequiredAffinity({Term({}, {Req("metadata.name", NodeSelectorOp::kIn, {"a"}),
                                                                    Req("metadata.name", NodeSelectorOp::kIn, {"b"})}),
                                                          Term({Req("foo", NodeSelectorOp::kExists)})})))
            .IsSuccess());
  // With an enforced selector, PreFilter runs even for a pod without constraints.
  NodeAffinityArgs args;
  args.added_affinity = api::NodeAffinity{api::NodeSelector{{Term({Req("foo", NodeSelectorOp::kExists)})}}, {}};
  NodeAffinity enforced(args);
  CycleState state;
  CHECK(enforced.PreFilter(state, PodBuilder().pod(), {&node}).IsSuccess());
}

TEST_CASE("NodeAffinity Filter: addedAffinity is enforced before the pod's own", "[scheduler][plugin]") {
  NodeAffinityArgs args;
  args.added_affinity = api::NodeAffinity{api::NodeSelector{{Term({Req("foo", NodeSelectorOp::kIn, {"bar"})})}}, {}};
  NodeAffinity plugin(args);
  NodeInfo n1 = MakeNodeInfo(Labelled("n1", kLabel1));
  NodeInfo n2 = MakeNodeInfo(Labelled("n2", kLabel2));
  CHECK(RunFilter(plugin, PodBuilder(), n1).IsSuccess());
  Status s = RunFilter(plugin, PodBuilder().NodeSelector("key", "value"), n2);
  CHECK(s.code() == Code::kUnschedulableAndUnresolvable);
  CHECK(s.reasons() == std::vector<std::string>{"node(s) didn't match scheduler-enforced node affinity"});
  Status pod_fails = RunFilter(plugin, PodBuilder().NodeSelector("key", "value"), n1);
  CHECK(pod_fails.code() == Code::kUnschedulableAndUnresolvable);
  CHECK(pod_fails.reasons() == std::vector<std::string>{"node(s) didn't match Pod's node affinity/selector"});
}

sim::StatusOr<NodeAffinityArgs> DecodeText(const std::string& text) {
  auto docs = api::LoadYamlDocuments(text, "cfg.yaml");
  REQUIRE(docs.ok());
  REQUIRE(docs.value().size() == 1);
  return DecodeNodeAffinityArgs(docs.value()[0]);
}

TEST_CASE("NodeAffinityArgs decoding", "[scheduler][plugin]") {
  SECTION("addedAffinity with required and preferred terms") {
    auto args = DecodeText(
        "apiVersion: kubescheduler.config.k8s.io/v1\n"
        "kind: NodeAffinityArgs\n"
        "addedAffinity:\n"
        "  requiredDuringSchedulingIgnoredDuringExecution:\n"
        "    nodeSelectorTerms:\n"
        "    - matchExpressions:\n"
        "      - {key: foo, operator: In, values: [bar]}\n"
        "  preferredDuringSchedulingIgnoredDuringExecution:\n"
        "  - weight: 7\n"
        "    preference:\n"
        "      matchExpressions:\n"
        "      - {key: key, operator: Exists}\n");
    REQUIRE(args.ok());
    REQUIRE(args.value().added_affinity.has_value());
    const api::NodeAffinity& a = *args.value().added_affinity;
    REQUIRE(a.required.has_value());
    REQUIRE(a.required->terms.size() == 1);
    CHECK(a.required->terms[0].match_expressions[0].key == "foo");
    REQUIRE(a.preferred.size() == 1);
    CHECK(a.preferred[0].weight == 7);
    CHECK(a.preferred[0].preference.match_expressions[0].op == NodeSelectorOp::kExists);
  }
  SECTION("no addedAffinity") {
    auto args = DecodeText("kind: NodeAffinityArgs\n");
    REQUIRE(args.ok());
    CHECK_FALSE(args.value().added_affinity.has_value());
  }
  SECTION("a bad operator is located") {
    auto args = DecodeText(
        "addedAffinity:\n"
        "  requiredDuringSchedulingIgnoredDuringExecution:\n"
        "    nodeSelectorTerms:\n"
        "    - matchExpressions:\n"
        "      - key: foo\n"
        "        operator: Near\n");
    REQUIRE_FALSE(args.ok());
    CHECK_THAT(args.status().message(), Catch::StartsWith("cfg.yaml:6:19: "));
    CHECK_THAT(args.status().message(), Catch::Contains("operator"));
    CHECK_THAT(args.status().message(), Catch::Contains("Unsupported value: \"Near\""));
  }
  SECTION("a weight out of range is located") {
    auto args = DecodeText(
        "addedAffinity:\n"
        "  preferredDuringSchedulingIgnoredDuringExecution:\n"
        "  - weight: 101\n"
        "    preference: {matchExpressions: [{key: a, operator: Exists}]}\n");
    REQUIRE_FALSE(args.ok());
    CHECK_THAT(args.status().message(), Catch::StartsWith("cfg.yaml:3:13: "));
    CHECK_THAT(args.status().message(), Catch::Contains("must be in the range 1-100"));
  }
  SECTION("unknown keys are rejected") {
    auto top = DecodeText("addedAfinity: {}\n");
    REQUIRE_FALSE(top.ok());
    CHECK_THAT(top.status().message(), Catch::Contains("addedAfinity"));
    auto inner = DecodeText("addedAffinity:\n  requiredDuringSchedulingRequiredDuringExecution: {}\n");
    REQUIRE_FALSE(inner.ok());
    CHECK_THAT(inner.status().message(), Catch::Contains("requiredDuringSchedulingRequiredDuringExecution"));
  }
}

TEST_CASE("NodeAffinityFactory decodes args", "[scheduler][plugin]") {
  PluginContext ctx;
  auto plain = NodeAffinityFactory()(ctx, nullptr);
  REQUIRE(plain.ok());
  CHECK(plain.value()->Name() == "NodeAffinity");
  auto docs =
      api::LoadYamlDocuments("addedAffinity:\n  preferredDuringSchedulingIgnoredDuringExecution: 3\n", "cfg.yaml");
  REQUIRE(docs.ok());
  auto bad = NodeAffinityFactory()(ctx, &docs.value()[0]);
  REQUIRE_FALSE(bad.ok());
  CHECK_THAT(bad.status().message(), Catch::StartsWith("cfg.yaml:2:"));
}

}  // namespace
}  // namespace kubesim::scheduler
