// The workload files of upstream scheduler_perf (kubernetes/kubernetes
// test/integration/scheduler_perf: config/performance-config.yaml): a list of test cases, each a
// workloadTemplate of ops plus workloads that give the template's `$name` parameters values.
//
// LoadPerfConfig parses the file strictly (unknown fields are errors, as upstream's
// DisallowUnknownFields decoding); ResolveWorkload substitutes one workload's params into the
// template and loads the templates the ops name, so every error — missing param, unreadable
// template, unsupported opcode or field — is reported as FILE:LINE:COL: field before anything runs.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "models/api/object.h"
#include "models/api/yaml_node.h"
#include "models/scheduler/registry.h"
#include "models/scheduler/scheduler.h"
#include "sim/status.h"
#include "sim/time.h"

namespace kubesim::perf {

struct Workload {
  std::string name;
  std::vector<std::string> labels;
  std::optional<api::YamlNode> params;  // map of name → value
  double threshold = 0;                 // 0: no check (upstream)
  std::optional<api::YamlNode> node;
};

struct TestCase {
  std::string name;
  std::vector<std::string> labels;
  std::vector<api::YamlNode> workload_template;  // raw ops; resolved per workload
  std::vector<Workload> workloads;
  std::string scheduler_config_path;  // resolved, or empty
  std::optional<api::YamlNode> scheduler_config_node;
  std::optional<api::YamlNode> default_pod_template;  // the defaultPodTemplatePath node
  std::optional<api::YamlNode> node;
};

struct PerfConfig {
  std::string file;
  std::string dir;  // the config file's directory: template paths are relative to it
  std::vector<TestCase> test_cases;
};

sim::StatusOr<PerfConfig> LoadPerfConfig(const std::string& path);
sim::StatusOr<PerfConfig> LoadPerfConfigFromString(const std::string& text, const std::string& file);

// One op of a workload with its params substituted and templates loaded.
struct Op {
  std::string opcode;
  std::optional<api::YamlNode> node;  // the op in the config, for messages
  int64_t count = 0;
  // createPods / deletePods / churn: the namespace; createNamespaces: the prefix;
  // startCollectingMetrics: its name (appended to the Name label).
  std::string ns;
  std::string prefix;
  bool collect_metrics = false;
  bool skip_wait = false;
  // The decoded template of createNodes / createPods / createNamespaces (null: built-in default).
  std::shared_ptr<const api::Object> object_template;
  std::vector<std::shared_ptr<const api::Object>> churn_templates;
  std::string churn_mode;  // "create" or "recreate"
  int64_t churn_number = 0;
  sim::Duration interval = sim::Duration::Milliseconds(500);
  // createNodes labelNodePrepareStrategy (values round robin, as upstream's PreparePatch) or
  // uniqueNodeLabelStrategy (node_label_unique: each node's own name as the value).
  std::string node_label_key;
  std::vector<std::string> node_label_values;
  bool node_label_unique = false;
  std::vector<std::string> namespaces;          // barrier
  std::map<std::string, std::string> selector;  // deletePods / barrier labelSelector
  int64_t delete_per_second = 0;
  sim::Duration duration;  // sleep
};

struct ResolvedWorkload {
  std::string test_name;
  std::string workload_name;
  std::string full_name;  // "<test>/<workload>", upstream's Name label
  std::vector<Op> ops;
  scheduler::SchedulerConfig scheduler;
  double threshold = 0;
  std::vector<std::string> warnings;
};

sim::StatusOr<ResolvedWorkload> ResolveWorkload(const PerfConfig& config, const TestCase& tc, const Workload& w,
                                                const scheduler::Registry& registry);

// Upstream's label filter (scheduler_perf `enabled`): comma-separated labels a workload must have
// (`x` or `+x`) or must not have (`-x`), over the test case's and the workload's labels together.
bool LabelsEnabled(const std::string& filter, const std::vector<std::string>& labels);

}  // namespace kubesim::perf
