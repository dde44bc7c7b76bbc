#include "models/perf/config.h"

#include <algorithm>
#include <filesystem>
#include <set>
#include <sstream>

#include "models/api/codec.h"
#include "models/scheduler/config.h"

namespace kubesim::perf {
namespace {

namespace fs = std::filesystem;
using api::YamlNode;

// Fields upstream knows that kubesim does not model: named so the error says "not supported"
// rather than "unknown field" (docs/perf.md lists them).
sim::Status RejectUnsupported(const YamlNode& n, std::initializer_list<std::string_view> fields, std::string_view why) {
  for (std::string_view f : fields) {
    if (n.Has(f))
      return n[f].Error(std::string("not supported by kubesim perf: ") + std::string(why) + " (docs/perf.md)");
  }
  return sim::Status::Ok();
}

sim::StatusOr<std::vector<std::string>> OptionalStringList(const YamlNode& n, std::string_view key) {
  if (!n[key].Defined()) return std::vector<std::string>{};
  return n[key].StringList();
}

sim::StatusOr<TestCase> DecodeTestCase(const PerfConfig& config, const YamlNode& n) {
  KUBESIM_RETURN_IF_ERROR(n.ExpectMap());
  KUBESIM_RETURN_IF_ERROR(
      n.CheckKeys({"name", "featureGates", "metricsCollectorConfig", "workloadTemplate", "workloads",
                   "schedulerConfigPath", "defaultPodTemplatePath", "labels", "defaultThresholdMetricSelector"}));
  KUBESIM_RETURN_IF_ERROR(RejectUnsupported(
      n, {"metricsCollectorConfig", "defaultThresholdMetricSelector"},
      "kubesim collects SchedulingThroughput and the scheduling latency metrics of docs/perf.md only"));
  TestCase tc;
  tc.node = n;
  if (!n["name"].Defined()) return n["name"].Error("Required value: every test case needs a name");
  KUBESIM_ASSIGN_OR_RETURN(tc.name, n["name"].String());
  KUBESIM_ASSIGN_OR_RETURN(tc.labels, OptionalStringList(n, "labels"));
  if (n["featureGates"].Defined()) {
    KUBESIM_ASSIGN_OR_RETURN(auto gates, n["featureGates"].Entries());
    if (!gates.empty()) {
      return gates[0].second.Error(
          "not supported by kubesim perf: kubesim models one fixed feature set and cannot "
          "switch feature gates (docs/perf.md)");
    }
  }
  if (n["schedulerConfigPath"].Defined()) {
    KUBESIM_ASSIGN_OR_RETURN(std::string p, n["schedulerConfigPath"].String());
    tc.scheduler_config_path = p;
    tc.scheduler_config_node = n["schedulerConfigPath"];
  }
  if (n["defaultPodTemplatePath"].Defined()) tc.default_pod_template = n["defaultPodTemplatePath"];
  if (!n["workloadTemplate"].Defined()) return n["workloadTemplate"].Error("Required value: a list of ops");
  KUBESIM_ASSIGN_OR_RETURN(tc.workload_template, n["workloadTemplate"].Items());
  if (!n["workloads"].Defined()) return n["workloads"].Error("Required value: a list of workloads");
  KUBESIM_ASSIGN_OR_RETURN(auto workloads, n["workloads"].Items());
  std::set<std::string> names;
  for (const YamlNode& wn : workloads) {
    KUBESIM_RETURN_IF_ERROR(wn.ExpectMap());
    KUBESIM_RETURN_IF_ERROR(
        wn.CheckKeys({"name", "params", "labels", "threshold", "thresholdMetricSelector", "featureGates"}));
    KUBESIM_RETURN_IF_ERROR(RejectUnsupported(wn, {"thresholdMetricSelector"},
                                              "the threshold is compared with SchedulingThroughput Average"));
    Workload w;
    w.node = wn;
    if (!wn["name"].Defined()) return wn["name"].Error("Required value: every workload needs a name");
    KUBESIM_ASSIGN_OR_RETURN(w.name, wn["name"].String());
    if (!names.insert(w.name).second) {
      return wn["name"].Error("workload name " + w.name + " is not unique in test case " + tc.name);
    }
    KUBESIM_ASSIGN_OR_RETURN(w.labels, OptionalStringList(wn, "labels"));
    if (wn["params"].Defined()) {
      KUBESIM_RETURN_IF_ERROR(wn["params"].ExpectMap());
      w.params = wn["params"];
    }
    if (wn["threshold"].Defined()) {
      // Upstream also accepts a map of topic name → value; kubesim has no topics.
      if (!wn["threshold"].IsScalar()) return wn["threshold"].Error("must be a number");
      try {
        w.threshold = wn["threshold"].node().as<double>();
      } catch (const std::exception&) {
        return wn["threshold"].Error("must be a number");
      }
      if (w.threshold < 0) return wn["threshold"].Error("Invalid value: should be non-negative");
    }
    if (wn["featureGates"].Defined()) {
      KUBESIM_ASSIGN_OR_RETURN(auto gates, wn["featureGates"].Entries());
      if (!gates.empty()) {
        return gates[0].second.Error(
            "not supported by kubesim perf: kubesim cannot switch feature gates "
            "(docs/perf.md)");
      }
    }
    tc.workloads.push_back(std::move(w));
  }
  (void)config;
  return tc;
}

// Resolves a template path: relative to the config file's directory; upstream's own files name
// their templates relative to the scheduler_perf directory (the config directory's parent), so
// that is tried second and upstream configs run unchanged.
sim::StatusOr<std::string> ResolvePath(const PerfConfig& config, const YamlNode& field) {
  KUBESIM_ASSIGN_OR_RETURN(std::string p, field.String());
  if (p.empty()) return field.Error("Required value: a file path");
  fs::path rel(p);
  if (rel.is_absolute()) {
    if (fs::is_regular_file(rel)) return p;
  } else {
    fs::path first = fs::path(config.dir) / rel;
    if (fs::is_regular_file(first)) return first.string();
    fs::path second = fs::path(config.dir).parent_path() / rel;
    if (fs::is_regular_file(second)) return second.string();
  }
  return field.Error("file not found: " + p + " (paths are relative to " +
                     (config.dir.empty() ? std::string(".") : config.dir) + ")");
}

// A template file: exactly one manifest of kind `kind` (empty: any kind).
sim::StatusOr<std::shared_ptr<const api::Object>> LoadTemplate(const PerfConfig& config, const YamlNode& field,
                                                               const std::string& kind,
                                                               std::vector<std::string>* warnings) {
  KUBESIM_ASSIGN_OR_RETURN(std::string path, ResolvePath(config, field));
  KUBESIM_ASSIGN_OR_RETURN(auto docs, api::LoadYamlFile(path));
  if (docs.size() != 1) {
    return field.Error(path + " must hold exactly one manifest, found " + std::to_string(docs.size()));
  }
  KUBESIM_ASSIGN_OR_RETURN(api::DecodeResult r, api::DecodeObject(docs[0]));
  for (auto& w : r.warnings) warnings->push_back(std::move(w));
  if (!kind.empty() && r.object->kind != kind) {
    return field.Error(path + " holds a " + r.object->kind + ", this field takes a " + kind);
  }
  return std::shared_ptr<const api::Object>(std::move(r.object));
}

// Far above upstream's largest workloads (tens of thousands), low enough that no input can make
// kubesim allocate without bound.
constexpr int64_t kMaxCount = 1'000'000;

// A count: `count` (a literal) or `countParam` (`$name`, looked up in the workload's params,
// which takes precedence, as upstream's patchParams).
sim::StatusOr<int64_t> Count(const YamlNode& op, const Workload& w, std::set<std::string>* used) {
  if (op["countParam"].Defined()) {
    KUBESIM_ASSIGN_OR_RETURN(std::string ref, op["countParam"].String());
    if (ref.size() < 2 || ref[0] != '$') {
      return op["countParam"].Error("Invalid value: \"" + ref + "\": must be $ followed by a parameter name");
    }
    std::string name = ref.substr(1);
    if (!w.params || !w.params->Has(name)) {
      return op["countParam"].Error("parameter " + name + " is undefined in workload " + w.name);
    }
    used->insert(name);
    auto v = (*w.params)[name].Int();
    if (!v.ok()) return (*w.params)[name].Error("parameter " + name + " must be an integer");
    if (*v < 0) return (*w.params)[name].Error("Invalid value: a count must be non-negative");
    if (*v > kMaxCount) return (*w.params)[name].Error("Invalid value: at most " + std::to_string(kMaxCount));
    return *v;
  }
  if (!op["count"].Defined()) return op["count"].Error("Required value: count or countParam");
  KUBESIM_ASSIGN_OR_RETURN(int64_t c, op["count"].Int());
  if (c < 0) return op["count"].Error("Invalid value: must be non-negative");
  if (c > kMaxCount) return op["count"].Error("Invalid value: at most " + std::to_string(kMaxCount));
  return c;
}

// What an op's parser reads besides the op: the files around it, the workload's params (marking
// those it uses) and the namespace an op without one works in.
struct OpContext {
  const PerfConfig& config;
  const TestCase& tc;
  const Workload& w;
  std::string default_ns;  // upstream: "namespace-<index of the op>"
  std::set<std::string>* used;
  std::vector<std::string>* warnings;
};

// Checks one op's fields (the opcode is already read into `op`) and fills the rest of `op`.
using OpParser = sim::Status (*)(const YamlNode& n, const OpContext& ctx, Op* op);

// createNodesOp: `count` Nodes from nodeTemplatePath (default: test/utils baseNodeTemplate),
// labelled by labelNodePrepareStrategy or uniqueNodeLabelStrategy.
sim::Status ParseCreateNodesOp(const YamlNode& n, const OpContext& ctx, Op* op) {
  KUBESIM_RETURN_IF_ERROR(n.CheckKeys({"opcode", "count", "countParam", "nodeTemplatePath", "nodeAllocatableStrategy",
                                       "labelNodePrepareStrategy", "uniqueNodeLabelStrategy"}));
  KUBESIM_RETURN_IF_ERROR(
      RejectUnsupported(n, {"nodeAllocatableStrategy"},
                        "CSI node allocatable is not simulated; put allocatable into nodeTemplatePath instead"));
  if (n.Has("labelNodePrepareStrategy") && n.Has("uniqueNodeLabelStrategy")) {
    return n["uniqueNodeLabelStrategy"].Error("Invalid value: at most one node prepare strategy");
  }
  if (n.Has("labelNodePrepareStrategy")) {
    YamlNode s = n["labelNodePrepareStrategy"];
    KUBESIM_RETURN_IF_ERROR(s.ExpectMap());
    KUBESIM_RETURN_IF_ERROR(s.CheckKeys({"labelKey", "labelValues"}));
    if (!s["labelKey"].Defined()) return s["labelKey"].Error("Required value: the label key");
    KUBESIM_ASSIGN_OR_RETURN(op->node_label_key, s["labelKey"].String());
    KUBESIM_ASSIGN_OR_RETURN(op->node_label_values, OptionalStringList(s, "labelValues"));
    if (op->node_label_values.empty()) return s["labelValues"].Error("Required value: at least one value");
  }
  if (n.Has("uniqueNodeLabelStrategy")) {
    YamlNode s = n["uniqueNodeLabelStrategy"];
    KUBESIM_RETURN_IF_ERROR(s.ExpectMap());
    KUBESIM_RETURN_IF_ERROR(s.CheckKeys({"labelKey"}));
    if (!s["labelKey"].Defined()) return s["labelKey"].Error("Required value: the label key");
    KUBESIM_ASSIGN_OR_RETURN(op->node_label_key, s["labelKey"].String());
    op->node_label_unique = true;
  }
  KUBESIM_ASSIGN_OR_RETURN(op->count, Count(n, ctx.w, ctx.used));
  if (n["nodeTemplatePath"].Defined()) {
    KUBESIM_ASSIGN_OR_RETURN(op->object_template,
                             LoadTemplate(ctx.config, n["nodeTemplatePath"], api::Node::kKind, ctx.warnings));
  }
  return sim::Status::Ok();
}

// createNamespacesOp: `count` Namespaces <prefix>-0 … <prefix>-<count-1>.
sim::Status ParseCreateNamespacesOp(const YamlNode& n, const OpContext& ctx, Op* op) {
  KUBESIM_RETURN_IF_ERROR(n.CheckKeys({"opcode", "prefix", "count", "countParam", "namespaceTemplatePath"}));
  if (!n["prefix"].Defined()) return n["prefix"].Error("Required value: the namespaces' name prefix");
  KUBESIM_ASSIGN_OR_RETURN(op->prefix, n["prefix"].String());
  KUBESIM_ASSIGN_OR_RETURN(op->count, Count(n, ctx.w, ctx.used));
  if (n["namespaceTemplatePath"].Defined()) {
    KUBESIM_ASSIGN_OR_RETURN(op->object_template,
                             LoadTemplate(ctx.config, n["namespaceTemplatePath"], api::Namespace::kKind, ctx.warnings));
  }
  return sim::Status::Ok();
}

// createPodsOp: `count` Pods from podTemplatePath (else the test case's defaultPodTemplatePath)
// in `namespace`, measured when collectMetrics.
sim::Status ParseCreatePodsOp(const YamlNode& n, const OpContext& ctx, Op* op) {
  KUBESIM_RETURN_IF_ERROR(
      n.CheckKeys({"opcode", "count", "countParam", "collectMetrics", "namespace", "podTemplatePath",
                   "skipWaitToCompletion", "steadyState", "duration", "durationParam", "persistentVolumeTemplatePath",
                   "persistentVolumeClaimTemplatePath"}));
  KUBESIM_RETURN_IF_ERROR(RejectUnsupported(n, {"steadyState", "duration", "durationParam"},
                                            "steady-state pod creation is not implemented"));
  KUBESIM_RETURN_IF_ERROR(RejectUnsupported(n, {"persistentVolumeTemplatePath", "persistentVolumeClaimTemplatePath"},
                                            "kubesim does not simulate PersistentVolumes"));
  KUBESIM_ASSIGN_OR_RETURN(op->count, Count(n, ctx.w, ctx.used));
  if (n["collectMetrics"].Defined()) {
    KUBESIM_ASSIGN_OR_RETURN(op->collect_metrics, n["collectMetrics"].Bool());
  }
  if (n["skipWaitToCompletion"].Defined()) {
    KUBESIM_ASSIGN_OR_RETURN(op->skip_wait, n["skipWaitToCompletion"].Bool());
  }
  if (op->collect_metrics && op->skip_wait) {
    return n["skipWaitToCompletion"].Error(
        "Invalid value: collectMetrics and skipWaitToCompletion cannot be true at the same time");
  }
  op->ns = ctx.default_ns;
  if (n["namespace"].Defined()) {
    KUBESIM_ASSIGN_OR_RETURN(op->ns, n["namespace"].String());
  }
  if (n["podTemplatePath"].Defined()) {
    KUBESIM_ASSIGN_OR_RETURN(op->object_template,
                             LoadTemplate(ctx.config, n["podTemplatePath"], api::Pod::kKind, ctx.warnings));
  } else if (ctx.tc.default_pod_template) {
    KUBESIM_ASSIGN_OR_RETURN(op->object_template,
                             LoadTemplate(ctx.config, *ctx.tc.default_pod_template, api::Pod::kKind, ctx.warnings));
  }
  return sim::Status::Ok();
}

// deletePodsOp: the pods of `namespace` matching labelSelector, deletePodsPerSecond at a time.
sim::Status ParseDeletePodsOp(const YamlNode& n, const OpContext& /*ctx*/, Op* op) {
  KUBESIM_RETURN_IF_ERROR(
      n.CheckKeys({"opcode", "namespace", "labelSelector", "skipWaitToCompletion", "deletePodsPerSecond"}));
  if (!n["namespace"].Defined()) return n["namespace"].Error("Required value: the namespace to delete pods from");
  KUBESIM_ASSIGN_OR_RETURN(op->ns, n["namespace"].String());
  if (n["labelSelector"].Defined()) {
    KUBESIM_ASSIGN_OR_RETURN(op->selector, n["labelSelector"].StringMap());
  }
  if (n["skipWaitToCompletion"].Defined()) {
    KUBESIM_ASSIGN_OR_RETURN(op->skip_wait, n["skipWaitToCompletion"].Bool());
  }
  if (n["deletePodsPerSecond"].Defined()) {
    KUBESIM_ASSIGN_OR_RETURN(op->delete_per_second, n["deletePodsPerSecond"].Int());
    if (op->delete_per_second < 0) return n["deletePodsPerSecond"].Error("Invalid value: should be non-negative");
  }
  return sim::Status::Ok();
}

// churnOp: objects from templatePaths created (mode create) or created and deleted in turn
// (mode recreate) every intervalMilliseconds.
sim::Status ParseChurnOp(const YamlNode& n, const OpContext& ctx, Op* op) {
  KUBESIM_RETURN_IF_ERROR(
      n.CheckKeys({"opcode", "mode", "number", "intervalMilliseconds", "namespace", "templatePaths"}));
  if (!n["mode"].Defined()) return n["mode"].Error("Required value: create or recreate");
  KUBESIM_ASSIGN_OR_RETURN(op->churn_mode, n["mode"].String());
  if (op->churn_mode != "create" && op->churn_mode != "recreate") {
    return n["mode"].Error("Unsupported value: \"" + op->churn_mode + "\": must be create or recreate");
  }
  if (n["number"].Defined()) {
    KUBESIM_ASSIGN_OR_RETURN(op->churn_number, n["number"].Int());
  }
  if (op->churn_number < 0) return n["number"].Error("Invalid value: cannot be negative");
  if (op->churn_mode == "recreate" && op->churn_number == 0) {
    return n["number"].Error("Invalid value: number cannot be 0 when mode is recreate");
  }
  if (n["intervalMilliseconds"].Defined()) {
    KUBESIM_ASSIGN_OR_RETURN(int64_t ms, n["intervalMilliseconds"].Int());
    if (ms <= 0) return n["intervalMilliseconds"].Error("Invalid value: must be positive");
    op->interval = sim::Duration::Milliseconds(ms);
  }
  op->ns = ctx.default_ns;
  if (n["namespace"].Defined()) {
    KUBESIM_ASSIGN_OR_RETURN(op->ns, n["namespace"].String());
  }
  if (!n["templatePaths"].Defined()) return n["templatePaths"].Error("Required value: at least one template");
  KUBESIM_ASSIGN_OR_RETURN(auto paths, n["templatePaths"].Items());
  if (paths.empty()) return n["templatePaths"].Error("Required value: at least one template");
  for (const YamlNode& p : paths) {
    KUBESIM_ASSIGN_OR_RETURN(auto t, LoadTemplate(ctx.config, p, "", ctx.warnings));
    if (t->kind == api::Namespace::kKind) return p.Error("churning Namespaces is not supported by kubesim perf");
    op->churn_templates.push_back(std::move(t));
  }
  return sim::Status::Ok();
}

// barrierOp: waits until every pod of `namespaces` matching labelSelector is scheduled.
sim::Status ParseBarrierOp(const YamlNode& n, const OpContext& /*ctx*/, Op* op) {
  KUBESIM_RETURN_IF_ERROR(n.CheckKeys({"opcode", "namespaces", "labelSelector", "stageRequirement"}));
  KUBESIM_ASSIGN_OR_RETURN(op->namespaces, OptionalStringList(n, "namespaces"));
  if (n["labelSelector"].Defined()) {
    KUBESIM_ASSIGN_OR_RETURN(op->selector, n["labelSelector"].StringMap());
  }
  if (n["stageRequirement"].Defined()) {
    KUBESIM_ASSIGN_OR_RETURN(std::string stage, n["stageRequirement"].String());
    if (stage == "Attempted") {
      return n["stageRequirement"].Error("not supported by kubesim perf: only the Scheduled stage (docs/perf.md)");
    }
    if (stage != "Scheduled") {
      return n["stageRequirement"].Error("Unsupported value: \"" + stage + "\": must be Scheduled or Attempted");
    }
  }
  return sim::Status::Ok();
}

// startCollectingMetricsOp: opens a collection window over `namespaces`.
sim::Status ParseStartCollectingMetricsOp(const YamlNode& n, const OpContext& /*ctx*/, Op* op) {
  KUBESIM_RETURN_IF_ERROR(n.CheckKeys({"opcode", "name", "namespaces", "labelSelector"}));
  if (n["name"].Defined()) {
    KUBESIM_ASSIGN_OR_RETURN(op->prefix, n["name"].String());
  }
  KUBESIM_ASSIGN_OR_RETURN(op->namespaces, OptionalStringList(n, "namespaces"));
  if (op->namespaces.empty()) return n["namespaces"].Error("Required value: namespaces cannot be empty");
  if (n["labelSelector"].Defined()) {
    KUBESIM_ASSIGN_OR_RETURN(op->selector, n["labelSelector"].StringMap());
  }
  op->collect_metrics = true;
  return sim::Status::Ok();
}

// stopCollectingMetricsOp: closes it.
sim::Status ParseStopCollectingMetricsOp(const YamlNode& n, const OpContext& /*ctx*/, Op* /*op*/) {
  KUBESIM_RETURN_IF_ERROR(n.CheckKeys({"opcode"}));
  return sim::Status::Ok();
}

// sleepOp: lets `duration` of simulated time pass.
sim::Status ParseSleepOp(const YamlNode& n, const OpContext& ctx, Op* op) {
  KUBESIM_RETURN_IF_ERROR(n.CheckKeys({"opcode", "duration", "durationParam"}));
  if (n["durationParam"].Defined()) {
    KUBESIM_ASSIGN_OR_RETURN(std::string ref, n["durationParam"].String());
    if (ref.size() < 2 || ref[0] != '$') {
      return n["durationParam"].Error("Invalid value: \"" + ref + "\": must be $ followed by a parameter name");
    }
    std::string name = ref.substr(1);
    if (!ctx.w.params || !ctx.w.params->Has(name)) {
      return n["durationParam"].Error("parameter " + name + " is undefined in workload " + ctx.w.name);
    }
    ctx.used->insert(name);
    KUBESIM_ASSIGN_OR_RETURN(op->duration, (*ctx.w.params)[name].ToDuration());
  } else {
    if (!n["duration"].Defined()) return n["duration"].Error("Required value: duration or durationParam");
    KUBESIM_ASSIGN_OR_RETURN(op->duration, n["duration"].ToDuration());
  }
  if (op->duration < sim::Duration::Zero()) return n["duration"].Error("Invalid value: must not be negative");
  return sim::Status::Ok();
}

// The ops kubesim perf runs, opcode → parser, as upstream's table of op types
// (kubernetes/kubernetes test/integration/scheduler_perf/scheduler_perf.go @ v1.32,
// op.UnmarshalJSON's possibleOps), in the order the error messages and docs/perf.md list them.
// Adding an op is adding its parser here and its step to the runner's table (runner.cc, RunOp).
// createPodSets, which wraps a createPods op, is expanded by ResolveWorkload.
const std::vector<std::pair<std::string, OpParser>>& OpRegistry() {
  static const std::vector<std::pair<std::string, OpParser>> kOps = {
      {"createNodes", ParseCreateNodesOp},
      {"createNamespaces", ParseCreateNamespacesOp},
      {"createPods", ParseCreatePodsOp},
      {"deletePods", ParseDeletePodsOp},
      {"churn", ParseChurnOp},
      {"barrier", ParseBarrierOp},
      {"sleep", ParseSleepOp},
      {"startCollectingMetrics", ParseStartCollectingMetricsOp},
      {"stopCollectingMetrics", ParseStopCollectingMetricsOp},
  };
  return kOps;
}

// "createNodes, createNamespaces, …, createPodSets": every opcode ResolveWorkload accepts.
std::string SupportedOpcodes() {
  std::string list;
  for (const auto& [opcode, parse] : OpRegistry()) list += opcode + ", ";
  return list + "createPodSets";
}

constexpr std::string_view kUnsupportedOpcodes[] = {"createAny", "updateAny", "createResourceClaims",
                                                    "createResourceDriver", "allocResourceClaims"};

sim::StatusOr<Op> ResolveOp(const PerfConfig& config, const TestCase& tc, const Workload& w, const YamlNode& n,
                            size_t index, std::set<std::string>* used, std::vector<std::string>* warnings) {
  KUBESIM_RETURN_IF_ERROR(n.ExpectMap());
  if (!n["opcode"].Defined()) return n["opcode"].Error("Required value: every op needs an opcode");
  Op op;
  op.node = n;
  KUBESIM_ASSIGN_OR_RETURN(op.opcode, n["opcode"].String());
  const std::string& oc = op.opcode;
  const auto& ops = OpRegistry();
  auto it = std::find_if(ops.begin(), ops.end(), [&oc](const auto& entry) { return entry.first == oc; });
  if (it == ops.end()) {
    for (std::string_view u : kUnsupportedOpcodes) {
      if (oc == u) {
        return n["opcode"].Error("not supported by kubesim perf: opcode " + oc + " (supported: " + SupportedOpcodes() +
                                 "; docs/perf.md)");
      }
    }
    return n["opcode"].Error("Unsupported value: unknown opcode \"" + oc + "\" (supported: " + SupportedOpcodes() +
                             ")");
  }
  OpContext ctx{config, tc, w, "namespace-" + std::to_string(index), used, warnings};
  KUBESIM_RETURN_IF_ERROR(it->second(n, ctx, &op));
  return op;
}

}  // namespace

namespace {

sim::StatusOr<PerfConfig> FromDocuments(const std::vector<YamlNode>& docs, const std::string& file) {
  PerfConfig config;
  config.file = file;
  config.dir = fs::path(file).parent_path().string();
  if (docs.size() != 1) {
    return sim::InvalidArgument(file + ":1:1: a scheduler_perf config is one YAML document, found " +
                                std::to_string(docs.size()));
  }
  KUBESIM_ASSIGN_OR_RETURN(auto items, docs[0].Items());
  std::set<std::string> names;
  for (const YamlNode& n : items) {
    KUBESIM_ASSIGN_OR_RETURN(TestCase tc, DecodeTestCase(config, n));
    if (!names.insert(tc.name).second) return n["name"].Error("test case name " + tc.name + " is not unique");
    config.test_cases.push_back(std::move(tc));
  }
  return config;
}

}  // namespace

sim::StatusOr<PerfConfig> LoadPerfConfigFromString(const std::string& text, const std::string& file) {
  KUBESIM_ASSIGN_OR_RETURN(auto docs, api::LoadYamlDocuments(text, file));
  return FromDocuments(docs, file);
}

sim::StatusOr<PerfConfig> LoadPerfConfig(const std::string& path) {
  KUBESIM_ASSIGN_OR_RETURN(auto docs, api::LoadYamlFile(path));
  return FromDocuments(docs, path);
}

sim::StatusOr<ResolvedWorkload> ResolveWorkload(const PerfConfig& config, const TestCase& tc, const Workload& w,
                                                const scheduler::Registry& registry) {
  ResolvedWorkload r;
  r.test_name = tc.name;
  r.workload_name = w.name;
  r.full_name = tc.name + "/" + w.name;
  r.threshold = w.threshold;
  std::set<std::string> used;
  for (size_t i = 0; i < tc.workload_template.size(); ++i) {
    const YamlNode& n = tc.workload_template[i];
    if (n.IsMap() && n["opcode"].IsScalar() && n["opcode"].Scalar() == "createPodSets") {
      // Upstream createPodSetsOp: its createPodsOp runs once in each namespace
      // <namespacePrefix>-0 … <namespacePrefix>-<count-1>.
      KUBESIM_RETURN_IF_ERROR(n.CheckKeys({"opcode", "count", "countParam", "namespacePrefix", "createPodsOp"}));
      KUBESIM_ASSIGN_OR_RETURN(int64_t sets, Count(n, w, &used));
      if (!n["namespacePrefix"].Defined()) return n["namespacePrefix"].Error("Required value: the namespace prefix");
      KUBESIM_ASSIGN_OR_RETURN(std::string prefix, n["namespacePrefix"].String());
      if (!n["createPodsOp"].Defined()) return n["createPodsOp"].Error("Required value: a createPods op");
      KUBESIM_ASSIGN_OR_RETURN(Op inner, ResolveOp(config, tc, w, n["createPodsOp"], i, &used, &r.warnings));
      if (inner.opcode != "createPods") {
        return n["createPodsOp"]["opcode"].Error("Unsupported value: \"" + inner.opcode + "\": must be createPods");
      }
      if (inner.collect_metrics) {
        return n["createPodsOp"]["collectMetrics"].Error(
            "not supported by kubesim perf: collecting metrics per pod set (docs/perf.md)");
      }
      for (int64_t k = 0; k < sets; ++k) {
        Op op = inner;
        op.ns = prefix + "-" + std::to_string(k);
        r.ops.push_back(std::move(op));
      }
      continue;
    }
    KUBESIM_ASSIGN_OR_RETURN(Op op, ResolveOp(config, tc, w, n, i, &used, &r.warnings));
    r.ops.push_back(std::move(op));
  }
  // Upstream rejects params no op uses: almost always a typo.
  if (w.params) {
    KUBESIM_ASSIGN_OR_RETURN(auto entries, w.params->Entries());
    for (const auto& [name, value] : entries) {
      if (!used.count(name)) {
        return value.Error("parameter " + name + " is defined in workload " + w.name + " but no op uses it");
      }
    }
  }
  if (tc.scheduler_config_node) {
    KUBESIM_ASSIGN_OR_RETURN(std::string path, ResolvePath(config, *tc.scheduler_config_node));
    KUBESIM_ASSIGN_OR_RETURN(r.scheduler, scheduler::LoadKubeSchedulerConfiguration(path, registry));
  }
  return r;
}

bool LabelsEnabled(const std::string& filter, const std::vector<std::string>& labels) {
  auto has = [&](const std::string& l) { return std::find(labels.begin(), labels.end(), l) != labels.end(); };
  std::stringstream ss(filter);
  std::string sel;
  while (std::getline(ss, sel, ',')) {
    if (sel.empty()) continue;
    if (sel[0] == '-') {
      if (has(sel.substr(1))) return false;
    } else if (sel[0] == '+') {
      if (!has(sel.substr(1))) return false;
    } else if (!has(sel)) {
      return false;
    }
  }
  return true;
}

}  // namespace kubesim::perf
