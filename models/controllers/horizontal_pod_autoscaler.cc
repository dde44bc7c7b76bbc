#include "models/controllers/horizontal_pod_autoscaler.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "models/api/codec.h"
#include "models/api/kinds.h"

namespace kubesim::controllers {
namespace {

// getReplicasChangePerPeriod: replicas added (or removed) by the events within the period.
int32_t ChangeInPeriod(int32_t period_seconds, const std::vector<ScaleEvent>& events, sim::Time now) {
  const sim::Time cutoff = now - sim::Duration::Seconds(period_seconds);
  int32_t n = 0;
  for (const auto& e : events) {
    if (e.at > cutoff) n += e.change;
  }
  return n;
}

std::string MetricName(const api::ResourceMetricSource& m) {
  return m.target_type == "Utilization" ? m.resource + " resource utilization (percentage of request)"
                                        : m.resource + " resource";
}

}  // namespace

int32_t ScaleUpLimitWithRules(int32_t current, const std::vector<ScaleEvent>& up, const std::vector<ScaleEvent>& down,
                              const api::HPAScalingRules& rules, sim::Time now) {
  if (rules.select_policy == "Disabled") return current;
  const bool max = rules.select_policy == "Max";
  int32_t result = max ? std::numeric_limits<int32_t>::min() : std::numeric_limits<int32_t>::max();
  for (const auto& p : rules.policies) {
    // Each policy bounds the change relative to the replica count at the start of its period.
    const int32_t start =
        current - ChangeInPeriod(p.period_seconds, up, now) + ChangeInPeriod(p.period_seconds, down, now);
    const int32_t proposed = p.type == "Pods"
                                 ? start + p.value
                                 : static_cast<int32_t>(std::ceil(static_cast<double>(start) * (1 + p.value / 100.0)));
    result = max ? std::max(result, proposed) : std::min(result, proposed);
  }
  return result;
}

int32_t ScaleDownLimitWithRules(int32_t current, const std::vector<ScaleEvent>& up, const std::vector<ScaleEvent>& down,
                                const api::HPAScalingRules& rules, sim::Time now) {
  if (rules.select_policy == "Disabled") return current;
  // "Max" picks the policy allowing the biggest change: the smallest lower limit.
  const bool max = rules.select_policy == "Max";
  int32_t result = max ? std::numeric_limits<int32_t>::max() : std::numeric_limits<int32_t>::min();
  for (const auto& p : rules.policies) {
    const int32_t start =
        current - ChangeInPeriod(p.period_seconds, up, now) + ChangeInPeriod(p.period_seconds, down, now);
    const int32_t proposed =
        p.type == "Pods" ? start - p.value : static_cast<int32_t>(static_cast<double>(start) * (1 - p.value / 100.0));
    result = max ? std::min(result, proposed) : std::max(result, proposed);
  }
  return result;
}

HorizontalPodAutoscalerController::HorizontalPodAutoscalerController(sim::Simulation& sim, apiserver::ApiServer& api,
                                                                     client::SharedInformerFactory& informers,
                                                                     client::EventRecorder recorder,
                                                                     const metrics::PodMetricsSource& metrics,
                                                                     HorizontalPodAutoscalerConfig config)
    : sim_(sim),
      api_(sim, api, "kube-controller-manager/horizontal-pod-autoscaler"),
      recorder_(std::move(recorder)),
      metrics_(metrics),
      config_(config),
      hpas_(informers.For(api::HorizontalPodAutoscaler::kKind)),
      deployments_(informers.For(api::Deployment::kKind)),
      replicasets_(informers.For(api::ReplicaSet::kKind)),
      statefulsets_(informers.For(api::StatefulSet::kKind)),
      pods_(informers.For(api::Pod::kKind)),
      pod_lister_(pods_.GetIndexer()),
      worker_(
          sim,
          [this]() {
            return hpas_.HasSynced() && deployments_.HasSynced() && replicasets_.HasSynced() &&
                   statefulsets_.HasSynced() && pods_.HasSynced();
          },
          [this](const std::string& key) { Sync(key); }) {}

void HorizontalPodAutoscalerController::Start() {
  auto enqueue = [this](const api::ObjectPtr& o) { worker_.queue().Add(api::NamespacedName(o->metadata)); };
  hpas_.AddEventHandlers(
      {enqueue, nullptr, [this](const api::ObjectPtr& o) { state_.erase(api::NamespacedName(o->metadata)); }});
  hpas_.Start();
  deployments_.Start();
  replicasets_.Start();
  statefulsets_.Start();
  pods_.Start();
}

std::optional<HorizontalPodAutoscalerController::Target> HorizontalPodAutoscalerController::GetScale(
    const api::HorizontalPodAutoscaler& hpa) const {
  const std::string key = hpa.metadata.namespace_ + "/" + hpa.scale_target_ref.name;
  Target t;
  if (hpa.scale_target_ref.kind == api::Deployment::kKind) {
    auto d = api::As<api::Deployment>(deployments_.Get(key));
    if (!d) return std::nullopt;
    t.object = d;
    t.replicas = d->replicas;
    t.selector = &d->selector;
  } else if (hpa.scale_target_ref.kind == api::ReplicaSet::kKind) {
    auto rs = api::As<api::ReplicaSet>(replicasets_.Get(key));
    if (!rs) return std::nullopt;
    t.object = rs;
    t.replicas = rs->replicas;
    t.selector = &rs->selector;
  } else if (hpa.scale_target_ref.kind == api::StatefulSet::kKind) {
    auto ss = api::As<api::StatefulSet>(statefulsets_.Get(key));
    if (!ss) return std::nullopt;
    t.object = ss;
    t.replicas = ss->replicas;
    t.selector = &ss->selector;
  } else {
    return std::nullopt;
  }
  return t;
}

void HorizontalPodAutoscalerController::SetCondition(api::HPAStatus* st, const std::string& type,
                                                     const std::string& status, const std::string& reason,
                                                     const std::string& message) {
  for (auto& c : st->conditions) {
    if (c.type != type) continue;
    if (c.status != status) c.last_transition_time = sim_.Now();
    c.status = status;
    c.reason = reason;
    c.message = message;
    return;
  }
  st->conditions.push_back({type, status, reason, message, sim_.Now()});
}

void HorizontalPodAutoscalerController::Sync(const std::string& key) {
  auto hpa = api::As<api::HorizontalPodAutoscaler>(hpas_.Get(key));
  if (!hpa) {
    state_.erase(key);
    return;
  }
  // The resync period: every HPA is reconciled again after sync_period.
  worker_.queue().AddAfter(key, config_.sync_period);
  const sim::Time now = sim_.Now();
  api::HPAStatus st = hpa->status;
  st.observed_generation = hpa->metadata.generation;
  const std::string target_ref = hpa->scale_target_ref.kind + "/" + hpa->scale_target_ref.name;
  std::optional<Target> target = GetScale(*hpa);
  if (!target) {
    const std::string msg = "the HPA controller was unable to get the target's current scale: " +
                            api::ResourceOf(hpa->scale_target_ref.kind) + " \"" + hpa->scale_target_ref.name +
                            "\" not found";
    SetCondition(&st, "AbleToScale", "False", "FailedGetScale", msg);
    recorder_.Event(now, *hpa, "Warning", "FailedGetScale", msg);
    WriteStatus(*hpa, std::move(st));
    return;
  }
  SetCondition(&st, "AbleToScale", "True", "SucceededGetScale",
               "the HPA controller was able to get the target's current scale");
  const int32_t current = target->replicas;
  State& state = state_[key];
  if (state.recommendations.empty()) state.recommendations.push_back({current, now});  // recordInitialRecommendation

  int32_t desired = 0;
  std::string reason;
  bool rescale = false;
  if (current == 0 && hpa->min_replicas != 0) {
    SetCondition(&st, "ScalingActive", "False", "ScalingDisabled",
                 "scaling is disabled since the replica count of the target is zero");
  } else if (current > hpa->max_replicas) {
    reason = "Current number of replicas above Spec.MaxReplicas";
    desired = hpa->max_replicas;
    rescale = true;
  } else if (current < hpa->min_replicas) {
    reason = "Current number of replicas below Spec.MinReplicas";
    desired = hpa->min_replicas;
    rescale = true;
  } else {
    // computeReplicasForMetrics over the target's pods.
    std::vector<std::shared_ptr<const api::Pod>> pods;
    std::map<std::string, metrics::PodMetric> samples;
    for (auto& pod :
         pod_lister_.Pods(hpa->metadata.namespace_).List(client::Selector::FromLabelSelector(*target->selector))) {
      std::string pod_key = api::NamespacedName(pod->metadata);
      pods.push_back(std::move(pod));
      if (auto m = metrics_.Get(pod_key)) samples[pod_key] = *m;
    }
    int32_t proposal = -1;
    std::string metric_name, first_error;
    int invalid = 0;
    st.current_utilization.assign(hpa->metrics.size(), 0);
    st.current_average_value.assign(hpa->metrics.size(), api::Quantity());
    for (size_t i = 0; i < hpa->metrics.size(); ++i) {
      const api::ResourceMetricSource& m = hpa->metrics[i];
      auto rec =
          m.target_type == "Utilization"
              ? GetResourceReplicas(current, m.average_utilization, m.resource, pods, samples, now, config_.calculator)
              : GetRawResourceReplicas(current, m.average_value.MilliValue(), m.resource, pods, samples, now,
                                       config_.calculator);
      if (!rec.ok()) {
        ++invalid;
        const std::string msg = "failed to get " + m.resource + " utilization: " + rec.status().message();
        if (first_error.empty()) first_error = msg;
        SetCondition(&st, "ScalingActive", "False", "FailedGetResourceMetric",
                     "the HPA was unable to compute the replica count: " + msg);
        recorder_.Event(now, *hpa, "Warning", "FailedGetResourceMetric", msg);
        continue;
      }
      st.current_utilization[i] = rec->utilization;
      st.current_average_value[i] = api::Quantity::FromMilli(rec->raw_average);
      if (rec->replicas > proposal) {
        proposal = rec->replicas;
        metric_name = MetricName(m);
      }
    }
    if (invalid >= static_cast<int>(hpa->metrics.size())) {
      st.current_replicas = current;
      recorder_.Event(now, *hpa, "Warning", "FailedComputeMetricsReplicas",
                      "invalid metrics (" + std::to_string(invalid) + " invalid out of " +
                          std::to_string(hpa->metrics.size()) + "), first error is: " + first_error);
      WriteStatus(*hpa, std::move(st));
      return;
    }
    SetCondition(&st, "ScalingActive", "True", "ValidMetricFound",
                 "the HPA was able to successfully calculate a replica count from " + metric_name);
    desired = proposal;
    if (desired > current) reason = metric_name + " above target";
    if (desired < current) reason = "All metrics below target";
    desired = hpa->behavior
                  ? NormalizeWithBehavior(key, *hpa, current, desired, hpa->min_replicas, hpa->max_replicas, &st)
                  : NormalizeLegacy(key, current, desired, hpa->min_replicas, hpa->max_replicas, &st);
    rescale = desired != current;
  }
  st.current_replicas = current;
  if (!rescale) {
    st.desired_replicas = current;
    WriteStatus(*hpa, std::move(st));
    return;
  }
  // Update the target's scale, then record the outcome as upstream does after the write.
  auto copy = target->object->Clone();
  if (auto* d = dynamic_cast<api::Deployment*>(copy.get())) d->replicas = desired;
  if (auto* rs = dynamic_cast<api::ReplicaSet*>(copy.get())) rs->replicas = desired;
  if (auto* ss = dynamic_cast<api::StatefulSet*>(copy.get())) ss->replicas = desired;
  std::shared_ptr<const api::HorizontalPodAutoscaler> subject = hpa;
  api_.Update(copy,
              owner_.Bind([this, key, subject, st, current, desired, reason](const apiserver::Response& r) mutable {
                const std::string size = "New size: " + std::to_string(desired) + "; reason: " + reason;
                if (!r.ok()) {
                  recorder_.Event(sim_.Now(), *subject, "Warning", "FailedRescale", size + "; error: " + r.message);
                  SetCondition(&st, "AbleToScale", "False", "FailedUpdateScale",
                               "the HPA controller was unable to update the target scale: " + r.message);
                  st.desired_replicas = current;
                } else {
                  SetCondition(&st, "AbleToScale", "True", "SucceededRescale",
                               "the HPA controller was able to update the target scale to " + std::to_string(desired));
                  recorder_.Event(sim_.Now(), *subject, "Normal", "SuccessfulRescale", size);
                  StoreScaleEvent(key, *subject, current, desired);
                  st.desired_replicas = desired;
                  st.last_scale_time = sim_.Now();
                }
                if (auto cur = api::As<api::HorizontalPodAutoscaler>(hpas_.Get(key))) WriteStatus(*cur, std::move(st));
              }));
}

int32_t HorizontalPodAutoscalerController::NormalizeLegacy(const std::string& key, int32_t current, int32_t desired,
                                                           int32_t min, int32_t max, api::HPAStatus* st) {
  // stabilizeRecommendation: the highest recommendation of the downscale window wins.
  const sim::Time now = sim_.Now(), cutoff = now - config_.downscale_stabilization;
  auto& recs = state_[key].recommendations;
  int32_t stabilized = desired;
  int old_index = -1;
  for (size_t i = 0; i < recs.size(); ++i) {
    if (recs[i].at < cutoff) {
      old_index = static_cast<int>(i);
    } else {
      stabilized = std::max(stabilized, recs[i].replicas);
    }
  }
  if (old_index >= 0) {
    recs[static_cast<size_t>(old_index)] = {desired, now};
  } else {
    recs.push_back({desired, now});
  }
  if (stabilized != desired) {
    SetCondition(st, "AbleToScale", "True", "ScaleDownStabilized",
                 "recent recommendations were higher than current one, applying the highest recent recommendation");
  } else {
    SetCondition(st, "AbleToScale", "True", "ReadyForNewScale", "recommended size matches current size");
  }
  // convertDesiredReplicasWithRules: scale up at most to max(2 × current, 4) per sync.
  const int32_t scale_up_limit = static_cast<int32_t>(std::max(2.0 * current, 4.0));
  int32_t result = stabilized;
  std::string cond = "DesiredWithinRange", msg = "the desired count is within the acceptable range";
  const int32_t max_allowed = std::min(max, scale_up_limit);
  if (stabilized < min) {
    result = min;
    cond = "TooFewReplicas";
    msg = "the desired replica count is less than the minimum replica count";
  } else if (stabilized > max_allowed) {
    result = max_allowed;
    if (max > scale_up_limit) {
      cond = "ScaleUpLimit";
      msg = "the desired replica count is increasing faster than the maximum scale rate";
    } else {
      cond = "TooManyReplicas";
      msg = "the desired replica count is more than the maximum replica count";
    }
  }
  SetCondition(st, "ScalingLimited", result == stabilized ? "False" : "True", cond, msg);
  return result;
}

int32_t HorizontalPodAutoscalerController::NormalizeWithBehavior(const std::string& key,
                                                                 const api::HorizontalPodAutoscaler& hpa,
                                                                 int32_t current, int32_t desired, int32_t min,
                                                                 int32_t max, api::HPAStatus* st) {
  const sim::Time now = sim_.Now();
  const api::HPABehavior& b = *hpa.behavior;
  // maybeInitScaleDownStabilizationWindow: an unset scale-down window is the controller flag's.
  const int64_t up_window = b.scale_up.stabilization_window_seconds.value_or(0);
  const int64_t down_window =
      b.scale_down.stabilization_window_seconds.value_or(config_.downscale_stabilization.nanos() / 1'000'000'000);
  const sim::Time up_cutoff = now - sim::Duration::Seconds(up_window);
  const sim::Time down_cutoff = now - sim::Duration::Seconds(down_window);
  State& state = state_[key];
  // stabilizeRecommendationWithBehaviors: scale up to the lowest recommendation of the up window,
  // down to the highest of the down window.
  int32_t up = desired, down = desired;
  int old_index = -1;
  for (size_t i = 0; i < state.recommendations.size(); ++i) {
    const auto& r = state.recommendations[i];
    if (r.at > up_cutoff) up = std::min(up, r.replicas);
    if (r.at > down_cutoff) down = std::max(down, r.replicas);
    if (r.at < up_cutoff && r.at < down_cutoff) old_index = static_cast<int>(i);
  }
  int32_t stabilized = current;
  if (stabilized < up) stabilized = up;
  if (stabilized > down) stabilized = down;
  if (old_index >= 0) {
    state.recommendations[static_cast<size_t>(old_index)] = {desired, now};
  } else {
    state.recommendations.push_back({desired, now});
  }
  if (stabilized != desired) {
    if (desired >= current) {
      SetCondition(st, "AbleToScale", "True", "ScaleUpStabilized",
                   "recent recommendations were lower than current one, applying the lowest recent recommendation");
    } else {
      SetCondition(st, "AbleToScale", "True", "ScaleDownStabilized",
                   "recent recommendations were higher than current one, applying the highest recent recommendation");
    }
  } else {
    SetCondition(st, "AbleToScale", "True", "ReadyForNewScale", "recommended size matches current size");
  }
  // convertDesiredReplicasWithBehaviorRate.
  int32_t result = stabilized;
  std::string cond = "DesiredWithinRange", msg = "the desired count is within the acceptable range";
  if (stabilized > current) {
    int32_t limit = std::max(
        current, ScaleUpLimitWithRules(current, state.scale_up_events, state.scale_down_events, b.scale_up, now));
    int32_t max_allowed = max;
    if (max_allowed > limit) {
      max_allowed = limit;
      cond = "ScaleUpLimit";
      msg = "the desired replica count is increasing faster than the maximum scale rate";
    } else {
      cond = "TooManyReplicas";
      msg = "the desired replica count is more than the maximum replica count";
    }
    if (stabilized > max_allowed) {
      result = max_allowed;
    } else {
      cond = "DesiredWithinRange";
      msg = "the desired count is within the acceptable range";
    }
  } else if (stabilized < current) {
    int32_t limit = std::min(
        current, ScaleDownLimitWithRules(current, state.scale_up_events, state.scale_down_events, b.scale_down, now));
    int32_t min_allowed = min;
    if (min_allowed < limit) {
      min_allowed = limit;
      cond = "ScaleDownLimit";
      msg = "the desired replica count is decreasing faster than the maximum scale rate";
    } else {
      cond = "TooFewReplicas";
      msg = "the desired replica count is less than the minimum replica count";
    }
    if (stabilized < min_allowed) {
      result = min_allowed;
    } else {
      cond = "DesiredWithinRange";
      msg = "the desired count is within the acceptable range";
    }
  }
  SetCondition(st, "ScalingLimited", result == stabilized ? "False" : "True", cond, msg);
  return result;
}

void HorizontalPodAutoscalerController::StoreScaleEvent(const std::string& key, const api::HorizontalPodAutoscaler& hpa,
                                                        int32_t prev, int32_t next) {
  if (!hpa.behavior) return;
  const sim::Time now = sim_.Now();
  const bool up = next > prev;
  const api::HPAScalingRules& rules = up ? hpa.behavior->scale_up : hpa.behavior->scale_down;
  auto& events = up ? state_[key].scale_up_events : state_[key].scale_down_events;
  int32_t longest = 0;
  for (const auto& p : rules.policies) longest = std::max(longest, p.period_seconds);
  // markScaleEventsOutdated, then reuse an outdated slot.
  for (auto& e : events) {
    if (e.at <= now - sim::Duration::Seconds(longest)) e.outdated = true;
  }
  ScaleEvent e{up ? next - prev : prev - next, now, false};
  for (auto& old : events) {
    if (old.outdated) {
      old = e;
      return;
    }
  }
  events.push_back(e);
}

void HorizontalPodAutoscalerController::WriteStatus(const api::HorizontalPodAutoscaler& hpa, api::HPAStatus st) {
  if (st == hpa.status) return;
  auto copy = hpa.DeepCopy();
  copy->status = std::move(st);
  api_.UpdateStatus(copy, nullptr);
}

}  // namespace kubesim::controllers
