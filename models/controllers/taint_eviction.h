// The taint eviction controller (kube-controller-manager `taint-eviction-controller`, v1.29+;
// kubernetes/kubernetes pkg/controller/tainteviction/taint_eviction.go @ v1.32): deletes pods from
// nodes with NoExecute taints they do not tolerate — at once when a taint is not tolerated at all,
// else after the shortest tolerationSeconds of the tolerations that match (no seconds: never; ≤ 0:
// at once), counted from when the controller first saw the pod on the tainted node. A taint that
// goes away cancels the pending eviction.
#pragma once

#include <map>
#include <memory>
#include <string>

#include "models/api/node.h"
#include "models/api/pod.h"
#include "models/apiserver/api_client.h"
#include "models/client/event_recorder.h"
#include "models/client/informer.h"
#include "models/client/shared_informer_factory.h"
#include "sim/owner.h"
#include "sim/simulation.h"

namespace kubesim::controllers {

class TaintEvictionController {
 public:
  TaintEvictionController(sim::Simulation& sim, apiserver::ApiServer& api, client::SharedInformerFactory& informers,
                          client::EventRecorder recorder);
  ~TaintEvictionController();

  void Start();

 private:
  struct Scheduled {
    sim::EventId event;
    sim::Time created;  // when the eviction was first scheduled
    sim::Time trigger;
  };

  void SyncNode(const std::string& node);
  void SyncPod(const api::Pod& pod);
  void Cancel(const std::string& uid);
  void Evict(const std::string& key, const std::string& uid);

  sim::Simulation& sim_;
  apiserver::ApiClient api_;
  client::EventRecorder recorder_;
  client::Informer& nodes_;
  client::Informer& pods_;
  std::map<std::string, Scheduled> scheduled_;  // pod uid → pending eviction
  sim::Owner owner_{sim_};
};

}  // namespace kubesim::controllers
