#include "models/report/pod_columns.h"

#include <catch2/catch.hpp>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "models/report/writers.h"

namespace kubesim::report {
namespace {

std::string Trim(const std::string& s) {
  const size_t b = s.find_first_not_of(" \t");
  if (b == std::string::npos) return "";
  return s.substr(b, s.find_last_not_of(" \t") - b + 1);
}

// The cells of each row of the first Markdown table under the heading `heading`, header row
// included, separator row left out. A cell's surrounding backticks are removed.
std::vector<std::vector<std::string>> MarkdownTable(const std::string& path, const std::string& heading) {
  std::ifstream in(path);
  REQUIRE(in);
  std::vector<std::vector<std::string>> rows;
  std::string line;
  bool in_section = false;
  while (std::getline(in, line)) {
    if (line.rfind("#", 0) == 0) {
      if (in_section) break;
      in_section = line == heading;
      continue;
    }
    if (!in_section) continue;
    if (line.rfind("|", 0) != 0) {
      if (!rows.empty()) break;  // the end of the table
      continue;
    }
    if (line.find("---") != std::string::npos) continue;
    std::vector<std::string> cells;
    std::stringstream ss(line.substr(1));
    std::string cell;
    while (std::getline(ss, cell, '|')) cells.push_back(Trim(cell));
    if (!cells.empty() && cells.back().empty()) cells.pop_back();  // after the closing '|'
    for (auto& c : cells) {
      if (c.size() >= 2 && c.front() == '`' && c.back() == '`') c = c.substr(1, c.size() - 2);
    }
    rows.push_back(cells);
  }
  return rows;
}

TEST_CASE("docs/results.md's table of pods.csv is kPodColumns", "[report]") {
  const auto rows = MarkdownTable(std::string(KUBESIM_SOURCE_DIR) + "/docs/results.md", "## pods.csv");
  std::vector<std::vector<std::string>> want = {{"column", "type", "meaning"}};
  std::string table = "| column | type | meaning |\n|---|---|---|\n";
  for (const PodColumn& c : kPodColumns) {
    want.push_back({std::string(c.name), std::string(PodColumnType(c)), std::string(c.meaning)});
    table +=
        "| `" + std::string(c.name) + "` | " + std::string(PodColumnType(c)) + " | " + std::string(c.meaning) + " |\n";
  }
  INFO("docs/results.md, section \"## pods.csv\", should have this table (models/report/pod_columns.h):\n" << table);
  CHECK(rows == want);
}

TEST_CASE("PodsCsv writes kPodColumns in order, as before the table existed", "[report]") {
  RunResults r;
  PodRecord a;
  a.uid = "00000000-0000-4000-8000-000000000001";
  a.namespace_ = "default";
  a.name = "web-0";
  a.node = "node-a0";
  a.created = sim::Time::FromNanos(1'500'000'000);
  a.scheduled = sim::Time::FromNanos(1'518'500'000);
  a.running = sim::Time::FromNanos(3'000'000'001);
  a.phase = "Running";
  a.attempts = 1;
  PodRecord b;
  b.uid = "00000000-0000-4000-8000-000000000002";
  b.namespace_ = "team";
  b.name = "big";
  b.created = sim::Time::FromNanos(2'000'000'000);
  b.deleted = sim::Time::FromNanos(62'000'000'000);
  b.attempts = 12;
  b.last_failure = "0/2 nodes are available: 2 Insufficient \"cpu\", 1 node(s) had untolerated taint.";
  r.pods = {a, b};
  // The bytes the hand-written writer produced.
  CHECK(PodsCsv(r) ==
        "namespace,name,node,created,scheduled,running,finished,deleted,phase,attempts,uid,last_failure\n"
        "default,web-0,node-a0,1.500000000,1.518500000,3.000000001,,,Running,1,00000000-0000-4000-8000-000000000001,"
        "\n"
        "team,big,,2.000000000,,,,62.000000000,Pending,12,00000000-0000-4000-8000-000000000002,"
        "\"0/2 nodes are available: 2 Insufficient \"\"cpu\"\", 1 node(s) had untolerated taint.\"\n");
  CHECK(PodsCsv(RunResults{}) ==
        "namespace,name,node,created,scheduled,running,finished,deleted,phase,attempts,uid,last_failure\n");
}

TEST_CASE("Every pod column has a distinct name, a type and a meaning", "[report]") {
  for (size_t i = 0; i < kPodColumns.size(); ++i) {
    INFO(kPodColumns[i].name);
    CHECK_FALSE(kPodColumns[i].meaning.empty());
    CHECK(kPodColumns[i].meaning.find('|') == std::string_view::npos);  // a Markdown table cell
    for (size_t j = 0; j < i; ++j) CHECK(kPodColumns[i].name != kPodColumns[j].name);
  }
  CHECK(PodColumnType(kPodColumns[0]) == "string");
  CHECK(PodColumnType(kPodColumns[3]) == "seconds");
  CHECK(PodColumnType(kPodColumns[9]) == "integer");
}

}  // namespace
}  // namespace kubesim::report
