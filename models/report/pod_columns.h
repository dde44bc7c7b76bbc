// The columns of pods.csv, defined once. The CSV writer (PodsCsv, writers.h) and the Python
// module's Result.pods DataFrame (python/src/module.cc, exposed as kubesim.POD_COLUMNS) are built
// by iterating this table, and a test fails when docs/results.md's table of pods.csv differs from
// it (tests/models/report/pod_columns_test.cc). Order and names are an interface: add new columns
// at the end.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "models/report/results.h"
#include "sim/time.h"

namespace kubesim::report {

// The PodRecord field a column shows. Its alternative is the column's type:
//   string   CSV: the text, quoted (RFC 4180) when it holds a comma, a quote or a newline;
//            Python: object
//   seconds  simulated seconds since the start, exact to the nanosecond. CSV: FormatSeconds
//            ("12.018500000"), empty when it never happened; Python: float64, NaN when never
//   integer  CSV: decimal; Python: int64
using PodField = std::variant<std::string PodRecord::*, std::optional<sim::Time> PodRecord::*, int PodRecord::*>;

struct PodColumn {
  std::string_view name;
  PodField field;
  std::string_view meaning;  // Markdown, as docs/results.md shows it
};

// "string", "seconds" or "integer", as docs/results.md names the types.
constexpr std::string_view PodColumnType(const PodColumn& c) {
  constexpr std::string_view kNames[] = {"string", "seconds", "integer"};
  return kNames[c.field.index()];
}

inline constexpr std::array kPodColumns = {
    PodColumn{"namespace", &PodRecord::namespace_, "the pod's namespace"},
    PodColumn{"name", &PodRecord::name, "the pod's name"},
    PodColumn{"node", &PodRecord::node, "the node it was bound to; empty if never"},
    PodColumn{"created", &PodRecord::created, "creation committed"},
    PodColumn{"scheduled", &PodRecord::scheduled,
              "binding committed (the creation time for a pod created with `spec.nodeName`)"},
    PodColumn{"running", &PodRecord::running, "`status.phase: Running` committed"},
    PodColumn{"finished", &PodRecord::finished, "`Succeeded` or `Failed` committed"},
    PodColumn{"deleted", &PodRecord::deleted, "removed from the store"},
    PodColumn{"phase", &PodRecord::phase, "the last phase: Pending, Running, Succeeded or Failed"},
    PodColumn{"attempts", &PodRecord::attempts, "scheduling attempts (Scheduled and FailedScheduling events)"},
    PodColumn{"uid", &PodRecord::uid, "the pod's uid"},
    PodColumn{"last_failure", &PodRecord::last_failure, "the message of the last FailedScheduling event"},
};

}  // namespace kubesim::report
