#include "models/cluster/components.h"

#include "models/api/codec.h"
#include "models/api/node.h"
#include "models/api/pod.h"
#include "models/cloud/node_bootstrap.h"
#include "models/report/expectations.h"
#include "models/scenario/workloads.h"

namespace kubesim::cluster {

Components::Components(const scenario::Scenario& scenario, RunOptions options)
    : scenario_(scenario),
      seed_(options.seed.value_or(scenario.seed)),
      end_(sim::Time::Zero() + options.until.value_or(scenario.duration)),
      sim_(seed_),
      registry_(options.registry != nullptr ? *options.registry : scheduler::Registry::Default()) {}

Components::~Components() {
  // Components hold callbacks into each other through the simulation and watches on the API
  // server; they go before it, the HPA (in the controller manager) before the metrics server it
  // reads.
  autoscaler_.reset();
  cloud_controllers_.reset();
  kubelets_.clear();
  cloud_.reset();
  controllers_.reset();
  metrics_server_.reset();
  kube_proxies_.clear();
  scheduler_.reset();
  if (commit_watch_ != 0) store_.CancelWatch(commit_watch_);
  api_.reset();
}

void Components::ScenarioEvent(const std::string& type, const std::string& reason, const std::string& object,
                               const std::string& message) {
  recorder_.OnEvent(client::RecordedEvent{sim_.Now(), type, reason, object, message, "scenario"});
  // An action the API server refused (the run goes on, as after a failed kubectl command).
  if (type == "Warning" && reason.rfind("Failed", 0) == 0) {
    failed_actions_.push_back({(sim_.Now() - sim::Time::Zero()).ToSeconds(), object, reason, message});
  }
}

sim::Status Components::Start() {
  // Every committed write feeds the fingerprint and the result rows, starting with the initial
  // state, so the watch comes first.
  // Before the watch, so the sampler sees the initial state too.
  if (scenario_.settings.output.interval > sim::Duration::Zero()) {
    sample_interval_ = scenario_.settings.output.interval;
    // A run of more than kMaxSamples samples is sampled at a wider interval instead.
    int64_t span = (end_ - sim::Time::Zero()).nanos();
    if (span / sample_interval_.nanos() >= scenario::kMaxSamples) {
      sample_interval_ = sim::Duration::Nanoseconds(span / (scenario::kMaxSamples - 1) + 1);
      sample_warning_ = "spec.output.interval " + scenario_.settings.output.interval.ToString() + " over " +
                        (end_ - sim::Time::Zero()).ToString() + " exceeds " + std::to_string(scenario::kMaxSamples) +
                        " samples; sampled every " + sample_interval_.ToString() + " instead";
    }
    sampler_ = std::make_unique<MetricsSampler>(sample_interval_);
  }
  commit_watch_ = store_.Watch("/registry/", 0, [this](const etcd::Event& e) { OnCommit(e); });
  etcd_ = std::make_unique<etcd::RaftCluster>(sim_, scenario_.settings.etcd);
  store_.SetQuota(scenario_.settings.etcd.quota_backend_bytes);
  api_ = std::make_unique<apiserver::ApiServer>(sim_, store_, scenario_.settings.api_server, etcd_.get());
  api_->SetNetwork(&network_);
  apiserver::ClientConnections clients = scenario_.settings.clients;
  clients.scheduler = scenario_.settings.scheduler.client_connection;
  api_->SetClientConnections(clients);
  endpoint_tracker_ = std::make_unique<kubelet::EndpointProgrammingTracker>(
      client::EventRecorder([this](const client::RecordedEvent& e) { RecordEvent(e); }, "kube-proxy"));
  scenario_client_ = std::make_unique<apiserver::ApiClient>(sim_, *api_, "scenario");
  client::EventSink sink = [this](const client::RecordedEvent& e) { RecordEvent(e); };
  scheduler_ = std::make_unique<scheduler::Scheduler>(sim_, *api_, client::EventRecorder(sink, "default-scheduler"),
                                                      scenario_.settings.scheduler, registry_);
  KUBESIM_RETURN_IF_ERROR(scheduler_->Init());

  // The initial state exists at t=0: nodes registered and Ready, objects stored in order.
  for (const auto& obj : scenario_.objects) {
    std::shared_ptr<api::Object> copy = obj->Clone();
    if (auto* node = dynamic_cast<api::Node*>(copy.get())) {
      node->status.conditions = kubelet::Kubelet::NodeConditions(sim_.Now(), false);
    }
    ResolveOwnerReferences(*copy);
    apiserver::Response r = api_->Bootstrap(copy);
    if (!r.ok()) {
      return sim::InvalidArgument(obj->source.file + ":" + std::to_string(obj->source.line) + ":" +
                                  std::to_string(obj->source.column) + ": " + api::ObjectRef(*obj) +
                                  ": rejected by the API server: " + r.message);
    }
  }
  KUBESIM_RETURN_IF_ERROR(StartCloud());
  scheduler_->Start();
  // metrics-server (an add-on, metrics.k8s.io), then kube-controller-manager, whose HPA controller
  // reads it.
  metrics_server_ = std::make_unique<metrics::MetricsServer>(sim_, *api_, scenario_.loads);
  metrics_server_->Start();
  // Every kind the store can hold in this run: the typed ones and the scenario's opaque ones (as
  // upstream's GC and namespace controller cover every resource discovery lists).
  std::vector<std::string> stored_kinds = api::TypedKinds();
  for (const auto& [kind, count] : scenario_.not_simulated_kinds) stored_kinds.push_back(kind);
  std::vector<std::string> enabled;
  if (scenario_.settings.controllers) {
    enabled = *scenario_.settings.controllers;
  } else {
    for (const auto& c : controllers::KnownControllers()) enabled.push_back(c.name);
  }
  auto start_controllers = [this, sink, stored_kinds, enabled]() {
    controllers_ = std::make_unique<controllers::ControllerManager>(
        sim_, *api_, sink, *metrics_server_, stored_kinds, enabled, scenario_.settings.terminated_pod_gc_threshold,
        scenario_.settings.node_ipam);
    controllers_->Start();
  };
  start_controllers();
  // Both hold their leases when the run starts, and keep them only by renewing; with leaderElect
  // false a component works throughout and takes no lease.
  if (scenario_.settings.scheduler.leader_election.leader_elect) {
    scheduler_election_ = std::make_unique<LeaderElected>(
        sim_, *api_, "kube-scheduler", "scheduler/leader-election", scenario_.settings.scheduler.leader_election,
        client::EventRecorder(sink, "default-scheduler"), [this]() { scheduler_->SetLeading(true); },
        [this]() { scheduler_->SetLeading(false); });
    KUBESIM_RETURN_IF_ERROR(scheduler_election_->Bootstrap());
  }
  if (scenario_.settings.controller_manager_election.leader_elect) {
    controller_manager_election_ = std::make_unique<LeaderElected>(
        sim_, *api_, "kube-controller-manager", "kube-controller-manager/leader-election",
        scenario_.settings.controller_manager_election, client::EventRecorder(sink, "kube-controller-manager"),
        start_controllers, [this]() { controllers_.reset(); });
    KUBESIM_RETURN_IF_ERROR(controller_manager_election_->Bootstrap());
  }
  for (const auto& obj : scenario_.objects) {
    if (auto node = api::As<api::Node>(obj)) StartKubelet(node);
  }
  if (cloud_) {
    for (const auto& inst_node : initial_cloud_nodes_) StartKubelet(inst_node);
    initial_cloud_nodes_.clear();
    cloud_controllers_ = std::make_unique<cloudcontrollers::CloudControllerManager>(sim_, *api_, *cloud_, sink);
    cloud_controllers_->Start();
  }
  if (scenario_.cluster_autoscaler && cloud_) {
    autoscaler_ = std::make_unique<autoscaler::ClusterAutoscaler>(sim_, *api_, *cloud_, *scenario_.cluster_autoscaler,
                                                                  scenario_.settings.scheduler, registry_, sink);
    KUBESIM_RETURN_IF_ERROR(autoscaler_->Init());
    autoscaler_->Start();
  }
  for (const auto& step : scenario_.timeline) {
    sim::Time at = sim::Time::Zero() + step.at;
    if (at > end_) continue;
    const scenario::TimelineEntry* entry = &step;
    sim_.At(
        at,
        [this, entry]() {
          ScenarioEvent("Normal", "TimelineAction", entry->action, entry->description);
          entry->run(*this);
        },
        sim::Phase::kInput);
  }
  // Generated and replayed pods (spec.workloads), drawn now from the run's streams so they follow
  // the run's seed; each is created like a timeline `create`.
  for (const auto& source : scenario_.workloads) {
    for (auto& generated : source->Generate(sim_.random(), end_ - sim::Time::Zero())) {
      auto entry = std::make_shared<const scenario::TimelineEntry>(std::move(generated));
      sim_.At(
          sim::Time::Zero() + entry->at,
          [this, entry]() {
            ScenarioEvent("Normal", "TimelineAction", entry->action, entry->description);
            entry->run(*this);
          },
          sim::Phase::kInput);
    }
  }
  return sim::Status::Ok();
}

sim::Status Components::StartCloud() {
  if (!scenario_.cloud) return sim::Status::Ok();
  cloud::CloudHooks hooks;
  hooks.booted = [this](const cloud::Instance&, std::shared_ptr<const api::Node> node) { StartKubelet(node); };
  hooks.stopped = [this](const cloud::Instance& inst) {
    auto it = kubelets_.find(inst.node_name);
    if (it != kubelets_.end()) it->second->Crash();
  };
  hooks.event = [this](const std::string& type, const std::string& reason, const std::string& object,
                       const std::string& message) {
    recorder_.OnEvent(client::RecordedEvent{sim_.Now(), type, reason, object, message, "cloud-provider"});
  };
  cloud_ = std::make_unique<cloud::CloudProvider>(sim_, *scenario_.cloud, std::move(hooks));
  // The groups' initial instances are part of the initial state, initialised, like nodePools.
  for (auto& node_obj : cloud_->BootInitialInstances()) {
    auto node = node_obj->DeepCopy();
    node->status.conditions = kubelet::Kubelet::NodeConditions(sim_.Now(), false);
    apiserver::Response r = api_->Bootstrap(node);
    if (!r.ok()) {
      const auto& src = scenario_.cloud->FindNodeGroup(node->metadata.labels.at(cloud::kLabelNodeGroup))->source;
      return sim::InvalidArgument(src.file + ":" + std::to_string(src.line) + ":" + std::to_string(src.column) +
                                  ": node group's Node " + node->metadata.name +
                                  ": rejected by the API server: " + r.message);
    }
    initial_cloud_nodes_.push_back(node_obj);
  }
  return sim::Status::Ok();
}

void Components::StartKubelet(std::shared_ptr<const api::Node> node) {
  const std::string name = node->metadata.name;
  auto it = kubelets_.find(name);
  if (it != kubelets_.end() && it->second->running()) return;
  client::EventSink sink = [this](const client::RecordedEvent& e) { RecordEvent(e); };
  auto zone = node->metadata.labels.find(api::kLabelZone);
  const network::HostId host =
      network_.AddNode(name, zone == node->metadata.labels.end() ? "" : zone->second, node->metadata.labels);
  auto k = std::make_unique<kubelet::Kubelet>(sim_, *api_, client::EventRecorder(sink, "kubelet/" + name), node,
                                              scenario_.settings.kubelet, host);
  k->Start();
  kubelets_[name] = std::move(k);
  if (!kube_proxies_.count(name)) {
    auto proxy = std::make_unique<kubelet::KubeProxy>(sim_, *api_, name, scenario_.settings.kube_proxy,
                                                      endpoint_tracker_.get(), host);
    proxy->Start();
    kube_proxies_[name] = std::move(proxy);
  }
}

void Components::Run() { RunUntil(end_); }

void Components::RunUntil(sim::Time t) {
  t = std::min(t, end_);
  if (sampler_) {
    // The simulation runs in slices that end at sample times; each sample is taken between two
    // slices, after every event at that instant, and schedules nothing. Slicing RunUntil is
    // exact (events at or before the boundary run, the clock then waits there), so a run with
    // sampling is event for event the run without it.
    while (next_sample_ <= t) {
      sim_.RunUntil(next_sample_);
      if (sim_.Now() < next_sample_) return;  // Stop() was called: resume from here next time
      sampler_->Sample(next_sample_, *scheduler_);
      SampleControlPlane();
      SampleCloud();
      last_sample_ = next_sample_;
      next_sample_ += sample_interval_;
    }
  }
  sim_.RunUntil(t);
  // The last sample is the end of the run, also when the duration is not a multiple of the interval.
  if (sampler_ && t == end_ && sim_.Now() == end_ && last_sample_ != end_) {
    sampler_->Sample(end_, *scheduler_);
    SampleControlPlane();
    SampleCloud();
    last_sample_ = end_;
  }
}

namespace {

// Seats in use (apiserver_flowcontrol_current_executing_seats) or requests waiting
// (apiserver_flowcontrol_current_inqueue_requests), over every priority level of every replica
// (the sum a dashboard over all kube-apiserver instances shows).
int Seats(const apiserver::ApiServer& api, bool waiting) {
  int n = 0;
  for (int r = 0; r < api.replicas(); ++r) {
    const apiserver::PriorityAndFairness& apf = api.flow_control(r);
    for (int l = 0; l < apf.level_count(); ++l) n += waiting ? apf.waiting(l) : apf.in_use(l);
  }
  return n;
}

}  // namespace

void Components::SampleControlPlane() {
  // etcd's own gauges and counters (etcd-io/etcd server/storage/mvcc/metrics.go and
  // server/etcdserver/metrics.go @ v3.5.16), then kube-apiserver's (kubernetes/apiserver
  // pkg/endpoints/metrics and pkg/util/flowcontrol/metrics @ v0.32), in ControlPlaneSeriesNames()
  // order.
  const etcd::RaftCluster::Stats es = etcd_->stats();
  control_plane_samples_.push_back(
      {static_cast<double>(store_.db_size()), static_cast<double>(store_.db_size_in_use()),
       static_cast<double>(store_.quota()), etcd_->leader() >= 0 ? 1.0 : 0.0, static_cast<double>(es.leader_changes),
       static_cast<double>(es.failed_proposals), static_cast<double>(api_->request_stats().total()),
       static_cast<double>(api_->request_stats().throttled), static_cast<double>(Seats(*api_, /*waiting=*/false)),
       static_cast<double>(Seats(*api_, /*waiting=*/true))});
}

void Components::SampleCloud() {
  if (!cloud_) return;
  // Upstream's metric names where they exist (cluster-autoscaler metrics/metrics.go), then the
  // cloud's own: the cost so far and the instances running.
  std::vector<double> row;
  if (autoscaler_) {
    const autoscaler::AutoscalerStatus& st = autoscaler_->status();
    row = {static_cast<double>(st.nodes_ready),
           static_cast<double>(st.unschedulable_pods),
           static_cast<double>(st.scaled_up_nodes_total),
           static_cast<double>(st.scaled_down_nodes_total),
           static_cast<double>(st.failed_scale_ups_total),
           static_cast<double>(st.unneeded_nodes)};
  }
  cloud::CloudSummary c = cloud_->Summary(sim_.Now());
  int64_t running = 0;
  for (const auto& g : scenario_.cloud->node_groups) {
    for (const cloud::Instance* inst : cloud_->Instances(g.name))
      running += inst->state == cloud::InstanceState::kRunning;
  }
  row.push_back(c.cost_usd);
  row.push_back(static_cast<double>(running));
  cloud_samples_.push_back(std::move(row));
}

void Components::OnCommit(const etcd::Event& e) {
  ++commits_seen_;
  if (e.revision <= last_revision_seen_) {
    sim_.CheckFailed(__FILE__, __LINE__, "store revision went backwards: " + std::to_string(e.revision));
  }
  last_revision_seen_ = e.revision;
  if (sampler_) sampler_->OnCommit(e);
  sim::Fingerprint& fp = sim_.fingerprint();
  fp.Add(sim_.Now());
  fp.Add(static_cast<int64_t>(e.type));
  fp.Add(e.key);
  fp.Add(e.revision);
  if (auto pod = api::As<api::Pod>(e.object)) {
    // Where and how far a pod got: what differs when a decision differs.
    fp.Add(pod->spec.node_name);
    fp.Add(pod->status.phase);
  }
  recorder_.OnCommit(sim_.Now(), e);
  if (endpoint_tracker_) endpoint_tracker_->OnCommit(sim_.Now(), e);
}

void Components::ResolveOwnerReferences(api::Object& obj) {
  // Manifests cannot know the UIDs kubesim assigns, so an ownerReference names its owner by kind
  // and name (as `kubectl` users write them before fetching the UID): the UID of the stored
  // owner is filled in. An owner that does not exist (yet) keeps the manifest's UID, and the
  // garbage collector treats the reference as dangling, as upstream would.
  for (auto& ref : obj.metadata.owner_references) {
    std::string ns = api::IsClusterScoped(ref.kind) ? "" : obj.metadata.namespace_;
    api::ObjectPtr owner = store_.Get(apiserver::ApiServer::Key(ref.kind, ns, ref.name));
    if (owner) {
      ref.uid = owner->metadata.uid;
    } else {
      ScenarioEvent("Warning", "OwnerNotFound", api::ObjectRef(obj),
                    "ownerReferences names " + ref.kind + " \"" + ref.name +
                        "\", which does not exist when this object is created: the garbage collector will treat "
                        "the reference as dangling (define owners before their dependents)");
    }
  }
}

}  // namespace kubesim::cluster
