#include "models/controllers/job.h"

#include <algorithm>
#include <charconv>

#include "models/controllers/controller_utils.h"
#include "models/controllers/slow_start.h"

namespace kubesim::controllers {
namespace {

bool IsFinished(const api::Job& job) {
  for (const char* type : {"Complete", "Failed"}) {
    const api::JobCondition* c = job.FindCondition(type);
    if (c != nullptr && c->status == "True") return true;
  }
  return false;
}

api::JobCondition NewCondition(const std::string& type, const std::string& reason, const std::string& message,
                               sim::Time now) {
  return api::JobCondition{type, "True", reason, message, now, now};
}

// Upstream isPodFailed without a podFailurePolicy: Failed, or (unless only failed pods are
// replaced) deleted before it succeeded, which counts orphaned and evicted pods.
bool IsPodFailed(const api::Pod& pod, const api::Job& job) {
  if (pod.status.phase == api::kPodFailed) return true;
  if (job.pod_replacement_policy == "Failed") return false;
  return pod.metadata.deletion_timestamp.has_value() && pod.status.phase != api::kPodSucceeded;
}

// Upstream pastBackoffLimitOnFailure: with restartPolicy OnFailure, container restarts of the
// pods still Pending or Running count toward backoffLimit.
bool PastBackoffLimitOnFailure(const api::Job& job, const std::vector<std::shared_ptr<const api::Pod>>& pods) {
  if (job.pod_template.spec.restart_policy != "OnFailure") return false;
  int64_t restarts = 0;
  for (const auto& p : pods) {
    if (p->status.phase != api::kPodRunning && p->status.phase != api::kPodPending) continue;
    for (const auto& c : p->status.container_statuses) restarts += c.restart_count;
  }
  if (job.backoff_limit == 0) return restarts > 0;
  return restarts >= job.backoff_limit;
}

}  // namespace

int32_t CompletionIndex(const api::Pod& pod) {
  auto it = pod.metadata.annotations.find(kJobCompletionIndex);
  if (it == pod.metadata.annotations.end()) return -1;
  int32_t v = -1;
  const std::string& text = it->second;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size() || v < 0) return -1;
  return v;
}

std::string CompressedIndexes(const std::set<int32_t>& indexes) {
  std::string out;
  for (auto it = indexes.begin(); it != indexes.end();) {
    int32_t first = *it, last = *it;
    for (++it; it != indexes.end() && *it == last + 1; ++it) last = *it;
    if (!out.empty()) out += ",";
    out += std::to_string(first);
    if (last != first) out += "-" + std::to_string(last);
  }
  return out;
}

sim::Duration JobBackoffRecord::RemainingTime(sim::Time now, sim::Duration base, sim::Duration cap) const {
  if (failures_after_last_success == 0 || !last_failure_time) return sim::Duration::Zero();
  sim::Duration backoff = base;
  for (int32_t i = 1; i < failures_after_last_success; ++i) {
    backoff = backoff * 2;
    if (backoff >= cap) {
      backoff = cap;
      break;
    }
  }
  sim::Duration elapsed = now - *last_failure_time;
  if (backoff < elapsed) return sim::Duration::Zero();
  return backoff - elapsed;
}

sim::Time PodFinishedTime(const api::Pod& pod) {
  std::optional<sim::Time> latest;
  for (const auto& c : pod.status.container_statuses) {
    if (c.state.kind != api::ContainerState::Kind::kTerminated) continue;
    if (!latest || c.state.terminated.finished_at > *latest) latest = c.state.terminated.finished_at;
  }
  if (latest) return *latest;
  const api::PodCondition* ready = pod.FindCondition("Ready");
  if (ready != nullptr && ready->status == "False") return ready->last_transition_time;
  if (pod.metadata.deletion_timestamp) {
    return *pod.metadata.deletion_timestamp -
           sim::Duration::Seconds(pod.metadata.deletion_grace_period_seconds.value_or(0));
  }
  return pod.metadata.creation_timestamp;
}

JobController::JobController(sim::Simulation& sim, apiserver::ApiServer& api, client::SharedInformerFactory& informers,
                             client::EventRecorder recorder)
    : sim_(sim),
      api_(sim, api, "kube-controller-manager/job"),
      recorder_(std::move(recorder)),
      jobs_(informers.For(api::Job::kKind)),
      pods_(informers.For(api::Pod::kKind)),
      worker_(
          sim, [this]() { return jobs_.HasSynced() && pods_.HasSynced(); },
          [this](const std::string& key) { Sync(key); }) {
  AddPodControllerUIDIndexer(pods_);
}

void JobController::Start() {
  // Job events sync at once (enqueueSyncJobImmediately); pod events after the batch period.
  auto enqueue = [this](const api::ObjectPtr& o) { worker_.queue().Add(api::NamespacedName(o->metadata)); };
  jobs_.AddEventHandlers({enqueue, [enqueue](const api::ObjectPtr&, const api::ObjectPtr& o) { enqueue(o); },
                          [this](const api::ObjectPtr& o) { ForgetJob(api::NamespacedName(o->metadata)); }});
  pods_.AddEventHandlers({[this](const api::ObjectPtr& o) { OnPod(nullptr, o, false); },
                          [this](const api::ObjectPtr& old, const api::ObjectPtr& o) { OnPod(old, o, false); },
                          [this](const api::ObjectPtr& o) { OnPod(nullptr, o, true); }});
  jobs_.Start();
  pods_.Start();
}

JobController::State& JobController::StateFor(const std::string& key, const std::string& uid) {
  State& s = states_[key];
  if (s.uid != uid) {
    s = State{};
    s.uid = uid;
    expectations_.DeleteExpectations(key);
  }
  return s;
}

void JobController::ForgetJob(const std::string& key) {
  states_.erase(key);
  expectations_.DeleteExpectations(key);
}

void JobController::OnPod(const api::ObjectPtr& old_obj, const api::ObjectPtr& obj, bool deleted) {
  const api::OwnerReference* ref = ControllerRef(obj->metadata);
  if (ref == nullptr || ref->kind != api::Job::kKind) return;
  std::string key = obj->metadata.namespace_ + "/" + ref->name;
  auto it = states_.find(key);
  if (it != states_.end() && it->second.uid == ref->uid) {
    State& s = it->second;
    bool added = old_obj == nullptr && !deleted;
    // Upstream updatePod treats a pod that got a deletionTimestamp as deleted for expectations.
    bool now_deleting = old_obj != nullptr && !old_obj->metadata.deletion_timestamp && obj->metadata.deletion_timestamp;
    if (added) expectations_.CreationObserved(key);
    if (now_deleting || (deleted && !obj->metadata.deletion_timestamp)) expectations_.DeletionObserved(key);
    const std::string& uid = obj->metadata.uid;
    if (deleted || obj->metadata.deletion_timestamp) s.deleting.erase(uid);
    if (deleted && !s.counted_succeeded.count(uid) && !s.counted_failed.count(uid) && !s.released.count(uid)) {
      // The finalizer upstream holds a pod until it is counted; here the pod is remembered.
      auto pod = api::As<api::Pod>(obj);
      s.vanished.push_back(
          Vanished{uid, pod->status.phase == api::kPodSucceeded, PodFinishedTime(*pod), CompletionIndex(*pod)});
    }
  }
  worker_.queue().AddAfter(key, kSyncJobBatchPeriod);
}

void JobController::Sync(const std::string& key) {
  auto job = api::As<api::Job>(jobs_.Get(key));
  if (!job) {
    ForgetJob(key);
    return;
  }
  if (IsFinished(*job)) return;
  State& state = StateFor(key, job->metadata.uid);
  if (state.finished) return;
  const sim::Time now = sim_.Now();
  const bool satisfied = expectations_.SatisfiedExpectations(key);

  std::vector<std::shared_ptr<const api::Pod>> pods, active;
  int32_t ready = 0, terminating = 0;
  for (auto& pod : FilterPodsByOwner(pods_.GetIndexer(), job->metadata, /*include_orphans=*/false)) {
    pods.push_back(pod);
    // A pod whose delete is in flight is terminating already (the controller's own write).
    bool deleting = state.deleting.count(pod->metadata.uid) > 0;
    if (IsPodActive(*pod) && !deleting) {
      active.push_back(pod);
      if (IsPodReady(*pod)) ++ready;
    } else if ((pod->metadata.deletion_timestamp || deleting) && !pod->IsTerminal()) {
      ++terminating;
    }
  }

  // Newly finished pods, oldest finish first, as upstream's newBackoffRecord sorts them.
  struct Finished {
    sim::Time at;
    std::string uid;
    bool succeeded;
    int32_t index;
  };
  std::vector<Finished> finished;
  for (const auto& p : pods) {
    const std::string& uid = p->metadata.uid;
    if (state.counted_succeeded.count(uid) || state.counted_failed.count(uid) || state.released.count(uid)) continue;
    if (p->status.phase == api::kPodSucceeded) {
      finished.push_back({PodFinishedTime(*p), uid, true, CompletionIndex(*p)});
    } else if (IsPodFailed(*p, *job)) {
      finished.push_back({PodFinishedTime(*p), uid, false, -1});
    }
  }
  for (const auto& v : state.vanished) {
    if (!state.counted_succeeded.count(v.uid) && !state.counted_failed.count(v.uid)) {
      finished.push_back({v.finished, v.uid, v.succeeded, v.index});
    }
  }
  state.vanished.clear();
  std::stable_sort(finished.begin(), finished.end(), [](const Finished& a, const Finished& b) { return a.at < b.at; });
  // Upstream newBackoffRecord: a success resets the count to the failures that finished after
  // the last success; without one, new failures add up.
  std::optional<sim::Time> last_success;
  for (const auto& f : finished) {
    if (f.succeeded) last_success = f.at;
  }
  JobBackoffRecord& backoff = state.backoff;
  if (last_success) {
    backoff = JobBackoffRecord{};
    for (const auto& f : finished) {
      if (f.succeeded || f.at <= *last_success) continue;
      backoff.failures_after_last_success++;
      backoff.last_failure_time = f.at;
    }
  } else {
    for (const auto& f : finished) {
      backoff.failures_after_last_success++;
      backoff.last_failure_time = f.at;
    }
  }
  const bool indexed = job->completion_mode == "Indexed";
  for (const auto& f : finished) {
    (f.succeeded ? state.counted_succeeded : state.counted_failed).insert(f.uid);
    // calculateSucceededIndexes: only valid indexes below completions count.
    if (indexed && f.succeeded && f.index >= 0 && f.index < *job->completions) state.succeeded_indexes.insert(f.index);
  }
  const int32_t succeeded =
      static_cast<int32_t>(indexed ? state.succeeded_indexes.size() : state.counted_succeeded.size());
  const int32_t failed = static_cast<int32_t>(state.counted_failed.size());

  // The controller is the only writer of a Job's status: its own last write is fresher than a
  // cache that may not have seen it yet.
  const api::JobStatus& base = state.written ? *state.written : job->status;
  auto find = [&base](const std::string& type) -> const api::JobCondition* {
    for (const auto& c : base.conditions) {
      if (c.type == type) return &c;
    }
    return nullptr;
  };
  api::JobStatus status = base;
  // A suspended Job has not started (upstream sets startTime only when not suspended).
  if (!status.start_time && !job->suspend) status.start_time = now;

  std::optional<api::JobCondition> finished_condition;
  if (const api::JobCondition* c = find("SuccessCriteriaMet"); c != nullptr && c->status == "True") {
    finished_condition = *c;
  } else if (const api::JobCondition* f = find("FailureTarget"); f != nullptr && f->status == "True") {
    finished_condition = NewCondition("Failed", f->reason, f->message, now);
  } else if (failed > job->backoff_limit || PastBackoffLimitOnFailure(*job, pods)) {
    finished_condition =
        NewCondition("FailureTarget", "BackoffLimitExceeded", "Job has reached the specified backoff limit", now);
  } else if (job->active_deadline_seconds && status.start_time && !job->suspend) {
    sim::Duration allowed = sim::Duration::Seconds(*job->active_deadline_seconds);
    sim::Duration ran = now - *status.start_time;
    if (ran >= allowed) {
      finished_condition =
          NewCondition("FailureTarget", "DeadlineExceeded", "Job was active longer than specified deadline", now);
    } else {
      worker_.queue().AddAfter(key, allowed - ran);
    }
  }

  int32_t active_count = static_cast<int32_t>(active.size());
  bool conditions_changed = false;
  if (finished_condition && finished_condition->type != "SuccessCriteriaMet") {
    // A failing Job's active pods go (upstream deleteActivePods: no expectations, and the pods
    // count as failed once they are gone or terminal).
    for (const auto& p : active) {
      DeletePod(key, job, *p, false);
      if (IsPodReady(*p)) --ready;
    }
    terminating += active_count;
    active_count = 0;
  } else if (!finished_condition) {
    bool managed = satisfied && !job->metadata.deletion_timestamp;
    if (managed) active_count = ManageJob(key, job, state, active, succeeded, terminating);
    bool complete =
        job->completions ? (succeeded >= *job->completions && active_count == 0) : (succeeded > 0 && active_count == 0);
    if (complete) {
      finished_condition = NewCondition("SuccessCriteriaMet", "", "", now);
    } else if (managed) {
      // The Suspended condition follows spec.suspend (ensureJobConditionStatus: a False one is
      // only written over a True one). Resuming restarts the activeDeadlineSeconds clock.
      const api::JobCondition* c = find("Suspended");
      bool is_suspended = c != nullptr && c->status == "True";
      if (job->suspend && !is_suspended) {
        std::erase_if(status.conditions, [](const api::JobCondition& x) { return x.type == "Suspended"; });
        status.conditions.push_back(NewCondition("Suspended", "JobSuspended", "Job suspended", now));
        conditions_changed = true;
        recorder_.Event(now, *job, "Normal", "Suspended", "Job suspended");
      } else if (!job->suspend && is_suspended) {
        for (auto& x : status.conditions) {
          if (x.type == "Suspended") x = api::JobCondition{"Suspended", "False", "JobResumed", "Job resumed", now, now};
        }
        conditions_changed = true;
        recorder_.Event(now, *job, "Normal", "Resumed", "Job resumed");
        status.start_time = now;
      }
    }
  }

  // trackJobStatusAndRemoveFinalizers: record the interim condition, then the terminal one once
  // no pod is terminating (delayTerminalCondition, v1.32 defaults).
  if (finished_condition && finished_condition->type == "FailureTarget") {
    status.conditions.push_back(*finished_condition);
    finished_condition = NewCondition("Failed", finished_condition->reason, finished_condition->message, now);
  }
  if (finished_condition && finished_condition->type == "SuccessCriteriaMet") {
    if (find("SuccessCriteriaMet") == nullptr) status.conditions.push_back(*finished_condition);
    finished_condition = NewCondition("Complete", finished_condition->reason, finished_condition->message, now);
  }
  bool job_finished = false;
  if (finished_condition && terminating == 0) {
    status.conditions.push_back(*finished_condition);
    if (finished_condition->type == "Complete") status.completion_time = now;
    job_finished = true;
    state.finished = true;
  }
  status.active = active_count;
  status.ready = ready;
  status.terminating = terminating;
  status.succeeded = succeeded;
  status.failed = failed;
  if (indexed) status.completed_indexes = CompressedIndexes(state.succeeded_indexes);

  const api::JobStatus& old = base;
  bool changed = job_finished || conditions_changed || status.conditions.size() != old.conditions.size() ||
                 status.start_time != old.start_time || status.active != old.active || status.ready != old.ready ||
                 status.terminating != old.terminating || status.succeeded != old.succeeded ||
                 status.failed != old.failed || status.completed_indexes != old.completed_indexes;
  if (!changed) return;
  auto copy = job->DeepCopy();
  copy->status = std::move(status);
  state.written = copy->status;
  api_.UpdateStatus(copy, nullptr);
  if (job_finished) {
    if (finished_condition->type == "Complete") {
      if (job->completions && succeeded > *job->completions) {
        recorder_.Event(now, *job, "Warning", "TooManySucceededPods",
                        "Too many succeeded pods running after completion count reached");
      }
      recorder_.Event(now, *job, "Normal", "Completed", "Job completed");
    } else {
      recorder_.Event(now, *job, "Warning", finished_condition->reason, finished_condition->message);
    }
  }
}

int32_t JobController::ManageJob(const std::string& key, const std::shared_ptr<const api::Job>& job, State& state,
                                 const std::vector<std::shared_ptr<const api::Pod>>& active, int32_t succeeded,
                                 int32_t terminating) {
  int32_t active_count = static_cast<int32_t>(active.size());
  if (job->suspend) {
    // A suspended Job keeps no pod running.
    if (active.empty()) return 0;
    int32_t remove = std::min(active_count, kMaxPodCreateDeletePerSync);
    expectations_.ExpectDeletions(key, remove);
    for (int32_t i = 0; i < remove; ++i) DeletePod(key, job, *active[static_cast<size_t>(i)], true);
    return active_count - remove;
  }
  int32_t want = 0;
  if (!job->completions) {
    // Work-queue Job: once a pod succeeded, leave whatever runs running.
    want = succeeded > 0 ? active_count : job->parallelism;
  } else {
    want = std::clamp(*job->completions - succeeded, 0, job->parallelism);
  }
  const bool indexed = job->completion_mode == "Indexed";
  // activePodsForRemoval: for Indexed Jobs first the pods whose index is bad, out of range or
  // taken by another active pod; then, if still too many, earlier lifecycle stages first
  // (controller.ActivePods order).
  std::vector<std::shared_ptr<const api::Pod>> order = active;
  std::stable_sort(order.begin(), order.end(),
                   [&](const auto& a, const auto& b) { return DeleteFirst(*a, 0, *b, 0, sim_.Now()); });
  std::vector<std::shared_ptr<const api::Pod>> doomed, kept;
  std::set<int32_t> running_indexes;
  for (auto it = order.rbegin(); it != order.rend(); ++it) {  // the most advanced pod keeps its index
    int32_t ix = CompletionIndex(**it);
    bool bad = indexed && (ix < 0 || ix >= *job->completions || !running_indexes.insert(ix).second);
    (bad ? doomed : kept).push_back(*it);
  }
  std::reverse(kept.begin(), kept.end());
  int32_t extra = std::max(0, static_cast<int32_t>(kept.size()) - want);
  for (int32_t i = 0; i < extra; ++i) {
    doomed.push_back(kept[static_cast<size_t>(i)]);
    running_indexes.erase(CompletionIndex(*kept[static_cast<size_t>(i)]));
  }
  if (!doomed.empty()) {
    int32_t remove = std::min(static_cast<int32_t>(doomed.size()), kMaxPodCreateDeletePerSync);
    expectations_.ExpectDeletions(key, remove);
    for (int32_t i = 0; i < remove; ++i) DeletePod(key, job, *doomed[static_cast<size_t>(i)], true);
    // Deletions take precedence over creations within one sync, as upstream.
    return active_count - remove;
  }
  // With podReplacementPolicy Failed, a terminating pod is replaced only once it has failed.
  int32_t waiting = job->pod_replacement_policy == "Failed" ? terminating : 0;
  int32_t diff = want - waiting - active_count;
  if (diff <= 0) return active_count;
  sim::Duration remaining = state.backoff.RemainingTime(sim_.Now(), kDefaultPodFailureBackOff, kMaxPodFailureBackOff);
  if (remaining > sim::Duration::Zero()) {
    worker_.queue().AddAfter(key, remaining);
    // As upstream manageJob, a sync that waits out the backoff reports 0 active.
    return 0;
  }
  diff = std::min(diff, kMaxPodCreateDeletePerSync);
  std::vector<int32_t> indexes;
  if (indexed) {
    // firstPendingIndexes: the lowest indexes neither succeeded nor held by an active pod.
    for (int32_t ix = 0; ix < *job->completions && static_cast<int32_t>(indexes.size()) < diff; ++ix) {
      if (!state.succeeded_indexes.count(ix) && !running_indexes.count(ix)) indexes.push_back(ix);
    }
    diff = static_cast<int32_t>(indexes.size());
    if (diff == 0) return active_count;
  }
  expectations_.ExpectCreations(key, diff);
  CreatePods(key, job, diff, std::move(indexes));
  return active_count + diff;
}

void JobController::CreatePods(const std::string& key, const std::shared_ptr<const api::Job>& job, int count,
                               std::vector<int32_t> indexes) {
  std::string uid = job->metadata.uid;
  auto lower_adds = [this, key, uid](int64_t n) {
    auto it = states_.find(key);
    if (it == states_.end() || it->second.uid != uid) return;
    expectations_.LowerExpectations(key, n, 0);
  };
  auto shared_indexes = std::make_shared<std::vector<int32_t>>(std::move(indexes));
  auto create = [this, job, lower_adds, shared_indexes](int i, std::function<void(bool)> done) {
    auto pod = std::make_shared<api::Pod>();
    pod->api_version = api::Pod::kAPIVersion;
    pod->kind = api::Pod::kKind;
    pod->metadata.generate_name = job->metadata.name + "-";
    pod->metadata.namespace_ = job->metadata.namespace_;
    pod->metadata.labels = job->pod_template.metadata.labels;
    // The labels the API server puts on a Job's template (job strategy generateSelector, v1.27+).
    for (const char* k : {kControllerUidLabel, kLegacyControllerUidLabel}) pod->metadata.labels[k] = job->metadata.uid;
    for (const char* k : {kJobNameLabel, kLegacyJobNameLabel}) pod->metadata.labels[k] = job->metadata.name;
    pod->metadata.annotations = job->pod_template.metadata.annotations;
    pod->metadata.owner_references = {
        api::OwnerReference{api::Job::kAPIVersion, api::Job::kKind, job->metadata.name, job->metadata.uid, true, true}};
    pod->spec = job->pod_template.spec;
    if (!shared_indexes->empty()) {
      // Indexed: addCompletionIndexAnnotation / addCompletionIndexLabel, podGenerateNameWithIndex.
      std::string ix = std::to_string((*shared_indexes)[static_cast<size_t>(i)]);
      pod->metadata.annotations[kJobCompletionIndex] = ix;
      pod->metadata.labels[kJobCompletionIndex] = ix;
      pod->metadata.generate_name = job->metadata.name + "-" + ix + "-";
    }
    api_.Create(pod, owner_.Bind([this, job, lower_adds, done](const apiserver::Response& r) {
      if (r.ok()) {
        recorder_.Event(sim_.Now(), *job, "Normal", "SuccessfulCreate", "Created pod: " + r.object->metadata.name);
      } else {
        recorder_.Event(sim_.Now(), *job, "Warning", "FailedCreate", "Error creating: " + r.message);
        lower_adds(1);
      }
      done(r.ok());
    }));
  };
  SlowStartBatch(count, create, owner_.Bind([lower_adds](int skipped) { lower_adds(skipped); }));
}

void JobController::DeletePod(const std::string& key, const std::shared_ptr<const api::Job>& job, const api::Pod& pod,
                              bool expected) {
  std::string name = pod.metadata.name, uid = job->metadata.uid, pod_uid = pod.metadata.uid;
  State& state = StateFor(key, uid);
  state.deleting.insert(pod_uid);
  if (expected) state.released.insert(pod_uid);
  api_.Delete(api::Pod::kKind, pod.metadata.namespace_, name, {},
              owner_.Bind([this, key, uid, pod_uid, job, name, expected](const apiserver::Response& r) {
                if (r.ok()) {
                  recorder_.Event(sim_.Now(), *job, "Normal", "SuccessfulDelete", "Deleted pod: " + name);
                  return;
                }
                if (r.code != apiserver::Code::kNotFound) {
                  recorder_.Event(sim_.Now(), *job, "Warning", "FailedDelete", "Error deleting: " + r.message);
                }
                auto it = states_.find(key);
                if (it == states_.end() || it->second.uid != uid) return;
                it->second.deleting.erase(pod_uid);
                if (expected) expectations_.DeletionObserved(key);
              }));
}

}  // namespace kubesim::controllers
