#include "sim/event_queue.h"

#include <string>
#include <utility>

#include "sim/check.h"

namespace kubesim::sim {
namespace {
constexpr size_t kArity = 4;
// Rebuilding costs O(heap); below this many dead keys it is not worth it.
constexpr size_t kMinCancelledToCompact = 1024;
}  // namespace

EventId EventQueue::Push(Time t, Phase phase, Callback cb) {
  KUBESIM_CHECK(cb, "EventQueue::Push of an empty callback at " + t.ToString());
  KUBESIM_CHECK(next_seq_ <= kSeqMask, "EventQueue sequence counter exhausted");
  uint32_t slot;
  if (!free_slots_.empty()) {
    slot = free_slots_.back();
    free_slots_.pop_back();
  } else {
    KUBESIM_CHECK(slots_.size() < UINT32_MAX, "EventQueue: too many pending events");
    slot = static_cast<uint32_t>(slots_.size());
    slots_.emplace_back();
  }
  Slot& s = slots_[slot];
  s.cb = std::move(cb);
  s.state = SlotState::kPending;
  const uint64_t phase_seq = (static_cast<uint64_t>(phase) << kPhaseShift) | next_seq_++;
  heap_.push_back(Key{t.nanos(), phase_seq, slot});
  SiftUp(heap_.size() - 1);
  ++live_;
  return EventId(slot, s.generation);
}

bool EventQueue::Cancel(EventId id) {
  if (!id.valid() || id.slot_ >= slots_.size()) return false;
  Slot& s = slots_[id.slot_];
  if (s.generation != id.generation_ || s.state != SlotState::kPending) return false;
  s.state = SlotState::kCancelled;
  s.cb = nullptr;  // release captured state now, not when the key surfaces
  --live_;
  ++cancelled_in_heap_;
  DropCancelledTop();
  if (cancelled_in_heap_ >= kMinCancelledToCompact && cancelled_in_heap_ > live_) Compact();
  return true;
}

Time EventQueue::NextTime() const {
  KUBESIM_CHECK(!empty(), "EventQueue::NextTime on an empty queue");
  return Time::FromNanos(heap_.front().time);
}

EventQueue::Popped EventQueue::Pop() {
  KUBESIM_CHECK(!empty(), "EventQueue::Pop on an empty queue");
  const Key top = heap_.front();
  RemoveTop();
  Slot& s = slots_[top.slot];
  Popped popped{Time::FromNanos(top.time), static_cast<Phase>(top.phase_seq >> kPhaseShift), top.phase_seq & kSeqMask,
                std::move(s.cb)};
  --live_;
  FreeSlot(top.slot);
  DropCancelledTop();
  return popped;
}

void EventQueue::FreeSlot(uint32_t slot) {
  Slot& s = slots_[slot];
  s.state = SlotState::kFree;
  s.cb = nullptr;
  if (++s.generation == 0) s.generation = 1;  // 0 is the invalid id
  free_slots_.push_back(slot);
}

void EventQueue::DropCancelledTop() {
  while (!heap_.empty() && slots_[heap_.front().slot].state == SlotState::kCancelled) {
    const uint32_t slot = heap_.front().slot;
    RemoveTop();
    --cancelled_in_heap_;
    FreeSlot(slot);
  }
}

void EventQueue::Compact() {
  size_t out = 0;
  for (size_t i = 0; i < heap_.size(); ++i) {
    if (slots_[heap_[i].slot].state == SlotState::kCancelled) {
      FreeSlot(heap_[i].slot);
    } else {
      heap_[out++] = heap_[i];
    }
  }
  heap_.resize(out);
  cancelled_in_heap_ = 0;
  // Layout changes, pop order does not: the key is total.
  if (heap_.size() > 1) {
    for (size_t i = (heap_.size() - 2) / kArity + 1; i-- > 0;) SiftDown(i);
  }
}

void EventQueue::RemoveTop() {
  const Key last = heap_.back();
  heap_.pop_back();
  if (!heap_.empty()) {
    heap_.front() = last;
    SiftDown(0);
  }
}

void EventQueue::SiftUp(size_t i) {
  const Key k = heap_[i];
  while (i > 0) {
    const size_t parent = (i - 1) / kArity;
    if (!Less(k, heap_[parent])) break;
    heap_[i] = heap_[parent];
    i = parent;
  }
  heap_[i] = k;
}

void EventQueue::SiftDown(size_t i) {
  const size_t n = heap_.size();
  const Key k = heap_[i];
  for (;;) {
    const size_t first = i * kArity + 1;
    if (first >= n) break;
    size_t best = first;
    const size_t end = first + kArity < n ? first + kArity : n;
    for (size_t c = first + 1; c < end; ++c) {
      if (Less(heap_[c], heap_[best])) best = c;
    }
    if (!Less(heap_[best], k)) break;
    heap_[i] = heap_[best];
    i = best;
  }
  heap_[i] = k;
}

}  // namespace kubesim::sim
