// DefaultPreemption (kubernetes/kubernetes pkg/scheduler/framework/plugins/defaultpreemption/
// default_preemption.go and pkg/scheduler/framework/preemption/preemption.go @ v1.32): candidate
// count, args, PDB violation split, victim selection with reprieve, each stage of
// pickOneNodeForPreemption, and the PostFilter decision.
#include "models/scheduler/plugins/default_preemption.h"

#include <catch2/catch.hpp>

#include "models/api/codec.h"
#include "models/api/yaml_node.h"
#include "models/scheduler/nominator.h"
#include "models/scheduler/plugins/node_resources_fit.h"
#include "models/scheduler/plugins/priority_sort.h"
#include "models/scheduler/profile.h"
#include "tests/support/builders.h"
#include "tests/support/fake_lister.h"

namespace kubesim::scheduler {
namespace {

using testing::NodeBuilder;
using testing::PodBuilder;

sim::Time At(int64_t s) { return sim::Time::Zero() + sim::Duration::Seconds(s); }

// A profile that filters on resources only (plus the sort and binder every profile needs).
std::unique_ptr<Profile> FitProfile() {
  ProfileConfig c;
  c.multi_point.enabled = {{PrioritySort::kName, 0}, {NodeResourcesFit::kName, 1}, {DefaultBinder::kName, 0}};
  auto p = Profile::Build(c, Registry::Default(), PluginContext{});
  REQUIRE(p.ok());
  return std::move(p).value();
}

PodBuilder Running(const std::string& name, int32_t priority, const char* cpu, int64_t started_s) {
  PodBuilder b(name);
  b.Priority(priority).Req({{"cpu", cpu}}).Node("n");
  b.mutable_pod().status.start_time = At(started_s);
  return b;
}

NodeInfo Node(const std::string& name, const char* cpu, const std::vector<PodBuilder>& pods) {
  NodeInfo ni(NodeBuilder(name).Cap({{"cpu", cpu}, {"memory", "100Gi"}}).Build());
  for (const auto& p : pods) ni.AddPod(std::make_shared<const PodInfo>(p.Build()));
  return ni;
}

std::vector<std::string> Names(const std::vector<std::shared_ptr<const api::Pod>>& pods) {
  std::vector<std::string> out;
  for (const auto& p : pods) out.push_back(p->metadata.name);
  return out;
}

std::shared_ptr<const api::PodDisruptionBudget> Pdb(const std::string& ns, api::StringMap match, int32_t allowed,
                                                    std::vector<std::string> disrupted = {}) {
  auto pdb = std::make_shared<api::PodDisruptionBudget>();
  pdb->metadata.namespace_ = ns;
  pdb->metadata.name = "pdb";
  if (!match.empty()) {
    api::LabelSelector sel;
    sel.match_labels = std::move(match);
    pdb->selector = sel;
  }
  pdb->status.disruptions_allowed = allowed;
  for (auto& name : disrupted) pdb->status.disrupted_pods[name] = sim::Time::Zero();
  return pdb;
}

// kubesim's own vectors, derived from upstream calculateNumCandidates (default_preemption.go): the
// table uses the default args (minCandidateNodesPercentage 10, minCandidateNodesAbsolute 100), the two
// checks after it other args.
TEST_CASE("DefaultPreemption candidate count: upstream calculateNumCandidates", "[scheduler][plugin]") {
  DefaultPreemptionArgs args;
  std::vector<std::pair<int32_t, int32_t>> rows = {{1, 1}, {50, 50}, {100, 100}, {500, 100}, {1000, 100}, {2000, 200}};
  for (auto [potential, want] : rows) {
    INFO("potential=" << potential);
    CHECK(NumPreemptionCandidates(args, potential) == want);
  }
  CHECK(NumPreemptionCandidates(DefaultPreemptionArgs{50, 0}, 10) == 5);
  CHECK(NumPreemptionCandidates(DefaultPreemptionArgs{0, 3}, 10) == 3);
}

TEST_CASE("DefaultPreemptionArgs: defaults and located validation errors", "[scheduler][plugin]") {
  auto decode = [](const std::string& text) {
    auto docs = api::LoadYamlDocuments(text, "args.yaml");
    REQUIRE(docs.ok());
    return DecodeDefaultPreemptionArgs((*docs)[0]);
  };
  auto ok = decode("minCandidateNodesPercentage: 20\nminCandidateNodesAbsolute: 5\n");
  REQUIRE(ok.ok());
  CHECK(ok->min_candidate_nodes_percentage == 20);
  CHECK(ok->min_candidate_nodes_absolute == 5);
  auto pct = decode("minCandidateNodesPercentage: 101\n");
  REQUIRE_FALSE(pct.ok());
  CHECK(pct.status().message() ==
        "args.yaml:1:30: minCandidateNodesPercentage: Invalid value: 101: not in valid range [0, 100]");
  auto abs = decode("minCandidateNodesAbsolute: -1\n");
  REQUIRE_FALSE(abs.ok());
  CHECK(abs.status().message() ==
        "args.yaml:1:28: minCandidateNodesAbsolute: Invalid value: -1: not in valid range [0, inf)");
  auto both = decode("minCandidateNodesPercentage: 0\nminCandidateNodesAbsolute: 0\n");
  REQUIRE_FALSE(both.ok());
  CHECK(both.status().message() ==
        "args.yaml:1:30: minCandidateNodesPercentage: Invalid value: 0: cannot be zero at the same time as "
        "minCandidateNodesAbsolute");
  CHECK_FALSE(decode("minCandidates: 1\n").ok());
}

TEST_CASE("PodDisruptionBudget manifests: IntOrString fields, selector, status", "[scheduler][api]") {
  auto decode = [](const std::string& text) {
    auto docs = api::LoadYamlDocuments(text, "pdb.yaml");
    REQUIRE(docs.ok());
    return api::DecodeObject((*docs)[0]);
  };
  auto ok = decode(R"(apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: db, namespace: prod}
spec: {maxUnavailable: "25%", selector: {matchLabels: {app: db}}}
status: {disruptionsAllowed: 2, disruptedPods: {db-0: "2024-01-01T00:00:00Z"}}
)");
  REQUIRE(ok.ok());
  auto pdb = api::As<api::PodDisruptionBudget>(ok->object);
  REQUIRE(pdb);
  CHECK_FALSE(pdb->min_available);
  REQUIRE(pdb->max_unavailable);
  CHECK(pdb->max_unavailable->value == 25);
  CHECK(pdb->max_unavailable->percent);
  REQUIRE(pdb->selector);
  CHECK(pdb->selector->match_labels.at("app") == "db");
  CHECK(pdb->status.disruptions_allowed == 2);
  REQUIRE(pdb->status.disrupted_pods.size() == 1);
  CHECK(pdb->status.disrupted_pods.count("db-0") == 1);
  auto both = decode(
      "apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata: {name: x}\n"
      "spec: {minAvailable: 1, maxUnavailable: 1}\n");
  REQUIRE_FALSE(both.ok());
  CHECK(both.status().message().find("minAvailable and maxUnavailable cannot be both set") != std::string::npos);
  auto pct =
      decode("apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata: {name: x}\nspec: {minAvailable: 5x}\n");
  REQUIRE_FALSE(pct.ok());
  CHECK(pct.status().message().find("must be an integer or percentage") != std::string::npos);
  auto version = decode("apiVersion: policy/v1beta1\nkind: PodDisruptionBudget\nmetadata: {name: x}\n");
  CHECK_FALSE(version.ok());
}

TEST_CASE("PDB violation split: budgets are charged in order, per namespace and selector", "[scheduler][plugin]") {
  auto a1 = PodBuilder("a1").Label("app", "a").Build();
  auto a2 = PodBuilder("a2").Label("app", "a").Build();
  auto a3 = PodBuilder("a3").Label("app", "a").Build();
  auto b1 = PodBuilder("b1").Label("app", "b").Build();
  auto other_ns = PodBuilder("x1").Label("app", "a").Namespace("other").Build();
  auto unlabelled = PodBuilder("u1").Build();
  struct Row {
    const char* name;
    std::vector<std::shared_ptr<const api::PodDisruptionBudget>> pdbs;
    std::vector<std::string> violating, non_violating;
  };
  std::vector<Row> rows = {
      {"no budgets", {}, {}, {"a1", "a2", "a3", "b1", "x1", "u1"}},
      {"one disruption allowed", {Pdb("default", {{"app", "a"}}, 1)}, {"a2", "a3"}, {"a1", "b1", "x1", "u1"}},
      {"none allowed", {Pdb("default", {{"app", "a"}}, 0)}, {"a1", "a2", "a3"}, {"b1", "x1", "u1"}},
      {"already disrupted pods are not charged",
       {Pdb("default", {{"app", "a"}}, 1, {"a1"})},
       {"a3"},
       {"a1", "a2", "b1", "x1", "u1"}},
      {"an empty selector selects nothing", {Pdb("default", {}, 0)}, {}, {"a1", "a2", "a3", "b1", "x1", "u1"}},
      {"two budgets: either one going negative violates",
       {Pdb("default", {{"app", "a"}}, 2), Pdb("default", {{"app", "b"}}, 0)},
       {"a3", "b1"},
       {"a1", "a2", "x1", "u1"}},
  };
  for (const auto& row : rows) {
    INFO(row.name);
    std::vector<std::shared_ptr<const api::Pod>> violating, non_violating;
    FilterPodsWithPDBViolation({a1, a2, a3, b1, other_ns, unlabelled}, row.pdbs, &violating, &non_violating);
    CHECK(Names(violating) == row.violating);
    CHECK(Names(non_violating) == row.non_violating);
  }
}

TEST_CASE("SelectVictimsOnNode: remove all lower-priority pods, reprieve the most important first",
          "[scheduler][plugin]") {
  auto profile = FitProfile();
  // 5 cpu, all used: p-high (200) is above the preemptor and never a victim.
  NodeInfo node = Node("n", "5",
                       {Running("p10", 10, "1", 1), Running("p5-late", 5, "1", 2), Running("p5-early", 5, "2", 1),
                        Running("p-high", 200, "1", 0)});
  std::vector<const NodeInfo*> all = {&node};
  auto preemptor = PodBuilder("hi").Priority(100).Req({{"cpu", "2"}}).Build();
  Victims v;
  Status s = SelectVictimsOnNode(*profile, *preemptor, node, all, nullptr, {}, At(100), &v);
  REQUIRE(s.IsSuccess());
  // Reprieve order: p10, then p5-early (started first), then p5-late. Without the three 4 cpu are
  // free; p10 back leaves 3; p5-early (2) would leave 1 < 2: victim; p5-late (1) leaves 2: kept.
  CHECK(Names(v.pods) == std::vector<std::string>{"p5-early"});
  CHECK(v.num_pdb_violations == 0);
  CHECK(node.pods().size() == 4);  // the snapshot node is untouched

  SECTION("no lower-priority pod: not a candidate, unresolvable") {
    auto low = PodBuilder("low").Priority(0).Req({{"cpu", "2"}}).Build();
    Status none = SelectVictimsOnNode(*profile, *low, node, all, nullptr, {}, At(100), &v);
    CHECK(none.code() == Code::kUnschedulableAndUnresolvable);
    CHECK(none.Message() == "No preemption victims found for incoming pod");
  }
  SECTION("still no fit without every lower-priority pod: the filter's status") {
    auto big = PodBuilder("big").Priority(100).Req({{"cpu", "5"}}).Build();
    Status no_fit = SelectVictimsOnNode(*profile, *big, node, all, nullptr, {}, At(100), &v);
    CHECK(no_fit.code() == Code::kUnschedulable);
    CHECK(no_fit.Message() == "Insufficient cpu");
  }
  SECTION("a nominated pod of higher priority keeps its room") {
    Nominator nominator;
    auto waiting = PodBuilder("waiting").Priority(150).Req({{"cpu", "1"}}).Build();
    nominator.Add(waiting, std::string("n"));
    Status with = SelectVictimsOnNode(*profile, *preemptor, node, all, &nominator, {}, At(100), &v);
    REQUIRE(with.IsSuccess());
    // 1 cpu is held for the nominated pod: p10 back leaves 2, p5-early no, p5-late would leave 1.
    CHECK(Names(v.pods) == std::vector<std::string>{"p5-early", "p5-late"});
  }
}

TEST_CASE("SelectVictimsOnNode: PDB-violating victims are reprieved first", "[scheduler][plugin]") {
  auto profile = FitProfile();
  PodBuilder a1 = Running("a1", 0, "1", 1);
  a1.Label("app", "a");
  PodBuilder a2 = Running("a2", 0, "1", 2);
  a2.Label("app", "a");
  NodeInfo node = Node("n", "2", {a1, a2});
  std::vector<const NodeInfo*> all = {&node};
  auto preemptor = PodBuilder("hi").Priority(100).Req({{"cpu", "1"}}).Build();
  Victims v;
  // Without a budget a1 (started first) is reprieved and a2 goes.
  REQUIRE(SelectVictimsOnNode(*profile, *preemptor, node, all, nullptr, {}, At(10), &v).IsSuccess());
  CHECK(Names(v.pods) == std::vector<std::string>{"a2"});
  CHECK(v.num_pdb_violations == 0);
  // One disruption allowed: a2 would violate, so it is reprieved first and a1 goes, no violation.
  REQUIRE(SelectVictimsOnNode(*profile, *preemptor, node, all, nullptr, {Pdb("default", {{"app", "a"}}, 1)}, At(10), &v)
              .IsSuccess());
  CHECK(Names(v.pods) == std::vector<std::string>{"a1"});
  CHECK(v.num_pdb_violations == 0);
  // None allowed and both must go: two violations, most important first.
  auto big = PodBuilder("big").Priority(100).Req({{"cpu", "2"}}).Build();
  REQUIRE(SelectVictimsOnNode(*profile, *big, node, all, nullptr, {Pdb("default", {{"app", "a"}}, 0)}, At(10), &v)
              .IsSuccess());
  CHECK(Names(v.pods) == std::vector<std::string>{"a1", "a2"});
  CHECK(v.num_pdb_violations == 2);
}

TEST_CASE("pickOneNodeForPreemption: each stage decides in order", "[scheduler][plugin]") {
  auto pod = [](const std::string& name, int32_t priority, int64_t started_s) {
    PodBuilder b(name);
    b.Priority(priority);
    b.mutable_pod().status.start_time = At(started_s);
    return b.Build();
  };
  auto cand = [](const std::string& node, std::vector<std::shared_ptr<const api::Pod>> pods, int64_t violations = 0) {
    return PreemptionCandidate{node, Victims{std::move(pods), violations}};
  };
  struct Row {
    const char* stage;
    std::vector<PreemptionCandidate> candidates;
    std::string want;
  };
  std::vector<Row> rows = {
      {"1 fewest PDB violations", {cand("n1", {pod("a", 0, 1)}, 1), cand("n2", {pod("b", 50, 1)}, 0)}, "n2"},
      {"2 lowest highest-priority victim",
       {cand("n1", {pod("a", 10, 1)}), cand("n2", {pod("b", 5, 1), pod("c", 5, 1)})},
       "n2"},
      {"3 smallest sum of priorities",
       {cand("n1", {pod("a", 5, 1), pod("b", 5, 1)}), cand("n2", {pod("c", 5, 1), pod("d", 1, 1)})},
       "n2"},
      {"3 priorities shifted: more negative victims are not cheaper",
       {cand("n1", {pod("a", 5, 1), pod("b", -10, 1)}), cand("n2", {pod("c", 5, 1)})},
       "n2"},
      {"4 fewest victims (equal shifted sums)",
       {cand("n1", {pod("a", 1073741823, 1), pod("b", -1, 1), pod("c", -1073741824, 1)}),
        cand("n2", {pod("d", 1073741823, 1), pod("e", 1073741823, 1)})},
       "n2"},
      {"5 latest start of the highest-priority victims",
       {cand("n1", {pod("a", 5, 10), pod("b", 1, 50)}), cand("n2", {pod("c", 5, 20), pod("d", 1, 5)})},
       "n2"},
      {"6 otherwise the first", {cand("n1", {pod("a", 5, 10)}), cand("n2", {pod("b", 5, 10)})}, "n1"},
      {"one candidate", {cand("n3", {pod("a", 5, 10)})}, "n3"},
  };
  for (const auto& row : rows) {
    INFO(row.stage);
    int i = PickOneNodeForPreemption(row.candidates, At(100));
    REQUIRE(i >= 0);
    CHECK(row.candidates[static_cast<size_t>(i)].node == row.want);
  }
  CHECK(PickOneNodeForPreemption({}, At(100)) == -1);
}

TEST_CASE("DefaultPreemption PostFilter: nominates the best node, messages as upstream", "[scheduler][plugin]") {
  auto profile = FitProfile();
  std::vector<NodeInfo> nodes;
  nodes.push_back(Node("n0", "2", {Running("n0-a", 10, "2", 1)}));
  nodes.push_back(Node("n1", "2", {Running("n1-a", 1, "1", 1), Running("n1-b", 1, "1", 2)}));
  nodes.push_back(Node("n2", "2", {Running("n2-a", 500, "2", 1)}));
  testing::FakeLister lister(nodes);
  std::vector<const NodeInfo*> all = lister.Nodes();
  DefaultPreemption plugin(&lister, nullptr);
  PostFilterHandle handle{profile.get(), &all, nullptr, nullptr, nullptr, At(100)};
  std::map<std::string, Status> statuses;
  for (const auto& n : nodes)
    statuses[n.name()] = Status::Unschedulable("Insufficient cpu").WithPlugin("NodeResourcesFit");

  SECTION("the node with the lowest-priority victims") {
    auto hi = PodBuilder("hi").Priority(100).Req({{"cpu", "1"}}).Build();
    PostFilterResult r;
    Status s = plugin.PostFilter(handle, *hi, statuses, &r);
    REQUIRE(s.IsSuccess());
    REQUIRE(r.nominated_node_name);
    CHECK(*r.nominated_node_name == "n1");
    std::map<std::string, Status> none;
    auto c = plugin.FindCandidates(handle, *hi, statuses, &none);
    REQUIRE(c.size() == 2);
    CHECK(c[0].node == "n0");
    CHECK(Names(c[1].victims.pods) == std::vector<std::string>{"n1-b"});
    CHECK(none.at("n2").Message() == "No preemption victims found for incoming pod");
  }
  SECTION("no candidate: a FitError of the dry run, the nomination is cleared") {
    auto low = PodBuilder("low").Priority(1).Req({{"cpu", "1"}}).Build();
    statuses["n2"] = Status::Unresolvable("node(s) didn't match Pod's node affinity/selector");
    PostFilterResult r;
    Status s = plugin.PostFilter(handle, *low, statuses, &r);
    CHECK(s.code() == Code::kUnschedulable);
    CHECK(s.Message() ==
          "preemption: 0/3 nodes are available: 1 Preemption is not helpful for scheduling, "
          "2 No preemption victims found for incoming pod.");
    REQUIRE(r.nominated_node_name);
    CHECK(r.nominated_node_name->empty());
  }
  SECTION("preemptionPolicy Never") {
    PodBuilder b("never");
    b.Priority(100).Req({{"cpu", "1"}});
    b.mutable_pod().spec.preemption_policy = "Never";
    PostFilterResult r;
    Status s = plugin.PostFilter(handle, b.pod(), statuses, &r);
    CHECK(s.Message() == "preemption: not eligible due to preemptionPolicy=Never.");
    CHECK_FALSE(r.nominated_node_name);
  }
}

TEST_CASE("Filters with nominated pods: both passes must succeed", "[scheduler]") {
  auto profile = FitProfile();
  NodeInfo node = Node("n", "2", {Running("x", 0, "1", 1)});
  std::vector<const NodeInfo*> all = {&node};
  Nominator nominator;
  nominator.Add(PodBuilder("nom").Priority(10).Req({{"cpu", "1"}}).Build(), std::string("n"));
  CycleState state;
  auto equal = PodBuilder("eq").Priority(10).Req({{"cpu", "1"}}).Build();
  auto lower = PodBuilder("lo").Priority(9).Req({{"cpu", "1"}}).Build();
  REQUIRE(profile->RunPreFilter(state, *equal, all).IsSuccess());
  // A nominated pod of priority >= the pod's takes its room first.
  CHECK(profile->RunFilterWithNominatedPods(state, *equal, node, all, &nominator).Message() == "Insufficient cpu");
  // One of higher priority than the nominated pod ignores it.
  auto higher = PodBuilder("hi").Priority(11).Req({{"cpu", "1"}}).Build();
  CHECK(profile->RunFilterWithNominatedPods(state, *higher, node, all, &nominator).IsSuccess());
  CHECK(profile->RunFilterWithNominatedPods(state, *lower, node, all, &nominator).Message() == "Insufficient cpu");
  // The nominated pod itself does not count against itself.
  auto self = PodBuilder("nom").Priority(10).Req({{"cpu", "1"}}).Build();
  CHECK(profile->RunFilterWithNominatedPods(state, *self, node, all, &nominator).IsSuccess());
  nominator.Delete("uid-nom");
  CHECK(nominator.size() == 0);
  CHECK(profile->RunFilterWithNominatedPods(state, *equal, node, all, &nominator).IsSuccess());
}

TEST_CASE("Nominator: override, noop and the update that keeps an in-memory nomination", "[scheduler]") {
  Nominator n;
  PodBuilder b("p");
  auto plain = b.Build();
  n.Add(plain);  // noop mode, no status nomination: nothing
  CHECK(n.size() == 0);
  n.Add(plain, std::string("n1"));
  CHECK(n.NodeOf("uid-p") == "n1");
  // An update without nominatedNodeName either side keeps the node reserved in memory.
  n.Update(*plain, b.Build());
  CHECK(n.NodeOf("uid-p") == "n1");
  // The status now carries another node: it wins.
  b.mutable_pod().status.nominated_node_name = "n2";
  auto moved = b.Build();
  n.Update(*plain, moved);
  CHECK(n.NodeOf("uid-p") == "n2");
  CHECK(n.PodsForNode("n1").empty());
  CHECK(n.PodsForNode("n2").size() == 1);
  n.Add(moved, std::string(""));  // override with "": cleared
  CHECK(n.size() == 0);
}

}  // namespace
}  // namespace kubesim::scheduler
