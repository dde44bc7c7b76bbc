// The pod registry's graceful deletion, as upstream's pkg/registry/core/pod/strategy_test.go
// (kubernetes/kubernetes @ v1.32, TestCheckGracefulDelete) tests it, and what the generic store
// makes of it (rest.BeforeDelete).
#include "models/apiserver/registry/pod_strategy.h"

#include <catch2/catch.hpp>
#include <memory>
#include <optional>
#include <string>

#include "models/api/kinds.h"
#include "models/api/pod.h"
#include "models/apiserver/registry/store.h"

namespace kubesim::apiserver::registry {
namespace {

using sim::Duration;
using sim::Time;

api::Pod MakePod(const std::string& node, const std::string& phase) {
  api::Pod p;
  p.kind = "Pod";
  p.metadata.name = "foo";
  p.metadata.namespace_ = "default";
  p.spec.node_name = node;
  p.status.phase = phase;
  return p;
}

TEST_CASE("TestCheckGracefulDelete: the grace period a DELETE gives a pod", "[apiserver]") {
  const int64_t default_grace_period = 30;
  struct Case {
    const char* name;
    api::Pod pod;
    int64_t grace_period;
  };
  // Upstream's cases, each deleted with gracePeriodSeconds 30. Upstream's last case, "has negative
  // grace period" (terminationGracePeriodSeconds -1 becomes 1), is not ported: kubesim does not
  // clamp a negative grace period.
  const Case cases[] = {
      {"in pending phase with has node name", MakePod("something", api::kPodPending), default_grace_period},
      {"in failed phase with has node name", MakePod("something", api::kPodFailed), 0},
      {"in failed phase", MakePod("", api::kPodPending), 0},
      {"in succeeded phase", MakePod("", api::kPodSucceeded), 0},
      {"no phase", MakePod("", ""), 0},
  };
  PodStrategy strategy;
  for (const Case& c : cases) {
    INFO(c.name);
    DeleteOptions out;
    out.grace_period_seconds = default_grace_period;
    CHECK(strategy.CheckGracefulDelete(c.pod, out) == std::optional<int64_t>(c.grace_period));
  }
}

TEST_CASE("CheckGracefulDelete: without gracePeriodSeconds the pod's terminationGracePeriodSeconds", "[apiserver]") {
  PodStrategy strategy;
  api::Pod running = MakePod("n1", api::kPodRunning);
  running.spec.termination_grace_period_seconds = 45;
  CHECK(strategy.CheckGracefulDelete(running, DeleteOptions{}) == std::optional<int64_t>(45));
  DeleteOptions shorter;
  shorter.grace_period_seconds = 5;
  CHECK(strategy.CheckGracefulDelete(running, shorter) == std::optional<int64_t>(5));
}

TEST_CASE("StrategyFor: pods are deleted gracefully, other kinds are not", "[apiserver]") {
  api::Pod pod = MakePod("n1", api::kPodRunning);
  CHECK(dynamic_cast<const PodStrategy*>(&StrategyFor(pod)) != nullptr);
  api::ConfigMap cm;
  cm.kind = "ConfigMap";
  CHECK(StrategyFor(cm).CheckGracefulDelete(cm, DeleteOptions{10, 0}) == std::nullopt);
}

TEST_CASE("DecideDeletion: a bound pod gets deletionTimestamp now plus its grace period", "[apiserver]") {
  api::Pod pod = MakePod("n1", api::kPodRunning);
  const Time now = Time() + Duration::Seconds(100);
  Deletion d = DecideDeletion(pod, DeleteOptions{}, now);
  REQUIRE(d.outcome == Deletion::Outcome::kUpdate);
  CHECK(d.updated->metadata.deletion_timestamp == now + Duration::Seconds(30));
  CHECK(d.updated->metadata.deletion_grace_period_seconds == 30);

  // An unbound or finished pod goes at once.
  CHECK(DecideDeletion(MakePod("", api::kPodPending), DeleteOptions{}, now).outcome == Deletion::Outcome::kDeleteNow);
  CHECK(DecideDeletion(MakePod("n1", api::kPodSucceeded), DeleteOptions{}, now).outcome ==
        Deletion::Outcome::kDeleteNow);
}

TEST_CASE("DecideDeletion: a second delete of a pod may only shorten its grace period", "[apiserver]") {
  api::Pod deleting = MakePod("n1", api::kPodRunning);
  deleting.metadata.deletion_timestamp = Time() + Duration::Seconds(130);
  deleting.metadata.deletion_grace_period_seconds = 30;
  const Time now = Time() + Duration::Seconds(110);

  CHECK(DecideDeletion(deleting, DeleteOptions{}, now).outcome == Deletion::Outcome::kUnchanged);
  CHECK(DecideDeletion(deleting, DeleteOptions{60, 0}, now).outcome == Deletion::Outcome::kUnchanged);

  Deletion shorter = DecideDeletion(deleting, DeleteOptions{5, 0}, now);
  REQUIRE(shorter.outcome == Deletion::Outcome::kUpdate);
  CHECK(shorter.updated->metadata.deletion_timestamp == now + Duration::Seconds(5));
  CHECK(shorter.updated->metadata.deletion_grace_period_seconds == 5);

  // Grace 0 (the kubelet's final delete) removes it.
  CHECK(DecideDeletion(deleting, DeleteOptions{0, 0}, now).outcome == Deletion::Outcome::kDeleteNow);
}

TEST_CASE("TestGracefulStoreCanDeleteIfExistingGracePeriodZero", "[apiserver]") {
  // Recovery from a graceful delete that was marked but never completed: the object keeps its
  // deletionTimestamp with a grace period of 0, and the next delete with grace 0 removes it.
  api::Pod pod = MakePod("machine", api::kPodRunning);
  pod.metadata.deletion_timestamp = Time() + Duration::Seconds(1);
  pod.metadata.deletion_grace_period_seconds = 0;
  CHECK(DecideDeletion(pod, DeleteOptions{0, 0}, Time() + Duration::Seconds(2)).outcome ==
        Deletion::Outcome::kDeleteNow);
}

}  // namespace
}  // namespace kubesim::apiserver::registry
