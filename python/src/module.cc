// _kubesim: the compiled half of the Python package `kubesim` (python/kubesim/__init__.py holds the
// public API; docs/python.md documents it).
//
// This file only converts: Python values to YAML nodes and durations, RunResults to columns (numpy
// arrays for numbers, lists for strings) that pandas turns into DataFrames without a CSV round
// trip, and sim::Status errors to kubesim.ScenarioError (a ValueError) with the CLI's message.
// The GIL is released while loading and simulating.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <cmath>
#include <limits>
#include <stdexcept>

#include "models/report/writers.h"
#include "python/src/live_simulation.h"

namespace py = pybind11;

namespace kubesim::python {
namespace {

struct ScenarioError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

void ThrowIfError(const sim::Status& st) {
  if (!st.ok()) throw ScenarioError(st.message());
}

// A Python override value as a YAML node (scalars as their YAML text).
YAML::Node ToYaml(const py::handle& v, const std::string& where) {
  if (v.is_none()) return YAML::Node(YAML::NodeType::Null);
  if (py::isinstance<py::bool_>(v)) return YAML::Node(v.cast<bool>() ? "true" : "false");
  if (py::isinstance<py::int_>(v)) return YAML::Node(py::str(v).cast<std::string>());
  if (py::isinstance<py::float_>(v)) return YAML::Node(py::repr(v).cast<std::string>());
  if (py::isinstance<py::str>(v)) return YAML::Node(v.cast<std::string>());
  if (py::isinstance<py::dict>(v)) {
    YAML::Node m(YAML::NodeType::Map);
    for (auto item : v.cast<py::dict>()) m[py::str(item.first).cast<std::string>()] = ToYaml(item.second, where);
    return m;
  }
  if (py::isinstance<py::list>(v) || py::isinstance<py::tuple>(v)) {
    YAML::Node s(YAML::NodeType::Sequence);
    for (auto item : v) s.push_back(ToYaml(item, where));
    return s;
  }
  throw ScenarioError(where + "unsupported value of type " + py::str(v.get_type().attr("__name__")).cast<std::string>() +
                      " (use None, bool, int, float, str, list or dict)");
}

// A duration given as a Go duration string ("10m") or as seconds.
sim::Duration ToDuration(const py::handle& v, const std::string& what) {
  if (py::isinstance<py::str>(v)) {
    auto d = sim::ParseDuration(v.cast<std::string>());
    if (!d.ok()) throw ScenarioError(what + ": " + d.status().message());
    return *d;
  }
  if (py::isinstance<py::int_>(v) || py::isinstance<py::float_>(v)) {
    double s = v.cast<double>();
    if (!std::isfinite(s) || std::fabs(s) > 9.2e9) throw ScenarioError(what + ": out of range");
    return sim::Duration::Nanoseconds(std::llround(s * 1e9));
  }
  throw ScenarioError(what + ": expected a duration string such as \"10m\" or a number of seconds");
}

py::array_t<double> TimeColumn(const std::vector<report::PodRecord>& pods,
                               std::optional<sim::Time> report::PodRecord::*field) {
  py::array_t<double> a(static_cast<py::ssize_t>(pods.size()));
  auto m = a.mutable_unchecked<1>();
  for (size_t i = 0; i < pods.size(); ++i) {
    const auto& t = pods[i].*field;
    m(static_cast<py::ssize_t>(i)) = t ? t->ToSeconds() : std::numeric_limits<double>::quiet_NaN();
  }
  return a;
}

template <typename Row, typename F>
py::list StringColumn(const std::vector<Row>& rows, F get) {
  py::list l(rows.size());
  for (size_t i = 0; i < rows.size(); ++i) l[i] = py::str(get(rows[i]));
  return l;
}

template <typename T, typename Row, typename F>
py::array_t<T> NumberColumn(const std::vector<Row>& rows, F get) {
  py::array_t<T> a(static_cast<py::ssize_t>(rows.size()));
  auto m = a.template mutable_unchecked<1>();
  for (size_t i = 0; i < rows.size(); ++i) m(static_cast<py::ssize_t>(i)) = static_cast<T>(get(rows[i]));
  return a;
}

// Columns of the pods, events and nodes tables (docs/python.md lists names and dtypes), the
// summary as summary.json's text, and the fingerprint.
py::dict ResultColumns(const report::RunResults& r) {
  using report::PodRecord;
  py::dict pods;
  pods["namespace"] = StringColumn(r.pods, [](const PodRecord& p) { return p.namespace_; });
  pods["name"] = StringColumn(r.pods, [](const PodRecord& p) { return p.name; });
  pods["node"] = StringColumn(r.pods, [](const PodRecord& p) { return p.node; });
  pods["created"] = TimeColumn(r.pods, &PodRecord::created);
  pods["scheduled"] = TimeColumn(r.pods, &PodRecord::scheduled);
  pods["running"] = TimeColumn(r.pods, &PodRecord::running);
  pods["finished"] = TimeColumn(r.pods, &PodRecord::finished);
  pods["deleted"] = TimeColumn(r.pods, &PodRecord::deleted);
  pods["phase"] = StringColumn(r.pods, [](const PodRecord& p) { return p.phase; });
  pods["attempts"] = NumberColumn<int64_t>(r.pods, [](const PodRecord& p) { return p.attempts; });
  pods["uid"] = StringColumn(r.pods, [](const PodRecord& p) { return p.uid; });
  pods["last_failure"] = StringColumn(r.pods, [](const PodRecord& p) { return p.last_failure; });

  using client::RecordedEvent;
  py::dict events;
  events["time"] = NumberColumn<double>(r.events, [](const RecordedEvent& e) { return e.time.ToSeconds(); });
  events["type"] = StringColumn(r.events, [](const RecordedEvent& e) { return e.type; });
  events["reason"] = StringColumn(r.events, [](const RecordedEvent& e) { return e.reason; });
  events["object"] = StringColumn(r.events, [](const RecordedEvent& e) { return e.object; });
  events["message"] = StringColumn(r.events, [](const RecordedEvent& e) { return e.message; });
  events["source"] = StringColumn(r.events, [](const RecordedEvent& e) { return e.source; });

  using report::NodeRecord;
  py::dict nodes;
  nodes["name"] = StringColumn(r.nodes, [](const NodeRecord& n) { return n.name; });
  nodes["zone"] = StringColumn(r.nodes, [](const NodeRecord& n) { return n.zone; });
  nodes["ready"] = NumberColumn<bool>(r.nodes, [](const NodeRecord& n) { return n.ready; });
  nodes["unschedulable"] = NumberColumn<bool>(r.nodes, [](const NodeRecord& n) { return n.unschedulable; });
  nodes["capacity_milli_cpu"] = NumberColumn<int64_t>(r.nodes, [](const NodeRecord& n) { return n.capacity_milli_cpu; });
  nodes["capacity_memory"] = NumberColumn<int64_t>(r.nodes, [](const NodeRecord& n) { return n.capacity_memory; });
  nodes["capacity_pods"] = NumberColumn<int64_t>(r.nodes, [](const NodeRecord& n) { return n.capacity_pods; });
  nodes["allocatable_milli_cpu"] =
      NumberColumn<int64_t>(r.nodes, [](const NodeRecord& n) { return n.allocatable_milli_cpu; });
  nodes["allocatable_memory"] = NumberColumn<int64_t>(r.nodes, [](const NodeRecord& n) { return n.allocatable_memory; });
  nodes["allocatable_pods"] = NumberColumn<int64_t>(r.nodes, [](const NodeRecord& n) { return n.allocatable_pods; });
  nodes["requested_milli_cpu"] =
      NumberColumn<int64_t>(r.nodes, [](const NodeRecord& n) { return n.requested_milli_cpu; });
  nodes["requested_memory"] = NumberColumn<int64_t>(r.nodes, [](const NodeRecord& n) { return n.requested_memory; });
  nodes["pods"] = NumberColumn<int64_t>(r.nodes, [](const NodeRecord& n) { return n.pods; });

  py::dict out;
  out["summary_json"] = report::SummaryJson(r);
  out["fingerprint"] = r.fingerprint;
  out["pods"] = pods;
  out["events"] = events;
  out["nodes"] = nodes;
  return out;
}

std::unique_ptr<LiveSimulation> Load(const std::string& source, bool is_path, const std::string& file,
                                     std::optional<uint64_t> seed, const py::object& overrides, const py::object& until) {
  LiveSimulation::Options opts;
  opts.seed = seed;
  if (!until.is_none()) {
    sim::Duration d = ToDuration(until, "until");
    if (d <= sim::Duration::Zero()) throw ScenarioError("until: must be positive");
    opts.until = d;
  }
  if (!overrides.is_none()) {
    size_t i = 0;
    for (auto item : overrides.cast<py::dict>()) {
      std::string key = py::str(item.first).cast<std::string>();
      std::string where = "<overrides>:" + std::to_string(++i) + ":1: spec." + key + ": ";
      opts.overrides.push_back(Override{key, ToYaml(item.second, where)});
    }
  }
  sim::StatusOr<std::unique_ptr<LiveSimulation>> live = sim::InvalidArgument("not loaded");
  {
    py::gil_scoped_release release;
    live = LiveSimulation::Load(source, is_path, file, std::move(opts));
  }
  ThrowIfError(live.status());
  return std::move(live).value();
}

}  // namespace
}  // namespace kubesim::python

PYBIND11_MODULE(_kubesim, m) {
  using kubesim::python::LiveSimulation;
  using kubesim::python::ScenarioError;
  namespace ks = kubesim;
  m.doc() = "kubesim's compiled core; use the `kubesim` package, not this module (docs/python.md)";
  py::register_exception<ScenarioError>(m, "ScenarioError", PyExc_ValueError);

  py::class_<LiveSimulation>(m, "LiveSimulation")
      .def(py::init(&ks::python::Load), py::arg("source"), py::arg("is_path"), py::arg("file"), py::arg("seed"),
           py::arg("overrides"), py::arg("until"))
      .def("run", &LiveSimulation::Run, py::call_guard<py::gil_scoped_release>())
      .def("run_until",
           [](LiveSimulation& s, const py::object& t) {
             ks::sim::Duration d = ks::python::ToDuration(t, "run_until");
             if (d < ks::sim::Duration::Zero()) throw ScenarioError("run_until: must not be negative");
             ks::sim::Time at = ks::sim::Time::Zero() + d;
             if (at < s.Now()) {
               throw ScenarioError("run_until: " + d.ToString() + " is before the simulation's time " +
                                   (s.Now() - ks::sim::Time::Zero()).ToString());
             }
             py::gil_scoped_release release;
             s.RunUntil(at);
           })
      .def("step", &LiveSimulation::Step, py::call_guard<py::gil_scoped_release>())
      .def_property_readonly("now_ns", [](LiveSimulation& s) { return s.Now().nanos(); })
      .def_property_readonly("end_ns", [](const LiveSimulation& s) { return s.End().nanos(); })
      .def_property_readonly("fingerprint", &LiveSimulation::Fingerprint)
      .def("results",
           [](LiveSimulation& s) {
             ks::report::RunResults r;
             {
               py::gil_scoped_release release;
               r = s.Results();
             }
             return ks::python::ResultColumns(r);
           })
      .def("check_invariants", &LiveSimulation::CheckInvariants, py::call_guard<py::gil_scoped_release>())
      .def("get_json", &LiveSimulation::GetJson)
      .def("list_json", &LiveSimulation::ListJson)
      .def("apply",
           [](LiveSimulation& s, const std::string& text, const std::string& file) {
             ks::sim::Status st;
             {
               py::gil_scoped_release release;
               st = s.Apply(text, file);
             }
             ks::python::ThrowIfError(st);
           })
      .def("act", [](LiveSimulation& s, const std::string& text, const std::string& file) {
        ks::sim::Status st;
        {
          py::gil_scoped_release release;
          st = s.Act(text, file);
        }
        ks::python::ThrowIfError(st);
      });

#ifdef NDEBUG
  m.attr("debug_build") = false;
#else
  m.attr("debug_build") = true;
#endif
}
