// The node-failure timeline of a run (summary.json "node_failures"): for each node that failed,
// when it failed, when the control plane noticed (Ready → Unknown, unreachable taints), when its
// pods were evicted and when their controllers' replacements were created, bound and Ready.
//
// Derived only from what the Recorder already sees — the committed writes (etcd watch) and the
// recorded events — never from hooks inside controllers, so it reports what the API server
// stored, as a user reading the cluster would see it.
#pragma once

#include <deque>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "models/client/event_recorder.h"
#include "models/etcd/mvcc_store.h"
#include "sim/time.h"

namespace kubesim::report {

struct ReplacementRecord {
  std::string pod;  // namespace/name
  std::string node;
  std::optional<sim::Time> created, scheduled, ready;
};

struct EvictionRecord {
  std::string pod;     // namespace/name
  sim::Time at;        // deletion (deletionTimestamp) committed
  std::string reason;  // "TaintManagerEviction", or "Deleted" for any other deletion
  std::string owner;   // Kind/name of the controller owner, empty for bare pods
  std::optional<ReplacementRecord> replacement;
};

struct NodeFailure {
  std::string node;
  std::string zone;                                  // topology.kubernetes.io/zone, may be empty
  std::optional<sim::Time> failed;                   // the scenario's action (KubeletStopped or NodeCrashed event)
  std::optional<sim::Time> last_lease_renewal;       // the Lease's last renewTime before Unknown
  std::optional<sim::Time> unknown;                  // Ready → Unknown committed
  std::optional<sim::Time> unreachable_no_schedule;  // node.kubernetes.io/unreachable:NoSchedule committed
  std::optional<sim::Time> unreachable_no_execute;   // node.kubernetes.io/unreachable:NoExecute committed
  std::optional<sim::Time> ready_again;              // Ready → True committed after the failure
  std::vector<EvictionRecord> evictions;             // in commit order
  // Derived by Finalize(): failure → Unknown, NoExecute taint → first eviction, failure → every
  // controller-owned evicted pod's replacement Ready (absent while one is missing).
  std::optional<double> detection_delay_seconds;
  std::optional<double> eviction_delay_seconds;
  std::optional<double> recovery_seconds;

  void Finalize();
};

// Builds NodeFailure records from the commit and event streams, in the order they happen.
class NodeFailureTracker {
 public:
  void OnCommit(sim::Time now, const etcd::Event& e);
  void OnEvent(const client::RecordedEvent& e);
  // The failures in the order they opened, with replacements filled in and figures derived.
  std::vector<NodeFailure> Failures() const;

 private:
  struct NodeState {
    std::string zone;
    std::string ready = "True";
    std::optional<sim::Time> last_renew;
    std::optional<size_t> open;  // index of the failure in progress
    bool restarted = false;      // its kubelet was restarted during that failure
  };
  struct PodState {
    std::string ref;  // namespace/name
    std::string node;
    std::string owner_uid, owner;
    std::optional<sim::Time> created, scheduled, ready;
    bool deleting = false;
  };

  size_t Open(const std::string& node);
  void OnNode(sim::Time now, const etcd::Event& e);
  void OnPod(sim::Time now, const etcd::Event& e);

  // Looked up on every commit, never iterated (hash order is never observable).
  std::unordered_map<std::string, NodeState> nodes_;
  std::unordered_map<std::string, PodState> pods_;  // by uid
  std::vector<NodeFailure> failures_;
  std::map<std::string, std::string> eviction_reason_;  // "Pod/ns/name" → reason of the last event
  // Controller uid → evictions (failure index, eviction index) still waiting for a replacement,
  // oldest first: the controller's next new pod replaces the oldest.
  std::map<std::string, std::deque<std::pair<size_t, size_t>>> waiting_;
  std::map<std::pair<size_t, size_t>, std::string> replacement_uid_;
  std::set<std::string> replacements_;  // the uids in replacement_uid_, kept in pods_ once deleted
};

}  // namespace kubesim::report
