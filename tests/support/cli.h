// The `kubesim` binary as users and CI call it, for tests of the command line: exit status and
// what it printed.
#pragma once

#include <sys/wait.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <string>

#include "tests/support/temp_dir.h"

namespace kubesim::testing {

struct CliResult {
  int exit_code;
  std::string out;
  std::string err;
};

// Runs `kubesim ARGS`, its output captured in files of `dir`.
inline CliResult Kubesim(const std::string& args, const TempDir& dir) {
  std::string cmd = std::string(KUBESIM_BINARY) + " " + args + " >" + (dir / "stdout") + " 2>" + (dir / "stderr");
  int status = std::system(cmd.c_str());
  REQUIRE(WIFEXITED(status));
  return CliResult{WEXITSTATUS(status), ReadFile(dir / "stdout"), ReadFile(dir / "stderr")};
}

// A path in the source tree.
inline std::string Src(const std::string& rel) { return std::string(KUBESIM_SOURCE_DIR) + "/" + rel; }

}  // namespace kubesim::testing
