// The Job controller of kube-controller-manager (kubernetes/kubernetes
// pkg/controller/job/job_controller.go @ v1.32): runs a Job's pods to completion.
//
// Each sync counts the Job's pods (by controller reference): active, ready, terminating, and
// newly finished ones. Succeeded pods count toward completions; Failed pods (and, with the
// default podReplacementPolicy TerminatingOrFailed, pods deleted before they succeeded) count
// toward backoffLimit. More than backoffLimit failures (or, for restartPolicy OnFailure, as many
// container restarts) fail the Job with BackoffLimitExceeded; activeDeadlineSeconds past the
// start time fails it with DeadlineExceeded; either way its active pods are deleted. As v1.32
// with JobPodReplacementPolicy on, the Job first gets the interim FailureTarget (or
// SuccessCriteriaMet) condition and the terminal Failed (or Complete) one once no pod of it is
// still terminating.
//
// Replacement pods wait out the pod-failure backoff: 10 s × 2^(n−1), n the failures since the
// last success, counted from the last failure's finish time, capped at 10 min (upstream
// DefaultJobPodFailureBackOff / MaxJobPodFailureBackOff). Creations go in slow-start batches,
// at most 500 per sync, behind expectations like the ReplicaSet controller's; pod events reach a
// sync after the 1 s batch period (syncJobBatchPeriod).
//
// Simplifications (docs/fidelity.md): upstream counts finished pods through the
// batch.kubernetes.io/job-tracking finalizer and status.uncountedTerminatedPods; kubesim has no
// finalizers, so the controller remembers which pod UIDs it counted (a controller restart is not
// modelled). The Job's selector and template labels are not rewritten by the API server: the
// controller puts upstream's four Job labels on the pods it creates and finds its pods by
// controller reference. podFailurePolicy, successPolicy and backoffLimitPerIndex are not
// simulated (the codec warns).
//
// spec.suspend: a suspended Job's active pods are deleted and none is created; it gets the
// Suspended condition, has no startTime until it first runs, and resuming resets startTime
// (the activeDeadlineSeconds clock), as upstream.
//
// Indexed completion mode: each pod carries a completion index (annotation and label, generated
// name `<job>-<index>-`); the lowest indexes neither succeeded nor running are started, a Job is
// complete once every index in [0, completions) has succeeded, and status.completedIndexes lists
// them. Active pods with a duplicate or out-of-range index are removed first.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "models/api/kinds.h"
#include "models/apiserver/api_client.h"
#include "models/client/event_recorder.h"
#include "models/client/informer.h"
#include "models/client/shared_informer_factory.h"
#include "models/client/worker.h"
#include "models/controllers/controller_expectations.h"
#include "sim/owner.h"
#include "sim/simulation.h"

namespace kubesim::controllers {

inline constexpr const char* kJobNameLabel = "batch.kubernetes.io/job-name";
inline constexpr const char* kControllerUidLabel = "batch.kubernetes.io/controller-uid";
inline constexpr const char* kLegacyJobNameLabel = "job-name";
inline constexpr const char* kLegacyControllerUidLabel = "controller-uid";
// Indexed Jobs: the annotation (and, with PodIndexLabel, beta on since v1.28, the label).
inline constexpr const char* kJobCompletionIndex = "batch.kubernetes.io/job-completion-index";

// Upstream getCompletionIndex: the pod's completion index annotation, or −1 when absent or bad.
int32_t CompletionIndex(const api::Pod& pod);
// Upstream orderedIntervals.String: sorted indexes as "1,3-5,7".
std::string CompressedIndexes(const std::set<int32_t>& indexes);

// Upstream's pod-failure backoff record (backoffRecord): failures since the last success and
// when the last of them finished.
struct JobBackoffRecord {
  int32_t failures_after_last_success = 0;
  std::optional<sim::Time> last_failure_time;

  // getRemainingTimeForFailuresCount: how long pod creation must still wait at `now`.
  sim::Duration RemainingTime(sim::Time now, sim::Duration base, sim::Duration cap) const;
};

// Upstream getFinishedTime: the latest container termination, else when Ready went False, else
// deletionTimestamp minus the grace period, else the creation time.
sim::Time PodFinishedTime(const api::Pod& pod);

class JobController {
 public:
  static constexpr sim::Duration kDefaultPodFailureBackOff = sim::Duration::Seconds(10);
  static constexpr sim::Duration kMaxPodFailureBackOff = sim::Duration::Minutes(10);
  static constexpr sim::Duration kSyncJobBatchPeriod = sim::Duration::Seconds(1);
  static constexpr int kMaxPodCreateDeletePerSync = 500;

  JobController(sim::Simulation& sim, apiserver::ApiServer& api, client::SharedInformerFactory& informers,
                client::EventRecorder recorder);

  void Start();

 private:
  // A pod that left the store before a sync counted it (no finalizer held it back).
  struct Vanished {
    std::string uid;
    bool succeeded = false;
    sim::Time finished;
    int32_t index = -1;
  };
  // What the controller remembers of one Job (keyed by "namespace/name", reset if the uid changes).
  struct State {
    std::string uid;
    std::set<std::string> counted_succeeded;  // pod UIDs in status.succeeded
    std::set<std::string> counted_failed;     // pod UIDs in status.failed
    std::set<int32_t> succeeded_indexes;      // Indexed Jobs
    std::vector<Vanished> vanished;
    std::set<std::string> deleting;  // pod UIDs whose delete was sent and not yet observed
    // Pods manageJob deleted (excess or suspended): upstream deleteJobPods drops their tracking
    // finalizer first, so they never count as succeeded or failed.
    std::set<std::string> released;
    JobBackoffRecord backoff;
    // The last status this controller wrote, which its cache may not show yet: status writes
    // carry no resourceVersion precondition here (upstream's would get a 409 and retry), so a
    // sync must build on it rather than on a stale Job.
    std::optional<api::JobStatus> written;
    bool finished = false;
  };

  void OnPod(const api::ObjectPtr& old_obj, const api::ObjectPtr& obj, bool deleted);
  void Sync(const std::string& key);
  // Upstream manageJob: creates or deletes pods toward the wanted number of active ones;
  // returns the active count to report.
  int32_t ManageJob(const std::string& key, const std::shared_ptr<const api::Job>& job, State& state,
                    const std::vector<std::shared_ptr<const api::Pod>>& active, int32_t succeeded, int32_t terminating);
  // `indexes`: the completion index of each pod (Indexed), or empty (NonIndexed, `count` pods).
  void CreatePods(const std::string& key, const std::shared_ptr<const api::Job>& job, int count,
                  std::vector<int32_t> indexes);
  // `expected`: a manageJob deletion (counted in expectations, the pod released from counting);
  // otherwise a failing Job's deleteActivePods, whose pods count as failed.
  void DeletePod(const std::string& key, const std::shared_ptr<const api::Job>& job, const api::Pod& pod,
                 bool expected);
  // The state of `key` for the Job with this uid, reset (with its expectations) when the uid changed.
  State& StateFor(const std::string& key, const std::string& uid);
  // Forgets what the controller remembers of `key`.
  void ForgetJob(const std::string& key);

  sim::Simulation& sim_;
  apiserver::ApiClient api_;
  client::EventRecorder recorder_;
  client::Informer& jobs_;
  client::Informer& pods_;
  client::Worker worker_;
  std::map<std::string, State> states_;
  // By Job key; a record belongs to the uid of the key's State.
  ControllerExpectations expectations_{sim_};
  sim::Owner owner_{sim_};
};

}  // namespace kubesim::controllers
