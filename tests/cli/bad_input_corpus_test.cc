// The bad-input corpus (tests/data/bad/): every file is a malformed scenario whose leading
// `# expect: FILE:LINE:COL: field: message` lines are exactly what `kubesim validate` and
// `kubesim run` must print, with exit status 2, within a time limit (no hang, no crash).
#include <sys/wait.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "tests/support/temp_dir.h"

namespace kubesim {
namespace {

using testing::ReadFile;
using testing::TempDir;

std::vector<std::string> Expected(const std::string& path) {
  std::ifstream in(path);
  std::vector<std::string> out;
  std::string line;
  while (std::getline(in, line) && line.rfind("# expect: ", 0) == 0) out.push_back(line.substr(10));
  return out;
}

TEST_CASE("Bad-input corpus: every file exits 2 with its exact messages", "[scenario][bad-input]") {
  const std::filesystem::path dir = std::filesystem::path(KUBESIM_SOURCE_DIR) / "tests/data/bad";
  std::vector<std::string> files;
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    if (e.path().extension() == ".yaml") files.push_back(e.path().filename().string());
  }
  std::sort(files.begin(), files.end());
  REQUIRE(files.size() >= 30);
  TempDir tmp;
  for (const auto& f : files) {
    std::vector<std::string> expected = Expected((dir / f).string());
    INFO(f);
    REQUIRE_FALSE(expected.empty());
    for (const std::string verb : {"validate", "run"}) {
      // Run from the corpus directory so messages name the file as the expectations do; `timeout`
      // turns a hang into a failure (exit 124) instead of a stuck suite.
      std::string cmd = "cd " + dir.string() + " && timeout 60 " + KUBESIM_BINARY + " " + verb + " " + f +
                        (verb == "run" ? " --out " + (tmp / "out") : "") + " >" + (tmp / "stdout") + " 2>" +
                        (tmp / "stderr");
      int status = std::system(cmd.c_str());
      REQUIRE(WIFEXITED(status));
      std::string err = ReadFile(tmp / "stderr");
      INFO(verb << " stderr:\n" << err);
      CHECK(WEXITSTATUS(status) == 2);
      for (const auto& line : expected) CHECK(err.find(line + "\n") != std::string::npos);
      // Nothing beyond the expected problems (and the count line) is reported.
      size_t lines = static_cast<size_t>(std::count(err.begin(), err.end(), '\n'));
      CHECK(lines == expected.size() + (expected.size() > 1 && verb == "validate" ? 1 : 0));
    }
  }
}

}  // namespace
}  // namespace kubesim
