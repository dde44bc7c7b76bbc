// Decoders shared by codec.cc (kinds) and pod_codec.cc (pod specs and templates). Internal to
// models/api; everything else uses codec.h.
#pragma once

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

}  // namespace kubesim::api::internal
