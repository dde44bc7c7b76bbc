// Recorder: turns the committed write stream (etcd events) and the components' recorded events
// into RunResults rows. It observes; it never writes to the cluster.
#pragma once

#include <string>
#include <unordered_map>
#include <vector>

#include "models/client/event_recorder.h"
#include "models/etcd/mvcc_store.h"
#include "models/report/node_failures.h"
#include "models/report/results.h"

namespace kubesim::report {

class Recorder {
 public:
  void OnCommit(sim::Time now, const etcd::Event& e);
  void OnEvent(const client::RecordedEvent& e);
  // Copies the rows into `out` (pods in creation order).
  void Fill(RunResults* out);
  // Moves them instead: for the last look at a run, so that a long run's rows and events are not
  // held twice. The recorder keeps nothing of them afterwards.
  void Take(RunResults* out);

 private:
  PodRecord& Row(const std::string& uid);
  std::vector<PodRecord> rows_;
  // Looked up on every pod commit and event, never iterated (hash order is never observable):
  // rows_ keeps the creation order.
  std::unordered_map<std::string, size_t> by_uid_;
  std::unordered_map<std::string, std::string> uid_by_ref_;  // "Pod/ns/name" → uid of the current pod
  std::vector<client::RecordedEvent> events_;
  NodeFailureTracker failures_;
};

}  // namespace kubesim::report
