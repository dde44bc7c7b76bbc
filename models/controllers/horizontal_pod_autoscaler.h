// The Horizontal Pod Autoscaler controller of kube-controller-manager (upstream
// pkg/controller/podautoscaler/horizontal.go @ v1.32, autoscaling/v2). Every 15 s per HPA it reads
// the target's scale (Deployment, ReplicaSet or StatefulSet replicas and selector), computes a
// recommendation per Resource metric from metrics.k8s.io (the ReplicaCalculator), takes the
// largest, and normalizes it: without `behavior`, the legacy rules (5-minute downscale
// stabilization, scale-up limit max(2 × current, 4)); with `behavior`, stabilization windows and
// rate policies per direction. A change is written to the target's replicas with a
// SuccessfulRescale event; the HPA's status carries current/desired replicas, the metrics and the
// AbleToScale / ScalingActive / ScalingLimited conditions.
//
// Simplifications (docs/fidelity.md): Resource metrics only; metrics are read from the metrics
// server directly, without the API aggregation latency.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "models/api/autoscaling.h"
#include "models/apiserver/api_client.h"
#include "models/client/event_recorder.h"
#include "models/client/informer.h"
#include "models/client/listers.h"
#include "models/client/shared_informer_factory.h"
#include "models/client/worker.h"
#include "models/controllers/replica_calculator.h"
#include "models/metrics/metrics_server.h"
#include "sim/owner.h"
#include "sim/simulation.h"

namespace kubesim::controllers {

struct HorizontalPodAutoscalerConfig {
  sim::Duration sync_period = sim::Duration::Seconds(15);             // --horizontal-pod-autoscaler-sync-period
  sim::Duration downscale_stabilization = sim::Duration::Minutes(5);  // …-downscale-stabilization
  ReplicaCalculatorConfig calculator;
};

// One recommendation or scale event remembered per HPA, as upstream's timestampedRecommendation
// and timestampedScaleEvent.
struct TimedRecommendation {
  int32_t replicas = 0;
  sim::Time at;
};
struct ScaleEvent {
  int32_t change = 0;
  sim::Time at;
  bool outdated = false;
};

// Normalization helpers, exposed for tests against upstream's tables.
int32_t ScaleUpLimitWithRules(int32_t current, const std::vector<ScaleEvent>& up, const std::vector<ScaleEvent>& down,
                              const api::HPAScalingRules& rules, sim::Time now);
int32_t ScaleDownLimitWithRules(int32_t current, const std::vector<ScaleEvent>& up, const std::vector<ScaleEvent>& down,
                                const api::HPAScalingRules& rules, sim::Time now);

class HorizontalPodAutoscalerController {
 public:
  HorizontalPodAutoscalerController(sim::Simulation& sim, apiserver::ApiServer& api,
                                    client::SharedInformerFactory& informers, client::EventRecorder recorder,
                                    const metrics::PodMetricsSource& metrics,
                                    HorizontalPodAutoscalerConfig config = {});
  void Start();

 private:
  struct Target {
    api::ObjectPtr object;
    int32_t replicas = 0;
    const api::LabelSelector* selector = nullptr;
  };
  struct State {
    std::vector<TimedRecommendation> recommendations;
    std::vector<ScaleEvent> scale_up_events, scale_down_events;
  };

  void Sync(const std::string& key);
  std::optional<Target> GetScale(const api::HorizontalPodAutoscaler& hpa) const;
  int32_t NormalizeLegacy(const std::string& key, int32_t current, int32_t desired, int32_t min, int32_t max,
                          api::HPAStatus* st);
  int32_t NormalizeWithBehavior(const std::string& key, const api::HorizontalPodAutoscaler& hpa, int32_t current,
                                int32_t desired, int32_t min, int32_t max, api::HPAStatus* st);
  void StoreScaleEvent(const std::string& key, const api::HorizontalPodAutoscaler& hpa, int32_t prev, int32_t next);
  void SetCondition(api::HPAStatus* st, const std::string& type, const std::string& status, const std::string& reason,
                    const std::string& message);
  void WriteStatus(const api::HorizontalPodAutoscaler& hpa, api::HPAStatus st);

  sim::Simulation& sim_;
  apiserver::ApiClient api_;
  client::EventRecorder recorder_;
  const metrics::PodMetricsSource& metrics_;
  HorizontalPodAutoscalerConfig config_;
  client::Informer& hpas_;
  client::Informer& deployments_;
  client::Informer& replicasets_;
  client::Informer& statefulsets_;
  client::Informer& pods_;
  client::PodLister pod_lister_;
  client::Worker worker_;
  std::map<std::string, State> state_;  // HPA key → recommendations and scale events
  sim::Owner owner_{sim_};
};

}  // namespace kubesim::controllers
