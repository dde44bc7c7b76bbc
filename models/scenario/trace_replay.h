// Trace replay (`spec.workloads: [{trace: {...}}]`): pods read from a CSV file at load time and
// submitted at the times the trace gives. Two formats (docs/traces.md):
//
//   kubesim  kubesim's own columns: submit_time, name, cpu_request, memory_request and optional
//            namespace, cpu_limit, memory_limit, duration, priority, owner and extended resources.
//   openb    the Alibaba GPU cluster trace 2023 (alibaba/clusterdata, cluster-trace-gpu-v2023)
//            openb_pod_list_*.csv: name, cpu_milli, memory_mib, num_gpu, gpu_milli, gpu_spec, qos,
//            pod_phase, creation_time, deletion_time, scheduled_time.
//
// Every CSV error names FILE:LINE:COL and the column. Replay is seed-independent.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "models/api/yaml_node.h"
#include "models/scenario/workloads.h"

namespace kubesim::scenario {

// The `trace:` map of a workloads entry: file, format, namespace, timeScale | speedup, start,
// limit, template. The file is relative to the scenario's directory.
sim::StatusOr<std::shared_ptr<const WorkloadSource>> ParseTraceSource(const api::YamlNode& node,
                                                                      const std::string& base_dir,
                                                                      std::vector<std::string>* warnings);

// Trace pods carry this label so results can tell them apart (value: the file's stem).
inline constexpr const char* kTraceLabel = "kubesim.io/trace";
// kubesim format: the `owner` column becomes this label.
inline constexpr const char* kOwnerLabel = "kubesim.io/owner";
// openb format: the GPU model label of the trace's nodes (and of the simulator it was made for),
// which gpu_spec constrains; and the label qos is copied to.
inline constexpr const char* kOpenbGpuModelLabel = "alibabacloud.com/gpu-card-model";
inline constexpr const char* kOpenbQosLabel = "alibabacloud.com/qos";
// openb format: the fractional GPU share (gpu_milli), kept for analysis but not scheduled on.
inline constexpr const char* kOpenbGpuMilliAnnotation = "kubesim.io/gpu-milli";
inline constexpr const char* kGpuResource = "nvidia.com/gpu";

}  // namespace kubesim::scenario
