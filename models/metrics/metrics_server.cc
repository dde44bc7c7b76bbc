#include "models/metrics/metrics_server.h"

#include "models/api/kinds.h"
#include "models/api/quantity.h"
#include "models/client/listers.h"

namespace kubesim::metrics {

MetricsServer::MetricsServer(sim::Simulation& sim, apiserver::ApiServer& api, std::vector<WorkloadLoad> loads)
    : sim_(sim),
      api_(sim, api, "metrics-server"),
      loads_(std::move(loads)),
      pods_(sim, api_, api::Pod::kKind),
      deployments_(sim, api_, api::Deployment::kKind),
      replicasets_(sim, api_, api::ReplicaSet::kKind),
      statefulsets_(sim, api_, api::StatefulSet::kKind) {}

void MetricsServer::Start() {
  started_ = sim_.Now();
  pods_.Start();
  deployments_.Start();
  replicasets_.Start();
  statefulsets_.Start();
}

sim::Time MetricsServer::LastScrape() const {
  const int64_t since = (sim_.Now() - started_).nanos();
  return sim_.Now() - sim::Duration::Nanoseconds(since % kResolution.nanos());
}

std::optional<PodMetric> MetricsServer::Get(const std::string& key) const {
  auto pod = api::As<api::Pod>(pods_.Get(key));
  if (!pod || pod->status.phase != api::kPodRunning || !pod->status.start_time) return std::nullopt;
  const sim::Time scrape = LastScrape();
  if (*pod->status.start_time > scrape - kResolution) return std::nullopt;  // one sample so far
  if (shares_at_ != scrape) {
    shares_.clear();
    for (const auto& load : loads_) {
      std::vector<std::string> ready = ReadyPods(load);
      if (ready.empty()) continue;
      const int64_t demand = load.cpu.MilliAt(scrape - sim::Time::Zero());
      const int64_t n = static_cast<int64_t>(ready.size());
      for (int64_t i = 0; i < n; ++i) shares_[ready[static_cast<size_t>(i)]] += demand / n + (i < demand % n ? 1 : 0);
    }
    shares_at_ = scrape;
  }
  PodMetric m;
  auto c = shares_.find(key);
  m.cpu_milli = c == shares_.end() ? 0 : c->second;
  auto mem = pod->metadata.annotations.find(kMemoryUsageAnnotation);
  if (mem != pod->metadata.annotations.end()) {
    auto q = api::Quantity::Parse(mem->second);
    if (q.ok()) m.memory_bytes = q->Value();
  }
  m.timestamp = scrape;
  m.window = kResolution;
  return m;
}

std::vector<std::string> MetricsServer::ReadyPods(const WorkloadLoad& load) const {
  std::vector<std::string> out;
  const std::string key = load.ns + "/" + load.name;
  const api::LabelSelector* selector = nullptr;
  std::shared_ptr<const api::Deployment> d;
  std::shared_ptr<const api::ReplicaSet> rs;
  if (load.kind == api::Deployment::kKind && (d = api::As<api::Deployment>(deployments_.Get(key))))
    selector = &d->selector;
  if (load.kind == api::ReplicaSet::kKind && (rs = api::As<api::ReplicaSet>(replicasets_.Get(key))))
    selector = &rs->selector;
  std::shared_ptr<const api::StatefulSet> ss;
  if (load.kind == api::StatefulSet::kKind && (ss = api::As<api::StatefulSet>(statefulsets_.Get(key))))
    selector = &ss->selector;
  if (selector == nullptr) return out;
  const client::PodLister pods(pods_.GetIndexer());
  for (const auto& pod : pods.Pods(load.ns).List(client::Selector::FromLabelSelector(*selector))) {
    const api::PodCondition* ready = pod->FindCondition("Ready");
    if (pod->status.phase == api::kPodRunning && !pod->metadata.deletion_timestamp && ready != nullptr &&
        ready->status == "True") {
      out.push_back(api::NamespacedName(pod->metadata));
    }
  }
  return out;
}

}  // namespace kubesim::metrics
