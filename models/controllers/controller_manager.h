// kube-controller-manager: the controllers of one process, on one SharedInformerFactory, built from a
// descriptor table as upstream's NewControllerDescriptors does (kubernetes/kubernetes
// cmd/kube-controller-manager/app/controllermanager.go @ v1.32) and enabled by the same rule as its
// `--controllers` flag (staging/src/k8s.io/controller-manager/app/helper.go IsControllerEnabled):
// `*` enables every controller that is on by default, `name` enables one, `-name` disables one, the
// first entry naming a controller decides, and older names are accepted as aliases of the
// canonical ones (`nodelifecycle` for `node-lifecycle-controller`).
//
// Ownership: the manager owns its informers and controllers; it must be destroyed before the
// ApiServer and Simulation it was built on. Controllers start in table order, which is the order
// the events they schedule at start take (so it is part of every run's fingerprint).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "models/controllers/controller_names.h"
#include "models/controllers/node_ipam_config.h"
#include "sim/status.h"

namespace kubesim::sim {
class Simulation;
}
namespace kubesim::apiserver {
class ApiServer;
}
namespace kubesim::etcd {
class MvccStore;
}
namespace kubesim::metrics {
class PodMetricsSource;
}
namespace kubesim::client {
class SharedInformerFactory;
struct RecordedEvent;
}  // namespace kubesim::client

namespace kubesim::controllers {

// What a controller's init function gets (upstream ControllerContext, reduced to what kubesim's
// controllers read).
struct ControllerContext {
  sim::Simulation& sim;
  apiserver::ApiServer& api;
  client::SharedInformerFactory& informers;
  // Where Events go; each controller records under its upstream event source name.
  std::function<void(const client::RecordedEvent&)> events;
  // metrics.k8s.io, read by the HPA controller (the scenario's metrics-server).
  const metrics::PodMetricsSource& metrics;
  // Every kind the store can hold in this run (what discovery would list), for the garbage
  // collector and namespace deletion.
  std::vector<std::string> stored_kinds;
  // --terminated-pod-gc-threshold (PodGCControllerConfiguration.TerminatedPodGCThreshold).
  int64_t terminated_pod_gc_threshold;
  // --allocate-node-cidrs with its --cluster-cidr and --node-cidr-mask-size; unset: the node IPAM
  // controller does not start (upstream's init reports it disabled).
  std::optional<NodeIpamConfig> node_ipam;
};

// A running controller, as the manager holds it (upstream controller.Interface).
class Controller {
 public:
  virtual ~Controller() = default;
  virtual void Start() = 0;
};

class ControllerManager {
 public:
  // REQUIRES: `enabled` names canonical controllers (ResolveControllers' result); `sim`, `api` and
  // `metrics` outlive the manager.
  ControllerManager(sim::Simulation& sim, apiserver::ApiServer& api,
                    std::function<void(const client::RecordedEvent&)> events, const metrics::PodMetricsSource& metrics,
                    std::vector<std::string> stored_kinds, std::vector<std::string> enabled,
                    int64_t terminated_pod_gc_threshold, std::optional<NodeIpamConfig> node_ipam = std::nullopt);
  ~ControllerManager();
  ControllerManager(const ControllerManager&) = delete;
  ControllerManager& operator=(const ControllerManager&) = delete;

  // Builds and starts every enabled controller, in descriptor order.
  void Start();

  // The running controller of type T, or null when it is disabled (or not started yet).
  template <typename T>
  T* Find() const {
    for (const auto& [name, c] : controllers_) {
      if (auto* held = dynamic_cast<Held<T>*>(c.get())) return held->get();
    }
    return nullptr;
  }
  // Canonical names of the controllers that run, in start order.
  std::vector<std::string> running() const;
  // The shared informers' consistency with the store (client::Informer::CheckAgainst).
  std::vector<std::string> CheckInformers(const etcd::MvccStore& store) const;

  // Wraps a controller of any type behind Controller (the controllers need no common base).
  template <typename T>
  class Held : public Controller {
   public:
    explicit Held(std::unique_ptr<T> c) : c_(std::move(c)) {}
    void Start() override { c_->Start(); }
    T* get() const { return c_.get(); }

   private:
    std::unique_ptr<T> c_;
  };

 private:
  // The process's shared informers (one watch per resource for every controller), then the
  // context the init functions get.
  std::unique_ptr<client::SharedInformerFactory> informers_;
  ControllerContext ctx_;
  std::vector<std::string> enabled_;
  std::vector<std::pair<std::string, std::unique_ptr<Controller>>> controllers_;
};

}  // namespace kubesim::controllers
