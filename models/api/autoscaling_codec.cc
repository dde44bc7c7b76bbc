// Decoding of autoscaling/v2 HorizontalPodAutoscaler with upstream's defaults
// (SetDefaults_HorizontalPodAutoscaler, GenerateHPAScaleUpRules/ScaleDownRules) and validation
// (ValidateHorizontalPodAutoscalerSpec) for the parts kubesim simulates.
#include "models/api/autoscaling.h"
#include "models/api/codec_internal.h"

namespace kubesim::api::internal {
namespace {

using sim::Status;
using sim::StatusOr;

StatusOr<ResourceMetricSource> DecodeMetric(const YamlNode& m) {
  KUBESIM_RETURN_IF_ERROR(m.ExpectMap());
  KUBESIM_ASSIGN_OR_RETURN(std::string type, m["type"].String());
  if (type != "Resource") {
    return m["type"].Error("Unsupported value: \"" + type +
                           "\": kubesim simulates Resource metrics only (Pods, Object, External and "
                           "ContainerResource metrics need a metrics source it does not model)");
  }
  KUBESIM_RETURN_IF_ERROR(m.CheckKeys({"type", "resource"}));
  YamlNode r = m["resource"];
  KUBESIM_RETURN_IF_ERROR(r.ExpectMap());
  KUBESIM_RETURN_IF_ERROR(r.CheckKeys({"name", "target"}));
  ResourceMetricSource src;
  KUBESIM_ASSIGN_OR_RETURN(src.resource, r["name"].String());
  if (src.resource != "cpu" && src.resource != "memory") {
    return r["name"].Error("Unsupported value: \"" + src.resource + "\": supported values: \"cpu\", \"memory\"");
  }
  YamlNode t = r["target"];
  KUBESIM_RETURN_IF_ERROR(t.ExpectMap());
  KUBESIM_RETURN_IF_ERROR(t.CheckKeys({"type", "averageUtilization", "averageValue", "value"}));
  KUBESIM_ASSIGN_OR_RETURN(src.target_type, t["type"].String());
  if (src.target_type == "Utilization") {
    if (!t["averageUtilization"].Defined())
      return t["averageUtilization"].Error(
          "Required value: must set either a target raw value or a target utilization");
    KUBESIM_ASSIGN_OR_RETURN(src.average_utilization, t["averageUtilization"].Int32());
    if (src.average_utilization <= 0) return t["averageUtilization"].Error("Invalid value: must be greater than 0");
  } else if (src.target_type == "AverageValue") {
    if (!t["averageValue"].Defined())
      return t["averageValue"].Error("Required value: must set either a target raw value or a target utilization");
    KUBESIM_ASSIGN_OR_RETURN(src.average_value, t["averageValue"].ToQuantity());
    if (src.average_value.MilliValue() <= 0) return t["averageValue"].Error("Invalid value: must be positive");
  } else {
    return t["type"].Error(
        "Unsupported value: \"" + src.target_type +
        "\": supported values: \"Utilization\", \"AverageValue\" (Value applies to Object and External metrics)");
  }
  return src;
}

StatusOr<HPAScalingRules> DecodeRules(const YamlNode& n, bool scale_up) {
  HPAScalingRules rules;
  // GenerateHPAScaleUpRules / GenerateHPAScaleDownRules: missing fields take these defaults; a
  // missing scale-down window is the controller's --horizontal-pod-autoscaler-downscale-stabilization.
  if (scale_up) {
    rules.stabilization_window_seconds = 0;
    rules.policies = {{"Pods", 4, 15}, {"Percent", 100, 15}};
  } else {
    rules.policies = {{"Percent", 100, 15}};
  }
  if (!n.Defined()) return rules;
  KUBESIM_RETURN_IF_ERROR(n.ExpectMap());
  KUBESIM_RETURN_IF_ERROR(n.CheckKeys({"stabilizationWindowSeconds", "selectPolicy", "policies", "tolerance"}));
  if (n["tolerance"].Defined()) return n["tolerance"].Error("Forbidden: tolerance is alpha in v1.33 and not in v1.32");
  if (n["stabilizationWindowSeconds"].Defined()) {
    KUBESIM_ASSIGN_OR_RETURN(int32_t w, n["stabilizationWindowSeconds"].Int32());
    if (w < 0 || w > 3600) return n["stabilizationWindowSeconds"].Error("Invalid value: must be between 0 and 3600");
    rules.stabilization_window_seconds = w;
  }
  if (n["selectPolicy"].Defined()) {
    KUBESIM_ASSIGN_OR_RETURN(rules.select_policy, n["selectPolicy"].String());
    if (rules.select_policy != "Max" && rules.select_policy != "Min" && rules.select_policy != "Disabled") {
      return n["selectPolicy"].Error("Unsupported value: \"" + rules.select_policy +
                                     "\": supported values: \"Disabled\", \"Max\", \"Min\"");
    }
  }
  if (n["policies"].Defined()) {
    KUBESIM_ASSIGN_OR_RETURN(auto items, n["policies"].Items());
    rules.policies.clear();
    for (const auto& p : items) {
      KUBESIM_RETURN_IF_ERROR(p.ExpectMap());
      KUBESIM_RETURN_IF_ERROR(p.CheckKeys({"type", "value", "periodSeconds"}));
      HPAScalingPolicy policy;
      KUBESIM_ASSIGN_OR_RETURN(policy.type, p["type"].String());
      if (policy.type != "Pods" && policy.type != "Percent") {
        return p["type"].Error("Unsupported value: \"" + policy.type + "\": supported values: \"Percent\", \"Pods\"");
      }
      KUBESIM_ASSIGN_OR_RETURN(policy.value, p["value"].Int32());
      if (policy.value <= 0) return p["value"].Error("Invalid value: must be greater than zero");
      KUBESIM_ASSIGN_OR_RETURN(policy.period_seconds, p["periodSeconds"].Int32());
      if (policy.period_seconds <= 0 || policy.period_seconds > 1800) {
        return p["periodSeconds"].Error("Invalid value: must be greater than zero and less than or equal to 1800");
      }
      rules.policies.push_back(policy);
    }
    if (rules.policies.empty() && rules.select_policy != "Disabled") {
      return n["policies"].Error("Required value: must specify at least one Policy");
    }
  }
  return rules;
}

}  // namespace

StatusOr<std::shared_ptr<Object>> DecodeHorizontalPodAutoscaler(const YamlNode& doc) {
  auto hpa = std::make_shared<HorizontalPodAutoscaler>();
  YamlNode spec = doc["spec"];
  KUBESIM_RETURN_IF_ERROR(spec.ExpectMap());
  KUBESIM_RETURN_IF_ERROR(spec.CheckKeys({"scaleTargetRef", "minReplicas", "maxReplicas", "metrics", "behavior"}));
  YamlNode ref = spec["scaleTargetRef"];
  if (!ref.Defined()) return ref.Error("Required value");
  KUBESIM_RETURN_IF_ERROR(ref.ExpectMap());
  KUBESIM_RETURN_IF_ERROR(ref.CheckKeys({"apiVersion", "kind", "name"}));
  if (ref["apiVersion"].Defined()) {
    KUBESIM_ASSIGN_OR_RETURN(hpa->scale_target_ref.api_version, ref["apiVersion"].String());
  }
  if (!ref["kind"].Defined()) return ref["kind"].Error("Required value");
  if (!ref["name"].Defined()) return ref["name"].Error("Required value");
  KUBESIM_ASSIGN_OR_RETURN(hpa->scale_target_ref.kind, ref["kind"].String());
  KUBESIM_ASSIGN_OR_RETURN(hpa->scale_target_ref.name, ref["name"].String());
  if (spec["minReplicas"].Defined()) {
    KUBESIM_ASSIGN_OR_RETURN(hpa->min_replicas, spec["minReplicas"].Int32());
    if (hpa->min_replicas < 1) {
      return spec["minReplicas"].Error(
          "Invalid value: must be greater than or equal to 1 (minReplicas 0 needs the alpha HPAScaleToZero gate)");
    }
  }
  if (!spec["maxReplicas"].Defined()) return spec["maxReplicas"].Error("Required value");
  KUBESIM_ASSIGN_OR_RETURN(hpa->max_replicas, spec["maxReplicas"].Int32());
  if (hpa->max_replicas < 1) return spec["maxReplicas"].Error("Invalid value: must be greater than 0");
  if (hpa->max_replicas < hpa->min_replicas) {
    return spec["maxReplicas"].Error("Invalid value: must be greater than or equal to `minReplicas`");
  }
  KUBESIM_ASSIGN_OR_RETURN(auto metrics, spec["metrics"].Items());
  for (const auto& m : metrics) {
    KUBESIM_ASSIGN_OR_RETURN(ResourceMetricSource src, DecodeMetric(m));
    hpa->metrics.push_back(std::move(src));
  }
  if (hpa->metrics.empty()) hpa->metrics.push_back({"cpu", "Utilization", 80, {}});
  YamlNode behavior = spec["behavior"];
  if (behavior.Defined()) {
    KUBESIM_RETURN_IF_ERROR(behavior.ExpectMap());
    KUBESIM_RETURN_IF_ERROR(behavior.CheckKeys({"scaleUp", "scaleDown"}));
    HPABehavior b;
    KUBESIM_ASSIGN_OR_RETURN(b.scale_up, DecodeRules(behavior["scaleUp"], true));
    KUBESIM_ASSIGN_OR_RETURN(b.scale_down, DecodeRules(behavior["scaleDown"], false));
    hpa->behavior = std::move(b);
  }
  return std::static_pointer_cast<Object>(hpa);
}

}  // namespace kubesim::api::internal
