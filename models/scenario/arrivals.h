// Arrival processes of a workload generator (`arrivals:` of a `spec.workloads` entry): when pods
// are submitted. Both are Poisson processes, the standard model of independent submissions:
//
//   {poisson: {rate: 30/m}}     homogeneous: exponential inter-arrival times with mean 1/rate.
//   {diurnal: {mean: 30/m, amplitude: 0.6, period: 24h, peak: 14h}}
//                               non-homogeneous, rate λ(t) = mean·(1 + amplitude·cos(2π(t−peak)/period)),
//                               sampled by thinning (Lewis & Shedler 1979): candidates at the peak
//                               rate mean·(1+amplitude), each kept with probability λ(t)/λmax.
//
// A rate is COUNT/UNIT: `30/m`, `0.5/s`, `100/h`, or COUNT/DURATION such as `5/10m`. Times are
// simulation time (t = 0 is the start of the run), so `peak: 14h` is 14 hours into the run.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "models/api/yaml_node.h"
#include "sim/random.h"
#include "sim/status.h"
#include "sim/time.h"

namespace kubesim::scenario {

struct ArrivalProcess {
  enum class Kind { kPoisson, kDiurnal };
  Kind kind = Kind::kPoisson;
  double rate = 0;       // per second: the rate (Poisson) or the mean rate (diurnal)
  double amplitude = 0;  // diurnal: 0..1
  sim::Duration period = sim::Duration::Hours(24);
  sim::Duration peak = sim::Duration::Zero();

  // λ(t) per second at `t` seconds into the run.
  double RateAt(double t_seconds) const;
  // The largest rate the process ever has (what thinning proposes at).
  double MaxRate() const;
  // The expected number of arrivals in [start, end) (for the size guard at load time).
  double ExpectedCount(sim::Duration start, sim::Duration end) const;
  // Arrival times in [start, end), ascending, at most `cap` of them. Draws only from `rng`:
  // Poisson one NextU64 per arrival, diurnal two per candidate (an exponential gap and a uniform
  // for the thinning test), so the sequence depends only on the stream's seed.
  std::vector<sim::Duration> Times(sim::Rng& rng, sim::Duration start, sim::Duration end, int64_t cap) const;
};

// `30/m` → 0.5 (per second). Errors name the node.
sim::StatusOr<double> ParseRate(const api::YamlNode& node);
// The `arrivals:` map.
sim::StatusOr<ArrivalProcess> ParseArrivals(const api::YamlNode& node);

}  // namespace kubesim::scenario
