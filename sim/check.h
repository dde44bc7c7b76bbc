// Always-on invariant checks: a broken invariant is a bug, so it stops the run loudly in every
// build type instead of corrupting a simulation silently.
//
// KUBESIM_CHECK(cond, msg) evaluates `msg` (anything convertible to std::string) only when `cond`
// is false, prints file:line and the message to stderr and aborts. Code that owns a Simulation
// should prefer KUBESIM_SIM_CHECK (sim/simulation.h), which also prints simulated time and sequence.
#pragma once

#include <string>

namespace kubesim::sim {

[[noreturn]] void CheckFailed(const char* file, int line, const std::string& msg);

}  // namespace kubesim::sim

#define KUBESIM_CHECK(cond, msg)                              \
  do {                                                        \
    if (!(cond)) [[unlikely]] {                               \
      ::kubesim::sim::CheckFailed(__FILE__, __LINE__, (msg)); \
    }                                                         \
  } while (0)
