// Decoding of the workload kinds whose controllers kubesim runs besides ReplicaSet/Deployment:
// batch/v1 Job, apps/v1 DaemonSet and StatefulSet. Defaults are upstream's (SetDefaults_Job,
// SetDefaults_DaemonSet, SetDefaults_StatefulSet, v1.32), validation messages upstream's for the
// fields kubesim reads; fields that would change behaviour but are not simulated add a warning.
#include "models/api/codec.h"
#include "models/api/codec_internal.h"

namespace kubesim::api::internal {
namespace {

using sim::Status;
using sim::StatusOr;

void Warn(std::vector<std::string>* warnings, const YamlNode& at, const std::string& what) {
  warnings->push_back(at.Error("not simulated yet: " + what).message());
}

StatusOr<int32_t> NonNegativeInt32(const YamlNode& node, int32_t if_absent) {
  if (!node.Defined()) return if_absent;
  KUBESIM_ASSIGN_OR_RETURN(int32_t v, node.Int32());
  if (v < 0) return node.Error("Invalid value: " + std::to_string(v) + ": must be greater than or equal to 0");
  return v;
}

StatusOr<std::string> OneOf(const YamlNode& node, const std::string& if_absent, std::vector<std::string> allowed) {
  if (!node.Defined()) return if_absent;
  KUBESIM_ASSIGN_OR_RETURN(std::string v, node.String());
  std::string list;
  for (const auto& a : allowed) {
    if (v == a) return v;
    list += (list.empty() ? "\"" : ", \"") + a + "\"";
  }
  return node.Error("Unsupported value: \"" + v + "\": supported values: " + list);
}

// Workload templates whose pods must keep running (DaemonSet, StatefulSet): upstream
// ValidatePodTemplateSpecForReplicaSet-style check that restartPolicy is Always.
Status RequireRestartAlways(const YamlNode& tmpl, const PodTemplate& t) {
  if (t.spec.restart_policy != "Always") {
    return tmpl["spec"]["restartPolicy"].Error("Unsupported value: \"" + t.spec.restart_policy +
                                               "\": supported values: \"Always\"");
  }
  return Status::Ok();
}

// spec.selector + spec.template of an apps/v1 workload: the selector is required and must select
// the template's labels.
Status DecodeSelectorAndTemplate(const YamlNode& spec, LabelSelector* sel, PodTemplate* tmpl,
                                 std::vector<std::string>* warnings) {
  if (!spec["selector"].Defined()) return spec["selector"].Error("Required value");
  KUBESIM_ASSIGN_OR_RETURN(*sel, DecodeLabelSelector(spec["selector"]));
  KUBESIM_ASSIGN_OR_RETURN(*tmpl, DecodePodTemplate(spec["template"], warnings));
  return CheckSelectorMatchesTemplate(spec, *sel, *tmpl);
}

}  // namespace

StatusOr<std::shared_ptr<Object>> DecodeJob(const YamlNode& doc, std::vector<std::string>* warnings) {
  auto job = std::make_shared<Job>();
  YamlNode spec = doc["spec"];
  if (!spec.Defined()) return spec.Error("Required value");
  KUBESIM_RETURN_IF_ERROR(spec.ExpectMap());
  // SetDefaults_Job: both unset → completions = parallelism = 1; only completions → parallelism 1;
  // only parallelism → completions stays null (work-queue Job).
  KUBESIM_ASSIGN_OR_RETURN(job->parallelism, NonNegativeInt32(spec["parallelism"], 1));
  if (spec["completions"].Defined()) {
    KUBESIM_ASSIGN_OR_RETURN(int32_t c, NonNegativeInt32(spec["completions"], 1));
    job->completions = c;
  } else if (!spec["parallelism"].Defined()) {
    job->completions = 1;
  }
  KUBESIM_ASSIGN_OR_RETURN(job->backoff_limit, NonNegativeInt32(spec["backoffLimit"], 6));
  if (spec["activeDeadlineSeconds"].Defined()) {
    KUBESIM_ASSIGN_OR_RETURN(int64_t d, spec["activeDeadlineSeconds"].Int());
    if (d <= 0)
      return spec["activeDeadlineSeconds"].Error("Invalid value: " + std::to_string(d) + ": must be greater than 0");
    job->active_deadline_seconds = d;
  }
  KUBESIM_ASSIGN_OR_RETURN(job->completion_mode,
                           OneOf(spec["completionMode"], "NonIndexed", {"NonIndexed", "Indexed"}));
  if (job->completion_mode == "Indexed") {
    if (!job->completions) {
      return spec["completions"].Error("Required value: when completion mode is Indexed");
    }
  }
  KUBESIM_ASSIGN_OR_RETURN(job->pod_replacement_policy, OneOf(spec["podReplacementPolicy"], "TerminatingOrFailed",
                                                              {"TerminatingOrFailed", "Failed"}));
  if (spec["manualSelector"].Defined()) {
    KUBESIM_ASSIGN_OR_RETURN(job->manual_selector, spec["manualSelector"].Bool());
  }
  KUBESIM_ASSIGN_OR_RETURN(job->pod_template, DecodePodTemplate(spec["template"], warnings));
  if (job->manual_selector) {
    if (!spec["selector"].Defined()) return spec["selector"].Error("Required value");
    KUBESIM_ASSIGN_OR_RETURN(job->selector, DecodeLabelSelector(spec["selector"]));
    KUBESIM_RETURN_IF_ERROR(CheckSelectorMatchesTemplate(spec, job->selector, job->pod_template));
  } else if (spec["selector"].Defined()) {
    // The API server generates the selector from the Job's uid (job strategy
    // generateSelector); a hand-written one is refused unless manualSelector is true.
    return spec["selector"].Error("Invalid value: `selector` not auto-generated");
  }
  const std::string& restart = job->pod_template.spec.restart_policy;
  if (restart != "OnFailure" && restart != "Never") {
    YamlNode at = spec["template"]["spec"]["restartPolicy"];
    if (!at.Defined()) return at.Error("Required value: valid values: \"OnFailure\", \"Never\"");
    return at.Error("Unsupported value: \"" + restart + "\": supported values: \"OnFailure\", \"Never\"");
  }
  for (const char* field : {"podFailurePolicy", "successPolicy", "backoffLimitPerIndex", "maxFailedIndexes"}) {
    if (spec[field].Defined()) Warn(warnings, spec[field], std::string(field) + "; the Job ignores it");
  }
  if (spec["suspend"].Defined()) {
    KUBESIM_ASSIGN_OR_RETURN(job->suspend, spec["suspend"].Bool());
  }
  if (spec["ttlSecondsAfterFinished"].Defined()) {
    Warn(warnings, spec["ttlSecondsAfterFinished"],
         "ttlSecondsAfterFinished (TTL-after-finished controller); the Job is kept");
  }
  return std::static_pointer_cast<Object>(job);
}

StatusOr<std::shared_ptr<Object>> DecodeDaemonSet(const YamlNode& doc, std::vector<std::string>* warnings) {
  auto ds = std::make_shared<DaemonSet>();
  YamlNode spec = doc["spec"];
  if (!spec.Defined()) return spec.Error("Required value");
  KUBESIM_RETURN_IF_ERROR(DecodeSelectorAndTemplate(spec, &ds->selector, &ds->pod_template, warnings));
  KUBESIM_RETURN_IF_ERROR(RequireRestartAlways(spec["template"], ds->pod_template));
  KUBESIM_ASSIGN_OR_RETURN(ds->min_ready_seconds, NonNegativeInt32(spec["minReadySeconds"], 0));
  YamlNode strategy = spec["updateStrategy"];
  KUBESIM_ASSIGN_OR_RETURN(ds->update_strategy_type,
                           OneOf(strategy["type"], "RollingUpdate", {"RollingUpdate", "OnDelete"}));
  if (ds->update_strategy_type == "RollingUpdate") {
    YamlNode ru = strategy["rollingUpdate"];
    KUBESIM_ASSIGN_OR_RETURN(auto max_unavailable, DecodeIntOrPercent(ru["maxUnavailable"]));
    KUBESIM_ASSIGN_OR_RETURN(auto max_surge, DecodeIntOrPercent(ru["maxSurge"]));
    if (max_unavailable) ds->max_unavailable = *max_unavailable;
    if (max_surge) ds->max_surge = *max_surge;
    if (ds->max_unavailable.value == 0 && ds->max_surge.value == 0) {
      return ru["maxUnavailable"].Error("Invalid value: may not be 0 when `maxSurge` is 0");
    }
    if (ds->max_surge.value != 0) {
      Warn(warnings, ru["maxSurge"],
           "DaemonSet maxSurge; the rollout deletes an old pod before creating its replacement");
    }
  }
  return std::static_pointer_cast<Object>(ds);
}

StatusOr<std::shared_ptr<Object>> DecodeStatefulSet(const YamlNode& doc, std::vector<std::string>* warnings) {
  auto set = std::make_shared<StatefulSet>();
  YamlNode spec = doc["spec"];
  if (!spec.Defined()) return spec.Error("Required value");
  KUBESIM_ASSIGN_OR_RETURN(set->replicas, NonNegativeInt32(spec["replicas"], 1));
  KUBESIM_RETURN_IF_ERROR(DecodeSelectorAndTemplate(spec, &set->selector, &set->pod_template, warnings));
  KUBESIM_RETURN_IF_ERROR(RequireRestartAlways(spec["template"], set->pod_template));
  if (spec["serviceName"].Defined()) {
    KUBESIM_ASSIGN_OR_RETURN(set->service_name, spec["serviceName"].String());
  }
  KUBESIM_ASSIGN_OR_RETURN(set->pod_management_policy,
                           OneOf(spec["podManagementPolicy"], "OrderedReady", {"OrderedReady", "Parallel"}));
  KUBESIM_ASSIGN_OR_RETURN(set->min_ready_seconds, NonNegativeInt32(spec["minReadySeconds"], 0));
  KUBESIM_ASSIGN_OR_RETURN(set->ordinals_start, NonNegativeInt32(spec["ordinals"]["start"], 0));
  YamlNode strategy = spec["updateStrategy"];
  KUBESIM_ASSIGN_OR_RETURN(set->update_strategy_type,
                           OneOf(strategy["type"], "RollingUpdate", {"RollingUpdate", "OnDelete"}));
  if (set->update_strategy_type == "RollingUpdate") {
    KUBESIM_ASSIGN_OR_RETURN(set->partition, NonNegativeInt32(strategy["rollingUpdate"]["partition"], 0));
    if (strategy["rollingUpdate"]["maxUnavailable"].Defined()) {
      Warn(
          warnings, strategy["rollingUpdate"]["maxUnavailable"],
          "StatefulSet maxUnavailable (alpha MaxUnavailableStatefulSet, off in v1.32); pods are updated one at a time");
    }
  }
  KUBESIM_ASSIGN_OR_RETURN(auto claims, spec["volumeClaimTemplates"].Items());
  for (const auto& c : claims) {
    YamlNode name = c["metadata"]["name"];
    if (!name.Defined()) return name.Error("Required value");
    KUBESIM_ASSIGN_OR_RETURN(std::string n, name.String());
    set->volume_claim_templates.push_back(std::move(n));
  }
  if (!claims.empty()) {
    Warn(warnings, spec["volumeClaimTemplates"],
         "volumeClaimTemplates; no PersistentVolumeClaim is created and the pods are placed as if their claims were "
         "bound");
  }
  return std::static_pointer_cast<Object>(set);
}

}  // namespace kubesim::api::internal
