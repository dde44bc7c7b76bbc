#include "models/cluster/cluster.h"

#include "models/api/codec.h"
#include "models/api/node.h"
#include "models/api/pod.h"
#include "models/report/expectations.h"
#include "models/scenario/workloads.h"

namespace kubesim::cluster {

Cluster::Cluster(const scenario::Scenario& scenario, RunOptions options)
    : scenario_(scenario),
      seed_(options.seed.value_or(scenario.seed)),
      end_(sim::Time::Zero() + options.until.value_or(scenario.duration)),
      sim_(seed_),
      registry_(options.registry != nullptr ? *options.registry : scheduler::Registry::Default()) {}

Cluster::~Cluster() {
  // Components hold callbacks into each other through the simulation; drop them before it.
  kubelets_.clear();
  hpa_.reset();
  metrics_server_.reset();
  statefulset_.reset();
  daemonset_.reset();
  job_.reset();
  kube_proxies_.clear();
  tokens_.reset();
  serviceaccounts_.reset();
  namespace_.reset();
  endpointslice_.reset();
  disruption_.reset();
  garbage_collector_.reset();
  deployment_.reset();
  replicaset_.reset();
  taint_eviction_.reset();
  node_lifecycle_.reset();
  scheduler_.reset();
  kcm_informers_.reset();
  if (commit_watch_ != 0) store_.CancelWatch(commit_watch_);
  api_.reset();
}

void Cluster::ScenarioEvent(const std::string& type, const std::string& reason, const std::string& object,
                            const std::string& message) {
  recorder_.OnEvent(client::RecordedEvent{sim_.Now(), type, reason, object, message, "scenario"});
}

sim::Status Cluster::Start() {
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
  api_ = std::make_unique<apiserver::ApiServer>(sim_, store_, scenario_.settings.api_server);
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
  scheduler_->Start();
  // kube-controller-manager's controllers share one informer per kind, as in the real process.
  kcm_informers_ = std::make_unique<client::SharedInformerFactory>(sim_, *api_, "kube-controller-manager");
  node_lifecycle_ = std::make_unique<controllers::NodeLifecycleController>(
      sim_, *api_, *kcm_informers_, client::EventRecorder(sink, "node-controller"));
  node_lifecycle_->Start();
  taint_eviction_ = std::make_unique<controllers::TaintEvictionController>(
      sim_, *api_, *kcm_informers_, client::EventRecorder(sink, "taint-eviction-controller"));
  taint_eviction_->Start();
  replicaset_ = std::make_unique<controllers::ReplicaSetController>(
      sim_, *api_, *kcm_informers_, client::EventRecorder(sink, "replicaset-controller"));
  replicaset_->Start();
  deployment_ = std::make_unique<controllers::DeploymentController>(
      sim_, *api_, *kcm_informers_, client::EventRecorder(sink, "deployment-controller"));
  deployment_->Start();
  metrics_server_ = std::make_unique<metrics::MetricsServer>(sim_, *api_, scenario_.loads);
  metrics_server_->Start();
  hpa_ = std::make_unique<controllers::HorizontalPodAutoscalerController>(
      sim_, *api_, *kcm_informers_, client::EventRecorder(sink, "horizontal-pod-autoscaler"), *metrics_server_);
  hpa_->Start();
  job_ = std::make_unique<controllers::JobController>(sim_, *api_, *kcm_informers_,
                                                      client::EventRecorder(sink, "job-controller"));
  job_->Start();
  daemonset_ = std::make_unique<controllers::DaemonSetController>(sim_, *api_, *kcm_informers_,
                                                                  client::EventRecorder(sink, "daemonset-controller"));
  daemonset_->Start();
  statefulset_ = std::make_unique<controllers::StatefulSetController>(
      sim_, *api_, *kcm_informers_, client::EventRecorder(sink, "statefulset-controller"));
  statefulset_->Start();
  // Every kind the store can hold in this run: the typed ones and the scenario's opaque ones (as
  // upstream's GC and namespace controller cover every resource discovery lists).
  std::vector<std::string> stored_kinds = api::TypedKinds();
  for (const auto& [kind, count] : scenario_.not_simulated_kinds) stored_kinds.push_back(kind);
  garbage_collector_ = std::make_unique<controllers::GarbageCollector>(
      sim_, *api_, *kcm_informers_, client::EventRecorder(sink, "garbage-collector-controller"), stored_kinds);
  garbage_collector_->Start();
  disruption_ = std::make_unique<controllers::DisruptionController>(sim_, *api_, *kcm_informers_,
                                                                    client::EventRecorder(sink, "controllermanager"));
  disruption_->Start();
  endpointslice_ = std::make_unique<controllers::EndpointSliceController>(
      sim_, *api_, *kcm_informers_, client::EventRecorder(sink, "endpoint-slice-controller"));
  endpointslice_->Start();
  namespace_ = std::make_unique<controllers::NamespaceController>(
      sim_, *api_, *kcm_informers_, client::EventRecorder(sink, "namespace-controller"), stored_kinds);
  namespace_->Start();
  serviceaccounts_ = std::make_unique<controllers::ServiceAccountsController>(
      sim_, *api_, *kcm_informers_, client::EventRecorder(sink, "service-account-controller"));
  serviceaccounts_->Start();
  tokens_ = std::make_unique<controllers::TokensController>(sim_, *api_);
  tokens_->Start();
  for (const auto& obj : scenario_.objects) {
    if (auto node = api::As<api::Node>(obj)) StartKubelet(node);
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

void Cluster::StartKubelet(std::shared_ptr<const api::Node> node) {
  const std::string name = node->metadata.name;
  auto it = kubelets_.find(name);
  if (it != kubelets_.end() && it->second->running()) return;
  client::EventSink sink = [this](const client::RecordedEvent& e) { RecordEvent(e); };
  auto k = std::make_unique<kubelet::Kubelet>(sim_, *api_, client::EventRecorder(sink, "kubelet/" + name), node,
                                              scenario_.settings.kubelet);
  k->Start();
  kubelets_[name] = std::move(k);
  if (!kube_proxies_.count(name)) {
    auto proxy =
        std::make_unique<kubelet::KubeProxy>(sim_, *api_, name, scenario_.settings.kube_proxy, endpoint_tracker_.get());
    proxy->Start();
    kube_proxies_[name] = std::move(proxy);
  }
}

void Cluster::Run() { RunUntil(end_); }

void Cluster::RunUntil(sim::Time t) {
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
      last_sample_ = next_sample_;
      next_sample_ += sample_interval_;
    }
  }
  sim_.RunUntil(t);
  // The last sample is the end of the run, also when the duration is not a multiple of the interval.
  if (sampler_ && t == end_ && sim_.Now() == end_ && last_sample_ != end_) {
    sampler_->Sample(end_, *scheduler_);
    last_sample_ = end_;
  }
}

void Cluster::OnCommit(const etcd::Event& e) {
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

void Cluster::ResolveOwnerReferences(api::Object& obj) {
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

void Cluster::CreateObject(std::shared_ptr<api::Object> obj) {
  if (auto node = std::dynamic_pointer_cast<api::Node>(obj)) {
    // A new node joins: its kubelet starts and registers the Node itself. A node whose kubelet
    // already runs cannot join twice; say so rather than doing nothing.
    auto it = kubelets_.find(node->metadata.name);
    if (it != kubelets_.end() && it->second->running()) {
      ScenarioEvent("Warning", "FailedCreate", api::ObjectRef(*node),
                    "nodes \"" + node->metadata.name + "\" already exists and its kubelet is running");
      return;
    }
    StartKubelet(node);
    return;
  }
  ResolveOwnerReferences(*obj);
  std::string ref = api::ObjectRef(*obj);
  scenario_client_->Create(std::move(obj), [this, ref](const apiserver::Response& r) {
    if (!r.ok()) ScenarioEvent("Warning", "FailedCreate", ref, r.message);
  });
}

void Cluster::DeleteObject(const std::string& kind, const std::string& ns, const std::string& name,
                           apiserver::DeleteOptions opts) {
  std::string ref = kind + "/" + (ns.empty() ? name : ns + "/" + name);
  scenario_client_->Delete(kind, ns, name, opts, [this, ref](const apiserver::Response& r) {
    if (!r.ok()) ScenarioEvent("Warning", "FailedDelete", ref, r.message);
  });
}

void Cluster::DrainNode(const std::string& node) {
  UpdateObject("Node", "", node, [](api::Object& obj) {
    if (auto* n = dynamic_cast<api::Node*>(&obj)) n->spec.unschedulable = true;
    return sim::Status::Ok();
  });
  scenario_client_->List(
      "Pod",
      [this](const apiserver::Response& r) {
        for (const auto& obj : r.items) {
          auto pod = api::As<api::Pod>(obj);
          if (!pod || pod->IsTerminal()) continue;
          // --ignore-daemonsets: the DaemonSet controller would put them back at once.
          bool daemon = false;
          for (const auto& ref : pod->metadata.owner_references)
            daemon = daemon || (ref.controller && ref.kind == "DaemonSet");
          if (!daemon) EvictUntilAllowed(pod->metadata.namespace_, pod->metadata.name);
        }
      },
      node);
}

void Cluster::EvictUntilAllowed(const std::string& ns, const std::string& name) {
  scenario_client_->Evict(ns, name, [this, ns, name](const apiserver::Response& r) {
    const std::string ref = "Pod/" + ns + "/" + name;
    if (r.ok() || r.code == apiserver::Code::kNotFound) return;
    if (r.code == apiserver::Code::kTooManyRequests) {
      // kubectl drain: "error when evicting pods … (will retry after 5s)".
      ScenarioEvent("Warning", "EvictionRefused", ref, r.message);
      sim_.After(sim::Duration::Seconds(5), [this, ns, name]() { EvictUntilAllowed(ns, name); });
      return;
    }
    ScenarioEvent("Warning", "FailedEviction", ref, r.message);
  });
}

void Cluster::UpdateObject(const std::string& kind, const std::string& ns, const std::string& name, Mutation mutate) {
  // client-go retry.DefaultRetry: five attempts.
  TryUpdate(kind, ns, name, std::move(mutate), 5);
}

void Cluster::TryUpdate(const std::string& kind, const std::string& ns, const std::string& name, Mutation mutate,
                        int attempts_left) {
  std::string ref = kind + "/" + (ns.empty() ? name : ns + "/" + name);
  scenario_client_->Get(kind, ns, name, [=, this](const apiserver::Response& got) {
    if (!got.ok()) {
      ScenarioEvent("Warning", "FailedUpdate", ref, got.message);
      return;
    }
    std::shared_ptr<api::Object> copy = got.object->Clone();
    sim::Status st = mutate(*copy);
    if (!st.ok()) {
      ScenarioEvent("Warning", "FailedUpdate", ref, st.message());
      return;
    }
    scenario_client_->Update(std::move(copy), [=, this](const apiserver::Response& r) {
      if (r.ok()) return;
      if (r.code == apiserver::Code::kConflict && attempts_left > 1) {
        TryUpdate(kind, ns, name, mutate, attempts_left - 1);
      } else {
        ScenarioEvent("Warning", "FailedUpdate", ref, r.message);
      }
    });
  });
}

void Cluster::Act(const std::string& action, const std::string& description, scenario::ActionFn run) {
  sim_.At(
      sim_.Now(),
      [this, action, description, run = std::move(run)]() {
        ScenarioEvent("Normal", "TimelineAction", action, description);
        run(*this);
      },
      sim::Phase::kInput);
}

void Cluster::ApplyObject(std::shared_ptr<const api::Object> obj) {
  // client-go retry.DefaultRetry, as for updates.
  TryApply(std::move(obj), 5);
}

void Cluster::TryApply(std::shared_ptr<const api::Object> obj, int attempts_left) {
  const std::string& ns = obj->metadata.namespace_;
  scenario_client_->Get(obj->kind, ns, obj->metadata.name, [=, this](const apiserver::Response& got) {
    if (got.code == apiserver::Code::kNotFound) {
      CreateObject(obj->Clone());
      return;
    }
    std::string ref = api::ObjectRef(*obj);
    if (!got.ok()) {
      ScenarioEvent("Warning", "FailedApply", ref, got.message);
      return;
    }
    // The manifest's labels, annotations and spec over the stored identity and status.
    std::shared_ptr<api::Object> copy = obj->Clone();
    const api::ObjectMeta& stored = got.object->metadata;
    copy->metadata.uid = stored.uid;
    copy->metadata.resource_version = stored.resource_version;
    copy->metadata.generation = stored.generation;
    copy->metadata.creation_timestamp = stored.creation_timestamp;
    copy->metadata.deletion_timestamp = stored.deletion_timestamp;
    copy->metadata.deletion_grace_period_seconds = stored.deletion_grace_period_seconds;
    if (copy->metadata.owner_references.empty()) copy->metadata.owner_references = stored.owner_references;
    if (copy->metadata.finalizers.empty()) copy->metadata.finalizers = stored.finalizers;
    copy->CopyStatusFrom(*got.object);
    scenario_client_->Update(std::move(copy), [=, this](const apiserver::Response& r) {
      if (r.ok()) return;
      if (r.code == apiserver::Code::kConflict && attempts_left > 1) {
        TryApply(obj, attempts_left - 1);
      } else {
        ScenarioEvent("Warning", "FailedApply", ref, r.message);
      }
    });
  });
}

void Cluster::StopKubelet(const std::string& node) {
  auto it = kubelets_.find(node);
  if (it == kubelets_.end()) {
    ScenarioEvent("Warning", "FailedStopKubelet", "Node/" + node, "no kubelet runs for this node");
    return;
  }
  // Recorded so the results can time the failure from the moment it happened (node_failures).
  ScenarioEvent("Normal", "KubeletStopped", "Node/" + node, "the kubelet of " + node + " stopped");
  it->second->Stop();
}

void Cluster::CrashNode(const std::string& node) {
  auto it = kubelets_.find(node);
  if (it == kubelets_.end()) {
    ScenarioEvent("Warning", "FailedCrashNode", "Node/" + node, "no kubelet runs for this node");
    return;
  }
  ScenarioEvent("Normal", "NodeCrashed", "Node/" + node, node + " crashed: its kubelet and containers are gone");
  it->second->Crash();
}

void Cluster::RestartKubelet(const std::string& node) {
  auto it = kubelets_.find(node);
  if (it == kubelets_.end()) {
    ScenarioEvent("Warning", "FailedRestartKubelet", "Node/" + node, "no kubelet was started for this node");
    return;
  }
  if (it->second->running()) {
    ScenarioEvent("Warning", "FailedRestartKubelet", "Node/" + node, "the kubelet of this node is running");
    return;
  }
  ScenarioEvent("Normal", "KubeletRestarted", "Node/" + node, "the kubelet of " + node + " restarted");
  it->second->Restart();
}

std::vector<std::string> Cluster::CheckInvariants() {
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

report::RunResults Cluster::Results() {
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
  recorder_.Fill(&r);
  if (sampler_) sampler_->Fill(&r);
  if (!sample_warning_.empty()) r.warnings.push_back(sample_warning_);
  r.Finalize();
  // Last: expectations read the totals, the pods and the sampled series.
  r.verdicts = report::EvaluateExpectations(scenario_.expectations, r);
  return r;
}

}  // namespace kubesim::cluster
