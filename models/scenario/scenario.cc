#include "models/scenario/scenario.h"

#include <algorithm>
#include <filesystem>
#include <set>

#include "models/scenario/actions.h"
#include "models/scenario/object_loader.h"
#include "models/scheduler/config.h"

namespace kubesim::scenario {
namespace {

using api::YamlNode;

sim::StatusOr<apiserver::LatencyModel> ParseLatency(const YamlNode& node) {
  // Either a single duration (fixed) or {median, p99} (lognormal).
  if (node.IsScalar()) {
    KUBESIM_ASSIGN_OR_RETURN(sim::Duration d, node.ToDuration());
    if (d < sim::Duration::Zero()) return node.Error("Invalid value: must not be negative");
    return apiserver::LatencyModel::Fixed(d);
  }
  KUBESIM_RETURN_IF_ERROR(node.ExpectMap());
  KUBESIM_RETURN_IF_ERROR(node.CheckKeys({"median", "p99"}));
  if (!node["median"].Defined()) return node["median"].Error("Required value");
  KUBESIM_ASSIGN_OR_RETURN(sim::Duration median, node["median"].ToDuration());
  sim::Duration p99 = median;
  if (node["p99"].Defined()) {
    KUBESIM_ASSIGN_OR_RETURN(p99, node["p99"].ToDuration());
  }
  if (median < sim::Duration::Zero()) return node["median"].Error("Invalid value: must not be negative");
  if (p99 < median) return node["p99"].Error("Invalid value: p99 must be at least the median");
  return apiserver::LatencyModel{median, p99};
}

sim::Status ParseSettings(const YamlNode& spec, const std::string& base_dir, const scheduler::Registry& registry,
                          ControlPlaneSettings* s) {
  YamlNode api_server = spec["apiServer"];
  if (api_server.Defined()) {
    KUBESIM_RETURN_IF_ERROR(api_server.ExpectMap());
    KUBESIM_RETURN_IF_ERROR(api_server.CheckKeys({"requestLatency", "watchDelay"}));
    if (api_server["requestLatency"].Defined()) {
      // One model for every verb: a user who sets it wants it everywhere.
      KUBESIM_ASSIGN_OR_RETURN(apiserver::LatencyModel m, ParseLatency(api_server["requestLatency"]));
      s->api_server.create = s->api_server.bind = s->api_server.update = s->api_server.del = s->api_server.get = m;
    }
    if (api_server["watchDelay"].Defined()) {
      KUBESIM_ASSIGN_OR_RETURN(s->api_server.watch_delay, api_server["watchDelay"].ToDuration());
      if (s->api_server.watch_delay < sim::Duration::Zero()) {
        return api_server["watchDelay"].Error("Invalid value: must not be negative");
      }
    }
  }
  YamlNode kubelet = spec["kubelet"];
  if (kubelet.Defined()) {
    KUBESIM_RETURN_IF_ERROR(kubelet.ExpectMap());
    KUBESIM_RETURN_IF_ERROR(
        kubelet.CheckKeys({"podStartLatency", "serializeImagePulls", "imagePullBandwidth", "imageSizes"}));
    if (kubelet["podStartLatency"].Defined()) {
      KUBESIM_ASSIGN_OR_RETURN(s->kubelet.pod_start_latency, ParseLatency(kubelet["podStartLatency"]));
    }
    if (kubelet["serializeImagePulls"].Defined()) {
      KUBESIM_ASSIGN_OR_RETURN(s->kubelet.images.serialize_image_pulls, kubelet["serializeImagePulls"].Bool());
    }
    if (kubelet["imagePullBandwidth"].Defined()) {
      // Bytes per second, as a quantity ("33M", "100Mi").
      KUBESIM_ASSIGN_OR_RETURN(api::Quantity q, kubelet["imagePullBandwidth"].ToQuantity());
      if (q.Value() <= 0) return kubelet["imagePullBandwidth"].Error("Invalid value: must be greater than 0");
      s->kubelet.images.pull_bytes_per_second = q.Value();
    }
    KUBESIM_ASSIGN_OR_RETURN(auto sizes, kubelet["imageSizes"].Entries());
    for (const auto& [image, size] : sizes) {
      KUBESIM_ASSIGN_OR_RETURN(api::Quantity q, size.ToQuantity());
      if (q.IsNegative()) return size.Error("Invalid value: must not be negative");
      s->kubelet.images.image_sizes[image] = q.Value();
    }
  }
  // kube-proxy's programming model (models/kubelet/kube_proxy.h): the upstream min sync period
  // and kubesim's assumed sync duration.
  YamlNode proxy = spec["kubeProxy"];
  if (proxy.Defined()) {
    KUBESIM_RETURN_IF_ERROR(proxy.ExpectMap());
    KUBESIM_RETURN_IF_ERROR(proxy.CheckKeys({"minSyncPeriod", "syncDuration"}));
    for (auto [field, out] : {std::pair{"minSyncPeriod", &s->kube_proxy.min_sync_period},
                              std::pair{"syncDuration", &s->kube_proxy.sync_duration}}) {
      if (!proxy[field].Defined()) continue;
      KUBESIM_ASSIGN_OR_RETURN(*out, proxy[field].ToDuration());
      if (*out < sim::Duration::Zero()) return proxy[field].Error("Invalid value: must not be negative");
    }
  }
  YamlNode sched = spec["scheduler"];
  if (sched.Defined()) {
    KUBESIM_RETURN_IF_ERROR(sched.ExpectMap());
    KUBESIM_RETURN_IF_ERROR(sched.CheckKeys({"config", "configFile", "percentageOfNodesToScore", "cycleLatency"}));
    // A real KubeSchedulerConfiguration, inline or from a file relative to the scenario.
    if (sched["config"].Defined() && sched["configFile"].Defined()) {
      return sched["configFile"].Error("Forbidden: give either config or configFile, not both");
    }
    if (sched["config"].Defined()) {
      KUBESIM_ASSIGN_OR_RETURN(s->scheduler,
                               scheduler::DecodeKubeSchedulerConfiguration(sched["config"], registry, s->scheduler));
    } else if (sched["configFile"].Defined()) {
      KUBESIM_ASSIGN_OR_RETURN(std::string file, sched["configFile"].String());
      std::filesystem::path p(file);
      if (p.is_relative() && !base_dir.empty()) p = std::filesystem::path(base_dir) / p;
      std::error_code ec;
      if (!std::filesystem::is_regular_file(p, ec)) {
        return sched["configFile"].Error("file \"" + p.lexically_normal().string() + "\" does not exist or is not a regular file");
      }
      KUBESIM_ASSIGN_OR_RETURN(s->scheduler, scheduler::LoadKubeSchedulerConfiguration(p.lexically_normal().string(),
                                                                                       registry, s->scheduler));
    }
    if ((sched["config"].Defined() || sched["configFile"].Defined()) && sched["percentageOfNodesToScore"].Defined()) {
      return sched["percentageOfNodesToScore"].Error(
          "Forbidden: set percentageOfNodesToScore in the KubeSchedulerConfiguration instead");
    }
    if (sched["percentageOfNodesToScore"].Defined()) {
      KUBESIM_ASSIGN_OR_RETURN(int64_t p, sched["percentageOfNodesToScore"].Int());
      if (p < 0 || p > 100) {
        return sched["percentageOfNodesToScore"].Error("Invalid value: " + std::to_string(p) +
                                                       ": not in valid range [0-100]");
      }
      s->scheduler.percentage_of_nodes_to_score = static_cast<int32_t>(p);
    }
    if (sched["cycleLatency"].Defined()) {
      KUBESIM_ASSIGN_OR_RETURN(s->scheduler.cycle_latency, ParseLatency(sched["cycleLatency"]));
    }
  }
  return sim::Status::Ok();
}

sim::StatusOr<Scenario> Parse(const YamlNode& doc, const std::string& file, const scheduler::Registry& registry) {
  Scenario sc;
  sc.file = file;
  KUBESIM_RETURN_IF_ERROR(doc.ExpectMap());
  KUBESIM_RETURN_IF_ERROR(doc.CheckKeys({"apiVersion", "kind", "metadata", "spec"}));
  KUBESIM_ASSIGN_OR_RETURN(std::string api_version, doc["apiVersion"].String());
  if (api_version != "kubesim.io/v1alpha1") {
    return doc["apiVersion"].Error("Unsupported value: \"" + api_version + "\": supported values: \"kubesim.io/v1alpha1\"");
  }
  KUBESIM_ASSIGN_OR_RETURN(std::string kind, doc["kind"].String());
  if (kind != "Scenario") return doc["kind"].Error("Unsupported value: \"" + kind + "\": supported values: \"Scenario\"");
  if (doc["metadata"].Defined()) {
    KUBESIM_RETURN_IF_ERROR(doc["metadata"].CheckKeys({"name", "labels", "annotations"}));
    if (doc["metadata"]["name"].Defined()) {
      KUBESIM_ASSIGN_OR_RETURN(sc.name, doc["metadata"]["name"].String());
    }
  }
  YamlNode spec = doc["spec"];
  if (!spec.Defined()) return spec.Error("Required value");
  KUBESIM_RETURN_IF_ERROR(spec.ExpectMap());
  KUBESIM_RETURN_IF_ERROR(
      spec.CheckKeys({"seed", "duration", "objects", "timeline", "apiServer", "kubelet", "kubeProxy", "scheduler", "loads", "output"}));
  if (spec["seed"].Defined()) {
    KUBESIM_ASSIGN_OR_RETURN(int64_t seed, spec["seed"].Int());
    if (seed < 0) return spec["seed"].Error("Invalid value: must be a non-negative integer");
    sc.seed = static_cast<uint64_t>(seed);
  }
  if (spec["duration"].Defined()) {
    KUBESIM_ASSIGN_OR_RETURN(sc.duration, spec["duration"].ToDuration());
    if (sc.duration <= sim::Duration::Zero()) return spec["duration"].Error("Invalid value: must be positive");
  }
  const std::string base_dir = std::filesystem::path(file).parent_path().string();
  KUBESIM_RETURN_IF_ERROR(ParseSettings(spec, base_dir, registry, &sc.settings));
  KUBESIM_RETURN_IF_ERROR(ParseOutputSettings(spec["output"], &sc.settings.output));

  ObjectLoader loader(base_dir);
  KUBESIM_ASSIGN_OR_RETURN(auto entries, spec["objects"].Items());
  for (const auto& e : entries) KUBESIM_RETURN_IF_ERROR(loader.LoadEntry(e, true, &sc.objects));

  KUBESIM_ASSIGN_OR_RETURN(auto steps, spec["timeline"].Items());
  const auto& actions = ActionRegistry();
  for (const auto& step : steps) {
    KUBESIM_RETURN_IF_ERROR(step.ExpectMap());
    std::vector<std::string_view> allowed = {"at"};
    for (const auto& [name, parser] : actions) allowed.push_back(name);
    KUBESIM_RETURN_IF_ERROR(step.CheckKeys(allowed));
    KUBESIM_ASSIGN_OR_RETURN(auto kv, step.Entries());
    TimelineEntry entry;
    entry.source = api::SourceRef{step.file(), step.line(), step.column()};
    bool have_at = false;
    const YamlNode* action_node = nullptr;
    for (const auto& [key, value] : kv) {
      if (key == "at") {
        KUBESIM_ASSIGN_OR_RETURN(entry.at, value.ToDuration());
        if (entry.at < sim::Duration::Zero()) return value.Error("Invalid value: must not be negative");
        have_at = true;
        continue;
      }
      if (action_node != nullptr) return value.Error("each timeline entry takes exactly one action");
      entry.action = key;
      action_node = &value;
    }
    if (!have_at) return step["at"].Error("Required value: when the action happens, e.g. 10m");
    if (action_node == nullptr) return step.Error("Required value: an action (create, delete, stopKubelet)");
    KUBESIM_ASSIGN_OR_RETURN(ParsedAction parsed, actions.at(entry.action)(*action_node, loader));
    entry.description = parsed.description;
    entry.run = std::move(parsed.run);
    if (entry.at > sc.duration) {
      sc.warnings.push_back(step["at"].Error("action after the scenario's duration (" + sc.duration.ToString() +
                                             ") never runs").message());
    }
    sc.timeline.push_back(std::move(entry));
  }
  KUBESIM_ASSIGN_OR_RETURN(sc.loads, metrics::ParseLoads(spec["loads"], base_dir,
                                                         [&](const std::string& k, const std::string& ns,
                                                             const std::string& n) { return loader.Defined(k, ns, n); }));
  std::stable_sort(sc.timeline.begin(), sc.timeline.end(),
                   [](const TimelineEntry& a, const TimelineEntry& b) { return a.at < b.at; });

  // A warning repeated by a `count:` template is reported once.
  std::set<std::string> seen;
  for (auto& w : loader.warnings()) {
    if (seen.insert(w).second) sc.warnings.push_back(std::move(w));
  }
  sc.not_simulated_kinds = loader.not_simulated();
  return sc;
}

}  // namespace

sim::StatusOr<Scenario> LoadScenarioFromString(const std::string& text, const std::string& file,
                                               const scheduler::Registry& registry) {
  return LoadScenarioFromString(text, file, registry, nullptr);
}

sim::StatusOr<Scenario> LoadScenario(const std::string& path, const scheduler::Registry& registry) {
  return LoadScenario(path, registry, nullptr);
}

sim::StatusOr<Scenario> LoadScenarioFromString(const std::string& text, const std::string& file,
                                               const scheduler::Registry& registry, const DocumentEdit& edit) {
  KUBESIM_ASSIGN_OR_RETURN(auto docs, api::LoadYamlDocuments(text, file));
  if (docs.size() != 1) {
    return sim::InvalidArgument(file + ":1:1: a scenario file holds exactly one YAML document, found " +
                                std::to_string(docs.size()));
  }
  if (edit) KUBESIM_RETURN_IF_ERROR(edit(docs[0].node()));
  return Parse(docs[0], file, registry);
}

sim::StatusOr<Scenario> LoadScenario(const std::string& path, const scheduler::Registry& registry,
                                     const DocumentEdit& edit) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    return sim::InvalidArgument(path + ":1:1: scenario file does not exist or is not a regular file");
  }
  KUBESIM_ASSIGN_OR_RETURN(auto docs, api::LoadYamlFile(path));
  if (docs.size() != 1) {
    return sim::InvalidArgument(path + ":1:1: a scenario file holds exactly one YAML document, found " +
                                std::to_string(docs.size()));
  }
  // YAML::Node is a handle: editing a copy edits the document the YamlNode walks.
  if (edit) KUBESIM_RETURN_IF_ERROR(edit(docs[0].node()));
  return Parse(docs[0], path, registry);
}

}  // namespace kubesim::scenario
