#include "sim/check.h"

#include <cstdio>
#include <cstdlib>

namespace kubesim::sim {

void CheckFailed(const char* file, int line, const std::string& msg) {
  std::fprintf(stderr, "%s:%d: KUBESIM_CHECK failed: %s\n", file, line, msg.c_str());
  std::fflush(stderr);
  std::abort();
}

}  // namespace kubesim::sim
