// What a run produced (RunResults) and the end-of-run invariants, both read from the stored state
// and the recorders.
#include "models/api/node.h"
#include "models/api/pod.h"
#include "models/cluster/components.h"
#include "models/report/expectations.h"

namespace kubesim::cluster {

std::vector<std::string> Components::CheckInvariants() {
  std::vector<std::string> violations;
  // Every write bumped the revision by one and reached the recorder once (etcd starts at 1).
  if (commits_seen_ != store_.revision() - 1) {
    violations.push_back("saw " + std::to_string(commits_seen_) + " commits but the store is at revision " +
                         std::to_string(store_.revision()));
  }
  std::map<std::string, scheduler::Resource> used;
  std::map<std::string, int64_t> pods_on;
  std::map<std::string, std::shared_ptr<const api::Node>> nodes;
  report::RunResults r = Results();
  std::map<std::string, bool> recorded;
  for (const auto& p : r.pods) recorded[p.uid] = true;
  for (const auto& obj : store_.Range("/registry/").objects) {
    if (auto node = api::As<api::Node>(obj)) nodes[node->metadata.name] = node;
    auto pod = api::As<api::Pod>(obj);
    if (!pod) continue;
    if (!recorded.count(pod->metadata.uid))
      violations.push_back(api::ObjectRef(*pod) + " is stored but not in the results");
    if (pod->spec.node_name.empty() || pod->IsTerminal()) continue;
    used[pod->spec.node_name].Add(scheduler::ComputePodRequests(*pod, false));
    pods_on[pod->spec.node_name]++;
  }
  for (const auto& [name, node] : nodes) {
    scheduler::Resource alloc = scheduler::Resource::FromList(node->status.allocatable);
    const scheduler::Resource& u = used[name];
    auto over = [&](const std::string& resource, int64_t used_amount, int64_t allocatable) {
      if (used_amount > allocatable) {
        violations.push_back("Node/" + name + " is over its allocatable " + resource + ": " +
                             std::to_string(used_amount) + " > " + std::to_string(allocatable));
      }
    };
    over("cpu", u.milli_cpu, alloc.milli_cpu);
    over("memory", u.memory, alloc.memory);
    over("ephemeral-storage", u.ephemeral_storage, alloc.ephemeral_storage);
    over("pods", pods_on[name], alloc.allowed_pod_number);
    for (const auto& [res, v] : u.scalar) over(res, v, alloc.Get(res));
  }
  return violations;
}

report::RunResults Components::Results() { return Collect(/*take=*/false); }

report::RunResults Components::TakeResults() { return Collect(/*take=*/true); }

report::RunResults Components::Collect(bool take) {
  report::RunResults r;
  r.scenario = scenario_.name;
  r.scenario_file = scenario_.file;
  r.seed = seed_;
  r.simulated_seconds = sim_.Now().ToSeconds();
  r.events_processed = sim_.events_processed();
  r.fingerprint = sim_.fingerprint().ToHex();
  r.store_revision = store_.revision();
  r.warnings = scenario_.warnings;
  r.not_simulated_kinds = scenario_.not_simulated_kinds;
  std::map<std::string, size_t> node_row;
  std::vector<std::shared_ptr<const api::Pod>> bound;
  for (const auto& obj : store_.Range("/registry/").objects) {
    r.objects_by_kind[obj->kind]++;
    if (auto node = api::As<api::Node>(obj)) {
      ++r.nodes_total;
      const api::NodeCondition* ready = node->FindCondition("Ready");
      if (ready && ready->status == "True") ++r.nodes_ready;
      report::NodeRecord row;
      row.name = node->metadata.name;
      auto zone = node->metadata.labels.find("topology.kubernetes.io/zone");
      if (zone != node->metadata.labels.end()) row.zone = zone->second;
      row.ready = ready && ready->status == "True";
      row.unschedulable = node->spec.unschedulable;
      scheduler::Resource cap = scheduler::Resource::FromList(node->status.capacity);
      scheduler::Resource alloc = scheduler::Resource::FromList(node->status.allocatable);
      row.capacity_milli_cpu = cap.milli_cpu;
      row.capacity_memory = cap.memory;
      row.capacity_pods = cap.allowed_pod_number;
      row.allocatable_milli_cpu = alloc.milli_cpu;
      row.allocatable_memory = alloc.memory;
      row.allocatable_pods = alloc.allowed_pod_number;
      node_row[row.name] = r.nodes.size();
      r.nodes.push_back(std::move(row));
    } else if (auto pod = api::As<api::Pod>(obj)) {
      if (!pod->spec.node_name.empty() && !pod->IsTerminal()) bound.push_back(pod);
    }
  }
  // What NodeResourcesFit counts against each node.
  for (const auto& pod : bound) {
    auto it = node_row.find(pod->spec.node_name);
    if (it == node_row.end()) continue;
    report::NodeRecord& row = r.nodes[it->second];
    scheduler::Resource req = scheduler::ComputePodRequests(*pod, false);
    row.requested_milli_cpu += req.milli_cpu;
    row.requested_memory += req.memory;
    ++row.pods;
  }
  if (take) {
    recorder_.Take(&r);
    if (sampler_) sampler_->Take(&r);
  } else {
    recorder_.Fill(&r);
    if (sampler_) sampler_->Fill(&r);
  }
  if (!sample_warning_.empty()) r.warnings.push_back(sample_warning_);
  r.Finalize();
  // Last: expectations read the totals, the pods and the sampled series.
  r.verdicts = report::EvaluateExpectations(scenario_.expectations, r);
  return r;
}

}  // namespace kubesim::cluster
