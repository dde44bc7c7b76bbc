#include "cli/compare.h"

#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <optional>

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
      "compare",
      "Compare a candidate scheduler configuration or scenario parameters with a baseline over scenarios and seeds");
  cmd->add_option("scenarios", args->scenarios, "Scenario YAML files")->required();
  cmd->add_option("--baseline", args->baseline,
                  "The baseline KubeSchedulerConfiguration file (default: the scenario's own scheduler settings)");
  cmd->add_option("--candidate", args->candidate,
                  "The candidate KubeSchedulerConfiguration file (default: the scenario's own scheduler settings)");
  cmd->add_option("--baseline-set", args->baseline_sets,
                  "A scenario parameter for the baseline runs, NAME=VALUE (e.g. expander=least-waste); repeatable")
      ->allow_extra_args(false);
  cmd->add_option("--candidate-set", args->candidate_sets,
                  "A scenario parameter for the candidate runs, NAME=VALUE; repeatable")
      ->allow_extra_args(false);
  cmd->add_option("--seeds", args->seeds, "Runs per policy and scenario, seeds spec.seed .. spec.seed+N-1 (default 5)")
      ->check(CLI::Range(1, kMaxSeeds));
  cmd->add_option("--jobs,-j", args->jobs, "Runs at once on separate threads (default 1); results do not depend on it")
      ->check(CLI::Range(1, 64));
  cmd->add_option("--junit", args->junit, "Write a JUnit XML report here");
  cmd->add_option("--markdown", args->markdown, "Write a Markdown report here");
  cmd->add_flag("--quiet,-q", args->quiet, "Print only errors and the final verdict line");
  return cmd;
}

// NAME=VALUE pairs (as `kubesim run --set`); nullopt after printing why when one is malformed.
std::optional<std::map<std::string, std::string>> ParsePairs(const char* flag, const std::vector<std::string>& sets) {
  std::map<std::string, std::string> out;
  for (const auto& s : sets) {
    size_t eq = s.find('=');
    if (eq == std::string::npos || eq == 0) {
      std::cerr << flag << " " << s << ": expected NAME=VALUE, e.g. " << flag << " expander=price\n";
      return std::nullopt;
    }
    if (!out.emplace(s.substr(0, eq), s.substr(eq + 1)).second) {
      std::cerr << flag << " " << s << ": parameter \"" << s.substr(0, eq) << "\" is set twice\n";
      return std::nullopt;
    }
  }
  return out;
}

std::string Describe(const std::string& config, const std::map<std::string, std::string>& sets) {
  std::string out = config;
  for (const auto& [k, v] : sets) out += (out.empty() ? "" : " ") + k + "=" + v;
  return out.empty() ? "the scenario's own settings" : out;
}

int RunCompare(const CompareArgs& args, const scheduler::Registry& registry) {
  auto baseline_sets = ParsePairs("--baseline-set", args.baseline_sets);
  auto candidate_sets = ParsePairs("--candidate-set", args.candidate_sets);
  if (!baseline_sets || !candidate_sets) return kExitBadInput;
  // A policy compared with itself is allowed (a noise check); comparing nothing at all is not.
  if (args.baseline.empty() && args.candidate.empty() && baseline_sets->empty() && candidate_sets->empty()) {
    std::cerr << "compare: nothing to compare: give --baseline and --candidate (KubeSchedulerConfiguration "
                 "files) or --baseline-set and --candidate-set (scenario parameters)\n";
    return kExitBadInput;
  }
  compare::ComparisonInputs inputs{args.baseline, args.candidate, *baseline_sets, *candidate_sets};
  // Everything is loaded and checked before the first run: bad input fails in seconds, not after
  // minutes of simulation.
  std::vector<compare::PreparedScenario> prepared;
  for (const auto& path : args.scenarios) {
    auto p = compare::Prepare(path, inputs, registry);
    if (!p.ok()) {
      std::cerr << p.status().message() << "\n";
      return kExitBadInput;
    }
    for (const auto& w : p->scenario.warnings) std::cerr << "warning: " << w << "\n";
    prepared.push_back(std::move(p).value());
  }
  compare::ComparisonReport report;
  report.baseline_config = Describe(args.baseline, *baseline_sets);
  report.candidate_config = Describe(args.candidate, *candidate_sets);
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
