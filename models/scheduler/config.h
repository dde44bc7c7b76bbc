// KubeSchedulerConfiguration (kubescheduler.config.k8s.io/v1): decoding with v1 defaulting
// (profiles' plugins merged with the default MultiPoint set, as upstream mergePluginSet) and
// upstream's validation messages, each located as FILE:LINE:COL: field.
#pragma once

#include <string>

#include "models/api/yaml_node.h"
#include "models/scheduler/registry.h"
#include "models/scheduler/scheduler.h"
#include "sim/status.h"

namespace kubesim::scheduler {

// Fills the scheduler fields of `base` (profiles, percentageOfNodesToScore, backoffs) from the
// document; kubesim-only settings of `base` (cycle latency) are kept. Every profile is built
// once against `registry` so unknown plugins and bad args are reported here, not mid-run.
sim::StatusOr<SchedulerConfig> DecodeKubeSchedulerConfiguration(const api::YamlNode& doc, const Registry& registry,
                                                                SchedulerConfig base = {});
sim::StatusOr<SchedulerConfig> LoadKubeSchedulerConfiguration(const std::string& path, const Registry& registry,
                                                              SchedulerConfig base = {});

}  // namespace kubesim::scheduler
