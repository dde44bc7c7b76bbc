// The Job controller through whole runs: the pod-failure backoff up to backoffLimit, completions
// with bounded parallelism, activeDeadlineSeconds, and restartPolicy OnFailure restarts.
#include "models/controllers/job.h"

#include <algorithm>
#include <catch2/catch.hpp>

#include "models/api/kinds.h"
#include "models/cluster/components.h"
#include "models/scenario/scenario.h"
#include "tests/support/scenario_run.h"

namespace kubesim::controllers {
namespace {

// Fixed latencies keep the timeline exact: 10 ms per request, 5 ms watch delivery, pods start
// 500 ms after binding.
std::string ScenarioWith(const std::string& job_yaml, const std::string& duration = "30m") {
  return testing::ScenarioHead().Duration(duration).FixedPodStart().FixedCycle().Nodes(2).Yaml() + "    - inline:\n" +
         job_yaml;
}

std::shared_ptr<const api::Job> StoredJob(cluster::Cluster& c, const std::string& name) {
  return api::As<api::Job>(c.store().Get("/registry/jobs/default/" + name));
}

int Count(const report::RunResults& r, const std::string& reason) {
  return static_cast<int>(
      std::count_if(r.events.begin(), r.events.end(), [&](const auto& e) { return e.reason == reason; }));
}

TEST_CASE("Job pod failures back off 10 s, 20 s, 40 s and fail the Job past backoffLimit", "[controller]") {
  auto run = testing::StartScenario(ScenarioWith(R"(
        apiVersion: batch/v1
        kind: Job
        metadata: {name: crash}
        spec:
          template:
            metadata: {annotations: {kubesim.io/run-duration: 5s, kubesim.io/exit-code: "1"}}
            spec:
              restartPolicy: Never
              containers: [{name: c, image: busybox}]
)"),
                                    "job.yaml");
  cluster::Cluster& c = *run.cluster;
  c.Run();
  report::RunResults r = c.Results();
  // backoffLimit defaults to 6: the 7th failure ends the Job, and no pod comes after it.
  REQUIRE(r.pods.size() == 7);
  for (const auto& p : r.pods) {
    INFO(p.name);
    CHECK(p.phase == "Failed");
    CHECK_THAT(p.name, Catch::StartsWith("crash-"));
    REQUIRE(p.created);
    REQUIRE(p.finished);
    CHECK((*p.finished - *p.created).ToSeconds() >= 5.0);
  }
  // Each replacement waits 10 s × 2^(n−1) after the n-th failure (DefaultJobPodFailureBackOff),
  // counted from the failed pod's finish time (its Ready=False transition, a status write before
  // `finished` commits): created within that backoff plus the create's 10 ms round trip.
  for (size_t i = 1; i < r.pods.size(); ++i) {
    double backoff = 10.0 * static_cast<double>(1 << (i - 1));
    double gap = (*r.pods[i].created - *r.pods[i - 1].finished).ToSeconds();
    INFO("replacement " << i << " gap " << gap);
    CHECK(gap >= backoff - 0.05);
    CHECK(gap <= backoff + 0.05);
  }
  auto job = StoredJob(c, "crash");
  REQUIRE(job);
  CHECK(job->status.failed == 7);
  CHECK(job->status.succeeded == 0);
  CHECK(job->status.active == 0);
  const api::JobCondition* target = job->FindCondition("FailureTarget");
  const api::JobCondition* failed = job->FindCondition("Failed");
  REQUIRE(target);
  REQUIRE(failed);
  CHECK(failed->status == "True");
  CHECK(failed->reason == "BackoffLimitExceeded");
  CHECK(failed->message == "Job has reached the specified backoff limit");
  CHECK(job->FindCondition("Complete") == nullptr);
  CHECK(failed->last_transition_time >= *r.pods.back().finished);
  CHECK(Count(r, "SuccessfulCreate") == 7);
  CHECK(Count(r, "BackoffLimitExceeded") == 1);
  // Every pod carries the Job's labels and a controller reference.
  auto pod = api::As<api::Pod>(c.store().Get("/registry/pods/default/" + r.pods[0].name));
  REQUIRE(pod);
  CHECK(pod->metadata.labels.at(kJobNameLabel) == "crash");
  CHECK(pod->metadata.labels.at(kLegacyJobNameLabel) == "crash");
  CHECK(pod->metadata.labels.at(kControllerUidLabel) == job->metadata.uid);
  CHECK(pod->metadata.labels.at(kLegacyControllerUidLabel) == job->metadata.uid);
  REQUIRE(pod->metadata.owner_references.size() == 1);
  const api::OwnerReference& ref = pod->metadata.owner_references[0];
  CHECK((ref.kind == "Job" && ref.api_version == "batch/v1" && ref.uid == job->metadata.uid));
  CHECK((ref.controller && ref.block_owner_deletion));
  // The kubelet reports the container's exit code.
  REQUIRE(pod->status.container_statuses.size() == 1);
  REQUIRE(pod->status.container_statuses[0].state.kind == api::ContainerState::Kind::kTerminated);
  CHECK(pod->status.container_statuses[0].state.terminated.exit_code == 1);
  CHECK(pod->status.container_statuses[0].state.terminated.reason == "Error");
  CHECK(c.CheckInvariants() == std::vector<std::string>{});
}

TEST_CASE("Job with completions 5 and parallelism 2 completes with 5 pods, at most 2 at a time", "[controller]") {
  auto run = testing::StartScenario(ScenarioWith(R"(
        apiVersion: batch/v1
        kind: Job
        metadata: {name: batch}
        spec:
          completions: 5
          parallelism: 2
          template:
            metadata: {annotations: {kubesim.io/run-duration: 30s}}
            spec:
              restartPolicy: Never
              containers: [{name: c, image: busybox, resources: {requests: {cpu: 100m}}}]
)"),
                                    "job.yaml");
  cluster::Cluster& c = *run.cluster;
  c.Run();
  report::RunResults r = c.Results();
  REQUIRE(r.pods.size() == 5);
  // Active from creation to finish: never more than parallelism at once.
  std::vector<std::pair<sim::Time, int>> edges;
  for (const auto& p : r.pods) {
    CHECK(p.phase == "Succeeded");
    REQUIRE(p.created);
    REQUIRE(p.finished);
    edges.push_back({*p.created, +1});
    edges.push_back({*p.finished, -1});
  }
  std::sort(edges.begin(), edges.end());  // a finish before a creation at the same instant
  int active = 0, peak = 0;
  for (const auto& [t, d] : edges) peak = std::max(peak, active += d);
  CHECK(peak == 2);
  auto job = StoredJob(c, "batch");
  REQUIRE(job);
  CHECK(job->status.succeeded == 5);
  CHECK(job->status.failed == 0);
  CHECK(job->status.active == 0);
  REQUIRE(job->FindCondition("SuccessCriteriaMet"));
  const api::JobCondition* complete = job->FindCondition("Complete");
  REQUIRE(complete);
  CHECK(complete->status == "True");
  REQUIRE(job->status.completion_time);
  REQUIRE(job->status.start_time);
  CHECK(*job->status.completion_time >= *r.pods.back().finished);
  CHECK(job->FindCondition("Failed") == nullptr);
  CHECK(Count(r, "Completed") == 1);
  CHECK(c.CheckInvariants() == std::vector<std::string>{});
}

TEST_CASE("Job activeDeadlineSeconds deletes the active pods and fails the Job", "[controller]") {
  auto run = testing::StartScenario(ScenarioWith(R"(
        apiVersion: batch/v1
        kind: Job
        metadata: {name: slow}
        spec:
          completions: 4
          parallelism: 2
          activeDeadlineSeconds: 60
          template:
            # The process ignores SIGTERM: the kubelet kills it at the 30 s grace deadline.
            metadata: {annotations: {kubesim.io/run-duration: 10m, kubesim.io/sigterm-exit-after: 1h}}
            spec:
              restartPolicy: Never
              containers: [{name: c, image: busybox}]
)"),
                                    "job.yaml");
  cluster::Cluster& c = *run.cluster;
  c.Run();
  report::RunResults r = c.Results();
  REQUIRE(r.pods.size() == 2);
  auto job = StoredJob(c, "slow");
  REQUIRE(job);
  REQUIRE(job->status.start_time);
  const double deadline = job->status.start_time->ToSeconds() + 60.0;
  for (const auto& p : r.pods) {
    // Deleted at the deadline with the default 30 s grace; the kubelet removes them after it.
    REQUIRE(p.deleted);
    CHECK(p.deleted->ToSeconds() >= deadline + 30.0);
    CHECK(p.deleted->ToSeconds() <= deadline + 30.5);
    CHECK(p.phase != "Succeeded");
  }
  const api::JobCondition* target = job->FindCondition("FailureTarget");
  const api::JobCondition* failed = job->FindCondition("Failed");
  REQUIRE(target);
  REQUIRE(failed);
  CHECK(target->reason == "DeadlineExceeded");
  CHECK(failed->reason == "DeadlineExceeded");
  CHECK(failed->message == "Job was active longer than specified deadline");
  CHECK(target->last_transition_time.ToSeconds() >= deadline);
  CHECK(target->last_transition_time.ToSeconds() <= deadline + 0.1);
  // The terminal condition waits until no pod is terminating any more (v1.32).
  CHECK(failed->last_transition_time.ToSeconds() >= deadline + 30.0);
  CHECK(job->status.failed == 2);
  CHECK(job->status.active == 0);
  CHECK(job->status.terminating == 0);
  CHECK(Count(r, "SuccessfulDelete") == 2);
  CHECK(Count(r, "DeadlineExceeded") == 1);
}

TEST_CASE("Job with restartPolicy OnFailure fails once container restarts reach backoffLimit", "[controller]") {
  auto run = testing::StartScenario(ScenarioWith(R"(
        apiVersion: batch/v1
        kind: Job
        metadata: {name: flaky}
        spec:
          backoffLimit: 3
          template:
            spec:
              restartPolicy: OnFailure
              containers: [{name: c, image: busybox}]
)"),
                                    "job.yaml");
  cluster::Cluster& c = *run.cluster;
  c.RunUntil(sim::Time::Zero() + sim::Duration::Seconds(30));
  report::RunResults early = c.Results();
  REQUIRE(early.pods.size() == 1);
  REQUIRE(early.pods[0].phase == "Running");
  auto write_restarts = [&](int32_t n) {
    auto pod = api::As<api::Pod>(c.store().Get("/registry/pods/default/" + early.pods[0].name));
    REQUIRE(pod);
    auto copy = pod->DeepCopy();
    api::ContainerStatus cs;
    cs.name = "c";
    cs.restart_count = n;
    copy->status.container_statuses = {cs};
    c.components().api_server().UpdateStatus(copy, nullptr);
  };
  // The kubelet's restarts are driven through the API server, as its status writes would be.
  write_restarts(2);
  c.RunUntil(sim::Time::Zero() + sim::Duration::Seconds(60));
  auto job = StoredJob(c, "flaky");
  REQUIRE(job);
  CHECK(job->FindCondition("FailureTarget") == nullptr);
  CHECK(job->status.active == 1);
  write_restarts(3);
  c.Run();
  job = StoredJob(c, "flaky");
  report::RunResults r = c.Results();
  REQUIRE(r.pods.size() == 1);
  CHECK(r.pods[0].deleted);
  const api::JobCondition* failed = job->FindCondition("Failed");
  REQUIRE(failed);
  CHECK(failed->reason == "BackoffLimitExceeded");
  // The deleted pod counts as failed (upstream isPodFailed: deleted before it succeeded).
  CHECK(job->status.failed == 1);
}

TEST_CASE("Indexed Job runs every completion index once and reports completedIndexes", "[controller]") {
  auto run = testing::StartScenario(ScenarioWith(R"(
        apiVersion: batch/v1
        kind: Job
        metadata: {name: idx}
        spec:
          completions: 4
          parallelism: 2
          completionMode: Indexed
          template:
            metadata: {annotations: {kubesim.io/run-duration: 10s}}
            spec:
              restartPolicy: Never
              containers: [{name: c, image: busybox}]
)"),
                                    "job.yaml");
  cluster::Cluster& c = *run.cluster;
  c.Run();
  report::RunResults r = c.Results();
  REQUIRE(r.pods.size() == 4);
  std::vector<int32_t> indexes;
  for (const auto& p : r.pods) {
    CHECK(p.phase == "Succeeded");
    auto pod = api::As<api::Pod>(c.store().Get("/registry/pods/default/" + p.name));
    REQUIRE(pod);
    int32_t ix = CompletionIndex(*pod);
    CHECK(pod->metadata.labels.at(kJobCompletionIndex) == std::to_string(ix));
    CHECK_THAT(p.name, Catch::StartsWith("idx-" + std::to_string(ix) + "-"));
    indexes.push_back(ix);
  }
  // Lowest pending indexes first, two at a time.
  CHECK(indexes == std::vector<int32_t>{0, 1, 2, 3});
  CHECK(*r.pods[2].created > *r.pods[0].finished);
  auto job = StoredJob(c, "idx");
  CHECK(job->status.completed_indexes == "0-3");
  CHECK(job->status.succeeded == 4);
  REQUIRE(job->FindCondition("Complete"));
}

TEST_CASE("A suspended Job runs no pod, and resuming starts it and its deadline clock", "[controller]") {
  auto sc = scenario::LoadScenarioFromString(ScenarioWith(R"(
        apiVersion: batch/v1
        kind: Job
        metadata: {name: later}
        spec:
          suspend: true
          completions: 2
          parallelism: 2
          template:
            metadata: {annotations: {kubesim.io/run-duration: 1m}}
            spec:
              restartPolicy: Never
              containers: [{name: c, image: busybox}]
)"),
                                             "job.yaml");
  REQUIRE(sc.ok());
  CHECK(sc->warnings.empty());
  cluster::Cluster c(*sc);
  REQUIRE(c.Start().ok());
  auto set_suspend = [&](bool suspend) {
    auto copy = StoredJob(c, "later")->DeepCopy();
    copy->suspend = suspend;
    c.components().api_server().Update(copy, nullptr);
  };
  c.RunUntil(sim::Time::Zero() + sim::Duration::Minutes(1));
  CHECK(c.Results().pods.empty());
  auto job = StoredJob(c, "later");
  REQUIRE(job->FindCondition("Suspended"));
  CHECK(job->FindCondition("Suspended")->status == "True");
  CHECK(job->FindCondition("Suspended")->reason == "JobSuspended");
  CHECK_FALSE(job->status.start_time);

  set_suspend(false);
  c.RunUntil(sim::Time::Zero() + sim::Duration::Seconds(80));
  job = StoredJob(c, "later");
  REQUIRE(job->status.start_time);
  CHECK(job->status.start_time->ToSeconds() >= 60.0);
  CHECK(job->FindCondition("Suspended")->status == "False");
  CHECK(job->FindCondition("Suspended")->reason == "JobResumed");
  CHECK(job->status.active == 2);
  CHECK(c.Results().pods.size() == 2);

  // Suspended again mid-run: the pods go, and they count neither as failed nor as succeeded.
  set_suspend(true);
  c.RunUntil(sim::Time::Zero() + sim::Duration::Minutes(3));
  job = StoredJob(c, "later");
  report::RunResults r = c.Results();
  REQUIRE(r.pods.size() == 2);
  for (const auto& p : r.pods) CHECK(p.deleted);
  CHECK(job->FindCondition("Suspended")->status == "True");
  CHECK(job->status.active == 0);
  CHECK(job->status.failed == 0);
  CHECK(job->status.succeeded == 0);

  set_suspend(false);
  c.Run();
  job = StoredJob(c, "later");
  r = c.Results();
  CHECK(r.pods.size() == 4);
  CHECK(job->status.succeeded == 2);
  CHECK(job->status.failed == 0);
  REQUIRE(job->FindCondition("Complete"));
  CHECK(Count(r, "Suspended") == 2);
  CHECK(Count(r, "Resumed") == 2);
}

TEST_CASE("Completed indexes print as upstream's ordered intervals", "[controller]") {
  CHECK(CompressedIndexes({}) == "");
  CHECK(CompressedIndexes({0}) == "0");
  CHECK(CompressedIndexes({1, 3, 4, 5, 7}) == "1,3-5,7");
  CHECK(CompressedIndexes({0, 1}) == "0-1");
}

TEST_CASE("Job pod-failure backoff doubles from 10 s and stops at its cap", "[controller]") {
  JobBackoffRecord b;
  const sim::Time t0 = sim::Time::Zero() + sim::Duration::Hours(1);
  const auto base = JobController::kDefaultPodFailureBackOff, cap = JobController::kMaxPodFailureBackOff;
  CHECK(b.RemainingTime(t0, base, cap) == sim::Duration::Zero());
  b.last_failure_time = t0;
  b.failures_after_last_success = 1;
  CHECK(b.RemainingTime(t0, base, cap) == sim::Duration::Seconds(10));
  CHECK(b.RemainingTime(t0 + sim::Duration::Seconds(4), base, cap) == sim::Duration::Seconds(6));
  CHECK(b.RemainingTime(t0 + sim::Duration::Seconds(11), base, cap) == sim::Duration::Zero());
  b.failures_after_last_success = 3;
  CHECK(b.RemainingTime(t0, base, cap) == sim::Duration::Seconds(40));
  b.failures_after_last_success = 7;  // 640 s is past the cap
  CHECK(b.RemainingTime(t0, base, cap) == sim::Duration::Minutes(10));
  b.failures_after_last_success = 60;
  CHECK(b.RemainingTime(t0, base, cap) == sim::Duration::Minutes(10));
}

}  // namespace
}  // namespace kubesim::controllers
