// EventQueue: the pending-event set of one Simulation, ordered by the total key (time, phase, seq).
//
// `seq` is an insertion counter, so events with equal time and phase run FIFO; `phase` is a
// priority tier inside one instant (ns-3's (time, uid) event key plus OMNeT++'s message priority).
// Because the key is total, the pop order is a pure function of the pushes and cancels: no pointer
// order, no hash order.
//
// Representation: an implicit 4-ary min-heap of 24-byte keys (time, phase|seq, slot) over a slab of
// callbacks. EventId = (slot, generation); a slot's generation changes whenever it is freed, so a
// stale id never matches a reused slot, and cancelling is O(1) and safe at any time. Cancellation is
// lazy: the callback is released at once, the heap key stays until it reaches the top, where it is
// dropped. Invariant kept after every public call: the heap top, if any, is a live event (so
// NextTime() is const and cheap), and size() counts live events exactly. When cancelled keys outnumber
// live ones the heap is rebuilt, so cancelled far-future timeouts cannot grow it without bound.
// Ownership: the queue owns pending callbacks; Pop() moves one out to the caller.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "sim/callback.h"
#include "sim/time.h"

namespace kubesim::sim {

// Tiers of one instant. Scenario inputs (timeline actions) first, then message delivery (watch
// events, API responses), then component work (reconciles, scheduling cycles, process wake-ups), then
// observers (metrics sampling, fingerprint commits) that must see the instant's final state.
enum class Phase : uint8_t { kInput = 0, kDelivery = 1, kWork = 2, kObserve = 3 };

// Handle to a pushed event. A value; default-constructed is invalid; compares by (slot, generation).
class EventId {
 public:
  constexpr EventId() = default;
  bool valid() const { return generation_ != 0; }
  friend bool operator==(const EventId&, const EventId&) = default;

 private:
  friend class EventQueue;
  constexpr EventId(uint32_t slot, uint32_t generation) : slot_(slot), generation_(generation) {}
  uint32_t slot_ = 0;
  uint32_t generation_ = 0;  // 0 never names a live slot
};

class EventQueue {
 public:
  using Callback = sim::Callback;

  struct Popped {
    Time time;
    Phase phase;
    uint64_t seq;
    Callback cb;
  };

  EventQueue() = default;
  EventQueue(const EventQueue&) = delete;
  EventQueue& operator=(const EventQueue&) = delete;

  EventId Push(Time t, Phase phase, Callback cb);
  // True if the event was pending; false for invalid ids and events that ran or were cancelled.
  bool Cancel(EventId id);

  bool empty() const { return live_ == 0; }
  size_t size() const { return live_; }
  // REQUIRES: !empty().
  Time NextTime() const;
  // Removes the next live event and returns it. REQUIRES: !empty().
  Popped Pop();

  // The seq the next Push will get (for diagnostics).
  uint64_t next_seq() const { return next_seq_; }

 private:
  static constexpr int kPhaseShift = 62;
  static constexpr uint64_t kSeqMask = (uint64_t{1} << kPhaseShift) - 1;

  struct Key {
    int64_t time;
    uint64_t phase_seq;  // phase in the top 2 bits, seq below: one compare orders both
    uint32_t slot;
  };
  enum class SlotState : uint8_t { kFree, kPending, kCancelled };
  struct Slot {
    Callback cb;
    uint32_t generation = 1;
    SlotState state = SlotState::kFree;
  };

  static bool Less(const Key& a, const Key& b) {
    return a.time < b.time || (a.time == b.time && a.phase_seq < b.phase_seq);
  }
  void SiftUp(size_t i);
  void SiftDown(size_t i);
  void RemoveTop();
  void FreeSlot(uint32_t slot);
  void DropCancelledTop();
  void Compact();

  std::vector<Key> heap_;
  std::vector<Slot> slots_;
  std::vector<uint32_t> free_slots_;
  size_t live_ = 0;
  size_t cancelled_in_heap_ = 0;
  uint64_t next_seq_ = 0;
};

}  // namespace kubesim::sim
