// Decoders shared by codec.cc (kinds) and pod_codec.cc (pod specs and templates). Internal to
// models/api; everything else uses codec.h.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "models/api/kinds.h"
#include "models/api/pod.h"
#include "models/api/yaml_node.h"

namespace kubesim::api::internal {

sim::StatusOr<ResourceList> DecodeResources(const YamlNode& node);
sim::Status DecodePodSpec(const YamlNode& spec, PodSpec* out, std::vector<std::string>* warnings);
sim::StatusOr<PodTemplate> DecodePodTemplate(const YamlNode& tmpl, std::vector<std::string>* warnings);
// autoscaling_codec.cc
sim::StatusOr<std::shared_ptr<Object>> DecodeHorizontalPodAutoscaler(const YamlNode& doc);
// kubesim.io/run-duration (a Go duration, not negative) and kubesim.io/exit-code (an int), at
// `metadata` (an object's or a pod template's).
sim::Status CheckKubesimAnnotations(const YamlNode& metadata, const StringMap& annotations);

// Shared by the workload kinds (codec.cc, workload_codec.cc).
sim::Status CheckSelectorMatchesTemplate(const YamlNode& spec, const LabelSelector& sel, const PodTemplate& t);
// An IntOrString that must be a non-negative int or a percentage "N%" (at most 100% unless
// `over_100`: upstream checks IsNotMoreThan100Percent for all but a Deployment's maxSurge).
sim::StatusOr<std::optional<IntOrPercent>> DecodeIntOrPercent(const YamlNode& node, bool over_100 = false);

// batch/v1 Job, apps/v1 DaemonSet and StatefulSet (workload_codec.cc): spec only; a manifest's
// status is the controller's to write.
sim::StatusOr<std::shared_ptr<Object>> DecodeJob(const YamlNode& doc, std::vector<std::string>* warnings);
sim::StatusOr<std::shared_ptr<Object>> DecodeDaemonSet(const YamlNode& doc, std::vector<std::string>* warnings);
sim::StatusOr<std::shared_ptr<Object>> DecodeStatefulSet(const YamlNode& doc, std::vector<std::string>* warnings);

// core/v1 Secret (secret_codec.cc), validated as upstream ValidateSecret; `meta` is the decoded
// metadata (the type may require annotations).
sim::StatusOr<std::shared_ptr<Object>> DecodeSecret(const YamlNode& doc, const ObjectMeta& meta);

// flowcontrol.apiserver.k8s.io/v1 FlowSchema and PriorityLevelConfiguration (flowcontrol_codec.cc);
// `name` is the object's (the mandatory objects' specs are fixed).
sim::StatusOr<std::shared_ptr<Object>> DecodeFlowSchema(const YamlNode& doc, const std::string& name);
sim::StatusOr<std::shared_ptr<Object>> DecodePriorityLevelConfiguration(const YamlNode& doc, const std::string& name);

}  // namespace kubesim::api::internal
