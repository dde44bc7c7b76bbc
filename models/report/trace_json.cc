// trace.json: the run as a Chrome trace-event file (the "JSON Object Format" of the Trace Event
// Format document), which Perfetto UI and chrome://tracing open.
//
//   pid 1   "control plane": tid 1 timeline actions (instant events), tid 2 node failures
//           (complete events from the failure to Ready again, instants for the node lifecycle
//           controller's steps and the evictions), counter tracks of the sampled metrics.
//   pid 2…  one process per node, by node name; each pod bound to it is a complete event from
//           its binding to its deletion (or the end of the run) with nested "starting" and
//           "running" phases, on the first lane (thread) free at its binding, so events on one
//           thread never overlap.
//
// Leader election is not modelled (one kube-scheduler and one kube-controller-manager that lead
// from the start), so there is no leader-change lane.
//
// Times are integer microseconds of simulated time (truncated from nanoseconds), and events are
// emitted in a fixed order, so the file is byte-identical for the same run.
#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "models/report/writers.h"

namespace kubesim::report {
namespace {

using nlohmann::ordered_json;

constexpr int kControlPlanePid = 1;
constexpr int kTimelineTid = 1;
constexpr int kFailuresTid = 2;

int64_t Micros(sim::Time t) { return t.nanos() / 1000; }

ordered_json Meta(const char* what, int pid, int tid, const ordered_json& args) {
  return ordered_json{{"name", what}, {"ph", "M"}, {"pid", pid}, {"tid", tid}, {"args", args}};
}

ordered_json Complete(const std::string& name, const char* cat, int64_t ts, int64_t end, int pid, int tid,
                      ordered_json args = ordered_json::object()) {
  return ordered_json{{"name", name},
                      {"cat", cat},
                      {"ph", "X"},
                      {"ts", ts},
                      {"dur", std::max<int64_t>(0, end - ts)},
                      {"pid", pid},
                      {"tid", tid},
                      {"args", std::move(args)}};
}

ordered_json Instant(const std::string& name, const char* cat, int64_t ts, int pid, int tid,
                     ordered_json args = ordered_json::object()) {
  // "s": "t" — the instant belongs to its thread's lane.
  return ordered_json{{"name", name}, {"cat", cat}, {"ph", "i"},  {"s", "t"},
                      {"ts", ts},     {"pid", pid}, {"tid", tid}, {"args", std::move(args)}};
}

// The traceEvents array, written element by element as the whole document's dump() would write
// it (compact, in order), so that a long run's trace never exists as one JSON tree in memory.
class EventArray {
 public:
  explicit EventArray(std::ostream& out) : out_(out) {}
  void push_back(const ordered_json& e) {
    if (count_++ > 0) out_ << ',';
    out_ << e.dump();
  }

 private:
  std::ostream& out_;
  size_t count_ = 0;
};

}  // namespace

std::string TraceJson(const RunResults& r) {
  std::ostringstream out;
  WriteTraceJson(r, out);
  return out.str();
}

void WriteTraceJson(const RunResults& r, std::ostream& out) {
  out << "{\"traceEvents\":[";
  EventArray events(out);
  const int64_t end = static_cast<int64_t>(r.simulated_seconds * 1e6 + 0.5);

  events.push_back(Meta("process_name", kControlPlanePid, 0, {{"name", "control plane"}}));
  events.push_back(Meta("process_sort_index", kControlPlanePid, 0, {{"sort_index", 0}}));
  events.push_back(Meta("thread_name", kControlPlanePid, kTimelineTid, {{"name", "timeline actions"}}));
  events.push_back(Meta("thread_name", kControlPlanePid, kFailuresTid, {{"name", "node failures"}}));

  // Nodes: those stored at the end and those pods were bound to (a node may have been deleted).
  std::set<std::string> node_names;
  for (const auto& n : r.nodes) node_names.insert(n.name);
  for (const auto& p : r.pods) {
    if (!p.node.empty() && p.scheduled) node_names.insert(p.node);
  }
  std::map<std::string, int> pid_of;
  int next_pid = kControlPlanePid + 1;
  for (const auto& name : node_names) {
    int pid = next_pid++;
    pid_of[name] = pid;
    events.push_back(Meta("process_name", pid, 0, {{"name", "node " + name}}));
    events.push_back(Meta("process_sort_index", pid, 0, {{"sort_index", pid}}));
  }

  // Timeline actions, as the scenario recorded them.
  for (const auto& e : r.events) {
    if (e.source != "scenario") continue;
    std::string name = e.reason == "TimelineAction" ? e.object : e.reason + " " + e.object;
    events.push_back(Instant(name, "timeline", Micros(e.time), kControlPlanePid, kTimelineTid,
                             {{"reason", e.reason}, {"type", e.type}, {"message", e.message}}));
  }

  // Node failures: the outage as a span, the controller's reactions as instants.
  for (const auto& f : r.node_failures) {
    if (f.failed) {
      int64_t until = f.ready_again ? Micros(*f.ready_again) : end;
      events.push_back(Complete("node " + f.node + " down", "node-failure", Micros(*f.failed), until, kControlPlanePid,
                                kFailuresTid, {{"node", f.node}, {"zone", f.zone}}));
    }
    auto step = [&](const std::optional<sim::Time>& t, const std::string& what) {
      if (t)
        events.push_back(Instant(f.node + ": " + what, "node-failure", Micros(*t), kControlPlanePid, kFailuresTid));
    };
    step(f.unknown, "Ready=Unknown");
    step(f.unreachable_no_schedule, "unreachable:NoSchedule");
    step(f.unreachable_no_execute, "unreachable:NoExecute");
    for (const auto& ev : f.evictions) {
      events.push_back(Instant("evict " + ev.pod, "node-failure", Micros(ev.at), kControlPlanePid, kFailuresTid,
                               {{"reason", ev.reason}, {"owner", ev.owner}}));
    }
    step(f.ready_again, "Ready=True");
  }

  // Sampled metrics as counter tracks of the control plane.
  const MetricsTable& m = r.metrics;
  auto counter = [&](const std::string& track, const std::vector<std::pair<std::string, std::string>>& series) {
    std::vector<const std::vector<double>*> cols;
    for (const auto& [label, column] : series) cols.push_back(m.Column(column));
    for (size_t row = 0; row < m.time.size(); ++row) {
      ordered_json args = ordered_json::object();
      for (size_t i = 0; i < series.size(); ++i) {
        if (cols[i] && row < cols[i]->size()) args[series[i].first] = (*cols[i])[row];
      }
      if (args.empty()) return;
      events.push_back(ordered_json{{"name", track},
                                    {"ph", "C"},
                                    {"ts", static_cast<int64_t>(m.time[row] * 1e6 + 0.5)},
                                    {"pid", kControlPlanePid},
                                    {"tid", 0},
                                    {"args", args}});
    }
  };
  counter("scheduler_pending_pods", {{"active", R"(scheduler_pending_pods{queue="active"})"},
                                     {"backoff", R"(scheduler_pending_pods{queue="backoff"})"},
                                     {"unschedulable", R"(scheduler_pending_pods{queue="unschedulable"})"},
                                     {"gated", R"(scheduler_pending_pods{queue="gated"})"}});
  counter("cluster_utilisation",
          {{"cpu", R"(cluster_utilisation{resource="cpu"})"}, {"memory", R"(cluster_utilisation{resource="memory"})"}});

  // Pods on their nodes. Lanes: the first whose last pod ended by this pod's binding.
  std::map<std::string, std::vector<int64_t>> lane_end;  // node → end of the last pod per lane
  std::map<std::pair<int, int>, bool> named_lane;
  std::vector<const PodRecord*> bound;
  for (const auto& p : r.pods) {
    if (p.scheduled && !p.node.empty()) bound.push_back(&p);
  }
  // By binding time, then creation order: lanes fill in time order.
  std::stable_sort(bound.begin(), bound.end(),
                   [](const PodRecord* a, const PodRecord* b) { return *a->scheduled < *b->scheduled; });
  for (const PodRecord* p : bound) {
    int pid = pid_of[p->node];
    int64_t start = Micros(*p->scheduled);
    int64_t stop = p->deleted ? Micros(*p->deleted) : end;
    stop = std::max(stop, start);
    std::vector<int64_t>& lanes = lane_end[p->node];
    size_t lane = 0;
    while (lane < lanes.size() && lanes[lane] > start) ++lane;
    if (lane == lanes.size()) lanes.push_back(stop);
    lanes[lane] = stop;
    int tid = static_cast<int>(lane) + 1;
    if (!named_lane[{pid, tid}]) {
      named_lane[{pid, tid}] = true;
      events.push_back(Meta("thread_name", pid, tid, {{"name", "pods " + std::to_string(tid)}}));
    }
    std::string name = p->namespace_ + "/" + p->name;
    ordered_json args = {{"uid", p->uid}, {"phase", p->phase}, {"attempts", p->attempts}};
    events.push_back(Complete(name, "pod", start, stop, pid, tid, args));
    // Phases nest inside the pod's span: bound → Running → terminal (or deleted / end of run).
    int64_t running = p->running ? std::clamp(Micros(*p->running), start, stop) : stop;
    events.push_back(Complete("starting", "pod-phase", start, running, pid, tid));
    if (p->running) {
      int64_t done = p->finished ? std::clamp(Micros(*p->finished), running, stop) : stop;
      events.push_back(Complete("running", "pod-phase", running, done, pid, tid));
    }
  }

  const ordered_json other = {
      {"scenario", r.scenario}, {"seed", r.seed}, {"fingerprint", r.fingerprint}, {"time", "simulated"}};
  out << "],\"displayTimeUnit\":\"ms\",\"otherData\":" << other.dump() << "}\n";
}

}  // namespace kubesim::report
