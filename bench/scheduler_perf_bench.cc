// Workloads shaped like upstream scheduler_perf (test/integration/scheduler_perf/config/
// performance-config.yaml): SchedulingBasic — 5,000 nodes (4 CPU, 32 Gi, 110 pods), 1,000
// existing pods, then 10,000 pods (100m, 500 Mi) with the default profile — plus a
// PodTopologySpread and an InterPodAffinity variant. Measures the scheduling cycle itself
// (PreFilter, Filter over the sampled nodes, Score, selectHost, assume) on one core: items/s is
// pods scheduled per wall-clock second.
#include <benchmark/benchmark.h>

#include <memory>
#include <string>

#include "models/api/node.h"
#include "models/api/pod.h"
#include "models/scheduler/cache.h"
#include "models/scheduler/profile.h"
#include "models/scheduler/registry.h"
#include "models/scheduler/schedule_one.h"
#include "models/scheduler/snapshot_lister.h"

namespace kubesim::scheduler {
namespace {

enum class Variant { kBasic, kTopologySpreading, kPodAffinity };

std::shared_ptr<api::Node> MakeNode(int i) {
  auto n = std::make_shared<api::Node>();
  n->kind = "Node";
  n->metadata.name = "node-" + std::to_string(i);
  n->metadata.labels[api::kLabelHostname] = n->metadata.name;
  // Upstream's node template for these workloads labels zones (for the spreading variant).
  n->metadata.labels[api::kLabelZone] = "zone-" + std::to_string(i % 3);
  n->status.allocatable = {{"cpu", api::Quantity::Parse("4").value()},
                           {"memory", api::Quantity::Parse("32Gi").value()},
                           {"pods", api::Quantity::FromUnits(110)}};
  n->status.capacity = n->status.allocatable;
  return n;
}

std::shared_ptr<api::Pod> MakePod(const std::string& name, Variant v) {
  auto p = std::make_shared<api::Pod>();
  p->kind = "Pod";
  p->metadata.name = name;
  p->metadata.namespace_ = "sched-0";
  p->metadata.uid = "uid-" + name;
  p->metadata.labels["color"] = "blue";
  p->spec.priority = 0;
  api::Container c;
  c.name = "c";
  c.image = "registry.k8s.io/pause:3.10";
  c.requests = {{"cpu", api::Quantity::Parse("100m").value()}, {"memory", api::Quantity::Parse("500Mi").value()}};
  p->spec.containers.push_back(c);
  api::LabelSelector blue;
  blue.match_labels["color"] = "blue";
  if (v == Variant::kTopologySpreading) {
    api::TopologySpreadConstraint t;
    t.max_skew = 5;
    t.topology_key = api::kLabelZone;
    t.when_unsatisfiable = "DoNotSchedule";
    t.label_selector = blue;
    p->spec.topology_spread_constraints.push_back(t);
  } else if (v == Variant::kPodAffinity) {
    api::PodAffinity a;
    api::PodAffinityTerm term;
    term.label_selector = blue;
    term.topology_key = api::kLabelZone;
    a.required.push_back(term);
    p->spec.affinity.pod_affinity = a;
  }
  return p;
}

void Run(benchmark::State& state, Variant variant) {
  const int kNodes = static_cast<int>(state.range(0));
  const int kExisting = 1000, kMeasured = 10000;
  for (auto _ : state) {
    state.PauseTiming();
    Cache cache;
    SnapshotLister lister(cache);
    for (int i = 0; i < kNodes; ++i) cache.AddNode(MakeNode(i));
    for (int i = 0; i < kExisting; ++i) {
      auto p = MakePod("existing-" + std::to_string(i), variant);
      p->spec.node_name = "node-" + std::to_string(i % kNodes);
      cache.AddPod(p);
    }
    PluginContext ctx;
    ctx.lister = &lister;
    auto profile = Profile::Build(DefaultProfileConfig(), Registry::Default(), ctx);
    if (!profile.ok()) {
      state.SkipWithError(profile.status().message().c_str());
      return;
    }
    std::vector<std::shared_ptr<api::Pod>> pods;
    for (int i = 0; i < kMeasured; ++i) pods.push_back(MakePod("pod-" + std::to_string(i), variant));
    sim::Rng rng(1);
    size_t next_start = 0;
    CycleOptions opts;
    opts.next_start_node_index = &next_start;
    opts.tiebreak = &rng;
    int scheduled = 0;
    state.ResumeTiming();
    for (auto& pod : pods) {
      ScheduleResult r = SchedulePod(**profile, *pod, cache.NodeList(), opts);
      if (r.selected.empty()) continue;
      pod->spec.node_name = r.selected;
      cache.AssumePod(pod);
      ++scheduled;
    }
    state.PauseTiming();
    if (scheduled != kMeasured) state.SkipWithError("not every pod was scheduled");
    state.ResumeTiming();
  }
  state.SetItemsProcessed(state.iterations() * kMeasured);
}

void BM_SchedulingBasic(benchmark::State& state) { Run(state, Variant::kBasic); }
void BM_SchedulingPodTopologySpreading(benchmark::State& state) { Run(state, Variant::kTopologySpreading); }
void BM_SchedulingPodAffinity(benchmark::State& state) { Run(state, Variant::kPodAffinity); }

BENCHMARK(BM_SchedulingBasic)->Arg(5000)->Unit(benchmark::kMillisecond)->Iterations(2);
BENCHMARK(BM_SchedulingPodTopologySpreading)->Arg(5000)->Unit(benchmark::kMillisecond)->Iterations(1);
BENCHMARK(BM_SchedulingPodAffinity)->Arg(5000)->Unit(benchmark::kMillisecond)->Iterations(1);

}  // namespace
}  // namespace kubesim::scheduler
