// examples/scenarios/kubelet-failures.yaml, the kubelet's failure behaviour in one run (see
// docs/kubelet.md): it loads, runs deterministically, and shows each failure it promises.
#include <catch2/catch.hpp>

#include "models/api/kinds.h"
#include "models/api/pod.h"
#include "models/cluster/components.h"
#include "models/scenario/scenario.h"
#include "tests/support/scenario_run.h"

namespace kubesim {
namespace {

const std::string kScenario = std::string(KUBESIM_SOURCE_DIR) + "/examples/scenarios/kubelet-failures.yaml";

TEST_CASE("The kubelet failures example shows crash loops, probes, pulls, eviction and a node crash",
          "[kubelet][scenario]") {
  auto run = testing::StartScenarioFile(kScenario);
  cluster::Cluster& c = *run.cluster;
  c.Run();
  CHECK(c.CheckInvariants() == std::vector<std::string>{});
  report::RunResults r = c.Results();
  auto pod = [&c](const std::string& name) {
    return api::As<api::Pod>(c.store().Get("/registry/pods/default/" + name));
  };

  // crasher: 5 s runs separated by back-offs of up to 5 min.
  const api::ContainerStatus& crasher = pod("crasher")->status.container_statuses.at(0);
  CHECK(crasher.restart_count >= 7);
  CHECK(crasher.last_state.terminated.exit_code == 1);
  // web: killed by its liveness probe again and again.
  int killings = 0, evicted = 0;
  for (const auto& e : r.events) {
    if (e.object == "Pod/default/web" && e.reason == "Killing") ++killings;
    if (e.reason == "Evicted") ++evicted;
  }
  CHECK(killings >= 3);
  CHECK(evicted == 1);
  CHECK(pod("hog")->status.reason == "Evicted");
  // The Deployment's pods pulled their image and run; node-1's restarted after the crash.
  int app_pods = 0, restarted = 0;
  for (const auto& obj : c.store().Range("/registry/pods/").objects) {
    auto p = api::As<api::Pod>(obj);
    if (p->metadata.labels.count("app") == 0) continue;
    ++app_pods;
    CHECK(p->status.phase == "Running");
    if (p->status.container_statuses.at(0).restart_count > 0) ++restarted;
  }
  CHECK(app_pods == 3);
  CHECK(restarted >= 1);
  auto node = api::As<api::Node>(c.store().Get("/registry/nodes/node-1"));
  CHECK(node->FindCondition("Ready")->status == "True");

  cluster::Cluster again(*run.scenario);
  REQUIRE(again.Start().ok());
  again.Run();
  CHECK(again.Results().fingerprint == r.fingerprint);
}

}  // namespace
}  // namespace kubesim
