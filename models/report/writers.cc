#include "models/report/writers.h"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <type_traits>
#include <variant>

#include "models/report/pod_columns.h"

namespace kubesim::report {
namespace {

using nlohmann::ordered_json;

ordered_json Latency(const LatencySummary& s) {
  return ordered_json{{"count", s.count}, {"p50", s.p50}, {"p90", s.p90},
                      {"p99", s.p99},     {"max", s.max}, {"mean", s.mean}};
}

std::string Csv(const std::string& s) {
  if (s.find_first_of(",\"\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string Opt(const std::optional<sim::Time>& t) { return t ? FormatSeconds(*t) : ""; }

// Writes a file through `write(stream)`: the large files go to disk as they are formatted, so a
// long run's results never exist a second time as one string in memory.
template <typename F>
sim::Status WriteStream(const std::string& dir, const std::string& name, F write) {
  std::string path = (std::filesystem::path(dir) / name).string();
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) return sim::InvalidArgument(path + ": cannot open for writing");
  write(out);
  out.close();
  if (!out) return sim::InvalidArgument(path + ": write failed");
  return sim::Status::Ok();
}

sim::Status WriteFile(const std::string& dir, const std::string& name, const std::string& content) {
  return WriteStream(dir, name, [&](std::ostream& out) { out << content; });
}

// A simulated time as seconds, or null when it never happened.
ordered_json Seconds(const std::optional<sim::Time>& t) { return t ? ordered_json(t->ToSeconds()) : ordered_json(); }
ordered_json Value(const std::optional<double>& v) { return v ? ordered_json(*v) : ordered_json(); }

ordered_json NodeFailures(const RunResults& r) {
  ordered_json out = ordered_json::array();
  for (const auto& f : r.node_failures) {
    ordered_json evictions = ordered_json::array();
    for (const auto& e : f.evictions) {
      ordered_json replacement;  // null: bare pod, or the controller made none yet
      if (e.replacement) {
        replacement = {{"pod", e.replacement->pod},
                       {"node", e.replacement->node},
                       {"created", Seconds(e.replacement->created)},
                       {"scheduled", Seconds(e.replacement->scheduled)},
                       {"ready", Seconds(e.replacement->ready)}};
      }
      evictions.push_back(ordered_json{{"pod", e.pod},
                                       {"at", e.at.ToSeconds()},
                                       {"reason", e.reason},
                                       {"owner", e.owner},
                                       {"replacement", replacement}});
    }
    out.push_back(ordered_json{{"node", f.node},
                               {"zone", f.zone},
                               {"failed", Seconds(f.failed)},
                               {"last_lease_renewal", Seconds(f.last_lease_renewal)},
                               {"ready_unknown", Seconds(f.unknown)},
                               {"unreachable_noschedule_taint", Seconds(f.unreachable_no_schedule)},
                               {"unreachable_noexecute_taint", Seconds(f.unreachable_no_execute)},
                               {"ready_again", Seconds(f.ready_again)},
                               {"evictions", evictions},
                               {"detection_delay_seconds", Value(f.detection_delay_seconds)},
                               {"eviction_delay_seconds", Value(f.eviction_delay_seconds)},
                               {"recovery_seconds", Value(f.recovery_seconds)}});
  }
  return out;
}

}  // namespace

std::string FormatSeconds(sim::Time t) {
  int64_t ns = t.nanos();
  char buf[48];
  std::snprintf(buf, sizeof(buf), "%s%lld.%09lld", ns < 0 ? "-" : "",
                static_cast<long long>(std::llabs(ns) / 1'000'000'000),
                static_cast<long long>(std::llabs(ns) % 1'000'000'000));
  return buf;
}

std::string XmlEscape(const std::string& s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string VerdictOf(const RunResults& r) {
  if (r.verdicts.empty()) return "none";
  for (const auto& v : r.verdicts) {
    if (!v.passed) return "fail";
  }
  return "pass";
}

namespace {

ordered_json Verdicts(const RunResults& r) {
  ordered_json out = ordered_json::array();
  for (const auto& v : r.verdicts) {
    ordered_json j = {{"name", v.name}, {"expression", v.expression}, {"passed", v.passed}};
    // An expectation with nothing to observe has no value; null says so rather than a fake 0.
    if (v.message.empty() || v.passed || v.message.rfind("observed", 0) == 0) {
      j["observed"] = v.observed;
    } else {
      j["observed"] = nullptr;
    }
    j["message"] = v.message;
    j["source"] = v.source;
    out.push_back(std::move(j));
  }
  return out;
}

}  // namespace

std::string SummaryJson(const RunResults& r) {
  ordered_json unscheduled = ordered_json::array();
  for (const auto& p : r.pods) {
    if (p.scheduled || p.deleted) continue;
    unscheduled.push_back(
        ordered_json{{"pod", p.namespace_ + "/" + p.name}, {"attempts", p.attempts}, {"last_failure", p.last_failure}});
  }
  ordered_json objects = ordered_json::object();
  for (const auto& [kind, n] : r.objects_by_kind) objects[kind] = n;
  ordered_json failed_actions = ordered_json::array();
  for (const auto& f : r.failed_actions) {
    failed_actions.push_back({{"at", f.at}, {"object", f.object}, {"reason", f.reason}, {"message", f.message}});
  }
  ordered_json not_simulated = ordered_json::object();
  for (const auto& [kind, n] : r.not_simulated_kinds) not_simulated[kind] = n;
  ordered_json j = {
      {"scenario", r.scenario},
      {"seed", r.seed},
      {"fingerprint", r.fingerprint},
      {"simulated_seconds", r.simulated_seconds},
      {"events_processed", r.events_processed},
      {"store_revision", r.store_revision},
      {"pods",
       {{"total", static_cast<int64_t>(r.pods.size())},
        {"scheduled", r.pods_scheduled},
        {"unscheduled", r.pods_unscheduled},
        {"running", r.pods_running},
        {"succeeded", r.pods_succeeded},
        {"failed", r.pods_failed},
        {"deleted", r.pods_deleted}}},
      {"nodes", {{"total", r.nodes_total}, {"ready", r.nodes_ready}}},
      {"scheduling_attempts", r.scheduling_attempts},
      {"scheduling_latency_seconds", Latency(r.scheduling_latency)},
      {"pod_startup_latency_seconds", Latency(r.startup_latency)},
      {"unscheduled_pods", unscheduled},
      {"node_failures", NodeFailures(r)},
      {"verdict", VerdictOf(r)},
      {"verdicts", Verdicts(r)},
      {"objects", objects},
      {"not_simulated_kinds", not_simulated},
      {"warnings", r.warnings},
      {"failed_actions", failed_actions},
      {"watch_relists_total", r.watch_relists_total},
      {"etcd",
       {{"members", r.etcd.members},
        {"leader_changes", r.etcd.leader_changes},
        {"seconds_without_leader", r.etcd.seconds_without_leader},
        {"seconds_without_quorum", r.etcd.seconds_without_quorum},
        {"failed_writes", r.etcd.failed_writes},
        {"failed_reads", r.etcd.failed_reads},
        {"quota_backend_bytes", r.etcd.quota_backend_bytes},
        {"db_size_bytes", r.etcd.db_size_bytes},
        {"db_size_in_use_bytes", r.etcd.db_size_in_use_bytes},
        {"db_size_bytes_max", r.etcd.db_size_bytes_max},
        {"nospace_alarms", r.etcd.nospace_alarms},
        {"nospace_rejected_writes", r.etcd.nospace_rejected_writes},
        {"nospace_alarm_active", r.etcd.nospace_alarm_active}}},
  };
  ordered_json elections = ordered_json::object();
  for (const auto& e : r.leader_election) {
    elections[e.component] = {{"leader_changes", e.leader_changes},
                              {"seconds_without_leader", e.seconds_without_leader}};
  }
  j["leader_election"] = elections;
  ordered_json loads = ordered_json::array();
  for (const auto& l : r.apiserver_load) {
    ordered_json codes = ordered_json::object();
    for (const auto& [code, n] : l.responses_by_code) codes[std::to_string(code)] = n;
    loads.push_back({{"at", l.at}, {"verb", l.verb}, {"resource", l.resource}, {"sent", l.sent}, {"responses", codes}});
  }
  j["apiserver_load"] = loads;
  {
    const ApiServerResults& a = r.apiserver;
    ordered_json responses = ordered_json::object();
    for (const auto& [verb, by_code] : a.responses) {
      ordered_json codes = ordered_json::object();
      // Code 0 collects codes outside RequestStats::kCodes.
      for (const auto& [code, n] : by_code) codes[code == 0 ? "other" : std::to_string(code)] = n;
      responses[verb] = codes;
    }
    ordered_json latency = ordered_json::object();
    for (const auto& [verb, l] : a.request_latency_seconds) {
      latency[verb] = {{"count", l.count}, {"p50", l.p50}, {"p99", l.p99}};
    }
    ordered_json rejected = ordered_json::object();
    for (const auto& [level, n] : a.rejected_by_priority_level) rejected[level] = n;
    ordered_json seats = ordered_json::object();
    for (const auto& [level, n] : a.max_seats_in_use_by_priority_level) seats[level] = n;
    j["apiserver"] = {{"replicas", a.replicas},
                      {"requests_by_replica", a.requests_by_replica},
                      {"max_requests_inflight", a.max_requests_inflight},
                      {"max_mutating_requests_inflight", a.max_mutating_requests_inflight},
                      {"requests_total", a.requests_total},
                      {"throttled_total", a.throttled_total},
                      {"responses", responses},
                      {"request_latency_seconds", latency},
                      {"rejected_by_priority_level", rejected},
                      {"max_seats_in_use_by_priority_level", seats}};
  }
  if (r.cloud) {
    ordered_json by_group = ordered_json::object();
    for (const auto& [g, c] : r.cloud->cost_usd_by_node_group) by_group[g] = c;
    ordered_json lbs = ordered_json::array();
    for (const auto& lb : r.cloud->load_balancers) {
      lbs.push_back({{"service", lb.service},
                     {"ingress", lb.ingress},
                     {"requested_at", lb.requested_at},
                     {"ready_at", lb.ready_at ? ordered_json(*lb.ready_at) : ordered_json(nullptr)},
                     {"backends", lb.backends},
                     {"backend_updates", lb.backend_updates}});
    }
    j["cloud"] = {{"instances_launched", r.cloud->instances_launched},
                  {"instances_terminated", r.cloud->instances_terminated},
                  {"instances_failed", r.cloud->instances_failed},
                  {"spot_interruptions", r.cloud->spot_interruptions},
                  {"cost_usd", r.cloud->cost_usd},
                  {"cost_usd_by_node_group", by_group},
                  {"load_balancers", lbs}};
  }
  if (r.cluster_autoscaler) {
    ordered_json ups = ordered_json::array(), downs = ordered_json::array(), failed = ordered_json::array();
    for (const auto& u : r.cluster_autoscaler->scale_ups) {
      ups.push_back({{"at", u.at}, {"node_group", u.node_group}, {"delta", u.delta}});
    }
    for (const auto& d : r.cluster_autoscaler->scale_downs) {
      downs.push_back({{"at", d.at}, {"node", d.node}, {"node_group", d.node_group}, {"reason", d.reason}});
    }
    for (const auto& f : r.cluster_autoscaler->failed_scale_ups) {
      failed.push_back({{"at", f.at}, {"node_group", f.node_group}, {"reason", f.reason}});
    }
    j["cluster_autoscaler"] = {{"scale_ups", ups},
                               {"scale_downs", downs},
                               {"failed_scale_ups", failed},
                               {"evicted_pods", r.cluster_autoscaler->evicted_pods}};
  }
  return j.dump(2) + "\n";
}

std::string PodsCsv(const RunResults& r) {
  std::ostringstream out;
  WritePodsCsv(r, out);
  return out.str();
}

void WritePodsCsv(const RunResults& r, std::ostream& out) {
  for (const PodColumn& c : kPodColumns) {
    if (&c != &kPodColumns.front()) out << ',';
    out << c.name;
  }
  out << '\n';
  for (const PodRecord& p : r.pods) {
    for (const PodColumn& c : kPodColumns) {
      if (&c != &kPodColumns.front()) out << ',';
      std::visit(
          [&](auto field) {
            const auto& v = p.*field;
            using T = std::remove_cvref_t<decltype(v)>;
            if constexpr (std::is_same_v<T, std::string>) {
              out << Csv(v);
            } else if constexpr (std::is_same_v<T, std::optional<sim::Time>>) {
              out << Opt(v);
            } else {
              out << std::to_string(v);
            }
          },
          c.field);
    }
    out << '\n';
  }
}

std::string FormatNumber(double v) {
  // Empty for NaN (no value, e.g. a latency quantile of an interval in which nothing was
  // scheduled): what CSV readers, pandas included, take as missing.
  if (std::isnan(v)) return "";
  if (v == 0) return "0";  // also -0
  // Shortest text that reads back as the same double: exact, and the same bytes on every run.
  char buf[32];
  auto res = std::to_chars(buf, buf + sizeof(buf), v);
  return std::string(buf, res.ptr);
}

std::string MetricsCsv(const RunResults& r) {
  const MetricsTable& t = r.metrics;
  std::string out = "time";
  for (const auto& name : t.names) out += "," + Csv(name);
  out += "\n";
  for (size_t row = 0; row < t.time.size(); ++row) {
    out += FormatNumber(t.time[row]);
    for (const auto& col : t.columns) {
      out += ',';
      if (row < col.size()) out += FormatNumber(col[row]);
    }
    out += '\n';
  }
  return out;
}

std::string NodesCsv(const RunResults& r) {
  std::ostringstream out;
  WriteNodesCsv(r, out);
  return out.str();
}

void WriteNodesCsv(const RunResults& r, std::ostream& out) {
  const NodeSeries& s = r.node_series;
  out << "time,node,zone,ready";
  for (const auto& res : s.resources) out << ',' << Csv(res + "_allocatable") << ',' << Csv(res + "_requested");
  out << '\n';
  for (size_t row = 0; row < s.time.size(); ++row) {
    out << FormatNumber(s.time[row]) << ',' << Csv(s.NodeName(row)) << ',' << Csv(s.ZoneName(row)) << ','
        << (s.ready[row] ? '1' : '0');
    for (size_t i = 0; i < s.resources.size(); ++i) {
      out << ',' << FormatNumber(s.allocatable[i][row]) << ',' << FormatNumber(s.requested[i][row]);
    }
    out << '\n';
  }
}

std::string EventsJsonl(const RunResults& r) {
  std::ostringstream out;
  WriteEventsJsonl(r, out);
  return out.str();
}

void WriteEventsJsonl(const RunResults& r, std::ostream& out) {
  for (const auto& e : r.events) {
    ordered_json j = {{"time", e.time.ToSeconds()}, {"type", e.type},       {"reason", e.reason},
                      {"object", e.object},         {"message", e.message}, {"source", e.source}};
    out << j.dump() << '\n';
  }
}

std::string HumanSummary(const RunResults& r) {
  std::ostringstream out;
  char line[256];
  out << "scenario " << r.scenario << " (seed " << r.seed << "): " << r.simulated_seconds << " s simulated, "
      << r.events_processed << " events\n";
  std::snprintf(line, sizeof(line), "nodes     %d (%d ready)\n", r.nodes_total, r.nodes_ready);
  out << line;
  std::snprintf(line, sizeof(line),
                "pods      %zu total: %lld scheduled, %lld unscheduled, %lld running, %lld succeeded, %lld deleted\n",
                r.pods.size(), static_cast<long long>(r.pods_scheduled), static_cast<long long>(r.pods_unscheduled),
                static_cast<long long>(r.pods_running), static_cast<long long>(r.pods_succeeded),
                static_cast<long long>(r.pods_deleted));
  out << line;
  std::snprintf(line, sizeof(line), "scheduling latency  p50 %.3f s  p99 %.3f s  max %.3f s  (%lld attempts)\n",
                r.scheduling_latency.p50, r.scheduling_latency.p99, r.scheduling_latency.max,
                static_cast<long long>(r.scheduling_attempts));
  out << line;
  std::snprintf(line, sizeof(line), "pod startup latency p50 %.3f s  p99 %.3f s\n", r.startup_latency.p50,
                r.startup_latency.p99);
  out << line;
  int shown = 0;
  for (const auto& p : r.pods) {
    if (p.scheduled || p.deleted) continue;
    if (shown++ == 3) {
      out << "  ... (" << r.pods_unscheduled << " unscheduled in all; see summary.json)\n";
      break;
    }
    out << "  unscheduled " << p.namespace_ << "/" << p.name << ": " << p.last_failure << "\n";
  }
  size_t failures_shown = 0;
  for (const auto& f : r.node_failures) {
    if (failures_shown++ == 5) {
      out << "  ... (" << r.node_failures.size() << " node failures in all; see summary.json node_failures)\n";
      break;
    }
    auto at = [](const std::optional<sim::Time>& t) { return t ? t->ToSeconds() : -1.0; };
    size_t replaced = 0;
    for (const auto& e : f.evictions) replaced += e.replacement && e.replacement->ready ? 1 : 0;
    std::snprintf(line, sizeof(line),
                  "node %s failed at %.3f s: Unknown at %.3f s, NoExecute taint at %.3f s, %zu evicted "
                  "(%zu replacements Ready)\n",
                  f.node.c_str(), at(f.failed), at(f.unknown), at(f.unreachable_no_execute), f.evictions.size(),
                  replaced);
    out << line;
    auto fig = [](const std::optional<double>& v) {
      if (!v) return std::string("-");
      char buf[32];
      std::snprintf(buf, sizeof(buf), "%.3f s", *v);
      return std::string(buf);
    };
    out << "  detection delay " << fig(f.detection_delay_seconds) << ", eviction delay "
        << fig(f.eviction_delay_seconds) << ", recovery " << fig(f.recovery_seconds) << "\n";
  }
  if (!r.not_simulated_kinds.empty()) {
    out << "not simulated (stored only):";
    for (const auto& [kind, n] : r.not_simulated_kinds) out << " " << kind << " x" << n;
    out << "\n";
  }
  if (!r.warnings.empty()) out << r.warnings.size() << " warning(s), see summary.json\n";
  for (const auto& v : r.verdicts) {
    out << (v.passed ? "  PASS " : "  FAIL ") << v.name;
    if (v.name != v.expression) out << " (" << v.expression << ")";
    if (!v.passed) out << ": " << v.message;
    out << "\n";
  }
  if (!r.verdicts.empty()) out << "verdict " << VerdictOf(r) << "\n";
  out << "fingerprint " << r.fingerprint << "\n";
  return out.str();
}

sim::Status WriteResults(const RunResults& r, const std::string& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return sim::InvalidArgument(dir + ": cannot create output directory: " + ec.message());
  KUBESIM_RETURN_IF_ERROR(WriteFile(dir, "summary.json", SummaryJson(r)));
  KUBESIM_RETURN_IF_ERROR(WriteStream(dir, "pods.csv", [&](std::ostream& out) { WritePodsCsv(r, out); }));
  KUBESIM_RETURN_IF_ERROR(WriteStream(dir, "events.jsonl", [&](std::ostream& out) { WriteEventsJsonl(r, out); }));
  KUBESIM_RETURN_IF_ERROR(WriteFile(dir, "metrics.csv", MetricsCsv(r)));
  KUBESIM_RETURN_IF_ERROR(WriteStream(dir, "nodes.csv", [&](std::ostream& out) { WriteNodesCsv(r, out); }));
  KUBESIM_RETURN_IF_ERROR(WriteStream(dir, "trace.json", [&](std::ostream& out) { WriteTraceJson(r, out); }));
  KUBESIM_RETURN_IF_ERROR(WriteFile(dir, "report.html", ReportHtml(r)));
  return sim::Status::Ok();
}

sim::Status WriteTiming(const RunResults& r, const WallClock& wall, const std::string& dir) {
  double eps = wall.run_seconds > 0 ? static_cast<double>(r.events_processed) / wall.run_seconds : 0;
  double speedup = wall.run_seconds > 0 ? r.simulated_seconds / wall.run_seconds : 0;
  ordered_json j = {{"wall_seconds_run", wall.run_seconds},
                    {"wall_seconds_total", wall.total_seconds},
                    {"events_per_second", eps},
                    {"simulated_seconds_per_wall_second", speedup}};
  return WriteFile(dir, "timing.json", j.dump(2) + "\n");
}

}  // namespace kubesim::report
