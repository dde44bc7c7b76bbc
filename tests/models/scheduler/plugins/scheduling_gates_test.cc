// Upstream scheduling_gates_test.go: a pod with gates is kept out of activeQ with
// UnschedulableAndUnresolvable and the gate names in Go's %v list format.
#include "models/scheduler/plugins/scheduling_gates.h"

#include <catch2/catch.hpp>

#include "tests/support/builders.h"

namespace kubesim::scheduler {
namespace {

using testing::PodBuilder;

TEST_CASE("SchedulingGates PreEnqueue", "[scheduler][plugin]") {
  struct Row {
    const char* id;
    std::vector<std::string> gates;
    Code code;
    std::string message;
  };
  std::vector<Row> rows = {
      {"pod without gates", {}, Code::kSuccess, ""},
      {"one gate", {"foo"}, Code::kUnschedulableAndUnresolvable, "waiting for scheduling gates: [foo]"},
      {"gates keep their order",
       {"foo", "bar"},
       Code::kUnschedulableAndUnresolvable,
       "waiting for scheduling gates: [foo bar]"},
  };
  SchedulingGates plugin;
  for (const auto& r : rows) {
    INFO(r.id);
    PodBuilder pod;
    for (const auto& g : r.gates) pod.SchedulingGate(g);
    Status s = plugin.PreEnqueue(pod.pod());
    CHECK(s.code() == r.code);
    if (r.message.empty()) {
      CHECK(s.reasons().empty());
    } else {
      CHECK(s.reasons() == std::vector<std::string>{r.message});
    }
  }
}

TEST_CASE("SchedulingGates registration", "[scheduler][plugin]") {
  SchedulingGates plugin;
  CHECK(plugin.EventsToRegister() == kEventUnscheduledPodUpdate);
  PluginContext ctx;
  auto made = SchedulingGatesFactory()(ctx, nullptr);
  REQUIRE(made.ok());
  CHECK(made.value()->Name() == "SchedulingGates");
  CHECK(dynamic_cast<PreEnqueuePlugin*>(made.value().get()) != nullptr);
}

}  // namespace
}  // namespace kubesim::scheduler
