// PrioritySort (kubernetes/kubernetes pkg/scheduler/framework/plugins/queuesort/priority_sort.go
// @ v1.32): higher spec.priority first, then the earlier queue timestamp.
#pragma once

#include "models/scheduler/framework.h"

namespace kubesim::scheduler {

class PrioritySort : public QueueSortPlugin {
 public:
  static constexpr const char* kName = "PrioritySort";
  std::string Name() const override { return kName; }
  bool Less(const api::Pod& a, sim::Time a_timestamp, const api::Pod& b, sim::Time b_timestamp) const override {
    int32_t pa = a.Priority(), pb = b.Priority();
    return pa > pb || (pa == pb && a_timestamp < b_timestamp);
  }
};

}  // namespace kubesim::scheduler
