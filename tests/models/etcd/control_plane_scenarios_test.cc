// etcd's failures end to end: the golden scenarios of docs/control-plane.md
// (scenarios/control-plane/), bad etcd configuration, and determinism.
#include <catch2/catch.hpp>
#include <fstream>
#include <functional>
#include <map>
#include <sstream>

#include "models/api/codec.h"
#include "models/api/node.h"
#include "models/api/pod.h"
#include "models/cluster/components.h"
#include "models/report/writers.h"
#include "models/scenario/scenario.h"

namespace kubesim::cluster {
namespace {

std::string Src(const std::string& rel) { return std::string(KUBESIM_SOURCE_DIR) + "/" + rel; }

// Runs the scenario file `rel` (from the source tree) with `extra_spec` (lines of its spec) appended; `inspect`
// sees the cluster when the run is over.
report::RunResults Run(const std::string& rel, const std::string& extra_spec = "",
                       const std::function<void(const Cluster&)>& inspect = nullptr) {
  std::ifstream in(Src(rel));
  std::stringstream text;
  text << in.rdbuf() << extra_spec;
  auto sc = scenario::LoadScenarioFromString(text.str(), Src(rel));
  INFO((sc.ok() ? "" : sc.status().message()));
  REQUIRE(sc.ok());
  Cluster cluster(*sc, RunOptions{});
  REQUIRE(cluster.Start().ok());
  cluster.Run();
  CHECK(cluster.CheckInvariants() == std::vector<std::string>{});
  if (inspect) inspect(cluster);
  return cluster.Results();
}

double S(const std::optional<sim::Time>& t) { return t ? t->ToSeconds() : -1; }

// Every commit a pod's row records (creation, binding, Running, deletion).
std::vector<double> PodCommits(const report::RunResults& r) {
  std::vector<double> out;
  for (const auto& p : r.pods) {
    for (const auto& t : {p.created, p.scheduled, p.running, p.deleted}) {
      if (t) out.push_back(t->ToSeconds());
    }
  }
  return out;
}

TEST_CASE("Control plane (a): an etcd leader loss mid-rollout stalls writes for the election, the rollout completes",
          "[etcd][control-plane]") {
  report::RunResults r = Run("scenarios/control-plane/leader-loss-rollout.yaml");
  CHECK(r.etcd.members == 3);
  CHECK(r.etcd.leader_changes == 1);
  // electionTimeout 1 s + rand(10 ticks) + two round trips.
  CHECK(r.etcd.seconds_without_leader >= 1.0);
  CHECK(r.etcd.seconds_without_leader < 2.0);
  CHECK(r.etcd.seconds_without_quorum == 0);
  // Proposals sent to the dead leader failed (after 7 s) and were retried.
  CHECK(r.etcd.failed_writes > 0);
  const double lost = 62, elected = 62 + r.etcd.seconds_without_leader;
  for (double t : PodCommits(r)) {
    INFO("a pod write committed at " << t);
    CHECK_FALSE((t > lost && t < elected));
  }
  // The rollout completed: 20 pods of the new template run, the 20 old ones are gone.
  int new_running = 0, old_deleted = 0;
  for (const auto& p : r.pods) {
    if (S(p.created) >= 60 && p.running && !p.deleted) new_running++;
    if (S(p.created) < 60 && p.deleted) old_deleted++;
  }
  CHECK(new_running == 20);
  CHECK(old_deleted == 20);
  CHECK(r.pods_running == 20);
  CHECK(r.failed_actions.empty());
}

TEST_CASE("Control plane (b): quorum loss for 2 minutes keeps pods running, new pods wait, everything converges",
          "[etcd][control-plane]") {
  report::RunResults r = Run("scenarios/control-plane/quorum-loss.yaml");
  CHECK(r.etcd.seconds_without_quorum == Approx(120));
  CHECK(r.etcd.seconds_without_leader > 120);
  CHECK(r.etcd.leader_changes == 1);
  // The eight pods of the start were never disturbed.
  int original = 0, waited = 0;
  for (const auto& p : r.pods) {
    if (S(p.created) < 59) {
      original++;
      CHECK(S(p.running) < 10);
      CHECK_FALSE(p.deleted);
    } else if (S(p.scheduled) > 180) {
      waited++;  // created just before the loss, bound only after it
    }
  }
  CHECK(original == 8);
  CHECK(waited > 0);
  // Nothing commits while there is no quorum.
  for (double t : PodCommits(r)) CHECK_FALSE((t > 61 && t < 180));
  CHECK(r.pods_running == 16);
  CHECK(r.nodes_ready == 4);
  // The scale at 90 s failed as kubectl's would (its GET timed out after etcd's 7 s).
  REQUIRE(r.failed_actions.size() == 1);
  CHECK(r.failed_actions[0].reason == "FailedUpdate");
  CHECK(r.failed_actions[0].at == Approx(97).margin(0.1));
  CHECK(r.failed_actions[0].message == "etcdserver: request timed out");
  // kube-controller-manager and kube-scheduler could not renew their leases: both stopped 10 s
  // into the loss, and new processes took the leases over 15 s after they could first read them
  // once quorum returned, so no node was ever marked NotReady (the new node lifecycle controller
  // starts a grace period for every node, and the kubelets' leases are fresh by then).
  REQUIRE(r.leader_election.size() == 2);
  for (const auto& e : r.leader_election) {
    INFO(e.component);
    CHECK(e.leader_changes == 1);
    CHECK(e.seconds_without_leader > 120 + 15 - 10);
    CHECK(e.seconds_without_leader < 120 + 15 + 10);
  }
  int not_ready_events = 0, stopped = 0, became = 0;
  for (const auto& e : r.events) {
    not_ready_events += e.reason == "NodeNotReady";
    if (e.reason == "LeaderElection") {
      const bool stop = e.message.find("stopped leading") != std::string::npos;
      stopped += stop;
      became += !stop;
      CHECK(S(e.time) > (stop ? 70 : 195));
      CHECK(S(e.time) < (stop ? 71 : 205));
    }
  }
  CHECK(stopped == 2);
  CHECK(became == 2);
  CHECK(not_ready_events == 0);
}

TEST_CASE("Control plane (c): the API server goes away, every informer relists, the controllers converge",
          "[apiserver][control-plane]") {
  report::RunResults r = Run("scenarios/control-plane/apiserver-outage.yaml");
  // The scale sent while the server was down was refused at once, as kubectl's would be.
  REQUIRE(r.failed_actions.size() == 1);
  CHECK(r.failed_actions[0].at == 65);
  CHECK(r.failed_actions[0].message == "dial tcp 10.0.0.1:6443: connect: connection refused");
  // Every watch broke twice (the outage at 60 s, the restart at 150 s): each relisted.
  CHECK(r.watch_relists_total >= 2 * 10);
  // Nothing committed while the server was down.
  for (double t : PodCommits(r)) CHECK_FALSE((t > 60 && t < 80));
  // The scale at 90 s and the rollout at 160 s both completed: 12 pods of the new template run.
  int new_running = 0;
  for (const auto& p : r.pods) {
    if (S(p.created) >= 160 && p.running && !p.deleted) new_running++;
  }
  CHECK(new_running == 12);
  CHECK(r.pods_running == 12);
  CHECK(r.nodes_ready == 4);
  // The 20 s outage outlasted the renew deadline: both components stopped and came back once new
  // processes could take their leases (15 s after first reading them); the 1 s restart at 150 s
  // did not.
  REQUIRE(r.leader_election.size() == 2);
  for (const auto& e : r.leader_election) {
    INFO(e.component);
    CHECK(e.leader_changes == 1);
    CHECK(e.seconds_without_leader > 20);
    CHECK(e.seconds_without_leader < 40);
  }
}

TEST_CASE(
    "Control plane (d): a zone cut off for 30 s changes nothing, for 2 minutes its nodes go NotReady and "
    "come back with their pods",
    "[network][control-plane]") {
  auto sc = scenario::LoadScenario(Src("scenarios/control-plane/zone-partition.yaml"));
  REQUIRE(sc.ok());
  Cluster cluster(*sc, RunOptions{});
  REQUIRE(cluster.Start().ok());
  cluster.Run();
  CHECK(cluster.CheckInvariants() == std::vector<std::string>{});
  report::RunResults r = cluster.Results();
  std::vector<std::pair<double, std::string>> not_ready;
  for (const auto& e : r.events) {
    if (e.reason == "NodeNotReady") not_ready.emplace_back(e.time.ToSeconds(), e.object);
  }
  // Only the 2-minute cut (from 180 s) outlasts the 50 s node monitor grace period, and only
  // zone-b's nodes go: within grace + one 5 s monitor period + one 10 s lease renewal.
  REQUIRE(not_ready.size() == 3);
  for (const auto& [t, node] : not_ready) {
    CHECK(node.rfind("Node/b-", 0) == 0);
    CHECK(t > 180 + 40);
    CHECK(t <= 180 + 50 + 5 + 10);
  }
  // After the heal at 300 s: every node Ready, the same 12 pods bound and Ready, none evicted.
  CHECK(r.nodes_ready == 6);
  CHECK(r.pods.size() == 12);
  CHECK(r.pods_deleted == 0);
  CHECK(r.pods_running == 12);
  int ready = 0;
  for (const auto& obj : cluster.components().store().Range("/registry/pods/").objects) {
    const api::PodCondition* c = api::As<api::Pod>(obj)->FindCondition("Ready");
    ready += c != nullptr && c->status == "True";
  }
  CHECK(ready == 12);
  // The nodes' unreachable taints are gone again.
  int nodes = 0;
  for (const auto& obj : cluster.components().store().Range("/registry/" + api::ResourceOf("Node") + "/").objects) {
    nodes++;
    CHECK(api::As<api::Node>(obj)->spec.taints.empty());
  }
  CHECK(nodes == 6);
}

// The value of metrics.csv column `name` at the sample taken at `t` seconds.
double SeriesAt(const report::RunResults& r, const std::string& name, double t) {
  for (size_t c = 0; c < r.metrics.names.size(); ++c) {
    if (r.metrics.names[c] != name) continue;
    for (size_t i = 0; i < r.metrics.time.size(); ++i) {
      if (r.metrics.time[i] == t) return r.metrics.columns[c][i];
    }
  }
  FAIL("no sample of " << name << " at " << t);
  return -1;
}

TEST_CASE("Control plane (f): the NOSPACE alarm stops writes until compaction and defragmentation free space",
          "[etcd][control-plane][quota]") {
  report::RunResults r = Run("scenarios/control-plane/nospace.yaml");
  constexpr int64_t kQuota = 8 * 1024 * 1024;
  CHECK(r.etcd.quota_backend_bytes == kQuota);
  // Puts filled the file to within one ConfigMap of the quota, never past it (sampled at 50 s, the
  // end of the flood); the deletes' tombstones, which the quota does not check, then grew it a
  // little beyond, as in etcd.
  CHECK(SeriesAt(r, "etcd_mvcc_db_total_size_in_bytes", 50) < kQuota);
  CHECK(SeriesAt(r, "etcd_mvcc_db_total_size_in_bytes", 50) > kQuota - 40 * 1024);
  CHECK(r.etcd.db_size_bytes_max < kQuota + 100 * 1024);
  // Raised by the flood, raised again after the early disarm, down at the end.
  CHECK(r.etcd.nospace_alarms == 2);
  CHECK_FALSE(r.etcd.nospace_alarm_active);
  CHECK(r.etcd.nospace_rejected_writes > 0);
  CHECK(r.etcd.failed_writes >= r.etcd.nospace_rejected_writes);
  // The flood: some creates fitted (~240 of 32 KiB in 8 MiB), the rest got 500.
  REQUIRE(r.apiserver_load.size() == 2);
  const auto& flood = r.apiserver_load[0];
  CHECK(flood.verb == "create");
  CHECK(flood.resource == "configmaps");
  CHECK(flood.sent == 800);
  const int64_t created = flood.responses_by_code.count(201) ? flood.responses_by_code.at(201) : 0;
  CHECK(created > 200);
  CHECK(created < 256);
  CHECK(flood.responses_by_code.at(500) == 800 - created);
  // Deletes went through while the alarm was raised: every ConfigMap of the flood is gone.
  const auto& cleanup = r.apiserver_load[1];
  CHECK(cleanup.sent == created);
  CHECK(cleanup.responses_by_code.at(200) == created);
  CHECK(r.objects_by_kind.count("ConfigMap") == 0);
  // The first scale failed with etcd's message; the second, after the maintenance, did not.
  REQUIRE(r.failed_actions.size() == 1);
  CHECK(r.failed_actions[0].at >= 60);
  CHECK(r.failed_actions[0].at < 61);
  CHECK(r.failed_actions[0].reason == "FailedUpdate");
  CHECK(r.failed_actions[0].message == "etcdserver: mvcc: database space exceeded");
  CHECK(r.pods_running == 12);
  CHECK(r.nodes_ready == 4);
  // metrics.csv: the file stays full after the compaction at 95 s and shrinks with the defrag at 101 s.
  CHECK(SeriesAt(r, "etcd_mvcc_db_total_size_in_bytes", 90) > kQuota - 40 * 1024);
  CHECK(SeriesAt(r, "etcd_mvcc_db_total_size_in_use_in_bytes", 100) < 1024 * 1024);
  CHECK(SeriesAt(r, "etcd_mvcc_db_total_size_in_bytes", 100) > kQuota - 40 * 1024);
  CHECK(SeriesAt(r, "etcd_mvcc_db_total_size_in_bytes", 110) < 1024 * 1024);
  CHECK(SeriesAt(r, "etcd_server_quota_backend_bytes", 0) == kQuota);
  // No pod write committed while the alarm was raised (from the flood until 105 s).
  for (double t : PodCommits(r)) CHECK_FALSE((t > 40 && t < 105));
}

TEST_CASE("Control plane (e): load above the API server's limits gets 429s, clients back off, the cluster converges",
          "[apiserver][control-plane][apf]") {
  report::RunResults r = Run("scenarios/control-plane/apiserver-overload.yaml");
  CHECK(r.apiserver.max_requests_inflight == 20);
  CHECK(r.apiserver.max_mutating_requests_inflight == 10);
  CHECK(r.apiserver.throttled_total > 0);
  // Only the load's priority level (an ordinary user: global-default) was throttled; the
  // controllers', the scheduler's and the kubelets' levels kept their seats.
  CHECK(r.apiserver.rejected_by_priority_level.at("global-default") > 0);
  for (const char* level : {"exempt", "system", "node-high", "leader-election", "workload-high", "workload-low"}) {
    INFO(level);
    CHECK(r.apiserver.rejected_by_priority_level.at(level) == 0);
  }
  // The load itself: its client backed off and retried (client-go: up to 10 times, after
  // Retry-After), and in the end every one of its creates went through.
  REQUIRE(r.apiserver_load.size() == 1);
  const auto& load = r.apiserver_load[0];
  CHECK(load.sent == 90000);
  CHECK(load.responses_by_code == std::map<int, int64_t>{{201, 90000}});
  CHECK(r.apiserver.throttled_total > load.sent / 2);
  // Queued requests waited: POST latency's p99 is seconds, not milliseconds.
  CHECK(r.apiserver.request_latency_seconds.at("POST").p99 > 1.0);
  // metrics.csv: queues and rejections during the load, none once it has drained.
  CHECK(SeriesAt(r, "apiserver_flowcontrol_current_inqueue_requests", 60) > 0);
  CHECK(SeriesAt(r, "apiserver_flowcontrol_rejected_requests_total", 60) > 0);
  CHECK(SeriesAt(r, "apiserver_flowcontrol_rejected_requests_total", 20) == 0);
  CHECK(SeriesAt(r, "apiserver_flowcontrol_current_inqueue_requests", r.simulated_seconds) == 0);
  CHECK(SeriesAt(r, "apiserver_request_total", r.simulated_seconds) == r.apiserver.requests_total);
  // The cluster converged: the scale went through, every pod runs, every node is Ready.
  CHECK(r.failed_actions.empty());
  CHECK(r.pods_running == 16);
  CHECK(r.nodes_ready == 4);
}

TEST_CASE("Control plane (e) with the cluster's own FlowSchema: the load gets a level that cannot borrow",
          "[apiserver][control-plane][apf]") {
  // Golden (e), with a priority level of 5 shares (ceil(30 × 5 / 250) = 1 seat, no borrowing,
  // rejecting instead of queuing) and a FlowSchema sending the load's creates to it, created by
  // the timeline before the load starts.
  const std::string bulk = R"(
    - at: 10s
      create:
        inline:
          apiVersion: flowcontrol.apiserver.k8s.io/v1
          kind: PriorityLevelConfiguration
          metadata: {name: bulk}
          spec:
            type: Limited
            limited: {nominalConcurrencyShares: 5, borrowingLimitPercent: 0, limitResponse: {type: Reject}}
    - at: 10s
      create:
        inline:
          apiVersion: flowcontrol.apiserver.k8s.io/v1
          kind: FlowSchema
          metadata: {name: bulk-loader}
          spec:
            priorityLevelConfiguration: {name: bulk}
            matchingPrecedence: 1000
            rules:
              - subjects: [{kind: User, user: {name: apiserver-load}}]
                resourceRules: [{verbs: [create], apiGroups: [""], resources: [configmaps], namespaces: ["*"]}]
)";
  report::RunResults r = Run("scenarios/control-plane/apiserver-overload.yaml", bulk);
  CHECK(r.failed_actions.empty());
  // Every rejection is the load's, at its own level; global-default, where it went before, is
  // left alone, and so is every other level.
  CHECK(r.apiserver.rejected_by_priority_level.at("bulk") > 0);
  CHECK(r.apiserver.rejected_by_priority_level.at("bulk") == r.apiserver.throttled_total);
  CHECK(r.apiserver.max_seats_in_use_by_priority_level.at("bulk") == 1);
  CHECK(r.apiserver.rejected_by_priority_level.at("global-default") == 0);
  // One seat at about 1,500 requests a second: over a third of the creates fail for good after
  // client-go's 10 retries, as a real client's would (in (e), borrowing, every one went through).
  REQUIRE(r.apiserver_load.size() == 1);
  const auto& load = r.apiserver_load[0];
  CHECK(load.responses_by_code.at(429) > load.sent / 3);
  CHECK(load.responses_by_code.at(201) > 0);
  // The rest of the cluster converged as in (e).
  CHECK(r.pods_running == 16);
  CHECK(r.nodes_ready == 4);
}

TEST_CASE("Control plane: an apiserverLoad's user decides its FlowSchema", "[apiserver][control-plane][apf]") {
  // Three loads of 100 creates a second on a 20-seat server, as three users: a service account of
  // another namespace (service-accounts: workload-low), a user of group system:masters (exempt)
  // and the default apiserver-load (global-default). Each level's peak seats show who was where.
  const std::string text = R"(apiVersion: kubesim.io/v1alpha1
kind: Scenario
spec:
  duration: 1m
  apiServer: {maxRequestsInflight: 10, maxMutatingRequestsInflight: 10}
  objects:
    - inline:
        {apiVersion: v1, kind: Node, metadata: {name: n}, status: {capacity: {cpu: "8", memory: 32Gi, pods: "110"}}}
  timeline:
    - {at: 5s, apiserverLoad: {qps: 100, duration: 10s, user: "system:serviceaccount:batch:loader"}}
    - {at: 20s, apiserverLoad: {qps: 100, duration: 10s, user: ops, groups: ["system:masters"]}}
    - {at: 35s, apiserverLoad: {qps: 100, duration: 10s}}
)";
  auto sc = scenario::LoadScenarioFromString(text, "loads.yaml");
  INFO((sc.ok() ? "" : sc.status().message()));
  REQUIRE(sc.ok());
  Cluster cluster(*sc, RunOptions{});
  REQUIRE(cluster.Start().ok());
  cluster.Run();
  const report::RunResults r = cluster.Results();
  CHECK(r.failed_actions.empty());
  REQUIRE(r.apiserver_load.size() == 3);
  for (const auto& load : r.apiserver_load) CHECK(load.responses_by_code == std::map<int, int64_t>{{201, 1000}});
  CHECK(r.apiserver.max_seats_in_use_by_priority_level.at("workload-low") > 0);
  CHECK(r.apiserver.max_seats_in_use_by_priority_level.at("global-default") > 0);
  // Exempt requests take no seat; workload-low is the service account's alone (no component is
  // a service account outside kube-system).
  CHECK(r.apiserver.max_seats_in_use_by_priority_level.at("exempt") == 0);
}

TEST_CASE("Control plane (g): with three API server replicas, one replica's outage goes unnoticed",
          "[apiserver][control-plane][replicas]") {
  report::RunResults r = Run("scenarios/control-plane/apiserver-replicas.yaml");
  REQUIRE(r.apiserver.replicas == 3);
  // Nothing failed: the scale at 65 s went to another replica and its pods started at once.
  CHECK(r.failed_actions.empty());
  int started_during_outage = 0;
  for (const auto& p : r.pods) {
    if (S(p.created) >= 65 && S(p.created) < 70 && S(p.running) > 0 && S(p.running) < 70) started_during_outage++;
  }
  CHECK(started_during_outage == 4);
  // Only the watches on the stopped replica (and at 200 s the restarted one) relisted; with one
  // replica (golden (c)) every watch does, twice.
  CHECK(r.watch_relists_total >= 4);
  CHECK(r.watch_relists_total < 40);
  // Both leaders kept their leases; every node stayed Ready.
  REQUIRE(r.leader_election.size() == 2);
  for (const auto& e : r.leader_election) {
    INFO(e.component);
    CHECK(e.leader_changes == 0);
    CHECK(e.seconds_without_leader == 0);
  }
  CHECK(r.nodes_ready == 4);
  for (const auto& e : r.events) CHECK(e.reason != "NodeNotReady");
  // Every replica served; replica 0 least, because the processes that left it at 60 s stayed
  // where they went.
  REQUIRE(r.apiserver.requests_by_replica.size() == 3);
  int64_t sum = 0;
  for (int64_t n : r.apiserver.requests_by_replica) {
    CHECK(n > 0);
    sum += n;
  }
  CHECK(sum >= r.apiserver.requests_total);
  CHECK(r.apiserver.requests_by_replica[0] < r.apiserver.requests_by_replica[1]);
  CHECK(r.apiserver.requests_by_replica[0] < r.apiserver.requests_by_replica[2]);
  // The rollout at 210 s completed.
  int new_running = 0;
  for (const auto& p : r.pods) {
    if (S(p.created) >= 210 && p.running && !p.deleted) new_running++;
  }
  CHECK(new_running == 12);
  CHECK(r.pods_running == 12);
}

TEST_CASE("Control plane: leaderElection settings of kube-scheduler and kube-controller-manager are honoured",
          "[control-plane][leaderelection]") {
  // Golden (c)'s 20 s outage costs both leaders their leases with the default 10 s renew deadline.
  const std::string settings =
      "  controllerManager: {leaderElection: {leaseDuration: 60s, renewDeadline: 40s, retryPeriod: 5s}}\n"
      "  scheduler:\n"
      "    config:\n"
      "      apiVersion: kubescheduler.config.k8s.io/v1\n"
      "      kind: KubeSchedulerConfiguration\n"
      "      leaderElection: {leaderElect: false}\n";
  report::RunResults r = Run("scenarios/control-plane/apiserver-outage.yaml", settings, [](const Cluster& cluster) {
    // Without leader election the scheduler takes no lease and nothing stops it.
    CHECK(cluster.store().Get("/registry/leases/kube-system/kube-scheduler") == nullptr);
    CHECK(cluster.store().Get("/registry/leases/kube-system/kube-controller-manager") != nullptr);
  });
  // The controller manager's 40 s renew deadline outlasts the outage.
  REQUIRE(r.leader_election.size() == 1);
  CHECK(r.leader_election[0].component == "kube-controller-manager");
  CHECK(r.leader_election[0].leader_changes == 0);
  CHECK(r.leader_election[0].seconds_without_leader == 0);
  CHECK(r.pods_running == 12);
}

TEST_CASE("Control plane: the same scenario and seed give byte-identical results", "[etcd][control-plane]") {
  for (const char* s : {"scenarios/control-plane/leader-loss-rollout.yaml", "scenarios/control-plane/quorum-loss.yaml",
                        "scenarios/control-plane/zone-partition.yaml", "scenarios/control-plane/apiserver-outage.yaml",
                        "scenarios/control-plane/nospace.yaml", "scenarios/control-plane/apiserver-overload.yaml",
                        "scenarios/control-plane/apiserver-replicas.yaml"}) {
    report::RunResults a = Run(s), b = Run(s);
    CHECK(a.fingerprint == b.fingerprint);
    CHECK(report::SummaryJson(a) == report::SummaryJson(b));
    CHECK(report::EventsJsonl(a) == report::EventsJsonl(b));
  }
}

std::string LoadError(const std::string& spec) {
  std::string text =
      "apiVersion: kubesim.io/v1alpha1\n"
      "kind: Scenario\n"
      "spec:\n" +
      spec;
  auto sc = scenario::LoadScenarioFromString(text, "bad.yaml");
  return sc.ok() ? "" : sc.status().message();
}

TEST_CASE("Control plane: bad etcd settings and actions are located errors", "[etcd][control-plane]") {
  CHECK(LoadError("  etcd: {members: 0}\n") ==
        "bad.yaml:4:19: spec.etcd.members: Invalid value: must be between 1 and 7");
  CHECK(LoadError("  etcd: {heartbeatInterval: 500ms, electionTimeout: 1s}\n") ==
        "bad.yaml:4:53: spec.etcd.electionTimeout: Invalid value: election timeout should be at least 5 times the "
        "heartbeat interval");
  CHECK(LoadError("  etcd: {electionTimeout: 60s}\n") ==
        "bad.yaml:4:27: spec.etcd.electionTimeout: Invalid value: election timeout must not exceed 50s");
  CHECK(LoadError("  etcd: {quorum: 2}\n").find("spec.etcd.quorum: unknown field \"quorum\"") != std::string::npos);
  CHECK(LoadError("  etcd: {members: 5}\n  timeline:\n    - {at: 1m, etcdMemberDown: {member: 5}}\n") ==
        "bad.yaml:6:41: spec.timeline[0].etcdMemberDown.member: Invalid value: 5: spec.etcd has 5 members, numbered 0 "
        "to 4");
  CHECK(LoadError("  timeline:\n    - {at: 1m, etcdMemberDown: {duration: 1m}}\n") ==
        "bad.yaml:5:32: spec.timeline[0].etcdMemberDown.member: Required value: the member's index, 0 to members-1");
  CHECK(LoadError("  timeline:\n    - {at: 1m, etcdDiskSlow: {factor: 0.5}}\n") ==
        "bad.yaml:5:39: spec.timeline[0].etcdDiskSlow.factor: Invalid value: must be between 1 and 1000000");
  CHECK(LoadError("  timeline:\n    - {at: 1m, apiserverDown: {replica: 1}}\n") ==
        "bad.yaml:5:41: spec.timeline[0].apiserverDown.replica: Invalid value: 1: spec.apiServer has 1 replica, "
        "numbered 0");
  CHECK(LoadError("  apiServer: {replicas: 3}\n  timeline:\n    - {at: 1m, apiserverRestart: {replica: 3}}\n") ==
        "bad.yaml:6:44: spec.timeline[0].apiserverRestart.replica: Invalid value: 3: spec.apiServer has 3 replicas, "
        "numbered 0 to 2");
  CHECK(LoadError("  timeline:\n    - {at: 1m, apiserverUp: {replica: -1}}\n") ==
        "bad.yaml:5:39: spec.timeline[0].apiserverUp.replica: Invalid value: -1: spec.apiServer has 1 replica, "
        "numbered 0");
  CHECK(
      LoadError("  timeline:\n    - {at: 1m, partition: {zone: nowhere}}\n") ==
      "bad.yaml:5:34: spec.timeline[0].partition.zone: Not found: no Node labelled topology.kubernetes.io/zone=nowhere "
      "is defined in the scenario");
  CHECK(LoadError("  timeline:\n    - {at: 1m, partition: {zone: a, nodes: [b]}}\n") ==
        "bad.yaml:5:27: spec.timeline[0].partition: Invalid value: give exactly one of zone, nodes, selector or "
        "controlPlane");
  CHECK(LoadError("  timeline:\n    - {at: 1m, partition: {nodes: [ghost]}}\n") ==
        "bad.yaml:5:36: spec.timeline[0].partition.nodes[0]: Not found: no Node \"ghost\" is defined in the scenario");
  CHECK(LoadError("  timeline:\n    - {at: 1m, etcdLeaderDown: {duration: -1s}}\n") ==
        "bad.yaml:5:43: spec.timeline[0].etcdLeaderDown.duration: Invalid value: must be positive");
  CHECK(LoadError("  apiServer: {replicas: 0}\n") ==
        "bad.yaml:4:25: spec.apiServer.replicas: Invalid value: 0: must be between 1 and 16");
  CHECK(LoadError("  apiServer: {replicas: 17}\n") ==
        "bad.yaml:4:25: spec.apiServer.replicas: Invalid value: 17: must be between 1 and 16");
  CHECK(LoadError("  controllerManager: {leaderElection: {leaseDuration: 10s}}\n") ==
        "bad.yaml:4:55: spec.controllerManager.leaderElection.leaseDuration: Invalid value: 10s: LeaseDuration must be "
        "greater than RenewDeadline");
  CHECK(LoadError("  controllerManager: {leaderElection: {retryPeriod: 9s}}\n") ==
        "bad.yaml:4:53: spec.controllerManager.leaderElection.retryPeriod: Invalid value: renewDeadline must be "
        "greater than retryPeriod*JitterFactor");
  CHECK(LoadError("  controllerManager: {leaderElection: {retryPeriod: 0s}}\n") ==
        "bad.yaml:4:53: spec.controllerManager.leaderElection.retryPeriod: Invalid value: 0s: must be greater than "
        "zero");
  CHECK(LoadError("  controllerManager: {leaderElection: {resourceLock: endpoints}}\n") ==
        "bad.yaml:4:54: spec.controllerManager.leaderElection.resourceLock: Unsupported value: \"endpoints\": "
        "supported values: \"leases\"");
  CHECK(LoadError("  controllerManager: {leaderElection: {resourceName: \"\"}}\n") ==
        "bad.yaml:4:54: spec.controllerManager.leaderElection.resourceName: Invalid value: \"\": resourceName is "
        "required");
  // Upstream validates the timings only when leader election is on.
  CHECK(LoadError("  controllerManager: {leaderElection: {leaderElect: false, retryPeriod: 0s}}\n").empty());
  CHECK(LoadError("  scheduler:\n    config:\n      apiVersion: kubescheduler.config.k8s.io/v1\n"
                  "      kind: KubeSchedulerConfiguration\n      leaderElection: {leaseDuration: 5s}\n") ==
        "bad.yaml:8:39: spec.scheduler.config.leaderElection.leaseDuration: Invalid value: 10s: LeaseDuration must "
        "be greater than RenewDeadline");
  CHECK(LoadError("  apiServer: {maxRequestsInflight: 0}\n") ==
        "bad.yaml:4:36: spec.apiServer.maxRequestsInflight: Invalid value: must be at least 1");
  CHECK(LoadError("  etcd: {quotaBackendBytes: 0}\n") ==
        "bad.yaml:4:29: spec.etcd.quotaBackendBytes: Invalid value: \"0\": must be a positive size such as 2Gi "
        "(etcd's default)");
  CHECK(LoadError("  timeline:\n    - {at: 1m, etcdDefrag: {member: 1}}\n")
            .find("spec.timeline[0].etcdDefrag.member: unknown field") != std::string::npos);
  CHECK(LoadError("  timeline:\n    - {at: 1m, apiserverLoad: {qps: 10}}\n") ==
        "bad.yaml:5:31: spec.timeline[0].apiserverLoad.duration: Required value: how long the load lasts");
  CHECK(LoadError("  timeline:\n    - {at: 1m, apiserverLoad: {qps: 0, duration: 1m}}\n") ==
        "bad.yaml:5:37: spec.timeline[0].apiserverLoad.qps: Invalid value: must be between 0 and 1000000");
  CHECK(LoadError("  timeline:\n    - {at: 1m, apiserverLoad: {qps: 10, duration: 1m, verb: patch}}\n") ==
        "bad.yaml:5:61: spec.timeline[0].apiserverLoad.verb: Unsupported value: \"patch\": supported values: "
        "\"create\", \"update\", \"delete\", \"list\"");
  CHECK(LoadError("  timeline:\n    - {at: 1m, apiserverLoad: {qps: 10, duration: 1m, resource: pods}}\n") ==
        "bad.yaml:5:65: spec.timeline[0].apiserverLoad.resource: Unsupported value: \"pods\": create supports "
        "\"configmaps\", \"secrets\"");
  CHECK(LoadError("  timeline:\n    - {at: 1m, apiserverLoad: {qps: 10, duration: 1m, user: "
                  "\"system:serviceaccount:batch\"}}\n") ==
        "bad.yaml:5:61: spec.timeline[0].apiserverLoad.user: Invalid value: \"system:serviceaccount:batch\": a service "
        "account's user is system:serviceaccount:<namespace>:<name>");
  CHECK(LoadError("  timeline:\n    - {at: 1m, apiserverLoad: {qps: 1000000, duration: 100h}}\n") ==
        "bad.yaml:5:56: spec.timeline[0].apiserverLoad.duration: Invalid value: qps × duration is more than "
        "10,000,000 requests");
  CHECK(LoadError("  timeline:\n    - {at: 1m, apiserverLoad: {qps: 1, duration: 1m, objectSize: 2Mi}}\n") ==
        "bad.yaml:5:66: spec.timeline[0].apiserverLoad.objectSize: Invalid value: \"2Mi\": must be between 0 and "
        "1.5Mi");
}

}  // namespace
}  // namespace kubesim::cluster
