#include "models/scenario/scenario.h"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <set>

#include "models/controllers/controller_names.h"
#include "models/controllers/node_ipam_config.h"
#include "models/scenario/actions.h"
#include "models/scenario/autoscaler_settings.h"
#include "models/scenario/cloud_settings.h"
#include "models/scenario/etcd_settings.h"
#include "models/scenario/expect.h"
#include "models/scenario/latency_settings.h"
#include "models/scenario/node_pools.h"
#include "models/scenario/object_loader.h"
#include "models/scenario/parameters.h"
#include "models/scenario/workloads.h"
#include "models/scheduler/config.h"

namespace kubesim::scenario {
namespace {

using api::YamlNode;

// Every problem of a scenario is reported at once (`kubesim validate`): each independent part (a
// settings section, an object entry, a timeline step, an expectation) is checked on its own and its
// first error recorded, so one mistake does not hide the next.
class Problems {
 public:
  bool Check(const sim::Status& st) {
    if (st.ok()) return true;
    // A second problem at the same place and field is a consequence of the first (a failed
    // substitution, then the value it left); report the cause only.
    std::string where = Where(st.message());
    for (const auto& e : errors_) {
      if (!where.empty() && Where(e) == where) return false;
    }
    errors_.push_back(st.message());
    return false;
  }
  void Add(std::vector<sim::Status> more) {
    for (auto& st : more) Check(st);
  }
  bool empty() const { return errors_.empty(); }
  sim::Status ToStatus() const {
    // In document order, as an editor lists them; problems without a position (--set) first.
    std::vector<std::string> sorted = errors_;
    std::stable_sort(sorted.begin(), sorted.end(),
                     [](const std::string& a, const std::string& b) { return Position(a) < Position(b); });
    std::string msg;
    size_t shown = std::min(errors_.size(), kMaxShown);
    for (size_t i = 0; i < shown; ++i) msg += (i ? "\n" : "") + sorted[i];
    if (errors_.size() > shown) msg += "\n... and " + std::to_string(errors_.size() - shown) + " more problems";
    return sim::InvalidArgument(msg);
  }

 private:
  // "FILE:LINE:COL: field:" of a message, or empty.
  static std::string Where(const std::string& msg) {
    size_t first = msg.find(": ");
    size_t second = first == std::string::npos ? first : msg.find(": ", first + 2);
    return second == std::string::npos ? "" : msg.substr(0, second);
  }
  // (line, column) of a `FILE:LINE:COL: ...` message; (0, 0) when it has none.
  static std::pair<long, long> Position(const std::string& msg) {
    size_t colon = msg.find(": ");
    if (colon == std::string::npos) return {0, 0};
    std::string head = msg.substr(0, colon);
    size_t c2 = head.rfind(':');
    size_t c1 = c2 == std::string::npos || c2 == 0 ? std::string::npos : head.rfind(':', c2 - 1);
    if (c1 == std::string::npos) return {0, 0};
    char* end = nullptr;
    long line = std::strtol(head.c_str() + c1 + 1, &end, 10);
    if (end != head.c_str() + c2) return {0, 0};
    long col = std::strtol(head.c_str() + c2 + 1, &end, 10);
    if (*end != '\0') return {0, 0};
    return {line, col};
  }
  static constexpr size_t kMaxShown = 200;
  std::vector<std::string> errors_;
};

sim::Status ParseApiServerSettings(const YamlNode& spec, ControlPlaneSettings* s) {
  YamlNode api_server = spec["apiServer"];
  if (api_server.Defined()) {
    KUBESIM_RETURN_IF_ERROR(api_server.ExpectMap());
    KUBESIM_RETURN_IF_ERROR(api_server.CheckKeys(
        {"requestLatency", "watchDelay", "replicas", "maxRequestsInflight", "maxMutatingRequestsInflight"}));
    if (api_server.Has("replicas")) {
      KUBESIM_ASSIGN_OR_RETURN(s->api_server.replicas, api_server["replicas"].Int32());
      // Upstream sets no bound; kubeadm's HA topologies run 3 or 5, and the cap keeps a typo
      // from building thousands of watch caches.
      if (s->api_server.replicas < 1 || s->api_server.replicas > apiserver::kMaxApiServerReplicas) {
        return api_server["replicas"].Error("Invalid value: " + std::to_string(s->api_server.replicas) +
                                            ": must be between 1 and " +
                                            std::to_string(apiserver::kMaxApiServerReplicas));
      }
    }
    for (auto [key, field] :
         {std::pair{"maxRequestsInflight", &s->api_server.max_requests_inflight},
          std::pair{"maxMutatingRequestsInflight", &s->api_server.max_mutating_requests_inflight}}) {
      if (!api_server.Has(key)) continue;
      KUBESIM_ASSIGN_OR_RETURN(*field, api_server[key].Int32());
      // The flags' own range (server_run_options.go: non-negative; 0 would mean unlimited without
      // APF, which kubesim does not model).
      if (*field < 1) return api_server[key].Error("Invalid value: must be at least 1");
    }
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
  return sim::Status::Ok();
}

sim::Status ParseKubeletSettings(const YamlNode& spec, ControlPlaneSettings* s) {
  YamlNode kubelet = spec["kubelet"];
  if (kubelet.Defined()) {
    KUBESIM_RETURN_IF_ERROR(kubelet.ExpectMap());
    KUBESIM_RETURN_IF_ERROR(kubelet.CheckKeys(
        {"podStartLatency", "serializeImagePulls", "imagePullBandwidth", "imageSizes", "kubeAPIQPS", "kubeAPIBurst"}));
    // KubeletConfiguration kubeAPIQPS / kubeAPIBurst: 0 means client-go's own default (5 / 10),
    // negative values are invalid (pkg/kubelet/apis/config/validation/validation.go @ v1.32).
    if (kubelet["kubeAPIQPS"].Defined()) {
      KUBESIM_ASSIGN_OR_RETURN(s->clients.kubelet.qps, kubelet["kubeAPIQPS"].Number());
      if (s->clients.kubelet.qps < 0) {
        return kubelet["kubeAPIQPS"].Error("Invalid value: " + kubelet["kubeAPIQPS"].Scalar() +
                                           ": kubeAPIQPS (--kube-api-qps) must not be a negative number");
      }
    }
    if (kubelet["kubeAPIBurst"].Defined()) {
      KUBESIM_ASSIGN_OR_RETURN(s->clients.kubelet.burst, kubelet["kubeAPIBurst"].Int32());
      if (s->clients.kubelet.burst < 0) {
        return kubelet["kubeAPIBurst"].Error("Invalid value: " + std::to_string(s->clients.kubelet.burst) +
                                             ": kubeAPIBurst (--kube-api-burst) must not be a negative number");
      }
    }
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
  return sim::Status::Ok();
}

sim::Status ParseKubeProxySettings(const YamlNode& spec, ControlPlaneSettings* s) {
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
  return sim::Status::Ok();
}

sim::Status ParseControllerManagerSettings(const YamlNode& spec, ControlPlaneSettings* s) {
  // kube-controller-manager's --controllers (KubeControllerManagerConfiguration
  // generic.controllers): which controllers run (models/controllers/controller_names.h).
  YamlNode kcm = spec["controllerManager"];
  if (!kcm.Defined()) return sim::Status::Ok();
  KUBESIM_RETURN_IF_ERROR(kcm.ExpectMap());
  KUBESIM_RETURN_IF_ERROR(kcm.CheckKeys({"controllers", "terminatedPodGCThreshold", "allocateNodeCIDRs", "clusterCIDR",
                                         "nodeCIDRMaskSize", "clientConnection", "leaderElection"}));
  if (kcm["leaderElection"].Defined()) {
    KUBESIM_ASSIGN_OR_RETURN(s->controller_manager_election,
                             client::DecodeLeaderElection(kcm["leaderElection"], s->controller_manager_election));
  }
  // KubeControllerManagerConfiguration generic.clientConnection (--kube-api-qps, --kube-api-burst);
  // every controller's clientset uses it.
  if (kcm["clientConnection"].Defined()) {
    KUBESIM_ASSIGN_OR_RETURN(
        s->clients.kube_controller_manager,
        apiserver::DecodeClientConnection(kcm["clientConnection"],
                                          apiserver::ClientConnections::Upstream().kube_controller_manager));
  }
  // Node IPAM (--allocate-node-cidrs, --cluster-cidr, --node-cidr-mask-size).
  bool allocate = false;
  if (kcm["allocateNodeCIDRs"].Defined()) {
    KUBESIM_ASSIGN_OR_RETURN(allocate, kcm["allocateNodeCIDRs"].Bool());
  }
  if (allocate) {
    if (!kcm["clusterCIDR"].Defined()) {
      return kcm["clusterCIDR"].Error(
          "Required value: allocateNodeCIDRs needs the range to allocate from, e.g. 10.244.0.0/16");
    }
    KUBESIM_ASSIGN_OR_RETURN(std::string cidr, kcm["clusterCIDR"].String());
    auto parsed = controllers::ParseClusterCIDR(cidr);
    if (!parsed)
      return kcm["clusterCIDR"].Error("Invalid value: \"" + cidr + "\": not an IPv4 CIDR such as 10.244.0.0/16");
    if (kcm["nodeCIDRMaskSize"].Defined()) {
      KUBESIM_ASSIGN_OR_RETURN(parsed->node_mask_size, kcm["nodeCIDRMaskSize"].Int32());
    }
    if (parsed->node_mask_size <= parsed->cluster_prefix || parsed->node_mask_size > 30 ||
        parsed->node_mask_size - parsed->cluster_prefix > 20) {
      return kcm["nodeCIDRMaskSize"].Error(
          "Invalid value: " + std::to_string(parsed->node_mask_size) + ": must be longer than the cluster CIDR's /" +
          std::to_string(parsed->cluster_prefix) + ", at most 30, and give at most 2^20 node ranges");
    }
    s->node_ipam = parsed;
  } else if (kcm["clusterCIDR"].Defined() || kcm["nodeCIDRMaskSize"].Defined()) {
    return kcm["allocateNodeCIDRs"].Error(
        "Required value: clusterCIDR and nodeCIDRMaskSize take effect with allocateNodeCIDRs: true");
  }
  if (kcm["terminatedPodGCThreshold"].Defined()) {
    // Upstream validation (pkg/controller/podgc/config/validation): a negative value is invalid;
    // 0 turns the terminated-pod pass off.
    KUBESIM_ASSIGN_OR_RETURN(int64_t t, kcm["terminatedPodGCThreshold"].Int());
    if (t < 0) {
      return kcm["terminatedPodGCThreshold"].Error("Invalid value: " + std::to_string(t) +
                                                   ": must be greater than or equal to 0");
    }
    s->terminated_pod_gc_threshold = t;
  }
  if (!kcm["controllers"].Defined()) return sim::Status::Ok();
  KUBESIM_ASSIGN_OR_RETURN(auto items, kcm["controllers"].Items());
  std::vector<std::string> list;
  for (const auto& item : items) {
    KUBESIM_ASSIGN_OR_RETURN(std::string entry, item.String());
    // Each entry on its own, so an unknown name is reported where it is written.
    if (entry != "*") {
      auto one = controllers::ResolveControllers({entry});
      if (!one.ok()) return item.Error("Invalid value: " + one.status().message());
    }
    list.push_back(entry);
  }
  KUBESIM_ASSIGN_OR_RETURN(s->controllers, controllers::ResolveControllers(list));
  return sim::Status::Ok();
}

sim::Status ParseSchedulerSettings(const YamlNode& spec, const std::string& base_dir,
                                   const scheduler::Registry& registry, ControlPlaneSettings* s) {
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
        return sched["configFile"].Error("file \"" + p.lexically_normal().string() +
                                         "\" does not exist or is not a regular file");
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

// Every key of a mapping not in `allowed`, each its own problem, at the key's position.
void CheckAllKeys(const YamlNode& node, const std::vector<std::string_view>& allowed, Problems& problems) {
  if (!problems.Check(node.Entries().status())) return;
  std::string list;
  for (std::string_view a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
  for (const auto& kv : node.node()) {
    std::string key = kv.first.Scalar();
    if (std::find(allowed.begin(), allowed.end(), key) != allowed.end()) continue;
    YAML::Mark m = kv.first.Mark();
    YamlNode at(kv.first, std::make_shared<const std::string>(node.file()),
                node.path().empty() ? key : node.path() + "." + key, m.line + 1, m.column + 1);
    problems.Check(at.Error("unknown field \"" + key + "\" (known fields: " + list + ")"));
  }
}

sim::StatusOr<Scenario> Parse(const YamlNode& doc, const std::string& file, const scheduler::Registry& registry,
                              const std::map<std::string, std::string>& parameters) {
  Scenario sc;
  sc.file = file;
  Problems problems;
  KUBESIM_RETURN_IF_ERROR(doc.ExpectMap());
  CheckAllKeys(doc, {"apiVersion", "kind", "metadata", "spec"}, problems);
  {
    auto api_version = doc["apiVersion"].String();
    if (!problems.Check(api_version.status())) {
    } else if (*api_version != "kubesim.io/v1alpha1") {
      problems.Check(doc["apiVersion"].Error("Unsupported value: \"" + *api_version +
                                             "\": supported values: \"kubesim.io/v1alpha1\""));
    }
    auto kind = doc["kind"].String();
    if (!problems.Check(kind.status())) {
    } else if (*kind != "Scenario") {
      problems.Check(doc["kind"].Error("Unsupported value: \"" + *kind + "\": supported values: \"Scenario\""));
    }
  }
  if (doc["metadata"].Defined()) {
    if (problems.Check(doc["metadata"].CheckKeys({"name", "labels", "annotations"})) &&
        doc["metadata"]["name"].Defined()) {
      auto name = doc["metadata"]["name"].String();
      if (problems.Check(name.status())) sc.name = *name;
    }
  }
  YamlNode spec = doc["spec"];
  if (!spec.Defined()) {
    problems.Check(spec.Error("Required value"));
    return problems.ToStatus();
  }
  if (!problems.Check(spec.ExpectMap())) return problems.ToStatus();
  // Parameters first: `${name}` may appear anywhere below.
  {
    std::vector<sim::Status> param_problems;
    sc.parameters = ApplyParameters(doc, parameters, &param_problems);
    problems.Add(std::move(param_problems));
  }
  CheckAllKeys(spec,
               {"parameters", "seed", "duration", "nodePools", "objects", "workloads", "timeline", "loads", "expect",
                "apiServer", "kubelet", "kubeProxy", "scheduler", "controllerManager", "output", "compare", "cloud",
                "clusterAutoscaler", "etcd"},
               problems);
  if (spec["seed"].Defined()) {
    auto seed = spec["seed"].Int();
    if (!problems.Check(seed.status())) {
    } else if (*seed < 0) {
      problems.Check(spec["seed"].Error("Invalid value: must be a non-negative integer"));
    } else {
      sc.seed = static_cast<uint64_t>(*seed);
    }
  }
  if (spec["duration"].Defined()) {
    auto d = spec["duration"].ToDuration();
    if (!problems.Check(d.status())) {
    } else if (*d <= sim::Duration::Zero()) {
      problems.Check(spec["duration"].Error("Invalid value: must be positive"));
    } else {
      sc.duration = *d;
    }
  }
  const std::string base_dir = std::filesystem::path(file).parent_path().string();
  problems.Check(ParseApiServerSettings(spec, &sc.settings));
  problems.Check(ParseEtcdSettings(spec["etcd"], &sc.settings.etcd));
  problems.Check(ParseKubeletSettings(spec, &sc.settings));
  problems.Check(ParseKubeProxySettings(spec, &sc.settings));
  problems.Check(ParseSchedulerSettings(spec, base_dir, registry, &sc.settings));
  problems.Check(ParseControllerManagerSettings(spec, &sc.settings));
  problems.Check(ParseOutputSettings(spec["output"], &sc.settings.output));

  {
    auto cloud = ParseCloudSettings(spec["cloud"]);
    if (problems.Check(cloud.status())) {
      sc.cloud = std::move(cloud).value();
      if (spec.Has("clusterAutoscaler")) {
        auto ca = ParseAutoscalerSettings(spec["clusterAutoscaler"], sc.cloud ? &*sc.cloud : nullptr);
        if (problems.Check(ca.status())) sc.cluster_autoscaler = std::move(ca).value();
      }
    }
  }
  ObjectLoader loader(base_dir);
  if (sc.cloud) loader.SetCloud(&*sc.cloud);
  loader.SetEtcd(&sc.settings.etcd);
  loader.SetApiServer(&sc.settings.api_server);
  auto each = [&](const YamlNode& list, const std::function<sim::Status(const YamlNode&)>& fn) {
    auto items = list.Items();
    if (!problems.Check(items.status())) return;
    for (const auto& item : *items) problems.Check(fn(item));
  };
  each(spec["nodePools"], [&](const YamlNode& pool) { return LoadNodePool(pool, loader, &sc.objects); });
  each(spec["objects"], [&](const YamlNode& e) { return loader.LoadEntry(e, true, &sc.objects); });

  const auto& actions = ActionRegistry();
  each(spec["timeline"], [&](const YamlNode& step) -> sim::Status {
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
      sc.warnings.push_back(
          step["at"]
              .Error("action after the scenario's duration (" + sc.duration.ToString() + ") never runs")
              .message());
    }
    sc.timeline.push_back(std::move(entry));
    return sim::Status::Ok();
  });
  {
    auto loads = metrics::ParseLoads(
        spec["loads"], base_dir,
        [&](const std::string& k, const std::string& ns, const std::string& n) { return loader.Defined(k, ns, n); });
    if (problems.Check(loads.status())) sc.loads = std::move(loads).value();
  }
  {
    auto compare = ParseCompareSettings(spec["compare"]);
    if (problems.Check(compare.status())) sc.compare = std::move(compare).value();
  }
  {
    auto workloads = ParseWorkloads(spec["workloads"], base_dir, sc.duration, &sc.warnings);
    if (problems.Check(workloads.status())) sc.workloads = std::move(workloads).value();
  }
  each(spec["expect"], [&](const YamlNode& e) -> sim::Status {
    KUBESIM_ASSIGN_OR_RETURN(report::Expectation x, ParseExpectation(e, sc.duration));
    sc.expectations.push_back(std::move(x));
    return sim::Status::Ok();
  });
  if (!problems.empty()) return problems.ToStatus();
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
                                               const LoadOptions& options) {
  KUBESIM_ASSIGN_OR_RETURN(auto docs, api::LoadYamlDocuments(text, file));
  if (docs.size() != 1) {
    return sim::InvalidArgument(file + ":1:1: a scenario file holds exactly one YAML document, found " +
                                std::to_string(docs.size()));
  }
  // YAML::Node is a handle: editing a copy edits the document the YamlNode walks.
  if (options.edit) KUBESIM_RETURN_IF_ERROR(options.edit(docs[0].node()));
  return Parse(docs[0], file, options.registry ? *options.registry : scheduler::Registry::Default(),
               options.parameters);
}

sim::StatusOr<Scenario> LoadScenario(const std::string& path, const LoadOptions& options) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    return sim::InvalidArgument(path + ":1:1: scenario file does not exist or is not a regular file");
  }
  KUBESIM_ASSIGN_OR_RETURN(auto docs, api::LoadYamlFile(path));
  if (docs.size() != 1) {
    return sim::InvalidArgument(path + ":1:1: a scenario file holds exactly one YAML document, found " +
                                std::to_string(docs.size()));
  }
  if (options.edit) KUBESIM_RETURN_IF_ERROR(options.edit(docs[0].node()));
  return Parse(docs[0], path, options.registry ? *options.registry : scheduler::Registry::Default(),
               options.parameters);
}

sim::StatusOr<Scenario> LoadScenarioFromString(const std::string& text, const std::string& file) {
  return LoadScenarioFromString(text, file, LoadOptions{});
}

sim::StatusOr<Scenario> LoadScenario(const std::string& path) { return LoadScenario(path, LoadOptions{}); }

sim::StatusOr<Scenario> LoadScenarioFromString(const std::string& text, const std::string& file,
                                               const scheduler::Registry& registry) {
  return LoadScenarioFromString(text, file, LoadOptions{&registry, nullptr, {}});
}

sim::StatusOr<Scenario> LoadScenario(const std::string& path, const scheduler::Registry& registry) {
  return LoadScenario(path, LoadOptions{&registry, nullptr, {}});
}

sim::StatusOr<Scenario> LoadScenarioFromString(const std::string& text, const std::string& file,
                                               const scheduler::Registry& registry, const DocumentEdit& edit) {
  return LoadScenarioFromString(text, file, LoadOptions{&registry, edit, {}});
}

sim::StatusOr<Scenario> LoadScenario(const std::string& path, const scheduler::Registry& registry,
                                     const DocumentEdit& edit) {
  return LoadScenario(path, LoadOptions{&registry, edit, {}});
}

}  // namespace kubesim::scenario
