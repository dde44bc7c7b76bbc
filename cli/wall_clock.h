// The command line's only wall-clock reads: timing.json, the progress line, and the pods/s-in-
// wall-time figures of `kubesim perf` and `compare`. Nothing in the simulation sees them, and no
// file whose bytes must repeat (summary.json, the perf JSON) contains them.
#pragma once

#include <chrono>

namespace kubesim::cli {

// Seconds since the first call.
inline double WallSeconds() {
  using Clock = std::chrono::steady_clock;
  static const Clock::time_point start = Clock::now();
  return std::chrono::duration<double>(Clock::now() - start).count();
}

}  // namespace kubesim::cli
