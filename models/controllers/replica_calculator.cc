#include "models/controllers/replica_calculator.h"

#include <cmath>
#include <set>

namespace kubesim::controllers {
namespace {

struct Groups {
  int32_t ready = 0;
  std::set<std::string> unready, missing, ignored;
};

// groupPods: which pods' samples count.
Groups GroupPods(const std::vector<std::shared_ptr<const api::Pod>>& pods,
                 const std::map<std::string, metrics::PodMetric>& metrics, const std::string& resource, sim::Time now,
                 const ReplicaCalculatorConfig& config) {
  Groups g;
  for (const auto& pod : pods) {
    const std::string key = api::NamespacedName(pod->metadata);
    if (pod->metadata.deletion_timestamp || pod->status.phase == api::kPodFailed) {
      g.ignored.insert(key);
      continue;
    }
    if (pod->status.phase == api::kPodPending) {
      g.unready.insert(key);
      continue;
    }
    auto m = metrics.find(key);
    if (m == metrics.end()) {
      g.missing.insert(key);
      continue;
    }
    if (resource == "cpu") {
      const api::PodCondition* ready = pod->FindCondition("Ready");
      bool unready;
      if (ready == nullptr || !pod->status.start_time) {
        unready = true;
      } else if (*pod->status.start_time + config.cpu_initialization_period > now) {
        // Within the initialization period: a sample taken before one full window of readiness
        // may include start-up CPU, so it is not trusted.
        unready = ready->status == "False" || m->second.timestamp < ready->last_transition_time + m->second.window;
      } else {
        // Unready and never ready since shortly after it started.
        unready = ready->status == "False" &&
                  *pod->status.start_time + config.delay_of_initial_readiness > ready->last_transition_time;
      }
      if (unready) {
        g.unready.insert(key);
        continue;
      }
    }
    ++g.ready;
  }
  return g;
}

// calculatePodRequests, in milli-units as upstream (MilliValue for memory too).
sim::StatusOr<std::map<std::string, int64_t>> PodRequests(const std::vector<std::shared_ptr<const api::Pod>>& pods,
                                                          const std::string& resource) {
  std::map<std::string, int64_t> requests;
  for (const auto& pod : pods) {
    int64_t sum = 0;
    for (const auto& c : pod->spec.containers) {
      auto it = c.requests.find(resource);
      if (it == c.requests.end()) {
        return sim::InvalidArgument("missing request for " + resource + " in container " + c.name + " of Pod " +
                                    pod->metadata.name);
      }
      sum += it->second.MilliValue();
    }
    requests[api::NamespacedName(pod->metadata)] = sum;
  }
  return requests;
}

// A pod's sample in milli-units of `resource`.
int64_t Value(const metrics::PodMetric& m, const std::string& resource) {
  return resource == "cpu" ? m.cpu_milli : m.memory_bytes * 1000;
}

// Either ratio function of upstream: utilization of requests, or plain average against a target.
struct Ratio {
  double ratio = 0;
  int32_t utilization = 0;
  int64_t average = 0;
};

// The common algorithm of GetResourceReplicas and calcPlainMetricReplicas. `ratio` computes the
// usage ratio over a sample set; `fill_missing` is the value a missing pod gets when scaling down.
template <typename RatioFn, typename FillFn>
sim::StatusOr<ReplicaRecommendation> Calculate(int32_t current, std::map<std::string, int64_t> samples, const Groups& g,
                                               const ReplicaCalculatorConfig& config, RatioFn ratio,
                                               FillFn fill_missing) {
  for (const auto& k : g.ignored) samples.erase(k);
  for (const auto& k : g.unready) samples.erase(k);
  if (samples.empty()) return sim::InvalidArgument("did not receive metrics for targeted pods (pods might be unready)");
  KUBESIM_ASSIGN_OR_RETURN(Ratio r, ratio(samples));
  ReplicaRecommendation out{current, r.utilization, r.average};
  const bool scale_up_with_unready = !g.unready.empty() && r.ratio > 1.0;
  if (!scale_up_with_unready && g.missing.empty()) {
    if (std::fabs(1.0 - r.ratio) <= config.tolerance) return out;
    out.replicas = static_cast<int32_t>(std::ceil(r.ratio * g.ready));
    return out;
  }
  // Assume the worst for the pods the controller cannot see, in the direction of the change.
  for (const auto& k : g.missing) {
    if (r.ratio < 1.0)
      samples[k] = fill_missing(k);
    else if (r.ratio > 1.0)
      samples[k] = 0;
  }
  if (scale_up_with_unready) {
    for (const auto& k : g.unready) samples[k] = 0;
  }
  KUBESIM_ASSIGN_OR_RETURN(Ratio n, ratio(samples));
  if (std::fabs(1.0 - n.ratio) <= config.tolerance || (r.ratio < 1.0 && n.ratio > 1.0) ||
      (r.ratio > 1.0 && n.ratio < 1.0)) {
    return out;  // the unseen pods would flip or cancel the change
  }
  const int32_t replicas = static_cast<int32_t>(std::ceil(n.ratio * static_cast<double>(samples.size())));
  if ((n.ratio < 1.0 && replicas > current) || (n.ratio > 1.0 && replicas < current)) return out;
  out.replicas = replicas;
  return out;
}

std::map<std::string, int64_t> Samples(const std::vector<std::shared_ptr<const api::Pod>>& pods,
                                       const std::map<std::string, metrics::PodMetric>& metrics,
                                       const std::string& resource) {
  std::map<std::string, int64_t> samples;
  for (const auto& pod : pods) {
    const std::string key = api::NamespacedName(pod->metadata);
    auto it = metrics.find(key);
    if (it != metrics.end()) samples[key] = Value(it->second, resource);
  }
  return samples;
}

}  // namespace

sim::StatusOr<ReplicaRecommendation> GetResourceReplicas(int32_t current_replicas, int32_t target_utilization,
                                                         const std::string& resource,
                                                         const std::vector<std::shared_ptr<const api::Pod>>& pods,
                                                         const std::map<std::string, metrics::PodMetric>& metrics,
                                                         sim::Time now, const ReplicaCalculatorConfig& config) {
  if (pods.empty()) return sim::InvalidArgument("no pods returned by selector while calculating replica count");
  Groups g = GroupPods(pods, metrics, resource, now, config);
  KUBESIM_ASSIGN_OR_RETURN(auto requests, PodRequests(pods, resource));
  // GetResourceUtilizationRatio: integer percent of the summed requests.
  auto ratio = [&](const std::map<std::string, int64_t>& samples) -> sim::StatusOr<Ratio> {
    int64_t usage = 0, requested = 0, n = 0;
    for (const auto& [k, v] : samples) {
      auto req = requests.find(k);
      if (req == requests.end()) continue;
      usage += v;
      requested += req->second;
      ++n;
    }
    if (requested == 0) return sim::InvalidArgument("no metrics returned matched known pods");
    Ratio r;
    r.utilization = static_cast<int32_t>(usage * 100 / requested);
    r.ratio = static_cast<double>(r.utilization) / static_cast<double>(target_utilization);
    r.average = usage / n;
    return r;
  };
  auto fill = [&](const std::string& k) { return requests[k] * std::max<int64_t>(100, target_utilization) / 100; };
  return Calculate(current_replicas, Samples(pods, metrics, resource), g, config, ratio, fill);
}

sim::StatusOr<ReplicaRecommendation> GetRawResourceReplicas(int32_t current_replicas, int64_t target_average,
                                                            const std::string& resource,
                                                            const std::vector<std::shared_ptr<const api::Pod>>& pods,
                                                            const std::map<std::string, metrics::PodMetric>& metrics,
                                                            sim::Time now, const ReplicaCalculatorConfig& config) {
  if (pods.empty()) return sim::InvalidArgument("no pods returned by selector while calculating replica count");
  Groups g = GroupPods(pods, metrics, resource, now, config);
  // GetMetricUsageRatio: the average per pod against the target.
  auto ratio = [&](const std::map<std::string, int64_t>& samples) -> sim::StatusOr<Ratio> {
    int64_t total = 0;
    for (const auto& [k, v] : samples) total += v;
    Ratio r;
    r.average = total / static_cast<int64_t>(samples.size());
    r.ratio = static_cast<double>(r.average) / static_cast<double>(target_average);
    return r;
  };
  auto fill = [&](const std::string&) { return target_average; };
  return Calculate(current_replicas, Samples(pods, metrics, resource), g, config, ratio, fill);
}

}  // namespace kubesim::controllers
