// trace.json (models/report/trace_json.cc) checked against the Trace Event Format's rules, as
// Perfetto UI and chrome://tracing read them, on a run with timeline actions and a node failure.
#include <algorithm>
#include <catch2/catch.hpp>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <tuple>

#include "models/cluster/components.h"
#include "models/report/writers.h"
#include "models/scenario/scenario.h"
#include "tests/support/scenario_run.h"

namespace kubesim::report {
namespace {

using nlohmann::json;

RunResults RunNodeFailure() { return testing::RunSourceScenario("tests/scenarios/node-failure.yaml"); }

// Returns the rule violations of a trace document, one line each.
std::vector<std::string> CheckTraceEventFormat(const json& doc) {
  std::vector<std::string> bad;
  if (!doc.is_object() || !doc.contains("traceEvents") || !doc["traceEvents"].is_array()) {
    return {"not an object with a traceEvents array"};
  }
  if (doc.contains("displayTimeUnit") && doc["displayTimeUnit"] != "ms" && doc["displayTimeUnit"] != "ns") {
    bad.push_back("displayTimeUnit is neither ms nor ns");
  }
  const std::set<std::string> meta_names = {"process_name", "process_labels", "process_sort_index", "thread_name",
                                            "thread_sort_index"};
  std::set<int64_t> named_pids;
  std::set<std::pair<int64_t, int64_t>> named_threads;
  std::set<int64_t> used_pids;
  std::set<std::pair<int64_t, int64_t>> used_threads;
  // Complete events per thread, to check that they nest.
  std::map<std::pair<int64_t, int64_t>, std::vector<std::pair<int64_t, int64_t>>> spans;
  size_t i = 0;
  for (const json& e : doc["traceEvents"]) {
    std::string at = "event " + std::to_string(i++) + ": ";
    if (!e.is_object()) {
      bad.push_back(at + "not an object");
      continue;
    }
    if (!e.contains("ph") || !e["ph"].is_string()) {
      bad.push_back(at + "no ph");
      continue;
    }
    std::string ph = e["ph"];
    if (!e.contains("name") || !e["name"].is_string()) bad.push_back(at + "no name");
    if (!e.contains("pid") || !e["pid"].is_number_integer()) {
      bad.push_back(at + "pid is not an integer");
      continue;
    }
    int64_t pid = e["pid"];
    bool has_tid = e.contains("tid") && e["tid"].is_number_integer();
    if (e.contains("tid") && !has_tid) bad.push_back(at + "tid is not an integer");
    int64_t tid = has_tid ? e["tid"].get<int64_t>() : 0;
    if (e.contains("args") && !e["args"].is_object()) bad.push_back(at + "args is not an object");
    if (ph == "M") {
      std::string name = e.value("name", "");
      if (!meta_names.count(name)) bad.push_back(at + "unknown metadata name " + name);
      if (!e.contains("args")) {
        bad.push_back(at + "metadata without args");
        continue;
      }
      if (name == "process_name" || name == "thread_name") {
        if (!e["args"].contains("name") || !e["args"]["name"].is_string())
          bad.push_back(at + name + " without args.name");
      }
      if (name == "process_sort_index" || name == "thread_sort_index") {
        if (!e["args"].contains("sort_index") || !e["args"]["sort_index"].is_number_integer()) {
          bad.push_back(at + name + " without an integer args.sort_index");
        }
      }
      if (name == "process_name") named_pids.insert(pid);
      if (name == "thread_name") {
        if (!has_tid) bad.push_back(at + "thread_name without tid");
        named_threads.insert({pid, tid});
      }
      continue;
    }
    if (!e.contains("ts") || !e["ts"].is_number()) {
      bad.push_back(at + "ts is not a number");
      continue;
    }
    if (e["ts"].get<double>() < 0) bad.push_back(at + "negative ts");
    used_pids.insert(pid);
    if (ph == "X") {
      if (!has_tid) bad.push_back(at + "X without tid");
      if (!e.contains("dur") || !e["dur"].is_number()) {
        bad.push_back(at + "X without a numeric dur");
      } else if (e["dur"].get<double>() < 0) {
        bad.push_back(at + "negative dur");
      } else {
        spans[{pid, tid}].push_back({e["ts"].get<int64_t>(), e["ts"].get<int64_t>() + e["dur"].get<int64_t>()});
      }
      used_threads.insert({pid, tid});
    } else if (ph == "i" || ph == "I") {
      if (!has_tid) bad.push_back(at + "instant without tid");
      if (e.contains("s") && e["s"] != "g" && e["s"] != "p" && e["s"] != "t") bad.push_back(at + "bad instant scope");
      used_threads.insert({pid, tid});
    } else if (ph == "C") {
      if (!e.contains("args") || e["args"].empty()) bad.push_back(at + "counter without values");
      for (const auto& [k, v] : e["args"].items()) {
        if (!v.is_number()) bad.push_back(at + "counter value " + k + " is not a number");
      }
    } else {
      bad.push_back(at + "phase " + ph + " not used by kubesim");
    }
  }
  for (int64_t pid : used_pids) {
    if (!named_pids.count(pid)) bad.push_back("pid " + std::to_string(pid) + " has no process_name");
  }
  for (const auto& t : used_threads) {
    if (!named_threads.count(t))
      bad.push_back("thread " + std::to_string(t.first) + "/" + std::to_string(t.second) + " has no thread_name");
  }
  // Complete events on one thread must nest or be disjoint: a viewer draws a thread as a stack.
  for (auto& [thread, list] : spans) {
    std::sort(list.begin(), list.end(), [](const auto& a, const auto& b) {
      return a.first != b.first ? a.first < b.first : a.second > b.second;
    });
    std::vector<int64_t> open;  // ends of the enclosing spans
    for (const auto& [b, e] : list) {
      while (!open.empty() && open.back() <= b) open.pop_back();
      if (!open.empty() && e > open.back()) {
        bad.push_back("thread " + std::to_string(thread.first) + "/" + std::to_string(thread.second) +
                      ": overlapping complete events at ts " + std::to_string(b));
        break;
      }
      open.push_back(e);
    }
  }
  return bad;
}

TEST_CASE("trace.json: follows the trace event format and shows pods, actions and failures", "[report]") {
  RunResults r = RunNodeFailure();
  std::string text = TraceJson(r);
  CHECK(text == TraceJson(RunNodeFailure()));  // deterministic bytes
  json doc = json::parse(text);
  CHECK(CheckTraceEventFormat(doc) == std::vector<std::string>{});
  CHECK(doc["displayTimeUnit"] == "ms");

  std::set<std::string> processes;
  size_t pod_spans = 0, actions = 0, failures = 0, counters = 0;
  for (const json& e : doc["traceEvents"]) {
    if (e["ph"] == "M" && e["name"] == "process_name") processes.insert(e["args"]["name"].get<std::string>());
    if (e["ph"] == "X" && e.value("cat", "") == "pod") ++pod_spans;
    if (e["ph"] == "i" && e.value("cat", "") == "timeline") ++actions;
    if (e["ph"] == "X" && e.value("cat", "") == "node-failure") {
      ++failures;
      CHECK(e["ts"] == 600'000'000);  // the kubelet of n1 stops at 10m
    }
    if (e["ph"] == "C") ++counters;
  }
  CHECK(processes == std::set<std::string>{"control plane", "node n0", "node n1", "node n2"});
  size_t bound = 0;
  for (const auto& p : r.pods) bound += p.scheduled ? 1 : 0;
  CHECK(pod_spans == bound);
  CHECK(actions >= 1);
  CHECK(failures == r.node_failures.size());
  CHECK(failures == 1);
  CHECK(counters == 2 * r.metrics.time.size());
}

TEST_CASE("trace.json: the checker catches what viewers reject", "[report]") {
  json bad = json::parse(R"({"traceEvents": [
    {"name": "a", "ph": "X", "ts": 5, "dur": -1, "pid": 1, "tid": 1},
    {"name": "b", "ph": "X", "ts": "5", "dur": 1, "pid": 1, "tid": 1},
    {"name": "c", "ph": "i", "ts": 5, "pid": 1.5, "tid": 1},
    {"name": "process_nam", "ph": "M", "pid": 1, "args": {"name": "x"}},
    {"name": "d", "ph": "X", "ts": 0, "dur": 10, "pid": 2, "tid": 1},
    {"name": "e", "ph": "X", "ts": 5, "dur": 10, "pid": 2, "tid": 1}
  ]})");
  std::vector<std::string> v = CheckTraceEventFormat(bad);
  auto has = [&](const std::string& what) {
    return std::any_of(v.begin(), v.end(), [&](const std::string& s) { return s.find(what) != std::string::npos; });
  };
  CHECK(has("negative dur"));
  CHECK(has("ts is not a number"));
  CHECK(has("pid is not an integer"));
  CHECK(has("unknown metadata name process_nam"));
  CHECK(has("overlapping complete events"));
  CHECK(has("has no process_name"));
}

}  // namespace
}  // namespace kubesim::report
