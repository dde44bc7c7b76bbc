// InterPodAffinity: Score cases from kubernetes/kubernetes
// pkg/scheduler/framework/plugins/interpodaffinity/scoring_test.go TestPreferredAffinity @ v1.32, named
// by the upstream cases' `name:` (read in a copy from before v1.32 and on master at 030880a5dc54; the names
// are the same), kubesim's own Filter cases (affinity, anti-affinity, existing pods' anti-affinity,
// namespaceSelector, the first-pod exception; after filtering_test.go) and args decoding.
#include "models/scheduler/plugins/inter_pod_affinity.h"

#include <catch2/catch.hpp>
#include <optional>
#include <string>
#include <vector>

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

api::LabelSelector SecurityIn(std::vector<std::string> values) {
  api::LabelSelector s;
  s.match_expressions.push_back({"security", api::SelectorOp::kIn, std::move(values)});
  return s;
}

api::PodAffinityTerm Term(api::LabelSelector selector, std::string key) {
  api::PodAffinityTerm t;
  t.label_selector = std::move(selector);
  t.topology_key = std::move(key);
  return t;
}

api::WeightedPodAffinityTerm Weighted(int32_t w, api::PodAffinityTerm t) { return {w, std::move(t)}; }

// Builds an api::Affinity from preferred/required affinity and anti-affinity terms.
struct Aff {
  std::vector<api::WeightedPodAffinityTerm> pref, pref_anti;
  std::vector<api::PodAffinityTerm> req, req_anti;
  api::Affinity Build() const {
    api::Affinity a;
    if (!pref.empty() || !req.empty()) a.pod_affinity = api::PodAffinity{req, pref};
    if (!pref_anti.empty() || !req_anti.empty()) a.pod_anti_affinity = api::PodAffinity{req_anti, pref_anti};
    return a;
  }
};

PodBuilder S1(const char* name = "s1") { return PodBuilder(name).Label("security", "S1"); }
PodBuilder S2(const char* name = "s2") { return PodBuilder(name).Label("security", "S2"); }

NodeBuilder China(const char* n) { return NodeBuilder(n).Label("region", "China"); }
NodeBuilder India(const char* n) { return NodeBuilder(n).Label("region", "India"); }
NodeBuilder Az1(const char* n) { return NodeBuilder(n).Label("az", "az1"); }
NodeBuilder Az2(const char* n) { return NodeBuilder(n).Label("az", "az2"); }
NodeBuilder ChinaAz1(const char* n) { return NodeBuilder(n).Label("region", "China").Label("az", "az1"); }

struct ScoreResult {
  Code prescore = Code::kSuccess;
  std::vector<int64_t> scores;
};

ScoreResult RunScore(InterPodAffinity& plugin, const api::Pod& pod, const std::vector<NodeInfo>& nodes) {
  CycleState state;
  std::vector<const NodeInfo*> ptrs;
  for (const auto& n : nodes) ptrs.push_back(&n);
  ScoreResult r;
  Status st = plugin.PreScore(state, pod, ptrs);
  r.prescore = st.code();
  if (!st.IsSuccess()) return r;
  NodeScoreList list;
  for (const auto* n : ptrs) {
    int64_t s = 0;
    REQUIRE(plugin.Score(state, pod, *n, &s).IsSuccess());
    list.push_back({n->name(), s});
  }
  REQUIRE(plugin.NormalizeScore(state, pod, list).IsSuccess());
  for (const auto& s : list) r.scores.push_back(s.score);
  return r;
}

TEST_CASE("InterPodAffinity Score: upstream TestPreferredAffinity cases", "[scheduler][plugin]") {
  auto stay_s1_region = Weighted(5, Term(SecurityIn({"S1"}), "region"));
  auto stay_s2_region = Weighted(6, Term(SecurityIn({"S2"}), "region"));
  auto away_s1_az = Weighted(5, Term(SecurityIn({"S1"}), "az"));
  auto away_s2_az = Weighted(5, Term(SecurityIn({"S2"}), "az"));
  struct Row {
    const char* name;
    PodBuilder pod;
    std::vector<NodeInfo> nodes;
    Code prescore;
    std::vector<int64_t> want;
  };
  std::vector<Row> rows;
  rows.push_back({"all nodes are same priority as Affinity is nil",
                  S1("in"),
                  {MakeNodeInfo(China("n1")), MakeNodeInfo(India("n2")), MakeNodeInfo(Az1("n3"))},
                  Code::kSkip,
                  {}});
  // Upstream concatenates two literals without a space: "...others" "which...".
  rows.push_back(
      {"Affinity: pod that matches topology key & pods in nodes will get high score comparing to "
       "otherswhich doesn't match either pods in nodes or in topology key",
       S1("in").Affinity(Aff{{stay_s1_region}, {}, {}, {}}.Build()),
       {MakeNodeInfo(China("n1"), {S1()}), MakeNodeInfo(India("n2"), {S2()}), MakeNodeInfo(Az1("n3"), {S1()})},
       Code::kSuccess,
       {100, 0, 0}});
  rows.push_back(
      {"All the nodes that have the same topology key & label value with one of them has an existing pod "
       "that match the affinity rules, have the same score",
       PodBuilder("in").Affinity(Aff{{stay_s1_region}, {}, {}, {}}.Build()),
       {MakeNodeInfo(China("n1"), {S1()}), MakeNodeInfo(ChinaAz1("n2")), MakeNodeInfo(India("n3"))},
       Code::kSuccess,
       {100, 100, 0}});
  rows.push_back(
      {"Affinity: nodes in one region has more matching pods comparing to other region, so the region "
       "which has more matches will get high score",
       S1("in").Affinity(Aff{{stay_s2_region}, {}, {}, {}}.Build()),
       {MakeNodeInfo(China("n1"), {S2("a"), S2("b")}), MakeNodeInfo(India("n2"), {S2()}),
        MakeNodeInfo(China("n3"), {S2()}), MakeNodeInfo(China("n4"), {S2()}), MakeNodeInfo(India("n5"), {S2()})},
       Code::kSuccess,
       {100, 0, 100, 100, 0}});
  // This name and the next end with a space upstream.
  rows.push_back({"Anti Affinity: pod that does not match existing pods in node will get high score ",
                  S1("in").Affinity(Aff{{}, {away_s1_az}, {}, {}}.Build()),
                  {MakeNodeInfo(Az1("n1"), {S1()}), MakeNodeInfo(China("n2"), {S2()})},
                  Code::kSuccess,
                  {0, 100}});
  rows.push_back(
      {"Anti Affinity: pod that does not match topology key & match the pods in nodes will get higher "
       "score comparing to others ",
       S1("in").Affinity(Aff{{}, {away_s1_az}, {}, {}}.Build()),
       {MakeNodeInfo(Az1("n1"), {S1()}), MakeNodeInfo(China("n2"), {S1()})},
       Code::kSuccess,
       {0, 100}});
  rows.push_back(
      {"Anti Affinity: one node has more matching pods comparing to other node, so the node which has "
       "more unmatches will get high score",
       S1("in").Affinity(Aff{{}, {away_s1_az}, {}, {}}.Build()),
       {MakeNodeInfo(Az1("n1"), {S1("a"), S1("b")}), MakeNodeInfo(India("n2"), {S2()})},
       Code::kSuccess,
       {0, 100}});
  rows.push_back({"Anti Affinity symmetry: the existing pods in node which has anti affinity match will get high score",
                  S2("in"),
                  {MakeNodeInfo(Az1("n1"), {S1().Affinity(Aff{{}, {away_s2_az}, {}, {}}.Build())}),
                   MakeNodeInfo(Az2("n2"), {S2().Affinity(Aff{{}, {away_s1_az}, {}, {}}.Build())})},
                  Code::kSuccess,
                  {0, 100}});
  rows.push_back(
      {"Affinity and Anti Affinity: considered only preferredDuringSchedulingIgnoredDuringExecution in "
       "both pod affinity & anti affinity",
       S1("in").Affinity(Aff{{Weighted(8, Term(SecurityIn({"S1"}), "region"))}, {away_s2_az}, {}, {}}.Build()),
       {MakeNodeInfo(China("n1"), {S1()}), MakeNodeInfo(Az1("n2"), {S1()})},
       Code::kSuccess,
       {100, 0}});
  for (auto& r : rows) {
    SECTION(r.name) {
      FakeLister lister(r.nodes);
      InterPodAffinity plugin(&lister);
      ScoreResult got = RunScore(plugin, r.pod.pod(), r.nodes);
      REQUIRE(got.prescore == r.prescore);
      CHECK(got.scores == r.want);
    }
  }
}

// kubesim's own case, after upstream's "Affinity symmetry: considered RequiredDuringSchedulingIgnoredDuringExecution
// in pod affinity symmetry" and TestPreferredAffinityWithHardPodAffinitySymmetricWeight.
TEST_CASE("InterPodAffinity Score: existing pods' required affinity weighs hardPodAffinityWeight",
          "[scheduler][plugin]") {
  // The existing pod on n1 requires S1 in its region; the incoming S1 pod matches it.
  auto existing = S2("e").Affinity(Aff{{}, {}, {Term(SecurityIn({"S1"}), "region")}, {}}.Build());
  std::vector<NodeInfo> nodes = {MakeNodeInfo(China("n1"), {existing}), MakeNodeInfo(China("n2")),
                                 MakeNodeInfo(India("n3"))};
  FakeLister lister(nodes);
  InterPodAffinity plugin(&lister);
  CHECK(RunScore(plugin, S1("in").pod(), nodes).scores == std::vector<int64_t>{100, 100, 0});
  InterPodAffinityArgs zero;
  zero.hard_pod_affinity_weight = 0;
  InterPodAffinity no_hard(&lister, zero);
  CHECK(RunScore(no_hard, S1("in").pod(), nodes).prescore == Code::kSkip);
  // ignorePreferredTermsOfExistingPods: a pod without preferred terms skips scoring.
  InterPodAffinityArgs ignore;
  ignore.ignore_preferred_terms_of_existing_pods = true;
  InterPodAffinity ignoring(&lister, ignore);
  CHECK(RunScore(ignoring, S1("in").pod(), nodes).prescore == Code::kSkip);
}

constexpr Code S = Code::kSuccess;
constexpr Code U = Code::kUnschedulable;
constexpr Code UU = Code::kUnschedulableAndUnresolvable;

TEST_CASE("InterPodAffinity Filter", "[scheduler][plugin]") {
  const std::string kAffinity = "node(s) didn't match pod affinity rules";
  const std::string kAnti = "node(s) didn't match pod anti-affinity rules";
  const std::string kExisting = "node(s) didn't satisfy existing pods anti-affinity rules";
  auto req_s1_region = Term(SecurityIn({"S1"}), "region");
  struct Row {
    const char* id;
    PodBuilder pod;
    std::vector<NodeInfo> nodes;
    std::vector<Code> want;
    std::vector<std::string> reasons;
  };
  std::vector<Row> rows;
  rows.push_back({"required affinity: same region as an S1 pod",
                  S2("in").Affinity(Aff{{}, {}, {req_s1_region}, {}}.Build()),
                  {MakeNodeInfo(China("n1"), {S1()}), MakeNodeInfo(China("n2")), MakeNodeInfo(India("n3")),
                   MakeNodeInfo(Az1("n4"))},
                  {S, S, UU, UU},
                  {"", "", kAffinity, kAffinity}});
  rows.push_back({"required anti-affinity: not in a region with an S1 pod",
                  S2("in").Affinity(Aff{{}, {}, {}, {req_s1_region}}.Build()),
                  {MakeNodeInfo(China("n1"), {S1()}), MakeNodeInfo(China("n2")), MakeNodeInfo(India("n3")),
                   MakeNodeInfo(Az1("n4"))},
                  {U, U, S, S},
                  {kAnti, kAnti, "", ""}});
  rows.push_back({"existing pods' required anti-affinity (symmetry)",
                  S1("in"),
                  {MakeNodeInfo(China("n1"), {S2().Affinity(Aff{{}, {}, {}, {req_s1_region}}.Build())}),
                   MakeNodeInfo(China("n2")), MakeNodeInfo(India("n3"))},
                  {U, U, S},
                  {kExisting, kExisting, ""}});
  rows.push_back({"existing anti-affinity not matching the pod: PreFilter Skip",
                  S2("in"),
                  {MakeNodeInfo(China("n1"), {S2().Affinity(Aff{{}, {}, {}, {req_s1_region}}.Build())})},
                  {Code::kSkip},
                  {}});
  rows.push_back({"first pod of a self-affine group",
                  S1("in").Affinity(Aff{{}, {}, {req_s1_region}, {}}.Build()),
                  {MakeNodeInfo(China("n1")), MakeNodeInfo(India("n2")), MakeNodeInfo(Az1("n3"))},
                  {S, S, UU},
                  {"", "", kAffinity}});
  rows.push_back({"no matching pod and not self-affine",
                  S2("in").Affinity(Aff{{}, {}, {req_s1_region}, {}}.Build()),
                  {MakeNodeInfo(China("n1")), MakeNodeInfo(India("n2"))},
                  {UU, UU},
                  {kAffinity, kAffinity}});
  rows.push_back({"affinity to pods of another namespace needs namespaces or namespaceSelector",
                  S2("in").Affinity(Aff{{}, {}, {req_s1_region}, {}}.Build()),
                  {MakeNodeInfo(China("n1"), {S1().Namespace("other")}), MakeNodeInfo(India("n2"))},
                  {UU, UU},
                  {kAffinity, kAffinity}});
  {
    auto t = req_s1_region;
    t.namespace_selector = api::LabelSelector{};  // empty: every namespace
    rows.push_back({"empty namespaceSelector selects every namespace",
                    S2("in").Affinity(Aff{{}, {}, {t}, {}}.Build()),
                    {MakeNodeInfo(China("n1"), {S1().Namespace("other")}), MakeNodeInfo(India("n2"))},
                    {S, UU},
                    {"", kAffinity}});
  }
  {
    auto t = req_s1_region;
    api::LabelSelector team1;
    team1.match_expressions.push_back({"team", api::SelectorOp::kIn, {"team1"}});
    t.namespace_selector = team1;
    t.namespaces = {"subteam2.team2"};
    rows.push_back({"namespaceSelector against Namespace labels, plus namespaces",
                    S2("in").Affinity(Aff{{}, {}, {t}, {}}.Build()),
                    {MakeNodeInfo(China("n1"), {S1().Namespace("subteam1.team2")}),
                     MakeNodeInfo(India("n2"), {S1().Namespace("subteam1.team1")}),
                     MakeNodeInfo(NodeBuilder("n3").Label("region", "Japan"), {S1().Namespace("subteam2.team2")}),
                     MakeNodeInfo(NodeBuilder("n4").Label("region", "Korea"), {S1().Namespace("unknown")})},
                    {UU, S, S, UU},
                    {kAffinity, "", "", kAffinity}});
  }
  for (auto& r : rows) {
    SECTION(r.id) {
      FakeLister lister(r.nodes);
      lister.AddNamespace("subteam1.team1", {{"team", "team1"}});
      lister.AddNamespace("subteam2.team1", {{"team", "team1"}});
      lister.AddNamespace("subteam1.team2", {{"team", "team2"}});
      lister.AddNamespace("subteam2.team2", {{"team", "team2"}});
      InterPodAffinity plugin(&lister);
      std::vector<std::string> reasons;
      CHECK(RunFilterAll(plugin, r.pod.pod(), r.nodes, &reasons) == r.want);
      CHECK(reasons == r.reasons);
    }
  }
}

sim::StatusOr<InterPodAffinityArgs> Decode(const std::string& text) {
  auto docs = api::LoadYamlDocuments(text, "cfg.yaml");
  REQUIRE(docs.ok());
  return DecodeInterPodAffinityArgs(docs->at(0));
}

TEST_CASE("InterPodAffinityArgs decoding and validation", "[scheduler][plugin]") {
  auto ok =
      Decode("kind: InterPodAffinityArgs\nhardPodAffinityWeight: 100\nignorePreferredTermsOfExistingPods: true\n");
  REQUIRE(ok.ok());
  CHECK(ok->hard_pod_affinity_weight == 100);
  CHECK(ok->ignore_preferred_terms_of_existing_pods);
  auto defaults = Decode("kind: InterPodAffinityArgs\n");
  REQUIRE(defaults.ok());
  CHECK(defaults->hard_pod_affinity_weight == 1);
  CHECK_FALSE(defaults->ignore_preferred_terms_of_existing_pods);
  struct Row {
    const char* text;
    const char* want;
  };
  std::vector<Row> rows = {
      {"kind: InterPodAffinityArgs\nhardPodAffinityWeight: 101\n",
       "cfg.yaml:2:24: hardPodAffinityWeight: Invalid value: 101: not in valid range [0, 100]"},
      {"hardPodAffinityWeight: -1\n",
       "cfg.yaml:1:24: hardPodAffinityWeight: Invalid value: -1: not in valid range [0, 100]"},
      {"hardPodAffinityWeigth: 1\n", "hardPodAffinityWeigth"},
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
