#include "models/compare/writers.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>

#include "models/report/writers.h"

namespace kubesim::compare {
using report::XmlEscape;

namespace {

std::string Signed(double v) {
  std::string s = FormatNumber(v);
  return v > 0 ? "+" + s : s;
}

std::string DiffText(const MetricResult& m) {
  if (!m.available) return "n/a";
  return Signed(m.stats.diff_mean) + " [" + Signed(m.stats.ci_low) + ", " + Signed(m.stats.ci_high) + "]";
}

std::string DirectionText(Direction d) { return d == Direction::kLowerIsBetter ? "lower" : "higher"; }

// "±allowed (rel 2%, abs 1)": the allowance actually applied, and where it came from.
std::string ToleranceText(const MetricResult& m) {
  char rel[32];
  std::snprintf(rel, sizeof rel, "%g%%", m.plan.tolerance.relative * 100);
  std::string s = "rel " + std::string(rel) + ", abs " + FormatNumber(m.plan.tolerance.absolute);
  if (m.plan.tolerance_overridden) s += ", scenario";
  if (!m.available) return s;
  return "±" + FormatNumber(m.allowed) + " (" + s + ")";
}

std::string VerdictText(const MetricResult& m) {
  return m.available ? std::string(VerdictName(m.verdict)) : std::string("n/a");
}

std::string SeedsText(const std::vector<uint64_t>& seeds) {
  if (seeds.empty()) return "none";
  if (seeds.size() == 1) return std::to_string(seeds.front());
  return std::to_string(seeds.front()) + ".." + std::to_string(seeds.back());
}

std::string Summary(const ComparisonReport& r) {
  int regressed = r.Count(Verdict::kRegressed), improved = r.Count(Verdict::kImproved);
  int not_available = 0;
  for (const auto& s : r.scenarios) {
    for (const auto& m : s.metrics) not_available += m.available ? 0 : 1;
  }
  std::string out = std::to_string(regressed) + " regressed, " + std::to_string(improved) + " improved, " +
                    std::to_string(r.Count(Verdict::kUnchanged)) + " unchanged";
  if (not_available > 0) out += ", " + std::to_string(not_available) + " not available";
  return out;
}

std::string MarkdownEscape(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '|') out += "\\";
    out += c;
  }
  return out;
}

// One line a failure message or the Markdown cell can show: what each policy got per seed.
std::string PerSeed(const MetricResult& m) {
  std::string s = "baseline [";
  for (size_t i = 0; i < m.baseline.size(); ++i) s += (i ? ", " : "") + FormatNumber(m.baseline[i]);
  s += "], candidate [";
  for (size_t i = 0; i < m.candidate.size(); ++i) s += (i ? ", " : "") + FormatNumber(m.candidate[i]);
  return s + "]";
}

}  // namespace

std::string FormatNumber(double v) {
  char buf[64];
  if (v == 0) return "0";  // also turns -0 into 0
  if (std::fabs(v) < 1e15 && v == std::floor(v)) {
    std::snprintf(buf, sizeof buf, "%.0f", v);
  } else {
    std::snprintf(buf, sizeof buf, "%.3f", v);
    if (std::string(buf) == "-0.000") return "0.000";
  }
  return buf;
}

std::string TextReport(const ComparisonReport& r) {
  std::ostringstream out;
  out << "kubesim compare: baseline " << r.baseline_config << " vs candidate " << r.candidate_config << ", " << r.seeds
      << (r.seeds == 1 ? " seed" : " seeds") << " per scenario\n";
  for (const auto& s : r.scenarios) {
    out << "\n" << s.name << " (" << s.file << "), seeds " << SeedsText(s.seeds) << "\n";
    std::vector<std::vector<std::string>> rows = {
        {"metric", "better", "baseline", "candidate", "diff [95% CI]", "tolerance", "verdict"}};
    for (const auto& m : s.metrics) {
      rows.push_back({std::string(m.plan.def->name), DirectionText(m.plan.def->direction),
                      m.available ? FormatNumber(m.stats.baseline_mean) : "n/a",
                      m.available ? FormatNumber(m.stats.candidate_mean) : "n/a", DiffText(m), ToleranceText(m),
                      m.verdict == Verdict::kRegressed ? "REGRESSED" : VerdictText(m)});
    }
    std::vector<size_t> width(rows[0].size(), 0);
    for (const auto& row : rows) {
      for (size_t i = 0; i < row.size(); ++i) width[i] = std::max(width[i], row[i].size());
    }
    for (const auto& row : rows) {
      std::string line = " ";
      for (size_t i = 0; i < row.size(); ++i) {
        line += " " + row[i];
        if (i + 1 < row.size()) line += std::string(width[i] - row[i].size(), ' ');
      }
      out << line << "\n";
    }
  }
  out << "\n" << Summary(r) << (r.Count(Verdict::kRegressed) > 0 ? ": REGRESSION" : ": no regression") << "\n";
  return out.str();
}

std::string JUnitXml(const ComparisonReport& r) {
  std::ostringstream out;
  int tests = 0;
  for (const auto& s : r.scenarios) tests += static_cast<int>(s.metrics.size());
  out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out << "<testsuites name=\"kubesim compare\" tests=\"" << tests << "\" failures=\"" << r.Count(Verdict::kRegressed)
      << "\">\n";
  for (const auto& s : r.scenarios) {
    int skipped = 0;
    for (const auto& m : s.metrics) skipped += m.available ? 0 : 1;
    out << "  <testsuite name=\"" << XmlEscape(s.name) << "\" tests=\"" << s.metrics.size() << "\" failures=\""
        << s.Count(Verdict::kRegressed) << "\" errors=\"0\" skipped=\"" << skipped << "\" file=\"" << XmlEscape(s.file)
        << "\">\n";
    out << "    <properties>\n"
        << "      <property name=\"baseline\" value=\"" << XmlEscape(r.baseline_config) << "\"/>\n"
        << "      <property name=\"candidate\" value=\"" << XmlEscape(r.candidate_config) << "\"/>\n"
        << "      <property name=\"seeds\" value=\"" << SeedsText(s.seeds) << "\"/>\n"
        << "    </properties>\n";
    for (const auto& m : s.metrics) {
      out << "    <testcase classname=\"kubesim.compare." << XmlEscape(s.name) << "\" name=\""
          << XmlEscape(std::string(m.plan.def->name)) << "\"";
      std::string detail = std::string(m.plan.def->name) + " (" + DirectionText(m.plan.def->direction) +
                           " is better): baseline " + FormatNumber(m.stats.baseline_mean) + ", candidate " +
                           FormatNumber(m.stats.candidate_mean) + ", diff " + DiffText(m) + ", tolerance " +
                           ToleranceText(m) + ", " + VerdictText(m);
      if (!m.available) {
        out << ">\n      <skipped message=\"not available: a run did not record this metric\"/>\n    </testcase>\n";
      } else if (m.verdict == Verdict::kRegressed) {
        out << ">\n      <failure type=\"regression\" message=\"" << XmlEscape(detail) << "\">" << XmlEscape(PerSeed(m))
            << "</failure>\n"
            << "    </testcase>\n";
      } else {
        out << ">\n      <system-out>" << XmlEscape(detail + "; " + PerSeed(m)) << "</system-out>\n    </testcase>\n";
      }
    }
    out << "  </testsuite>\n";
  }
  out << "</testsuites>\n";
  return out.str();
}

std::string MarkdownReport(const ComparisonReport& r) {
  std::ostringstream out;
  bool regressed = r.Count(Verdict::kRegressed) > 0;
  out << "## kubesim compare: " << (regressed ? "regression" : "no regression") << "\n\n";
  out << "Baseline `" << r.baseline_config << "`, candidate `" << r.candidate_config << "`, " << r.seeds
      << (r.seeds == 1 ? " seed" : " seeds") << " per scenario: " << Summary(r) << ".\n";
  for (const auto& s : r.scenarios) {
    out << "\n### " << MarkdownEscape(s.name) << "\n\n`" << s.file << "`, seeds " << SeedsText(s.seeds) << "\n\n";
    out << "| metric | better | baseline | candidate | diff [95% CI] | tolerance | verdict |\n";
    out << "|---|---|---:|---:|---|---|---|\n";
    for (const auto& m : s.metrics) {
      std::string verdict = VerdictText(m);
      if (m.verdict == Verdict::kRegressed) verdict = "**regressed**";
      out << "| " << m.plan.def->name << " | " << DirectionText(m.plan.def->direction) << " | "
          << (m.available ? FormatNumber(m.stats.baseline_mean) : "n/a") << " | "
          << (m.available ? FormatNumber(m.stats.candidate_mean) : "n/a") << " | " << DiffText(m) << " | "
          << ToleranceText(m) << " | " << verdict << " |\n";
    }
  }
  return out.str();
}

}  // namespace kubesim::compare
