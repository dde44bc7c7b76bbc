// spec.output (models/scenario/output_settings.h): the sampling interval and its input errors.
#include <catch2/catch.hpp>

#include "models/scenario/scenario.h"

namespace kubesim::scenario {
namespace {

const char* kHead =
    "apiVersion: kubesim.io/v1alpha1\n"
    "kind: Scenario\n"
    "metadata: {name: t}\n"
    "spec:\n";

TEST_CASE("spec.output: the interval defaults to 10s and may be set or turned off", "[scenario][metrics]") {
  auto dflt = LoadScenarioFromString(std::string(kHead) + "  seed: 1\n", "s.yaml");
  REQUIRE(dflt.ok());
  CHECK(dflt->settings.output.interval == sim::Duration::Seconds(10));
  auto set = LoadScenarioFromString(std::string(kHead) + "  output: {interval: 1m}\n", "s.yaml");
  REQUIRE(set.ok());
  CHECK(set->settings.output.interval == sim::Duration::Minutes(1));
  auto off = LoadScenarioFromString(std::string(kHead) + "  output: {interval: 0s}\n", "s.yaml");
  REQUIRE(off.ok());
  CHECK(off->settings.output.interval == sim::Duration::Zero());
}

TEST_CASE("spec.output: bad values name file, line, column and field", "[scenario][metrics]") {
  struct Row {
    std::string body, want;
  };
  std::vector<Row> rows = {
      {"  output: {interval: -5s}\n", "s.yaml:5:22: spec.output.interval: Invalid value: must not be negative"},
      {"  output: {interval: 10x}\n", "s.yaml:5:22: spec.output.interval: "},
      {"  output: {interval: 10us}\n", "s.yaml:5:22: spec.output.interval: Invalid value: must be at least 1ms"},
      {"  output: {intervall: 10s}\n", "s.yaml:5:12: spec.output.intervall: "},
      {"  output: 10s\n", "s.yaml:5:11: spec.output: "},
  };
  for (const auto& r : rows) {
    INFO(r.body);
    auto sc = LoadScenarioFromString(std::string(kHead) + r.body, "s.yaml");
    REQUIRE_FALSE(sc.ok());
    CHECK_THAT(sc.status().message(), Catch::StartsWith(r.want));
  }
}

}  // namespace
}  // namespace kubesim::scenario
