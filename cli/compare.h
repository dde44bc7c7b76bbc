// `kubesim compare`: policy regression of a candidate scheduler configuration against a baseline
// over scenarios and seeds (models/compare, docs/compare.md).
#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

#include "models/scheduler/registry.h"

namespace kubesim::cli {

struct CompareArgs {
  std::string baseline;
  std::string candidate;
  std::vector<std::string> baseline_sets;   // --baseline-set NAME=VALUE
  std::vector<std::string> candidate_sets;  // --candidate-set NAME=VALUE
  std::vector<std::string> scenarios;
  int seeds = 5;
  int jobs = 1;
  std::string junit;
  std::string markdown;
  bool quiet = false;
};

// Adds the subcommand, filling `args` when it is parsed.
CLI::App* AddCompareCommand(CLI::App& app, CompareArgs* args);

// Exit status: 0 nothing regressed, 1 a metric regressed (or a report file cannot be written),
// 2 bad input (FILE:LINE:COL message on stderr, before any run starts where possible).
int RunCompare(const CompareArgs& args, const scheduler::Registry& registry);

}  // namespace kubesim::cli
