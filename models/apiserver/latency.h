// LatencyModel: how long a modelled step takes, as a lognormal given by its median and p99
// (the two figures published measurements report for most steps; docs/calibration.md), or a
// fixed delay when p99 == median.
#pragma once

#include <cmath>

#include "sim/random.h"
#include "sim/time.h"

namespace kubesim::apiserver {

struct LatencyModel {
  sim::Duration median;
  sim::Duration p99;

  static LatencyModel Fixed(sim::Duration d) { return {d, d}; }

  // z(0.99) of the standard normal: p99 = median · exp(σ · 2.3263).
  double Sigma() const {
    if (p99 <= median || median <= sim::Duration::Zero()) return 0.0;
    return std::log(p99.ToSeconds() / median.ToSeconds()) / 2.3263478740408408;
  }
  sim::Duration Sample(sim::Rng& rng) const {
    double sigma = Sigma();
    if (sigma == 0.0) return median;
    return rng.LogNormalDuration(median, sigma);
  }
};

}  // namespace kubesim::apiserver
