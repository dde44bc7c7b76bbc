// spec.output of a scenario: how the run's time series (metrics.csv, nodes.csv) are sampled.
//
//   spec:
//     output:
//       interval: 10s   # simulated time between samples; 0s turns sampling off
//
// Sampling is a scrape from outside the simulation (like Prometheus scraping /metrics every
// scrape_interval): it adds no events and changes nothing components see, so the interval never
// changes a run's fingerprint.
#pragma once

#include "models/api/yaml_node.h"
#include "sim/status.h"
#include "sim/time.h"

namespace kubesim::scenario {

struct OutputSettings {
  // Prometheus' default scrape_interval is 1m; 10s keeps short scenarios readable.
  sim::Duration interval = sim::Duration::Seconds(10);
};

// At most this many samples per run: the sampler widens the interval beyond it (with a warning),
// so a tiny interval over a long run cannot exhaust memory.
inline constexpr int64_t kMaxSamples = 100'000;

// Parses spec.output (absent or null: the defaults).
sim::Status ParseOutputSettings(const api::YamlNode& node, OutputSettings* out);

}  // namespace kubesim::scenario
