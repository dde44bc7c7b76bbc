#include "models/report/recorder.h"

#include "models/api/pod.h"

namespace kubesim::report {

PodRecord& Recorder::Row(const std::string& uid) {
  auto it = by_uid_.find(uid);
  if (it != by_uid_.end()) return rows_[it->second];
  by_uid_[uid] = rows_.size();
  rows_.emplace_back();
  rows_.back().uid = uid;
  return rows_.back();
}

void Recorder::OnCommit(sim::Time now, const etcd::Event& e) {
  failures_.OnCommit(now, e);
  auto pod = api::As<api::Pod>(e.object);
  if (!pod) return;
  PodRecord& r = Row(pod->metadata.uid);
  if (e.type == etcd::EventType::kDelete) {
    if (!r.deleted) r.deleted = now;
    uid_by_ref_.erase(api::ObjectRef(*pod));
    // Nothing is committed for this uid again: its row stays, its index entry goes.
    by_uid_.erase(pod->metadata.uid);
    return;
  }
  if (!r.created) {
    r.created = now;
    r.namespace_ = pod->metadata.namespace_;
    r.name = pod->metadata.name;
    uid_by_ref_[api::ObjectRef(*pod)] = pod->metadata.uid;
  }
  if (!pod->spec.node_name.empty() && r.node.empty()) {
    r.node = pod->spec.node_name;
    // A pod created with spec.nodeName was never scheduled; it counts as placed at creation.
    r.scheduled = now;
  }
  r.phase = pod->status.phase;
  if (r.phase == api::kPodRunning && !r.running) r.running = now;
  if (pod->IsTerminal() && !r.finished) r.finished = now;
}

void Recorder::OnEvent(const client::RecordedEvent& e) {
  events_.push_back(e);
  failures_.OnEvent(e);
  if (e.reason != "Scheduled" && e.reason != "FailedScheduling") return;
  auto it = uid_by_ref_.find(e.object);
  if (it == uid_by_ref_.end()) return;
  PodRecord& r = Row(it->second);
  r.attempts++;
  if (e.reason == "FailedScheduling") r.last_failure = e.message;
}

void Recorder::Fill(RunResults* out) {
  out->pods = rows_;
  out->events = events_;
  out->node_failures = failures_.Failures();
}

void Recorder::Take(RunResults* out) {
  out->pods = std::move(rows_);
  out->events = std::move(events_);
  out->node_failures = failures_.Failures();
  rows_.clear();
  events_.clear();
  by_uid_.clear();
}

}  // namespace kubesim::report
