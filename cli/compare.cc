#include "cli/compare.h"

#include <filesystem>
#include <fstream>
#include <iostream>

#include "models/compare/compare.h"
#include "models/compare/writers.h"

namespace kubesim::cli {
namespace {

constexpr int kExitRegressed = 1;
constexpr int kExitBadInput = 2;
// Enough for a tight interval; a guard against a typo like --seeds 50000 running for hours.
constexpr int kMaxSeeds = 1000;

bool WriteFile(const std::string& path, const std::string& text) {
  std::error_code ec;
  std::filesystem::path p(path);
  if (p.has_parent_path()) std::filesystem::create_directories(p.parent_path(), ec);
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  out.close();
  if (!out) {
    std::cerr << path << ": cannot write the report\n";
    return false;
  }
  return true;
}

}  // namespace

CLI::App* AddCompareCommand(CLI::App& app, CompareArgs* args) {
  CLI::App* cmd = app.add_subcommand(
      "compare", "Compare a candidate scheduler configuration with a baseline over scenarios and seeds");
  cmd->add_option("scenarios", args->scenarios, "Scenario YAML files")->required();
  cmd->add_option("--baseline", args->baseline, "The baseline KubeSchedulerConfiguration file")->required();
  cmd->add_option("--candidate", args->candidate, "The candidate KubeSchedulerConfiguration file")->required();
  cmd->add_option("--seeds", args->seeds, "Runs per policy and scenario, seeds spec.seed .. spec.seed+N-1 (default 5)")
      ->check(CLI::Range(1, kMaxSeeds));
  cmd->add_option("--jobs,-j", args->jobs, "Runs at once on separate threads (default 1); results do not depend on it")
      ->check(CLI::Range(1, 64));
  cmd->add_option("--junit", args->junit, "Write a JUnit XML report here");
  cmd->add_option("--markdown", args->markdown, "Write a Markdown report here");
  cmd->add_flag("--quiet,-q", args->quiet, "Print only errors and the final verdict line");
  return cmd;
}

int RunCompare(const CompareArgs& args, const scheduler::Registry& registry) {
  // Everything is loaded and checked before the first run: bad input fails in seconds, not after
  // minutes of simulation.
  std::vector<compare::PreparedScenario> prepared;
  for (const auto& path : args.scenarios) {
    auto p = compare::Prepare(path, args.baseline, args.candidate, registry);
    if (!p.ok()) {
      std::cerr << p.status().message() << "\n";
      return kExitBadInput;
    }
    for (const auto& w : p->scenario.warnings) std::cerr << "warning: " << w << "\n";
    prepared.push_back(std::move(p).value());
  }
  compare::ComparisonReport report;
  report.baseline_config = args.baseline;
  report.candidate_config = args.candidate;
  report.seeds = args.seeds;
  for (const auto& p : prepared) {
    if (!args.quiet) std::cerr << "comparing " << p.scenario.name << ": " << 2 * args.seeds << " runs\n";
    auto s = compare::RunComparison(p, args.seeds, registry, args.jobs);
    if (!s.ok()) {
      std::cerr << s.status().message() << "\n";
      return kExitBadInput;
    }
    report.scenarios.push_back(std::move(s).value());
  }
  std::string text = compare::TextReport(report);
  if (args.quiet) {
    std::cout << text.substr(text.rfind('\n', text.size() - 2) + 1);
  } else {
    std::cout << text;
  }
  bool written = true;
  if (!args.junit.empty()) written = WriteFile(args.junit, compare::JUnitXml(report)) && written;
  if (!args.markdown.empty()) written = WriteFile(args.markdown, compare::MarkdownReport(report)) && written;
  if (!written) return kExitRegressed;
  return report.Count(compare::Verdict::kRegressed) > 0 ? kExitRegressed : 0;
}

}  // namespace kubesim::cli
