#include "models/scheduler/scheduling_queue.h"

namespace kubesim::scheduler {

bool SchedulingQueue::ActiveLess::operator()(const std::pair<uint64_t, std::string>& a,
                                             const std::pair<uint64_t, std::string>& b) const {
  const QueuedPodInfo& ia = q->entries_.at(a.second).info;
  const QueuedPodInfo& ib = q->entries_.at(b.second).info;
  if (q->sort_.Less(*ia.pod, ia.timestamp, *ib.pod, ib.timestamp)) return true;
  if (q->sort_.Less(*ib.pod, ib.timestamp, *ia.pod, ia.timestamp)) return false;
  return a.first < b.first;
}

SchedulingQueue::SchedulingQueue(sim::Simulation& sim, const QueueSortPlugin& sort, QueueConfig config)
    : sim_(sim), sort_(sort), config_(config), active_(ActiveLess{this}) {}

namespace {
bool IsPodUpdated(const api::Pod& a, const api::Pod& b) {
  const api::ObjectMeta &x = a.metadata, &y = b.metadata;
  return x.labels != y.labels || x.annotations != y.annotations || x.deletion_timestamp != y.deletion_timestamp ||
         x.owner_references != y.owner_references || !(a.spec == b.spec);
}

}  // namespace

void SchedulingQueue::Run() {
  owner_.Every(sim::Duration::Seconds(1), [this]() { FlushBackoffQCompleted(); });
  owner_.Every(sim::Duration::Seconds(30), [this]() { FlushUnschedulableLeftover(); });
}

sim::Duration SchedulingQueue::BackoffDuration(int attempts) const {
  if (attempts <= 0) return sim::Duration::Zero();
  sim::Duration d = config_.pod_initial_backoff;
  for (int i = 1; i < attempts; ++i) {
    d = d * 2;
    if (d >= config_.pod_max_backoff) return config_.pod_max_backoff;
  }
  return std::min(d, config_.pod_max_backoff);
}

sim::Time SchedulingQueue::BackoffExpiry(const QueuedPodInfo& info) const {
  return info.timestamp + BackoffDuration(info.attempts);
}

bool SchedulingQueue::IsBackingOff(const QueuedPodInfo& info) const { return BackoffExpiry(info) > sim_.Now(); }

void SchedulingQueue::NotifyActive() {
  if (on_active_) on_active_();
}

void SchedulingQueue::PushActive(QueuedPodInfo info) {
  std::string uid = info.pod->metadata.uid;
  uint64_t seq = seq_++;
  entries_[uid] = Entry{std::move(info), seq};
  active_.emplace(seq, uid);
  NotifyActive();
}

void SchedulingQueue::PushBackoff(QueuedPodInfo info) {
  std::string uid = info.pod->metadata.uid;
  uint64_t seq = seq_++;
  int64_t expiry = BackoffExpiry(info).nanos();
  entries_[uid] = Entry{std::move(info), seq};
  backoff_.emplace(expiry, seq, uid);
}

void SchedulingQueue::MoveToActiveOrBackoff(QueuedPodInfo info) {
  if (IsBackingOff(info)) {
    PushBackoff(std::move(info));
  } else {
    PushActive(std::move(info));
  }
}

void SchedulingQueue::Add(std::shared_ptr<const api::Pod> pod) {
  const std::string& uid = pod->metadata.uid;
  if (entries_.count(uid) || unschedulable_.count(uid) || in_flight_.count(uid)) return;
  QueuedPodInfo info;
  info.pod = std::move(pod);
  info.timestamp = sim_.Now();
  info.initial_attempt_timestamp = sim_.Now();
  if (pre_enqueue_ && !pre_enqueue_(*info.pod)) {
    info.gated = true;
    info.requeue_events = kEventUnscheduledPodUpdate;
    unschedulable_[uid] = std::move(info);
    return;
  }
  PushActive(std::move(info));
}

size_t SchedulingQueue::gated_size() const {
  size_t n = 0;
  for (const auto& [uid, info] : unschedulable_) n += info.gated ? 1 : 0;
  return n;
}

void SchedulingQueue::Update(std::shared_ptr<const api::Pod> pod) {
  const std::string& uid = pod->metadata.uid;
  auto e = entries_.find(uid);
  if (e != entries_.end()) {
    // Re-key: the pod's priority may have changed.
    uint64_t seq = e->second.seq;
    bool in_active = active_.erase({seq, uid}) > 0;
    e->second.info.pod = std::move(pod);
    if (in_active) active_.emplace(seq, uid);
    return;
  }
  auto u = unschedulable_.find(uid);
  if (u != unschedulable_.end()) {
    if (u->second.gated) {
      // A gated pod leaves the pool only when the update lets it pass PreEnqueue.
      u->second.pod = std::move(pod);
      if (pre_enqueue_ && !pre_enqueue_(*u->second.pod)) return;
      QueuedPodInfo info = std::move(u->second);
      unschedulable_.erase(u);
      info.gated = false;
      info.timestamp = sim_.Now();
      PushActive(std::move(info));
      return;
    }
    // Only an update of what the pod asks for may make it schedulable (upstream isPodUpdated:
    // status, resourceVersion and generation do not count, so the scheduler's own status writes
    // do not requeue the pod).
    if (!IsPodUpdated(*u->second.pod, *pod)) {
      u->second.pod = std::move(pod);
      return;
    }
    QueuedPodInfo info = std::move(u->second);
    unschedulable_.erase(u);
    info.pod = std::move(pod);
    MoveToActiveOrBackoff(std::move(info));
    return;
  }
  if (!in_flight_.count(uid)) Add(std::move(pod));
}

void SchedulingQueue::Delete(const std::string& uid) {
  in_flight_.erase(uid);
  unschedulable_.erase(uid);
  auto e = entries_.find(uid);
  if (e == entries_.end()) return;
  uint64_t seq = e->second.seq;
  if (active_.erase({seq, uid}) == 0) {
    // Timestamp and attempts do not change while a pod backs off, so its key is recomputable.
    backoff_.erase({BackoffExpiry(e->second.info).nanos(), seq, uid});
  }
  entries_.erase(e);
}

std::optional<QueuedPodInfo> SchedulingQueue::Pop() {
  if (active_.empty()) return std::nullopt;
  auto first = active_.begin();
  std::string uid = first->second;
  active_.erase(first);
  auto e = entries_.find(uid);
  QueuedPodInfo info = std::move(e->second.info);
  entries_.erase(e);
  info.attempts++;
  ++scheduling_cycle_;
  in_flight_.insert(uid);
  return info;
}

void SchedulingQueue::AddUnschedulableIfNotPresent(QueuedPodInfo info, int64_t pod_scheduling_cycle) {
  const std::string uid = info.pod->metadata.uid;
  if (!in_flight_.erase(uid)) return;  // deleted while in flight
  if (entries_.count(uid) || unschedulable_.count(uid)) return;
  info.timestamp = sim_.Now();
  if (move_request_cycle_ >= pod_scheduling_cycle || info.unschedulable_plugins.empty()) {
    PushBackoff(std::move(info));
  } else {
    unschedulable_[uid] = std::move(info);
  }
}

void SchedulingQueue::MoveAllToActiveOrBackoffQueue(uint32_t event) {
  std::vector<std::string> moved;
  for (const auto& [uid, info] : unschedulable_) {
    if (!info.gated && (info.requeue_events & event)) moved.push_back(uid);
  }
  for (const auto& uid : moved) {
    QueuedPodInfo info = std::move(unschedulable_[uid]);
    unschedulable_.erase(uid);
    MoveToActiveOrBackoff(std::move(info));
  }
  move_request_cycle_ = scheduling_cycle_;
}

void SchedulingQueue::FlushBackoffQCompleted() {
  const int64_t now = sim_.Now().nanos();
  while (!backoff_.empty() && std::get<0>(*backoff_.begin()) <= now) {
    std::string uid = std::get<2>(*backoff_.begin());
    backoff_.erase(backoff_.begin());
    auto e = entries_.find(uid);
    QueuedPodInfo info = std::move(e->second.info);
    entries_.erase(e);
    PushActive(std::move(info));
  }
}

void SchedulingQueue::FlushUnschedulableLeftover() {
  std::vector<std::string> stale;
  for (const auto& [uid, info] : unschedulable_) {
    if (!info.gated && sim_.Now() - info.timestamp > config_.max_in_unschedulable) stale.push_back(uid);
  }
  for (const auto& uid : stale) {
    QueuedPodInfo info = std::move(unschedulable_[uid]);
    unschedulable_.erase(uid);
    MoveToActiveOrBackoff(std::move(info));
  }
}

}  // namespace kubesim::scheduler
