// Workload sources of a scenario (`spec.workloads`): pods that are not listed one by one but
// generated from a statistical description or replayed from a trace. Each entry is either
//
//   a generator   {name, arrivals, start?, end?, count?, template, resources?, lifetime?}
//   a trace       {trace: {file, format: kubesim|openb, namespace?, timeScale?|speedup?, start?,
//                          limit?, template?}}
//
// (docs/scenarios.md has the full syntax). Loading validates everything and keeps a description;
// nothing is drawn then. The run's Cluster calls Generate() at Start() with the simulation's own
// random streams, so generated arrivals follow the run's seed (`kubesim run --seed`, Python
// seed=), not only spec.seed. A generator draws from three streams of its own,
// "workload/<name>/arrivals", ".../resources" and ".../lifetime", so changing one aspect (say a
// sigma) leaves the others' numbers alone. Trace replay draws nothing.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "models/api/pod.h"
#include "models/api/yaml_node.h"
#include "models/scenario/scenario.h"
#include "sim/random.h"
#include "sim/status.h"
#include "sim/time.h"

namespace kubesim::scenario {

// One pod a source submits, and when.
struct GeneratedPod {
  sim::Duration at;
  std::shared_ptr<const api::Pod> pod;
};

class WorkloadSource {
 public:
  virtual ~WorkloadSource() = default;
  // The generator's name, or "trace <file>".
  virtual const std::string& name() const = 0;
  // The pods submitted in [0, horizon), in time order (ties in submission order).
  virtual std::vector<GeneratedPod> Pods(sim::RandomStreams& streams, sim::Duration horizon) const = 0;
  // Pods() as timeline entries: each creates its pod through the scenario's client, as a
  // timeline `create` does.
  std::vector<TimelineEntry> Generate(sim::RandomStreams& streams, sim::Duration horizon) const;

 protected:
  api::SourceRef source_;
};

// The `spec.workloads` list (undefined: none). `base_dir` resolves trace files; `duration` is the
// scenario's, for the size guard. Template decoding warnings are appended to `warnings`.
sim::StatusOr<std::vector<std::shared_ptr<const WorkloadSource>>> ParseWorkloads(const api::YamlNode& list,
                                                                                 const std::string& base_dir,
                                                                                 sim::Duration duration,
                                                                                 std::vector<std::string>* warnings);

// Shared by generators and trace replay -------------------------------------------------------

// Decodes a `template:` Pod manifest. Its metadata.name is optional (each pod gets its own), and
// is set to `default_name` in the document when absent so the codec's name check passes.
sim::StatusOr<std::shared_ptr<const api::Pod>> DecodePodTemplate(const api::YamlNode& node,
                                                                 const std::string& default_name,
                                                                 std::vector<std::string>* warnings);
// Gives `pod` a run duration (the kubelet's kubesim.io/run-duration annotation, docs/kubelet.md):
// each container exits after `lifetime`. A pod whose template did not choose a restartPolicy gets
// Never, so the pod ends Succeeded instead of the kubelet restarting the container (Always is the
// API default, and would make a finite lifetime an endless restart loop).
void SetLifetime(api::Pod& pod, sim::Duration lifetime, bool template_sets_restart_policy);
// Whether a template sets spec.restartPolicy explicitly.
bool TemplateSetsRestartPolicy(const api::YamlNode& node);

// Label every generated pod carries: the generator's name.
inline constexpr const char* kWorkloadLabel = "kubesim.io/workload";

}  // namespace kubesim::scenario
