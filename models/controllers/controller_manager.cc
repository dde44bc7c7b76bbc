#include "models/controllers/controller_manager.h"

#include <algorithm>
#include <map>

#include "models/client/event_recorder.h"
#include "models/client/shared_informer_factory.h"
#include "models/controllers/daemonset.h"
#include "models/controllers/deployment.h"
#include "models/controllers/disruption.h"
#include "models/controllers/endpointslice.h"
#include "models/controllers/garbage_collector.h"
#include "models/controllers/horizontal_pod_autoscaler.h"
#include "models/controllers/job.h"
#include "models/controllers/namespace.h"
#include "models/controllers/node_ipam.h"
#include "models/controllers/node_lifecycle.h"
#include "models/controllers/pod_gc.h"
#include "models/controllers/replicaset.h"
#include "models/controllers/serviceaccount.h"
#include "models/controllers/statefulset.h"
#include "models/controllers/taint_eviction.h"
#include "models/controllers/tokens_controller.h"

namespace kubesim::controllers {
namespace {

using InitFunc = std::function<std::unique_ptr<Controller>(const ControllerContext&)>;

template <typename T>
std::unique_ptr<Controller> Hold(std::unique_ptr<T> c) {
  return std::make_unique<ControllerManager::Held<T>>(std::move(c));
}

client::EventRecorder Recorder(const ControllerContext& ctx, const char* source) {
  return client::EventRecorder(ctx.events, source);
}

// Upstream's init functions (cmd/kube-controller-manager/app/{core,apps,batch,autoscaling,
// policy,discovery}.go @ v1.32 start*Controller), by canonical name. The event sources are the
// ones upstream's recorders use.
const std::map<std::string, InitFunc>& InitFuncs() {
  static const std::map<std::string, InitFunc> kInit = {
      {"node-lifecycle-controller",
       [](const ControllerContext& c) {
         return Hold(
             std::make_unique<NodeLifecycleController>(c.sim, c.api, c.informers, Recorder(c, "node-controller")));
       }},
      {"taint-eviction-controller",
       [](const ControllerContext& c) {
         return Hold(std::make_unique<TaintEvictionController>(c.sim, c.api, c.informers,
                                                               Recorder(c, "taint-eviction-controller")));
       }},
      {"replicaset-controller",
       [](const ControllerContext& c) {
         return Hold(
             std::make_unique<ReplicaSetController>(c.sim, c.api, c.informers, Recorder(c, "replicaset-controller")));
       }},
      {"deployment-controller",
       [](const ControllerContext& c) {
         return Hold(
             std::make_unique<DeploymentController>(c.sim, c.api, c.informers, Recorder(c, "deployment-controller")));
       }},
      {"horizontal-pod-autoscaler-controller",
       [](const ControllerContext& c) {
         return Hold(std::make_unique<HorizontalPodAutoscalerController>(
             c.sim, c.api, c.informers, Recorder(c, "horizontal-pod-autoscaler"), c.metrics));
       }},
      {"job-controller",
       [](const ControllerContext& c) {
         return Hold(std::make_unique<JobController>(c.sim, c.api, c.informers, Recorder(c, "job-controller")));
       }},
      {"daemonset-controller",
       [](const ControllerContext& c) {
         return Hold(
             std::make_unique<DaemonSetController>(c.sim, c.api, c.informers, Recorder(c, "daemonset-controller")));
       }},
      {"statefulset-controller",
       [](const ControllerContext& c) {
         return Hold(
             std::make_unique<StatefulSetController>(c.sim, c.api, c.informers, Recorder(c, "statefulset-controller")));
       }},
      {"garbage-collector-controller",
       [](const ControllerContext& c) {
         return Hold(std::make_unique<GarbageCollector>(c.sim, c.api, c.informers,
                                                        Recorder(c, "garbage-collector-controller"), c.stored_kinds));
       }},
      {"disruption-controller",
       [](const ControllerContext& c) {
         return Hold(
             std::make_unique<DisruptionController>(c.sim, c.api, c.informers, Recorder(c, "controllermanager")));
       }},
      {"endpointslice-controller",
       [](const ControllerContext& c) {
         return Hold(std::make_unique<EndpointSliceController>(c.sim, c.api, c.informers,
                                                               Recorder(c, "endpoint-slice-controller")));
       }},
      {"namespace-controller",
       [](const ControllerContext& c) {
         return Hold(std::make_unique<NamespaceController>(c.sim, c.api, c.informers,
                                                           Recorder(c, "namespace-controller"), c.stored_kinds));
       }},
      {"serviceaccount-controller",
       [](const ControllerContext& c) {
         return Hold(std::make_unique<ServiceAccountsController>(c.sim, c.api, c.informers,
                                                                 Recorder(c, "service-account-controller")));
       }},
      {"serviceaccount-token-controller",
       [](const ControllerContext& c) { return Hold(std::make_unique<TokensController>(c.sim, c.api)); }},
      {"pod-garbage-collector-controller",
       [](const ControllerContext& c) {
         return Hold(std::make_unique<PodGCController>(c.sim, c.api, c.informers, c.terminated_pod_gc_threshold));
       }},
      {"node-ipam-controller",
       [](const ControllerContext& c) -> std::unique_ptr<Controller> {
         if (!c.node_ipam) return nullptr;
         return Hold(std::make_unique<NodeIpamController>(c.sim, c.api, c.informers, Recorder(c, "cidrAllocator"),
                                                          *c.node_ipam));
       }},
  };
  return kInit;
}

}  // namespace

ControllerManager::ControllerManager(sim::Simulation& sim, apiserver::ApiServer& api,
                                     std::function<void(const client::RecordedEvent&)> events,
                                     const metrics::PodMetricsSource& metrics, std::vector<std::string> stored_kinds,
                                     std::vector<std::string> enabled, int64_t terminated_pod_gc_threshold,
                                     std::optional<NodeIpamConfig> node_ipam)
    : informers_(std::make_unique<client::SharedInformerFactory>(sim, api, "kube-controller-manager")),
      ctx_{sim,      api, *informers_, std::move(events), metrics, std::move(stored_kinds), terminated_pod_gc_threshold,
           node_ipam},
      enabled_(std::move(enabled)) {}

ControllerManager::~ControllerManager() {
  // Controllers hold handlers on the shared informers: they go first, in reverse start order.
  while (!controllers_.empty()) controllers_.pop_back();
  informers_.reset();
}

void ControllerManager::Start() {
  // Each controller is built and started before the next is built, as upstream's StartControllers
  // runs each init function in turn.
  for (const auto& known : KnownControllers()) {
    if (std::find(enabled_.begin(), enabled_.end(), known.name) == enabled_.end()) continue;
    std::unique_ptr<Controller> c = InitFuncs().at(known.name)(ctx_);
    if (!c) continue;  // enabled by name, but its own settings turn it off (node IPAM without CIDRs)
    controllers_.emplace_back(known.name, std::move(c));
    controllers_.back().second->Start();
  }
}

std::vector<std::string> ControllerManager::running() const {
  std::vector<std::string> names;
  for (const auto& [name, c] : controllers_) names.push_back(name);
  return names;
}

std::vector<std::string> ControllerManager::CheckInformers(const etcd::MvccStore& store) const {
  return informers_->CheckAgainst(store);
}

}  // namespace kubesim::controllers
