#include "models/scheduler/scheduler.h"

#include <algorithm>

#include "models/client/listers.h"

namespace kubesim::scheduler {

Scheduler::Scheduler(sim::Simulation& sim, apiserver::ApiServer& api, client::EventRecorder recorder,
                     SchedulerConfig config, const Registry& registry)
    : sim_(sim),
      api_(sim, api, "scheduler"),
      recorder_(std::move(recorder)),
      config_(std::move(config)),
      registry_(registry),
      pod_informer_(sim, api_, api::Pod::kKind),
      node_informer_(sim, api_, api::Node::kKind),
      namespace_informer_(sim, api_, api::Namespace::kKind),
      service_informer_(sim, api_, api::Service::kKind),
      replicaset_informer_(sim, api_, api::ReplicaSet::kKind),
      pdb_api_(api_.Named("scheduler/pdb")),
      pdb_informer_(sim, pdb_api_, api::PodDisruptionBudget::kKind),
      tiebreak_rng_(sim.Stream("scheduler/tiebreak")),
      latency_rng_(sim.Stream("scheduler/cycle-latency")) {}

sim::Status Scheduler::Init() {
  PluginContext ctx{&api_, &sim_, this};
  for (const auto& pc : config_.profiles) {
    KUBESIM_ASSIGN_OR_RETURN(auto profile, Profile::Build(pc, registry_, ctx));
    for (const auto& existing : profiles_) {
      if (existing->scheduler_name() == profile->scheduler_name()) {
        return sim::InvalidArgument("profiles: Duplicate value: \"" + profile->scheduler_name() + "\"");
      }
    }
    profiles_.push_back(std::move(profile));
  }
  if (profiles_.empty()) return sim::InvalidArgument("profiles: Required value: at least one profile is required");
  queue_ = std::make_unique<SchedulingQueue>(sim_, profiles_[0]->queue_sort(), config_.queue);
  queue_->SetOnActive([this]() { MaybeScheduleNext(); });
  queue_->SetPreEnqueue([this](const api::Pod& pod) {
    Profile* profile = ProfileFor(pod);
    return profile == nullptr || profile->RunPreEnqueue(pod).IsSuccess();
  });
  return sim::Status::Ok();
}

void Scheduler::Start() {
  pod_informer_.AddEventHandlers({[this](const api::ObjectPtr& o) { OnPodAdd(o); },
                                  [this](const api::ObjectPtr& a, const api::ObjectPtr& b) { OnPodUpdate(a, b); },
                                  [this](const api::ObjectPtr& o) { OnPodDelete(o); }});
  node_informer_.AddEventHandlers({[this](const api::ObjectPtr& o) { OnNodeAdd(o); },
                                   [this](const api::ObjectPtr& a, const api::ObjectPtr& b) { OnNodeUpdate(a, b); },
                                   [this](const api::ObjectPtr& o) { OnNodeDelete(o); }});
  node_informer_.Start();
  pod_informer_.Start();
  namespace_informer_.Start();
  service_informer_.Start();
  replicaset_informer_.Start();
  pdb_informer_.Start();
  queue_->Run();
}

std::shared_ptr<const api::Namespace> Scheduler::GetNamespace(const std::string& name) {
  return api::As<api::Namespace>(namespace_informer_.Get(name));
}

namespace {
// Objects of one namespace from an informer cache, in key order.
template <typename T>
std::vector<std::shared_ptr<const T>> InNamespace(const client::Informer& informer, const std::string& ns) {
  return client::NamespaceLister<T>(informer.GetIndexer(), ns).List(client::Selector::Everything());
}
}  // namespace

std::vector<std::shared_ptr<const api::Service>> Scheduler::Services(const std::string& ns) {
  return InNamespace<api::Service>(service_informer_, ns);
}

std::vector<std::shared_ptr<const api::ReplicaSet>> Scheduler::ReplicaSets(const std::string& ns) {
  return InNamespace<api::ReplicaSet>(replicaset_informer_, ns);
}

std::shared_ptr<const api::ReplicaSet> Scheduler::GetReplicaSet(const std::string& ns, const std::string& name) {
  return api::As<api::ReplicaSet>(replicaset_informer_.Get(ns + "/" + name));
}

std::vector<std::shared_ptr<const api::PodDisruptionBudget>> Scheduler::PodDisruptionBudgets() {
  std::vector<std::shared_ptr<const api::PodDisruptionBudget>> out;
  for (const auto& [key, obj] : pdb_informer_.items()) {
    if (auto pdb = api::As<api::PodDisruptionBudget>(obj)) out.push_back(std::move(pdb));
  }
  return out;
}

size_t Scheduler::pending_pods() const { return queue_ ? queue_->pending() : 0; }

Profile* Scheduler::ProfileFor(const api::Pod& pod) {
  for (auto& p : profiles_) {
    if (p->scheduler_name() == pod.spec.scheduler_name) return p.get();
  }
  return nullptr;
}

namespace {
bool Assigned(const api::Pod& pod) { return !pod.spec.node_name.empty(); }
// Terminal pods no longer hold node resources for the scheduler (v1.27+, kubernetes #96515).
bool CountsOnNode(const api::Pod& pod) { return Assigned(pod) && !pod.IsTerminal(); }
}  // namespace

void Scheduler::OnPodAdd(const api::ObjectPtr& obj) {
  auto pod = api::As<api::Pod>(obj);
  if (CountsOnNode(*pod)) {
    cache_.AddPod(pod);
    queue_->MoveAllToActiveOrBackoffQueue(kEventAssignedPodAdd);
  } else if (!Assigned(*pod) && !pod->IsTerminal() && !pod->metadata.deletion_timestamp && Responsible(*pod)) {
    queue_->Add(pod);
    nominator_.Add(pod);
  }
}

void Scheduler::OnPodUpdate(const api::ObjectPtr& old_obj, const api::ObjectPtr& new_obj) {
  auto old_pod = api::As<api::Pod>(old_obj);
  auto pod = api::As<api::Pod>(new_obj);
  bool was_counted = CountsOnNode(*old_pod);
  bool counted = CountsOnNode(*pod);
  if (counted) {
    if (!was_counted) {  // just bound
      queue_->Delete(pod->metadata.uid);
      nominator_.Delete(pod->metadata.uid);
    }
    cache_.UpdatePod(pod);
    if (was_counted) queue_->MoveAllToActiveOrBackoffQueue(kEventAssignedPodUpdate);
    return;
  }
  if (was_counted) {
    cache_.RemovePod(*old_pod);
    queue_->MoveAllToActiveOrBackoffQueue(kEventAssignedPodDelete);
    return;
  }
  if (!Assigned(*pod) && Responsible(*pod)) {
    if (pod->metadata.deletion_timestamp || pod->IsTerminal()) {
      queue_->Delete(pod->metadata.uid);
      nominator_.Delete(pod->metadata.uid);
    } else {
      queue_->Update(pod);
      nominator_.Update(*old_pod, pod);
    }
  }
}

void Scheduler::OnPodDelete(const api::ObjectPtr& obj) {
  auto pod = api::As<api::Pod>(obj);
  if (Assigned(*pod)) {
    cache_.RemovePod(*pod);
    queue_->MoveAllToActiveOrBackoffQueue(kEventAssignedPodDelete);
  } else {
    queue_->Delete(pod->metadata.uid);
    nominator_.Delete(pod->metadata.uid);
    cache_.ForgetPod(pod->metadata.uid);
  }
}

void Scheduler::OnNodeAdd(const api::ObjectPtr& obj) {
  cache_.AddNode(api::As<api::Node>(obj));
  queue_->MoveAllToActiveOrBackoffQueue(kEventNodeAdd);
}

namespace {
// Upstream nodeSchedulingPropertiesChange: only changes that can make a pod fit requeue pods;
// a heartbeat (condition times) alone does not.
bool SchedulingPropertiesChanged(const api::Node& a, const api::Node& b) {
  if (a.spec.unschedulable != b.spec.unschedulable) return true;
  if (!(a.status.allocatable == b.status.allocatable)) return true;
  if (a.metadata.labels != b.metadata.labels) return true;
  if (a.spec.taints.size() != b.spec.taints.size()) return true;
  for (size_t i = 0; i < a.spec.taints.size(); ++i) {
    const auto &x = a.spec.taints[i], &y = b.spec.taints[i];
    if (x.key != y.key || x.value != y.value || x.effect != y.effect) return true;
  }
  if (a.status.conditions.size() != b.status.conditions.size()) return true;
  for (size_t i = 0; i < a.status.conditions.size(); ++i) {
    const auto &x = a.status.conditions[i], &y = b.status.conditions[i];
    if (x.type != y.type || x.status != y.status) return true;
  }
  return false;
}
}  // namespace

void Scheduler::OnNodeUpdate(const api::ObjectPtr& old_obj, const api::ObjectPtr& new_obj) {
  auto node = api::As<api::Node>(new_obj);
  cache_.UpdateNode(node);
  if (SchedulingPropertiesChanged(*api::As<api::Node>(old_obj), *node)) {
    queue_->MoveAllToActiveOrBackoffQueue(kEventNodeUpdate);
  }
}

void Scheduler::OnNodeDelete(const api::ObjectPtr& obj) { cache_.RemoveNode(obj->metadata.name); }

void Scheduler::SetLeading(bool leading) {
  leading_ = leading;
  if (leading_) MaybeScheduleNext();
}

void Scheduler::MaybeScheduleNext() {
  // Never re-entrant: the next cycle is its own event, after whatever enqueued the pod. As
  // upstream's WaitForCacheSync, nothing is scheduled before both informers have listed.
  if (!leading_ || busy_ || wake_scheduled_ || queue_->active_size() == 0) return;
  if (!pod_informer_.HasSynced() || !node_informer_.HasSynced()) {
    wake_scheduled_ = true;
    owner_.After(sim::Duration::Milliseconds(100), [this]() {
      wake_scheduled_ = false;
      MaybeScheduleNext();
    });
    return;
  }
  wake_scheduled_ = true;
  owner_.After(sim::Duration::Zero(), [this]() {
    wake_scheduled_ = false;
    ScheduleOne();
  });
}

namespace {
// Upstream skipPodSchedule, on the informer's newest version of the popped pod (`current`, null
// when it is gone): a pod deleted, replaced by another incarnation, bound or being deleted since
// it was queued is not scheduled.
bool SkipPodSchedule(const api::Pod& queued, const api::Pod* current) {
  return current == nullptr || current->metadata.uid != queued.metadata.uid || Assigned(*current) ||
         current->metadata.deletion_timestamp;
}
}  // namespace

void Scheduler::ScheduleOne() {
  if (busy_) return;
  std::optional<QueuedPodInfo> popped = queue_->Pop();
  if (!popped) return;
  QueuedPodInfo info = std::move(*popped);
  int64_t cycle = queue_->scheduling_cycle();
  ++attempts_;
  // The informer holds the newest version.
  auto current = api::As<api::Pod>(pod_informer_.Get(api::NamespacedName(info.pod->metadata)));
  if (SkipPodSchedule(*info.pod, current.get())) {
    queue_->Done(info.pod->metadata.uid);
    MaybeScheduleNext();
    return;
  }
  info.pod = current;
  Profile* profile = ProfileFor(*current);
  busy_ = true;
  sim::Duration took = SchedulingCycle(*profile, std::move(info), cycle);
  owner_.After(took, [this]() {
    busy_ = false;
    MaybeScheduleNext();
  });
}

sim::Duration Scheduler::SchedulingCycle(Profile& profile, QueuedPodInfo info, int64_t cycle) {
  std::shared_ptr<const api::Pod> current = info.pod;
  CycleOptions opts;
  opts.percentage_of_nodes_to_score = config_.percentage_of_nodes_to_score;
  opts.next_start_node_index = &next_start_node_index_;
  opts.tiebreak = &tiebreak_rng_;
  opts.nominator = &nominator_;
  const sim::Time cycle_start = sim_.Now();
  ScheduleResult result = SchedulePod(profile, *current, cache_.NodeList(), opts);
  sim::Duration took = config_.cycle_latency.Sample(latency_rng_);
  if (result.selected.empty()) {
    // As upstream schedulingCycle (kubernetes/kubernetes pkg/scheduler/schedule_one.go @ v1.32): on a
    // FitError the PostFilter plugins (DefaultPreemption) may nominate a node; the pod goes back to
    // the queue as unschedulable either way.
    PostFilterResult nominating;
    std::string post_filter_msg;
    if (result.fit_error && profile.HasPostFilterPlugins()) {
      PostFilterHandle handle{&profile, &cache_.NodeList(), &nominator_, &api_, &recorder_, sim_.Now()};
      Status s = profile.RunPostFilter(handle, *current, result.node_status, &nominating);
      post_filter_msg = s.Message();
    }
    HandleSchedulingFailure(profile, std::move(info), cycle, result, post_filter_msg, nominating, took);
  } else {
    std::shared_ptr<const api::Pod> assumed = Assume(*current, result.selected);
    // The binding cycle starts once the scheduling cycle's time has passed.
    owner_.After(took, [this, p = &profile, assumed, info, cycle, cycle_start]() mutable {
      BindingCycle(*p, assumed, std::move(info), cycle, cycle_start);
    });
  }
  return took;
}

std::shared_ptr<const api::Pod> Scheduler::Assume(const api::Pod& pod, const std::string& host) {
  auto assumed = pod.DeepCopy();
  assumed->spec.node_name = host;
  std::shared_ptr<const api::Pod> assumed_const = assumed;
  cache_.AssumePod(assumed_const);
  nominator_.Delete(pod.metadata.uid);
  return assumed_const;
}

void Scheduler::HandleSchedulingFailure(Profile& profile, QueuedPodInfo info, int64_t cycle,
                                        const ScheduleResult& result, const std::string& post_filter_msg,
                                        const PostFilterResult& nominating, sim::Duration took) {
  {
    // Upstream observes a failed attempt when handleSchedulingFailure runs, at the end of the
    // scheduling cycle; the cycle's modelled duration stands for it. A rejection (FitError) is
    // PodUnschedulable, anything else PodScheduleError.
    AttemptObservation o;
    o.profile = profile.scheduler_name();
    o.result = result.fit_error ? "unschedulable" : "error";
    o.attempt_duration = took;
    o.attempts = info.attempts;
    o.pod_namespace = info.pod->metadata.namespace_;
    Observe(o);
  }
  std::vector<std::string> rejectors;
  for (const auto& [node, status] : result.node_status) {
    if (!status.plugin().empty() && std::find(rejectors.begin(), rejectors.end(), status.plugin()) == rejectors.end()) {
      rejectors.push_back(status.plugin());
    }
  }
  std::sort(rejectors.begin(), rejectors.end());
  info.unschedulable_plugins = rejectors;
  info.requeue_events = rejectors.empty() ? kEventAll : profile.EventsFor(rejectors);
  // Upstream FitError.Error(): the PostFilter message follows the filter reasons.
  std::string message = result.message;
  if (!post_filter_msg.empty()) message += " " + post_filter_msg;
  std::shared_ptr<const api::Pod> pod = info.pod;
  queue_->AddUnschedulableIfNotPresent(std::move(info), cycle);
  // Without this, the next cycle could run before the status write carrying the nomination
  // comes back through the informer (upstream handleSchedulingFailure).
  nominator_.Add(pod, nominating.nominated_node_name);
  recorder_.Event(sim_.Now(), *pod, "Warning", "FailedScheduling", message);
  UpdatePodScheduledCondition(*pod, result.status.code() == Code::kError ? "SchedulerError" : "Unschedulable", message,
                              nominating.nominated_node_name);
}

void Scheduler::UpdatePodScheduledCondition(const api::Pod& pod, const std::string& reason, const std::string& message,
                                            const std::optional<std::string>& nominated) {
  // Upstream updatePod: written only when the PodScheduled condition or the nomination changes.
  const api::PodCondition* c = pod.FindCondition("PodScheduled");
  bool nominated_changes = nominated && *nominated != pod.status.nominated_node_name;
  if (c && c->status == "False" && c->reason == reason && c->message == message && !nominated_changes) return;
  auto copy = pod.DeepCopy();
  copy->SetCondition("PodScheduled", "False", sim_.Now(), reason, message);
  if (nominated_changes) copy->status.nominated_node_name = *nominated;
  copy->metadata.resource_version = 0;  // a status patch (util.PatchPodStatus): no precondition
  api_.UpdateStatus(copy, nullptr);
}

void Scheduler::Observe(const AttemptObservation& o) {
  // The /metrics counters (scraped by the sampler) and any observer see the same attempts.
  if (o.result == "scheduled") {
    ++metrics_.scheduled;
  } else if (o.result == "unschedulable") {
    ++metrics_.unschedulable;
  } else {
    ++metrics_.error;
  }
  if (o.bound) metrics_.sli_seconds.push_back(o.sli_duration.ToSeconds());
  if (attempt_observer_) attempt_observer_(o);
}

void Scheduler::ObserveAttempt(const Profile& profile, const QueuedPodInfo& info, const std::string& result,
                               sim::Time cycle_start, bool bound) {
  AttemptObservation o;
  o.profile = profile.scheduler_name();
  o.result = result;
  o.attempt_duration = sim_.Now() - cycle_start;
  o.bound = bound;
  // Upstream: PodSchedulingSLIDuration observes time since the pod's InitialAttemptTimestamp.
  if (bound) o.sli_duration = sim_.Now() - info.initial_attempt_timestamp;
  o.attempts = info.attempts;
  o.pod_namespace = info.pod->metadata.namespace_;
  Observe(o);
}

void Scheduler::BindingCycle(Profile& profile, std::shared_ptr<const api::Pod> assumed, QueuedPodInfo info,
                             int64_t cycle, sim::Time cycle_start) {
  Profile* p = &profile;
  profile.binder()->Bind(
      *assumed, assumed->spec.node_name, owner_.Bind([this, assumed, info, cycle, cycle_start, p](Status s) mutable {
        // Upstream observes the attempt (scheduling + binding cycle) when the
        // binding cycle ends, successful or not.
        ObserveAttempt(*p, info, s.IsSuccess() ? "scheduled" : "error", cycle_start, s.IsSuccess());
        if (s.IsSuccess()) {
          queue_->Done(assumed->metadata.uid);
          recorder_.Event(
              sim_.Now(), *assumed, "Normal", "Scheduled",
              "Successfully assigned " + api::NamespacedName(assumed->metadata) + " to " + assumed->spec.node_name);
          return;
        }
        HandleBindingCycleError(assumed, std::move(info), cycle, s);
      }));
}

void Scheduler::HandleBindingCycleError(const std::shared_ptr<const api::Pod>& assumed, QueuedPodInfo info,
                                        int64_t cycle, const Status& s) {
  // Forget the assumption, let others retry.
  cache_.ForgetPod(assumed->metadata.uid);
  queue_->MoveAllToActiveOrBackoffQueue(kEventAssignedPodDelete);
  recorder_.Event(sim_.Now(), *assumed, "Warning", "FailedScheduling", "Binding rejected: " + s.Message());
  auto current = api::As<api::Pod>(pod_informer_.Get(api::NamespacedName(assumed->metadata)));
  if (current && !Assigned(*current) && !current->metadata.deletion_timestamp) {
    info.unschedulable_plugins.clear();
    info.requeue_events = kEventAll;
    queue_->AddUnschedulableIfNotPresent(std::move(info), cycle);
  }
}

std::vector<std::string> Scheduler::CheckInformers(const etcd::MvccStore& store) const {
  std::vector<std::string> out;
  for (const client::Informer* i : {&pod_informer_, &node_informer_, &namespace_informer_, &service_informer_,
                                    &replicaset_informer_, &pdb_informer_}) {
    std::vector<std::string> v = i->CheckAgainst(store);
    out.insert(out.end(), v.begin(), v.end());
  }
  return out;
}

}  // namespace kubesim::scheduler
