#include "models/scheduler/config.h"

#include <set>

namespace kubesim::scheduler {
namespace {

using api::YamlNode;

constexpr const char* kConfigApiVersion = "kubescheduler.config.k8s.io/v1";

// Extension points a configuration may name; kubesim runs the first group and accepts only
// `disabled` entries for the second.
struct PointName {
  const char* name;
  std::optional<ExtensionPoint> point;
};
constexpr PointName kPointNames[] = {
    {"preEnqueue", ExtensionPoint::kPreEnqueue},
    {"queueSort", ExtensionPoint::kQueueSort},
    {"preFilter", ExtensionPoint::kPreFilter},
    {"filter", ExtensionPoint::kFilter},
    {"postFilter", ExtensionPoint::kPostFilter},
    {"preScore", ExtensionPoint::kPreScore},
    {"score", ExtensionPoint::kScore},
    {"bind", ExtensionPoint::kBind},
    {"reserve", std::nullopt},
    {"permit", std::nullopt},
    {"preBind", std::nullopt},
    {"postBind", std::nullopt},
};

sim::StatusOr<PluginSet> DecodePluginSet(const YamlNode& node) {
  PluginSet set;
  if (!node.Defined()) return set;
  KUBESIM_RETURN_IF_ERROR(node.CheckKeys({"enabled", "disabled"}));
  KUBESIM_ASSIGN_OR_RETURN(auto enabled, node["enabled"].Items());
  for (const auto& e : enabled) {
    KUBESIM_RETURN_IF_ERROR(e.CheckKeys({"name", "weight"}));
    PluginRef ref;
    if (!e["name"].Defined()) return e["name"].Error("Required value");
    KUBESIM_ASSIGN_OR_RETURN(ref.name, e["name"].String());
    if (e["weight"].Defined()) {
      KUBESIM_ASSIGN_OR_RETURN(ref.weight, e["weight"].Int());
      if (ref.weight < 0) {
        return e["weight"].Error("Invalid value: " + std::to_string(ref.weight) + ": must be a non-negative integer");
      }
    }
    set.enabled.push_back(std::move(ref));
  }
  KUBESIM_ASSIGN_OR_RETURN(auto disabled, node["disabled"].Items());
  for (const auto& d : disabled) {
    KUBESIM_RETURN_IF_ERROR(d.CheckKeys({"name"}));
    KUBESIM_ASSIGN_OR_RETURN(std::string name, d["name"].String());
    set.disabled.push_back(std::move(name));
  }
  return set;
}

// Upstream mergePluginSet (v1 defaults): defaults not disabled keep their place, re-configured
// ones in place with the custom entry; other custom plugins are appended.
PluginSet MergePluginSet(const PluginSet& defaults, const PluginSet& custom) {
  std::set<std::string> disabled(custom.disabled.begin(), custom.disabled.end());
  PluginSet out;
  out.disabled = custom.disabled;
  std::set<size_t> replaced;
  if (!disabled.count("*")) {
    for (const auto& d : defaults.enabled) {
      if (disabled.count(d.name)) continue;
      PluginRef ref = d;
      for (size_t i = 0; i < custom.enabled.size(); ++i) {
        if (custom.enabled[i].name == d.name) {
          ref = custom.enabled[i];
          replaced.insert(i);
          break;
        }
      }
      out.enabled.push_back(ref);
    }
  }
  for (size_t i = 0; i < custom.enabled.size(); ++i) {
    if (!replaced.count(i)) out.enabled.push_back(custom.enabled[i]);
  }
  return out;
}

sim::StatusOr<int32_t> DecodePercentage(const YamlNode& node) {
  KUBESIM_ASSIGN_OR_RETURN(int64_t p, node.Int());
  if (p < 0 || p > 100) return node.Error("Invalid value: " + std::to_string(p) + ": not in valid range [0-100]");
  return static_cast<int32_t>(p);
}

sim::StatusOr<ProfileConfig> DecodeProfile(const YamlNode& node, const Registry& registry) {
  KUBESIM_RETURN_IF_ERROR(node.CheckKeys({"schedulerName", "percentageOfNodesToScore", "plugins", "pluginConfig"}));
  ProfileConfig defaults = DefaultProfileConfig();
  ProfileConfig pc;
  if (!node["schedulerName"].Defined()) return node["schedulerName"].Error("Required value");
  KUBESIM_ASSIGN_OR_RETURN(pc.scheduler_name, node["schedulerName"].String());
  if (pc.scheduler_name.empty()) return node["schedulerName"].Error("Required value");
  if (node["percentageOfNodesToScore"].Defined()) {
    KUBESIM_ASSIGN_OR_RETURN(pc.percentage_of_nodes_to_score, DecodePercentage(node["percentageOfNodesToScore"]));
  }
  YamlNode plugins = node["plugins"];
  std::vector<std::string_view> keys = {"multiPoint"};
  for (const auto& pn : kPointNames) keys.push_back(pn.name);
  KUBESIM_RETURN_IF_ERROR(plugins.CheckKeys(keys));
  KUBESIM_ASSIGN_OR_RETURN(PluginSet multi, DecodePluginSet(plugins["multiPoint"]));
  pc.multi_point = MergePluginSet(defaults.multi_point, multi);
  for (const auto& pn : kPointNames) {
    KUBESIM_ASSIGN_OR_RETURN(PluginSet set, DecodePluginSet(plugins[pn.name]));
    if (!pn.point) {
      if (!set.enabled.empty()) {
        return plugins[pn.name]["enabled"].Error(std::string("kubesim does not run ") + pn.name +
                                                 " plugins yet; only `disabled` may be given here");
      }
      continue;
    }
    if (!set.enabled.empty() || !set.disabled.empty()) pc.points[*pn.point] = std::move(set);
  }
  KUBESIM_ASSIGN_OR_RETURN(auto configs, node["pluginConfig"].Items());
  for (const auto& c : configs) {
    KUBESIM_RETURN_IF_ERROR(c.CheckKeys({"name", "args"}));
    if (!c["name"].Defined()) return c["name"].Error("Required value");
    KUBESIM_ASSIGN_OR_RETURN(std::string name, c["name"].String());
    if (pc.plugin_args.count(name)) return c.Error("Duplicate value: \"" + name + "\"");
    pc.plugin_args.emplace(name, c["args"]);
  }
  // Build it once now so that unknown plugins and bad args are located input errors.
  auto built = Profile::Build(pc, registry, PluginContext{});
  if (!built.ok()) {
    std::string msg = built.status().message();
    // Args decoders already located their error; others get the profile's plugins position.
    if (msg.find(": ") != std::string::npos && msg.rfind(node.file(), 0) == 0) return built.status();
    return plugins.Defined() ? plugins.Error(msg) : node.Error(msg);
  }
  return pc;
}

}  // namespace

sim::StatusOr<SchedulerConfig> DecodeKubeSchedulerConfiguration(const YamlNode& doc, const Registry& registry,
                                                                SchedulerConfig base) {
  KUBESIM_RETURN_IF_ERROR(doc.ExpectMap());
  KUBESIM_RETURN_IF_ERROR(doc.CheckKeys(
      {"apiVersion", "kind", "parallelism", "leaderElection", "clientConnection", "healthzBindAddress",
       "metricsBindAddress", "enableProfiling", "enableContentionProfiling", "percentageOfNodesToScore",
       "podInitialBackoffSeconds", "podMaxBackoffSeconds", "profiles", "extenders", "delayCacheUntilActive"}));
  KUBESIM_ASSIGN_OR_RETURN(std::string api_version, doc["apiVersion"].String());
  KUBESIM_ASSIGN_OR_RETURN(std::string kind, doc["kind"].String());
  if (kind != "KubeSchedulerConfiguration") {
    return doc["kind"].Error("Unsupported value: \"" + kind + "\": supported values: \"KubeSchedulerConfiguration\"");
  }
  if (api_version != kConfigApiVersion) {
    return doc["apiVersion"].Error("no kind \"KubeSchedulerConfiguration\" is registered for version \"" + api_version +
                                   "\" (kubesim reads " + kConfigApiVersion + ")");
  }
  SchedulerConfig c = std::move(base);
  if (doc["parallelism"].Defined()) {
    KUBESIM_ASSIGN_OR_RETURN(int64_t p, doc["parallelism"].Int());
    if (p <= 0) {
      return doc["parallelism"].Error("Invalid value: " + std::to_string(p) +
                                      ": should be an integer value greater than zero");
    }
  }
  if (doc["extenders"].Defined() && doc["extenders"].size() > 0) {
    return doc["extenders"].Error("scheduler extenders are not simulated");
  }
  if (doc["clientConnection"].Defined()) {
    KUBESIM_ASSIGN_OR_RETURN(c.client_connection, apiserver::DecodeClientConnection(
                                                      doc["clientConnection"], SchedulerConfig{}.client_connection));
  }
  if (doc["leaderElection"].Defined()) {
    KUBESIM_ASSIGN_OR_RETURN(c.leader_election,
                             client::DecodeLeaderElection(doc["leaderElection"], SchedulerConfig{}.leader_election));
  }
  if (doc["percentageOfNodesToScore"].Defined()) {
    KUBESIM_ASSIGN_OR_RETURN(c.percentage_of_nodes_to_score, DecodePercentage(doc["percentageOfNodesToScore"]));
  }
  // v1 defaults: kubernetes/kubernetes pkg/scheduler/apis/config/v1/defaults.go
  // SetDefaults_KubeSchedulerConfiguration @ v1.32.
  int64_t initial = 1, max = 10;
  if (doc["podInitialBackoffSeconds"].Defined()) {
    KUBESIM_ASSIGN_OR_RETURN(initial, doc["podInitialBackoffSeconds"].Int());
    if (initial <= 0) {
      return doc["podInitialBackoffSeconds"].Error("Invalid value: " + std::to_string(initial) +
                                                   ": must be greater than 0");
    }
  }
  if (doc["podMaxBackoffSeconds"].Defined()) {
    KUBESIM_ASSIGN_OR_RETURN(max, doc["podMaxBackoffSeconds"].Int());
  }
  if (max < initial) {
    YamlNode at = doc["podMaxBackoffSeconds"].Defined() ? doc["podMaxBackoffSeconds"] : doc["podInitialBackoffSeconds"];
    return at.Error("Invalid value: " + std::to_string(max) +
                    ": must be greater than or equal to PodInitialBackoffSeconds");
  }
  c.queue.pod_initial_backoff = sim::Duration::Seconds(initial);
  c.queue.pod_max_backoff = sim::Duration::Seconds(max);

  c.profiles.clear();
  if (doc["profiles"].Defined()) {
    KUBESIM_ASSIGN_OR_RETURN(auto profiles, doc["profiles"].Items());
    if (profiles.empty()) return doc["profiles"].Error("Required value: must have at least one profile");
    std::string queue_sort;
    for (size_t i = 0; i < profiles.size(); ++i) {
      KUBESIM_ASSIGN_OR_RETURN(ProfileConfig pc, DecodeProfile(profiles[i], registry));
      for (const auto& existing : c.profiles) {
        if (existing.scheduler_name == pc.scheduler_name) {
          return profiles[i]["schedulerName"].Error("Duplicate value: \"" + pc.scheduler_name + "\"");
        }
      }
      // Upstream validateCommonQueueSort: one queue for all profiles, so one queue sort.
      auto built = Profile::Build(pc, registry, PluginContext{});
      if (i == 0) {
        queue_sort = (*built)->queue_sort_name();
      } else if ((*built)->queue_sort_name() != queue_sort) {
        return profiles[i]["plugins"]["queueSort"].Error("Invalid value: queueSort must be the same for all profiles");
      }
      c.profiles.push_back(std::move(pc));
    }
  } else {
    c.profiles.push_back(DefaultProfileConfig());  // v1 defaulting: one default-scheduler profile
  }
  return c;
}

sim::StatusOr<SchedulerConfig> LoadKubeSchedulerConfiguration(const std::string& path, const Registry& registry,
                                                              SchedulerConfig base) {
  KUBESIM_ASSIGN_OR_RETURN(auto docs, api::LoadYamlFile(path));
  if (docs.size() != 1) {
    return sim::InvalidArgument(path + ":1:1: a KubeSchedulerConfiguration file holds exactly one YAML document");
  }
  return DecodeKubeSchedulerConfiguration(docs[0], registry, std::move(base));
}

}  // namespace kubesim::scheduler
