// KubeSchedulerConfiguration (v1): defaulting, plugin-set merging as upstream, and located
// validation errors.
#include "models/scheduler/config.h"

#include <catch2/catch.hpp>

#include "models/scheduler/plugins/node_resources_fit.h"

namespace kubesim::scheduler {
namespace {

sim::StatusOr<SchedulerConfig> Decode(const std::string& body) {
  std::string text = "apiVersion: kubescheduler.config.k8s.io/v1\nkind: KubeSchedulerConfiguration\n" + body;
  auto docs = api::LoadYamlDocuments(text, "cfg.yaml");
  REQUIRE(docs.ok());
  return DecodeKubeSchedulerConfiguration((*docs)[0], Registry::Default());
}

std::unique_ptr<Profile> Build(const ProfileConfig& pc) {
  auto p = Profile::Build(pc, Registry::Default(), PluginContext{});
  INFO((p.ok() ? "" : p.status().message()));
  REQUIRE(p.ok());
  return std::move(p).value();
}

using Names = std::vector<std::string>;

TEST_CASE("KubeSchedulerConfiguration: defaults", "[scheduler][config]") {
  auto c = Decode("");
  REQUIRE(c.ok());
  REQUIRE(c->profiles.size() == 1);
  CHECK(c->profiles[0].scheduler_name == "default-scheduler");
  CHECK(c->percentage_of_nodes_to_score == 0);
  CHECK(c->queue.pod_initial_backoff == sim::Duration::Seconds(1));
  CHECK(c->queue.pod_max_backoff == sim::Duration::Seconds(10));
  auto p = Build(c->profiles[0]);
  // v1.32 default_plugins.go without the volume plugins and DefaultPreemption.
  CHECK(p->PluginNames(ExtensionPoint::kPreEnqueue) == Names{"SchedulingGates"});
  CHECK(p->PluginNames(ExtensionPoint::kQueueSort) == Names{"PrioritySort"});
  CHECK(p->PluginNames(ExtensionPoint::kPreFilter) ==
        Names{"NodeAffinity", "NodePorts", "NodeResourcesFit", "PodTopologySpread", "InterPodAffinity"});
  CHECK(p->PluginNames(ExtensionPoint::kFilter) == Names{"NodeUnschedulable", "NodeName", "TaintToleration",
                                                         "NodeAffinity", "NodePorts", "NodeResourcesFit",
                                                         "PodTopologySpread", "InterPodAffinity"});
  CHECK(p->PluginNames(ExtensionPoint::kScore) == Names{"TaintToleration:3", "NodeAffinity:2", "NodeResourcesFit:1",
                                                        "PodTopologySpread:2", "InterPodAffinity:2",
                                                        "NodeResourcesBalancedAllocation:1", "ImageLocality:1"});
  CHECK(p->PluginNames(ExtensionPoint::kBind) == Names{"DefaultBinder"});
}

TEST_CASE("KubeSchedulerConfiguration: plugins merge with the defaults as upstream", "[scheduler][config]") {
  auto c = Decode(R"(percentageOfNodesToScore: 30
podInitialBackoffSeconds: 2
podMaxBackoffSeconds: 20
profiles:
  - schedulerName: default-scheduler
    plugins:
      score:
        enabled: [{name: NodeResourcesBalancedAllocation, weight: 7}]
        disabled: [{name: TaintToleration}]
      filter:
        disabled: [{name: NodeName}]
  - schedulerName: no-scoring
    percentageOfNodesToScore: 50
    plugins:
      multiPoint:
        disabled: [{name: "*"}]
        enabled: [{name: PrioritySort}, {name: NodeResourcesFit, weight: 2}, {name: DefaultBinder}]
)");
  INFO((c.ok() ? "" : c.status().message()));
  REQUIRE(c.ok());
  CHECK(c->percentage_of_nodes_to_score == 30);
  CHECK(c->queue.pod_initial_backoff == sim::Duration::Seconds(2));
  CHECK(c->queue.pod_max_backoff == sim::Duration::Seconds(20));
  REQUIRE(c->profiles.size() == 2);
  auto first = Build(c->profiles[0]);
  CHECK(first->PluginNames(ExtensionPoint::kFilter) == Names{"NodeUnschedulable", "TaintToleration", "NodeAffinity",
                                                             "NodePorts", "NodeResourcesFit", "PodTopologySpread",
                                                             "InterPodAffinity"});
  // Re-configured at the point: it runs first (expandMultiPointPlugins part 1), with its weight.
  CHECK(first->PluginNames(ExtensionPoint::kScore) == Names{"NodeResourcesBalancedAllocation:7", "NodeAffinity:2",
                                                            "NodeResourcesFit:1", "PodTopologySpread:2",
                                                            "InterPodAffinity:2", "ImageLocality:1"});
  auto second = Build(c->profiles[1]);
  CHECK(second->scheduler_name() == "no-scoring");
  CHECK(second->config().percentage_of_nodes_to_score == 50);
  CHECK(second->PluginNames(ExtensionPoint::kFilter) == Names{"NodeResourcesFit"});
  CHECK(second->PluginNames(ExtensionPoint::kScore) == Names{"NodeResourcesFit:2"});
}

TEST_CASE("KubeSchedulerConfiguration: pluginConfig args reach the plugin", "[scheduler][config]") {
  auto c = Decode(R"(profiles:
  - schedulerName: binpack
    pluginConfig:
      - name: NodeResourcesFit
        args:
          scoringStrategy:
            type: MostAllocated
            resources: [{name: cpu, weight: 3}, {name: memory}]
)");
  REQUIRE(c.ok());
  const api::YamlNode& args = c->profiles[0].plugin_args.at("NodeResourcesFit");
  auto fit = DecodeNodeResourcesFitArgs(args);
  REQUIRE(fit.ok());
  CHECK(fit->type == ScoringStrategyType::kMostAllocated);
  REQUIRE(fit->resources.size() == 2);
  CHECK(fit->resources[0].weight == 3);
  CHECK(fit->resources[1].weight == 1);  // weight 0 or absent defaults to 1 in v1
}

TEST_CASE("KubeSchedulerConfiguration: invalid configuration gets located upstream-like errors",
          "[scheduler][config]") {
  struct Row {
    const char* what;
    std::string body;
    std::string want;
  };
  std::vector<Row> rows = {
      {"resource weight over 100",
       "profiles:\n  - schedulerName: s\n    pluginConfig:\n      - name: NodeResourcesFit\n        args:\n"
       "          scoringStrategy: {type: LeastAllocated, resources: [{name: cpu, weight: 101}]}\n",
       "cfg.yaml:8:11: profiles[0].pluginConfig[0].args: scoringStrategy.resources[0].weight: Invalid value: 101: "
       "resource weight of cpu not in valid range [1, 100]"},
      {"negative resource weight",
       "profiles:\n  - schedulerName: s\n    pluginConfig:\n      - name: NodeResourcesBalancedAllocation\n        "
       "args:\n"
       "          resources: [{name: cpu, weight: -1}]\n",
       "cfg.yaml:8:43: profiles[0].pluginConfig[0].args.resources[0].weight: Invalid value: -1: resource weight of cpu "
       "not in valid range [1, 100]"},
      {"unknown scoring strategy",
       "profiles:\n  - schedulerName: s\n    pluginConfig:\n      - name: NodeResourcesFit\n        args: "
       "{scoringStrategy: {type: Spread}}\n",
       "cfg.yaml:7:40: profiles[0].pluginConfig[0].args.scoringStrategy.type: Unsupported value: \"Spread\""},
      {"unknown plugin", "profiles:\n  - schedulerName: s\n    plugins: {filter: {enabled: [{name: Nope}]}}\n",
       "cfg.yaml:5:14: profiles[0].plugins: plugin \"Nope\" does not exist"},
      {"plugin at a point it does not extend",
       "profiles:\n  - schedulerName: s\n    plugins: {score: {enabled: [{name: NodeName}]}}\n",
       "cfg.yaml:5:14: profiles[0].plugins: plugin \"NodeName\" does not extend score plugin"},
      {"percentage out of range", "percentageOfNodesToScore: 120\n",
       "cfg.yaml:3:27: percentageOfNodesToScore: Invalid value: 120: not in valid range [0-100]"},
      {"initial backoff zero", "podInitialBackoffSeconds: 0\n",
       "cfg.yaml:3:27: podInitialBackoffSeconds: Invalid value: 0: must be greater than 0"},
      {"max backoff below initial", "podInitialBackoffSeconds: 5\npodMaxBackoffSeconds: 2\n",
       "cfg.yaml:4:23: podMaxBackoffSeconds: Invalid value: 2: must be greater than or equal to "
       "PodInitialBackoffSeconds"},
      {"duplicate schedulerName", "profiles:\n  - schedulerName: a\n  - schedulerName: a\n",
       "cfg.yaml:5:20: profiles[1].schedulerName: Duplicate value: \"a\""},
      {"missing schedulerName", "profiles:\n  - plugins: {}\n",
       "cfg.yaml:4:5: profiles[0].schedulerName: Required value"},
      {"no profiles", "profiles: []\n", "cfg.yaml:3:11: profiles: Required value: must have at least one profile"},
      {"unknown field", "percentageOfNodesToScor: 10\n", "cfg.yaml:3:1: percentageOfNodesToScor: unknown field"},
      {"no queue sort",
       "profiles:\n  - schedulerName: a\n    plugins: {multiPoint: {disabled: [{name: PrioritySort}]}}\n",
       "cfg.yaml:5:14: profiles[0].plugins: one queue sort plugin required for profile"},
      {"duplicate pluginConfig",
       "profiles:\n  - schedulerName: a\n    pluginConfig:\n      - {name: NodeResourcesFit}\n      - {name: "
       "NodeResourcesFit}\n",
       "cfg.yaml:7:9: profiles[0].pluginConfig[1]: Duplicate value: \"NodeResourcesFit\""},
      {"args for a plugin without args",
       "profiles:\n  - schedulerName: a\n    pluginConfig:\n      - {name: NodeName, args: {x: 1}}\n",
       "cfg.yaml:6:32: profiles[0].pluginConfig[0].args: plugin NodeName takes no arguments"},
  };
  for (const auto& r : rows) {
    INFO(r.what);
    auto c = Decode(r.body);
    REQUIRE_FALSE(c.ok());
    std::string msg = c.status().message();
    INFO(msg);
    CHECK_THAT(msg, Catch::StartsWith("cfg.yaml:") && Catch::Contains(r.want));
  }
  auto wrong_version = api::LoadYamlDocuments(
      "apiVersion: kubescheduler.config.k8s.io/v1beta2\nkind: KubeSchedulerConfiguration\n", "old.yaml");
  auto c = DecodeKubeSchedulerConfiguration((*wrong_version)[0], Registry::Default());
  REQUIRE_FALSE(c.ok());
  CHECK_THAT(c.status().message(),
             Catch::StartsWith("old.yaml:1:13: apiVersion: no kind \"KubeSchedulerConfiguration\" is registered for "
                               "version \"kubescheduler.config.k8s.io/v1beta2\""));
}

}  // namespace
}  // namespace kubesim::scheduler
