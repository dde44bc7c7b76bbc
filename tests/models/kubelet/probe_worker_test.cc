// ProbeWorker alone: thresholds, initial results and the hold, ported from upstream's worker tests
// (kubernetes/kubernetes pkg/kubelet/prober/worker_test.go @ v1.32). Upstream drives doProbe with
// a fake exec prober and reads the results manager; here the probe result is Record's argument
// and the settled result is success().
#include "models/kubelet/probe_worker.h"

#include <catch2/catch.hpp>

namespace kubesim::kubelet {
namespace {

using Action = ProbeWorker::Action;

TEST_CASE("ProbeWorker: initial results are readiness failure, liveness success, startup not started", "[kubelet]") {
  // TestInitialDelay: during the initial delay the result is the worker's initial value.
  CHECK_FALSE(ProbeWorker(ProbeType::kReadiness).success());
  CHECK(ProbeWorker(ProbeType::kLiveness).success());
  CHECK_FALSE(ProbeWorker(ProbeType::kStartup).success());
  for (ProbeType t : {ProbeType::kReadiness, ProbeType::kLiveness, ProbeType::kStartup}) {
    CHECK_FALSE(ProbeWorker(t).on_hold());
  }
  CHECK(std::string(ProbeTypeName(ProbeType::kReadiness)) == "Readiness");
  CHECK(std::string(ProbeTypeName(ProbeType::kLiveness)) == "Liveness");
  CHECK(std::string(ProbeTypeName(ProbeType::kStartup)) == "Startup");
}

TEST_CASE("ProbeWorker: failureThreshold, upstream TestFailureThreshold", "[kubelet]") {
  ProbeWorker w(ProbeType::kReadiness);
  for (int round = 0; round < 2; ++round) {
    INFO("round " << round);
    // The first probe succeeds and the result changes; two more successes change nothing.
    CHECK(w.Record(true, 1, 3) == Action::kChanged);
    CHECK(w.success());
    for (int j = 0; j < 2; ++j) {
      CHECK(w.Record(true, 1, 3) == Action::kNone);
      CHECK(w.success());
    }
    // The next two failures leave the result at success.
    for (int j = 0; j < 2; ++j) {
      CHECK(w.Record(false, 1, 3) == Action::kNone);
      CHECK(w.success());
    }
    // The third failure settles it; the following ones keep it.
    CHECK(w.Record(false, 1, 3) == Action::kChanged);
    CHECK_FALSE(w.success());
    for (int j = 0; j < 2; ++j) {
      CHECK(w.Record(false, 1, 3) == Action::kNone);
      CHECK_FALSE(w.success());
    }
    CHECK_FALSE(w.on_hold());  // readiness never holds
  }
}

TEST_CASE("ProbeWorker: successThreshold, upstream TestSuccessThreshold", "[kubelet]") {
  ProbeWorker w(ProbeType::kReadiness);  // starts out failure
  for (int round = 0; round < 2; ++round) {
    INFO("round " << round);
    for (int j = 0; j < 2; ++j) {
      CHECK(w.Record(true, 3, 1) == Action::kNone);
      CHECK_FALSE(w.success());
    }
    CHECK(w.Record(true, 3, 1) == Action::kChanged);
    CHECK(w.success());
    for (int j = 0; j < 2; ++j) {
      CHECK(w.Record(true, 3, 1) == Action::kNone);
      CHECK(w.success());
    }
    // One flake with failureThreshold 1 is a failure.
    CHECK(w.Record(false, 3, 1) == Action::kChanged);
    CHECK_FALSE(w.success());
  }
}

TEST_CASE("ProbeWorker: liveness and startup hold after a failure, upstream TestOnHoldOnLivenessOrStartupCheckFailure",
          "[kubelet]") {
  for (ProbeType t : {ProbeType::kLiveness, ProbeType::kStartup}) {
    INFO(ProbeTypeName(t));
    ProbeWorker w(t);
    CHECK(w.Record(false, 1, 1) == Action::kKill);
    CHECK_FALSE(w.success());
    CHECK(w.on_hold());
    // A new container ID lifts the hold: the manager gives the new instance a new worker.
    ProbeWorker next(t);
    CHECK_FALSE(next.on_hold());
    CHECK(next.Record(true, 1, 1) == (t == ProbeType::kStartup ? Action::kStarted : Action::kNone));
    CHECK(next.success());
  }
}

TEST_CASE(
    "ProbeWorker: liveness needs failureThreshold failures in a row, upstream TestResultRunOnLivenessCheckFailure",
    "[kubelet]") {
  ProbeWorker w(ProbeType::kLiveness);
  CHECK(w.Record(true, 1, 3) == Action::kNone);
  CHECK(w.success());
  CHECK(w.Record(false, 1, 3) == Action::kNone);
  CHECK(w.success());
  CHECK(w.Record(false, 1, 3) == Action::kNone);
  CHECK(w.success());
  CHECK(w.Record(false, 1, 3) == Action::kKill);
  CHECK_FALSE(w.success());
  CHECK(w.on_hold());
}

TEST_CASE("ProbeWorker: a success in between restarts the failure run", "[kubelet]") {
  ProbeWorker w(ProbeType::kLiveness);
  CHECK(w.Record(false, 1, 3) == Action::kNone);
  CHECK(w.Record(false, 1, 3) == Action::kNone);
  CHECK(w.Record(true, 1, 3) == Action::kNone);
  CHECK(w.Record(false, 1, 3) == Action::kNone);
  CHECK(w.Record(false, 1, 3) == Action::kNone);
  CHECK(w.success());
  CHECK(w.Record(false, 1, 3) == Action::kKill);
}

TEST_CASE("ProbeWorker: startup fails only at failureThreshold, upstream TestResultRunOnStartupCheckFailure",
          "[kubelet]") {
  ProbeWorker w(ProbeType::kStartup);
  // Below the threshold the result stays what it was (upstream Unknown: not started).
  CHECK(w.Record(false, 1, 3) == Action::kNone);
  CHECK_FALSE(w.success());
  CHECK_FALSE(w.on_hold());
  CHECK(w.Record(false, 1, 3) == Action::kNone);
  CHECK_FALSE(w.on_hold());
  CHECK(w.Record(false, 1, 3) == Action::kKill);
  CHECK(w.on_hold());
}

TEST_CASE("ProbeWorker: startup succeeds at successThreshold, upstream TestStartupProbeSuccessThreshold", "[kubelet]") {
  ProbeWorker once(ProbeType::kStartup);
  CHECK(once.Record(true, 1, 3) == Action::kStarted);
  CHECK(once.success());
  ProbeWorker twice(ProbeType::kStartup);
  CHECK(twice.Record(true, 2, 3) == Action::kNone);
  CHECK_FALSE(twice.success());
  CHECK(twice.Record(true, 2, 3) == Action::kStarted);
  // TestStartupProbeDisabledByStarted: one failure below the threshold, then a success.
  ProbeWorker flaky(ProbeType::kStartup);
  CHECK(flaky.Record(false, 1, 2) == Action::kNone);
  CHECK(flaky.Record(true, 1, 2) == Action::kStarted);
}

}  // namespace
}  // namespace kubesim::kubelet
