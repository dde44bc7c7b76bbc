// Scheduler preemption end to end through models/cluster (kubernetes/kubernetes
// pkg/scheduler/framework/preemption/preemption.go and plugins/defaultpreemption @ v1.32): the victim
// choice, a PodDisruptionBudget changing it, graceful termination of the victims, the nominated pod
// binding after they are gone, the events, and that an unschedulable pod never retries faster than
// its backoff.
#include <catch2/catch.hpp>
#include <map>
#include <string>
#include <vector>

#include "models/api/kinds.h"
#include "models/cluster/components.h"
#include "models/scenario/scenario.h"
#include "tests/support/scenario_run.h"

namespace kubesim::cluster {
namespace {

std::string Src(const std::string& rel) { return std::string(KUBESIM_SOURCE_DIR) + "/" + rel; }

struct Run {
  report::RunResults r;
  std::map<std::string, report::PodRecord> pods;
  std::shared_ptr<const api::Pod> Stored(Cluster& c, const std::string& name) {
    return api::As<api::Pod>(c.store().Get("/registry/pods/default/" + name));
  }
};

void Collect(Run& run, Cluster& c) {
  REQUIRE(c.CheckInvariants() == std::vector<std::string>{});
  run.r = c.Results();
  for (const auto& p : run.r.pods) run.pods[p.name] = p;
}

std::vector<client::RecordedEvent> EventsOf(const report::RunResults& r, const std::string& object,
                                            const std::string& reason) {
  std::vector<client::RecordedEvent> out;
  for (const auto& e : r.events) {
    if (e.object == object && e.reason == reason) out.push_back(e);
  }
  return out;
}

int64_t Nanos(const std::optional<sim::Time>& t) {
  REQUIRE(t);
  return t->nanos();
}

TEST_CASE("Preemption: the lowest-priority victim on the best node, gracefully, then the pod binds there",
          "[scenario]") {
  auto sc = scenario::LoadScenario(Src("tests/scenarios/preemption.yaml"));
  REQUIRE(sc.ok());
  Cluster c(*sc);
  REQUIRE(c.Start().ok());
  c.Run();
  Run run;
  Collect(run, c);
  const report::PodRecord& urgent = run.pods.at("urgent");
  const report::PodRecord& victim = run.pods.at("lowest");

  // (a) n0 holds the lowest-priority pods: only `lowest` goes (reprieving `low` leaves room).
  CHECK(urgent.node == "n0");
  CHECK(victim.deleted);
  for (const char* kept : {"low", "mid-0", "mid-1", "peer"}) {
    INFO(kept);
    CHECK_FALSE(run.pods.at(kept).deleted);
    CHECK(run.pods.at(kept).phase == "Running");
  }
  auto preempted = EventsOf(run.r, "Pod/default/lowest", "Preempted");
  REQUIRE(preempted.size() == 1);
  CHECK(preempted[0].type == "Normal");
  CHECK(preempted[0].source == "default-scheduler");
  CHECK(preempted[0].message == "Preempted by pod " + urgent.uid + " on node n0");
  // urgent created at 60.010 s, seen by the scheduler 5 ms later: that cycle preempts.
  CHECK(preempted[0].time.nanos() == 60'015'000'000);

  // (c) The victim got DisruptionTarget (status write, 10 ms) and then the delete (10 ms):
  // deletionTimestamp = 60.035 s + 20 s grace. Its kubelet deletes it at that instant (+10 ms).
  CHECK(Nanos(victim.deleted) == 80'045'000'000);
  // The scheduler sees the delete 5 ms later, retries urgent on its nominated node at once and
  // binds after the 10 ms cycle + 10 ms request.
  CHECK(Nanos(urgent.scheduled) == 80'070'000'000);
  CHECK(*urgent.scheduled > *victim.deleted);
  CHECK(urgent.phase == "Running");

  auto failed = EventsOf(run.r, "Pod/default/urgent", "FailedScheduling");
  // One failed cycle only: the scheduler's own status write (nominatedNodeName) does not requeue
  // the pod (upstream isPodUpdated), and the victim's deletionTimestamp update is no event
  // NodeResourcesFit registered for; the victim's final delete is.
  REQUIRE(failed.size() == 1);
  // The preempting cycle: PostFilter succeeded, so no preemption message is appended.
  CHECK(failed[0].message == "0/3 nodes are available: 3 Insufficient cpu.");
  CHECK(urgent.attempts == 2);

  auto stored = run.Stored(c, "urgent");
  REQUIRE(stored);
  CHECK(stored->status.nominated_node_name == "n0");
  CHECK(stored->spec.node_name == "n0");
  CHECK(c.store().Get("/registry/pods/default/lowest") == nullptr);
}

const std::string kPdbScenario =
    testing::ScenarioHead().Duration("2m").Name("preemption-pdb").Seed(1).FixedPodStart().FixedCycle().Yaml() +
    R"(    - inline: {apiVersion: scheduling.k8s.io/v1, kind: PriorityClass, metadata: {name: p1}, value: 1}
    - inline: {apiVersion: scheduling.k8s.io/v1, kind: PriorityClass, metadata: {name: p5}, value: 5}
    - inline: {apiVersion: scheduling.k8s.io/v1, kind: PriorityClass, metadata: {name: high}, value: 1000}
    - count: 2
      template: {apiVersion: v1, kind: Node, metadata: {name: "n{{i}}"}, status: {capacity: {cpu: "4", memory: 16Gi,
                 pods: "110"}}}
    - inline:
        apiVersion: v1
        kind: Pod
        metadata: {name: db, labels: {app: db}, annotations: {kubesim.io/sigterm-exit-after: 1h}}
        spec: {nodeName: n0, priorityClassName: p1, terminationGracePeriodSeconds: 5, containers: [{name: c,
               resources: {requests: {cpu: "4"}}}]}
    - inline:
        apiVersion: v1
        kind: Pod
        metadata: {name: batch, annotations: {kubesim.io/sigterm-exit-after: 1h}}
        spec: {nodeName: n1, priorityClassName: p5, terminationGracePeriodSeconds: 5, containers: [{name: c,
               resources: {requests: {cpu: "4"}}}]}
PDB
  timeline:
    - at: 30s
      create:
        inline:
          apiVersion: v1
          kind: Pod
          metadata: {name: urgent}
          spec: {priorityClassName: high, containers: [{name: c, resources: {requests: {cpu: "1"}}}]}
)";

TEST_CASE("Preemption: a PodDisruptionBudget moves the choice to another node", "[scenario]") {
  struct Row {
    const char* name;
    const char* pdb;
    const char* node;
    const char* victim;
    const char* survivor;
  };
  std::vector<Row> rows = {
      {"no budget: the lower-priority victim on n0", "", "n0", "db", "batch"},
      {"db may not be disrupted: n1 violates no budget", R"(    - inline:
        apiVersion: policy/v1
        kind: PodDisruptionBudget
        metadata: {name: db}
        spec: {minAvailable: 1, selector: {matchLabels: {app: db}}}
        status: {disruptionsAllowed: 0}
)",
       "n1", "batch", "db"},
      // The disruption controller computes the status: db is Ready and nothing must stay, so one
      // disruption is allowed (a maxUnavailable budget would allow none: db has no controller
      // whose scale it could use).
      {"db may be disrupted once: n0 again", R"(    - inline:
        apiVersion: policy/v1
        kind: PodDisruptionBudget
        metadata: {name: db}
        spec: {minAvailable: 0, selector: {matchLabels: {app: db}}}
)",
       "n0", "db", "batch"},
  };
  for (const auto& row : rows) {
    INFO(row.name);
    std::string text = kPdbScenario;
    text.replace(text.find("PDB\n"), 4, row.pdb);
    auto sc = scenario::LoadScenarioFromString(text, "pdb.yaml");
    INFO((sc.ok() ? "" : sc.status().message()));
    REQUIRE(sc.ok());
    Cluster c(*sc);
    REQUIRE(c.Start().ok());
    c.Run();
    Run run;
    Collect(run, c);
    CHECK(run.pods.at("urgent").node == row.node);
    CHECK(run.pods.at(row.victim).deleted);
    CHECK_FALSE(run.pods.at(row.survivor).deleted);
    // Preempting at 30.015 s; status write + delete 20 ms; 5 s grace; final delete 10 ms.
    CHECK(Nanos(run.pods.at(row.victim).deleted) == 35'045'000'000);
    // urgent waits unschedulable after its one failed cycle; the victim's final delete, seen at
    // 35.050 s, moves it straight to activeQ (its 1 s backoff is long over): cycle 10 ms, bind 10 ms.
    CHECK(run.pods.at("urgent").attempts == 2);
    CHECK(Nanos(run.pods.at("urgent").scheduled) == 35'070'000'000);
    REQUIRE(EventsOf(run.r, std::string("Pod/default/") + row.victim, "Preempted").size() == 1);
  }
}

TEST_CASE("Preemption: a pod that can never fit is retried no faster than its backoff", "[scenario]") {
  auto sc = scenario::LoadScenarioFromString(
      testing::ScenarioHead().Duration("70s").Name("never-fits").Seed(1).FixedCycle().Yaml() +
          R"(    - inline: {apiVersion: scheduling.k8s.io/v1, kind: PriorityClass, metadata: {name: high}, value: 1000}
    - count: 2
      template: {apiVersion: v1, kind: Node, metadata: {name: "n{{i}}"}, status: {capacity: {cpu: "4", memory: 16Gi,
                 pods: "110"}}}
    - inline:
        apiVersion: v1
        kind: Pod
        metadata: {name: small}
        spec: {nodeName: n0, containers: [{name: c, resources: {requests: {cpu: "1"}}}]}
  timeline:
    - at: 10s
      create:
        inline:
          apiVersion: v1
          kind: Pod
          metadata: {name: giant}
          spec: {priorityClassName: high, containers: [{name: c, resources: {requests: {cpu: "64"}}}]}
)",
      "never-fits.yaml");
  REQUIRE(sc.ok());
  Cluster c(*sc);
  REQUIRE(c.Start().ok());
  c.Run();
  Run run;
  Collect(run, c);
  const auto& giant = run.pods.at("giant");
  CHECK_FALSE(giant.scheduled);
  // Retrying at every backoff expiry (1, 2, 4, 8, 10, 10 … s) from 10.015 s would give at most 9
  // attempts in the remaining minute; a hot loop would give thousands.
  CHECK(giant.attempts <= 9);
  // Actual: one cycle; then it waits in the unschedulable pool — its own status write is no
  // reason to retry (upstream isPodUpdated), nothing else changes, and the 5-minute leftover
  // flush lies beyond this run.
  CHECK(giant.attempts == 1);
  CHECK(giant.last_failure ==
        "0/2 nodes are available: 2 Insufficient cpu. preemption: 0/2 nodes are available: "
        "1 Insufficient cpu, 1 No preemption victims found for incoming pod.");
  CHECK(EventsOf(run.r, "Pod/default/small", "Preempted").empty());
  CHECK(run.Stored(c, "giant")->status.nominated_node_name.empty());
}

}  // namespace
}  // namespace kubesim::cluster
