#include "models/report/results.h"

#include <algorithm>
#include <cmath>

namespace kubesim::report {

double Percentile(const std::vector<double>& sorted, double p) {
  if (sorted.empty()) return 0;
  auto rank = static_cast<size_t>(std::ceil(p / 100.0 * static_cast<double>(sorted.size())));
  if (rank == 0) rank = 1;
  return sorted[std::min(rank, sorted.size()) - 1];
}

LatencySummary Summarize(std::vector<double> values) {
  LatencySummary s;
  if (values.empty()) return s;
  std::sort(values.begin(), values.end());
  s.count = static_cast<int64_t>(values.size());
  s.p50 = Percentile(values, 50);
  s.p90 = Percentile(values, 90);
  s.p99 = Percentile(values, 99);
  s.max = values.back();
  double sum = 0;
  for (double v : values) sum += v;  // sorted order: the same sum on every run
  s.mean = sum / static_cast<double>(values.size());
  return s;
}

const std::vector<double>* MetricsTable::Column(const std::string& name) const {
  for (size_t i = 0; i < names.size() && i < columns.size(); ++i) {
    if (names[i] == name) return &columns[i];
  }
  return nullptr;
}

void RunResults::Finalize() {
  std::vector<double> sched, startup;
  pods_scheduled = pods_unscheduled = pods_running = pods_succeeded = pods_failed = pods_deleted = 0;
  scheduling_attempts = 0;
  for (const auto& p : pods) {
    scheduling_attempts += p.attempts;
    if (p.scheduled) {
      ++pods_scheduled;
      if (p.created) sched.push_back((*p.scheduled - *p.created).ToSeconds());
    } else if (!p.deleted) {
      ++pods_unscheduled;
    }
    if (p.running && p.created) startup.push_back((*p.running - *p.created).ToSeconds());
    if (p.deleted) ++pods_deleted;
    if (p.phase == "Running" && !p.deleted) ++pods_running;
    if (p.phase == "Succeeded") ++pods_succeeded;
    if (p.phase == "Failed") ++pods_failed;
  }
  scheduling_latency = Summarize(std::move(sched));
  startup_latency = Summarize(std::move(startup));
}

}  // namespace kubesim::report
