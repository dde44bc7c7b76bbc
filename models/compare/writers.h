// The three renderings of a ComparisonReport: a readable table for the terminal, JUnit XML for CI
// test reporters (one <testsuite> per scenario, one <testcase> per metric, <failure> on a
// regression, <skipped> when a metric is not available), and a Markdown table for pull-request
// comments. None includes wall-clock times, so the same inputs give the same bytes.
#pragma once

#include <string>

#include "models/compare/compare.h"

namespace kubesim::compare {

std::string TextReport(const ComparisonReport& r);
std::string JUnitXml(const ComparisonReport& r);
std::string MarkdownReport(const ComparisonReport& r);

// A figure for the tables: integers without decimals, others with three.
std::string FormatNumber(double v);

}  // namespace kubesim::compare
