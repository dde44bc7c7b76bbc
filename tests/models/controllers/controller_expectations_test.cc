// ControllerExpectations against upstream's TestControllerExpectations (kubernetes/kubernetes
// pkg/controller/controller_utils_test.go @ v1.32), with the simulated clock in place of the fake
// clock and ExpectationsTimeout in place of the test's 30 s TTL store.
#include "models/controllers/controller_expectations.h"

#include <catch2/catch.hpp>
#include <optional>
#include <string>
#include <vector>

namespace kubesim::controllers {
namespace {

const std::string kKey = "default/foobar";

void Advance(sim::Simulation& sim, sim::Duration d) { sim.RunUntil(sim.Now() + d); }

TEST_CASE("ControllerExpectations: upstream TestControllerExpectations", "[controller]") {
  sim::Simulation sim(1);
  ControllerExpectations e(sim);
  // The controller fires off adds and deletes, then sets expectations; one more of each is
  // observed than expected (in production, a failed create or an unrelated delete).
  const int adds = 10, dels = 30;
  e.SetExpectations(kKey, adds, dels);
  for (int i = 0; i < adds + 1; ++i) e.CreationObserved(kKey);
  CHECK_FALSE(e.SatisfiedExpectations(kKey));  // deletions still pending
  for (int i = 0; i < dels + 1; ++i) e.DeletionObserved(kKey);

  struct Case {
    std::string name;
    std::optional<std::pair<int64_t, int64_t>> expectations_to_set;
    bool expire_expectations;
    std::pair<int64_t, int64_t> want_pod_expectations;
    bool want_satisfied;
  };
  const std::vector<Case> cases = {
      {"Expectations have been surpassed", std::nullopt, false, {-1, -1}, true},
      {"Old expectations are cleared because of ttl", std::pair<int64_t, int64_t>{1, 2}, true, {1, 2}, false},
  };
  // The cases run in order on one record, as upstream's subtests do.
  for (const Case& c : cases) {
    INFO(c.name);
    if (c.expectations_to_set) e.SetExpectations(kKey, c.expectations_to_set->first, c.expectations_to_set->second);
    const ControlleeExpectations* exp = e.GetExpectations(kKey);
    REQUIRE(exp != nullptr);
    CHECK(exp->GetExpectations() == c.want_pod_expectations);
    CHECK(e.SatisfiedExpectations(kKey) == c.want_satisfied);
    if (c.expire_expectations) {
      Advance(sim, kExpectationsTimeout + sim::Duration::Nanoseconds(1));
      CHECK(e.SatisfiedExpectations(kKey));
    }
  }
}

TEST_CASE("ControllerExpectations: no record, timeout edge, raise, lower and delete", "[controller]") {
  sim::Simulation sim(1);
  ControllerExpectations e(sim);
  // A controller that never set expectations syncs.
  CHECK(e.GetExpectations(kKey) == nullptr);
  CHECK(e.SatisfiedExpectations(kKey));
  // Observations without a record change nothing.
  e.CreationObserved(kKey);
  e.RaiseExpectations(kKey, 3, 3);
  CHECK(e.GetExpectations(kKey) == nullptr);

  e.ExpectCreations(kKey, 2);
  CHECK(e.GetExpectations(kKey)->GetExpectations() == std::pair<int64_t, int64_t>{2, 0});
  CHECK(e.GetExpectations(kKey)->timestamp() == sim.Now());
  // Expired only strictly after the timeout (upstream: Since(timestamp) > ExpectationsTimeout).
  Advance(sim, kExpectationsTimeout);
  CHECK_FALSE(e.SatisfiedExpectations(kKey));
  Advance(sim, sim::Duration::Nanoseconds(1));
  CHECK(e.SatisfiedExpectations(kKey));
  // Raising and lowering keep the timestamp: the record stays expired.
  e.RaiseExpectations(kKey, 1, 1);
  CHECK(e.GetExpectations(kKey)->GetExpectations() == std::pair<int64_t, int64_t>{3, 1});
  CHECK(e.SatisfiedExpectations(kKey));
  // Setting again restarts the clock and forgets the old counts.
  e.ExpectDeletions(kKey, 1);
  CHECK(e.GetExpectations(kKey)->GetExpectations() == std::pair<int64_t, int64_t>{0, 1});
  CHECK_FALSE(e.SatisfiedExpectations(kKey));
  e.LowerExpectations(kKey, 0, 1);
  CHECK(e.SatisfiedExpectations(kKey));
  // Expectations are per key.
  e.ExpectCreations("default/other", 1);
  CHECK(e.SatisfiedExpectations(kKey));
  CHECK_FALSE(e.SatisfiedExpectations("default/other"));
  e.DeleteExpectations("default/other");
  CHECK(e.GetExpectations("default/other") == nullptr);
  CHECK(e.SatisfiedExpectations("default/other"));
}

}  // namespace
}  // namespace kubesim::controllers
