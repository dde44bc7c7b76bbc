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
  // No watcher skipped a revision without relisting: each running informer holds what the store
  // held at the last revision it saw.
  auto add = [&violations](std::vector<std::string> v) { violations.insert(violations.end(), v.begin(), v.end()); };
  if (controllers_) add(controllers_->CheckInformers(store_));
  if (scheduler_) add(scheduler_->CheckInformers(store_));
  for (const auto& [name, kubelet] : kubelets_) add(kubelet->CheckInformers(store_));
  return violations;
}

report::RunResults Components::Results() { return Collect(/*take=*/false); }

report::RunResults Components::TakeResults() { return Collect(/*take=*/true); }

report::RunResults Components::Collect(bool take) {
  report::RunResults r;
  r.scenario = scenario_.name;
  r.scenario_file = scenario_.file;
  r.seed = seed_;
  if (cloud_) {
    cloud::CloudSummary c = cloud_->Summary(sim_.Now());
    report::CloudResults& out = r.cloud.emplace();
    out.instances_launched = c.instances_launched;
    out.instances_terminated = c.instances_terminated;
    out.instances_failed = c.instances_failed;
    out.spot_interruptions = c.spot_interruptions;
    out.cost_usd = c.cost_usd;
    for (const auto& [g, gc] : c.by_node_group) out.cost_usd_by_node_group[g] = gc.cost_usd;
    for (const auto& [svc, lb] : cloud_->load_balancers()) {
      std::optional<double> ready;
      if (lb.ready_at) ready = lb.ready_at->ToSeconds();
      out.load_balancers.push_back(
          {svc, lb.ingress_ip, lb.requested_at.ToSeconds(), ready, lb.backends, lb.backend_updates});
    }
  }
  if (autoscaler_) {
    const autoscaler::AutoscalerStatus& st = autoscaler_->status();
    report::AutoscalerResults& out = r.cluster_autoscaler.emplace();
    for (const auto& u : st.scale_ups) out.scale_ups.push_back({u.at.ToSeconds(), u.node_group, u.delta});
    for (const auto& d : st.scale_downs) out.scale_downs.push_back({d.at.ToSeconds(), d.node, d.node_group, d.reason});
    for (const auto& f : st.failed_scale_ups)
      out.failed_scale_ups.push_back({f.at.ToSeconds(), f.node_group, f.reason});
    out.evicted_pods = st.evicted_pods_total;
  }
  r.simulated_seconds = sim_.Now().ToSeconds();
  r.events_processed = sim_.events_processed();
  r.fingerprint = sim_.fingerprint().ToHex();
  r.store_revision = store_.revision();
  r.failed_actions = failed_actions_;
  r.watch_relists_total = api_->watch_errors();
  const etcd::RaftCluster::Stats es = etcd_->stats();
  r.etcd.members = scenario_.settings.etcd.members;
  for (const LeaderElected* e : {controller_manager_election_.get(), scheduler_election_.get()}) {
    if (e == nullptr) continue;
    r.leader_election.push_back({e->component(), e->leader_changes(), e->without_leader(sim_.Now()).ToSeconds()});
  }
  r.etcd.leader_changes = es.leader_changes;
  r.etcd.seconds_without_leader = es.seconds_without_leader;
  r.etcd.seconds_without_quorum = es.seconds_without_quorum;
  r.etcd.failed_writes = es.failed_proposals + store_.nospace_rejected();
  r.etcd.failed_reads = es.failed_reads;
  r.etcd.quota_backend_bytes = store_.quota();
  r.etcd.db_size_bytes = store_.db_size();
  r.etcd.db_size_in_use_bytes = store_.db_size_in_use();
  r.etcd.db_size_bytes_max = store_.db_size_max();
  r.etcd.nospace_alarms = store_.nospace_alarms();
  r.etcd.nospace_rejected_writes = store_.nospace_rejected();
  r.etcd.nospace_alarm_active = store_.nospace_alarm();
  {
    const apiserver::RequestStats& st = api_->request_stats();
    report::ApiServerResults& a = r.apiserver;
    a.max_requests_inflight = scenario_.settings.api_server.max_requests_inflight;
    a.max_mutating_requests_inflight = scenario_.settings.api_server.max_mutating_requests_inflight;
    a.requests_total = st.total();
    a.throttled_total = st.throttled;
    for (size_t v = 0; v < apiserver::kRequestVerbs; ++v) {
      const std::string verb = apiserver::RequestVerbName(static_cast<apiserver::RequestVerb>(v));
      for (size_t c = 0; c < st.responses[v].size(); ++c) {
        if (st.responses[v][c] == 0) continue;
        const int code = c < apiserver::RequestStats::kCodes.size() ? apiserver::RequestStats::kCodes[c] : 0;
        a.responses[verb][code] = st.responses[v][c];
      }
      const apiserver::LatencyHistogram& h = st.latency[v];
      if (h.count() > 0) a.request_latency_seconds[verb] = {h.count(), h.Quantile(0.5), h.Quantile(0.99)};
    }
    a.replicas = api_->replicas();
    for (int rep = 0; rep < api_->replicas(); ++rep) {
      a.requests_by_replica.push_back(api_->requests_served_by(rep));
      // Rejections add up over the replicas; seats are per replica, so the busiest one's peak.
      const apiserver::PriorityAndFairness& apf = api_->flow_control(rep);
      for (int l = 0; l < apf.level_count(); ++l) {
        const std::string& name = apf.level(l).name;
        a.rejected_by_priority_level[name] += apf.stats(l).rejected;
        int& seats = a.max_seats_in_use_by_priority_level[name];
        seats = std::max(seats, apf.stats(l).max_in_use);
      }
    }
  }
  if (load_) {
    for (const auto& t : load_->totals()) {
      r.apiserver_load.push_back({t.started.ToSeconds(), t.verb, t.resource, t.sent, t.responses_by_code});
    }
  }
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
  if (control_plane_samples_.size() == r.metrics.time.size() && !control_plane_samples_.empty()) {
    const std::vector<std::string>& names = report::ControlPlaneSeriesNames();
    for (size_t i = 0; i < names.size(); ++i) {
      r.metrics.names.push_back(names[i]);
      std::vector<double> column;
      column.reserve(control_plane_samples_.size());
      for (const auto& row : control_plane_samples_) column.push_back(row[i]);
      r.metrics.columns.push_back(std::move(column));
    }
  }
  if (cloud_ && cloud_samples_.size() == r.metrics.time.size() && !cloud_samples_.empty()) {
    std::vector<std::string> names;
    if (autoscaler_) {
      names = {"cluster_autoscaler_nodes_count{state=\"ready\"}", "cluster_autoscaler_unschedulable_pods_count",
               "cluster_autoscaler_scaled_up_nodes_total",        "cluster_autoscaler_scaled_down_nodes_total",
               "cluster_autoscaler_failed_scale_ups_total",       "cluster_autoscaler_unneeded_nodes_count"};
    }
    names.push_back("cloud_cost_usd_total");
    names.push_back("cloud_instances_running");
    for (size_t i = 0; i < names.size(); ++i) {
      r.metrics.names.push_back(names[i]);
      std::vector<double> column;
      for (const auto& row : cloud_samples_) column.push_back(row[i]);
      r.metrics.columns.push_back(std::move(column));
    }
  }
  if (!sample_warning_.empty()) r.warnings.push_back(sample_warning_);
  r.Finalize();
  // Last: expectations read the totals, the pods and the sampled series.
  r.verdicts = report::EvaluateExpectations(scenario_.expectations, r);
  return r;
}

}  // namespace kubesim::cluster
