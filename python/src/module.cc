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
#include <optional>
#include <stdexcept>
#include <type_traits>
#include <utility>
#include <variant>

#include "models/api/labels.h"
#include "models/report/pod_columns.h"
#include "models/report/writers.h"
#include "python/src/live_simulation.h"
#include "python/src/python_plugins.h"

namespace py = pybind11;

namespace kubesim::python {
namespace {

struct ScenarioError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// A Python scheduling plugin raised (python_plugins.h): kubesim.PluginError, a RuntimeError.
struct PluginError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

void ThrowIfError(const sim::Status& st) {
  if (!st.ok()) throw ScenarioError(st.message());
}

// Runs `f` (which advances a simulation) with the GIL released and a plugin failure sink
// installed; raises the first Python plugin failure once `f` returned.
template <typename F>
auto Advancing(F f) {
  PluginFailureScope scope;
  if constexpr (std::is_void_v<decltype(f())>) {
    {
      py::gil_scoped_release release;
      f();
    }
    if (scope.failure()) throw PluginError(scope.failure()->message);
  } else {
    std::optional<decltype(f())> r;
    {
      py::gil_scoped_release release;
      r.emplace(f());
    }
    if (scope.failure()) throw PluginError(scope.failure()->message);
    return std::move(*r);
  }
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
  throw ScenarioError(where + "unsupported value of type " +
                      py::str(v.get_type().attr("__name__")).cast<std::string>() +
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

// Columns of the pods, events and nodes tables (docs/results.md lists the pods columns, docs/python.md
// the others and the dtypes), the summary as summary.json's text, and the fingerprint.
py::dict ResultColumns(const report::RunResults& r) {
  // pods: the columns of pods.csv (report::kPodColumns), in its order.
  using report::PodRecord;
  py::dict pods;
  for (const report::PodColumn& c : report::kPodColumns) {
    pods[py::str(std::string(c.name))] = std::visit(
        [&](auto field) -> py::object {
          using T = std::remove_cvref_t<decltype(std::declval<const PodRecord&>().*field)>;
          if constexpr (std::is_same_v<T, std::string>) {
            return StringColumn(r.pods, [field](const PodRecord& p) { return p.*field; });
          } else if constexpr (std::is_same_v<T, std::optional<sim::Time>>) {
            return TimeColumn(r.pods, field);
          } else {
            return NumberColumn<int64_t>(r.pods, [field](const PodRecord& p) { return p.*field; });
          }
        },
        c.field);
  }

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
  nodes["capacity_milli_cpu"] =
      NumberColumn<int64_t>(r.nodes, [](const NodeRecord& n) { return n.capacity_milli_cpu; });
  nodes["capacity_memory"] = NumberColumn<int64_t>(r.nodes, [](const NodeRecord& n) { return n.capacity_memory; });
  nodes["capacity_pods"] = NumberColumn<int64_t>(r.nodes, [](const NodeRecord& n) { return n.capacity_pods; });
  nodes["allocatable_milli_cpu"] =
      NumberColumn<int64_t>(r.nodes, [](const NodeRecord& n) { return n.allocatable_milli_cpu; });
  nodes["allocatable_memory"] =
      NumberColumn<int64_t>(r.nodes, [](const NodeRecord& n) { return n.allocatable_memory; });
  nodes["allocatable_pods"] = NumberColumn<int64_t>(r.nodes, [](const NodeRecord& n) { return n.allocatable_pods; });
  nodes["requested_milli_cpu"] =
      NumberColumn<int64_t>(r.nodes, [](const NodeRecord& n) { return n.requested_milli_cpu; });
  nodes["requested_memory"] = NumberColumn<int64_t>(r.nodes, [](const NodeRecord& n) { return n.requested_memory; });
  nodes["pods"] = NumberColumn<int64_t>(r.nodes, [](const NodeRecord& n) { return n.pods; });

  // metrics: "time" then one float64 column per name (MetricsTable).
  py::dict metrics;
  metrics["time"] = py::array_t<double>(static_cast<py::ssize_t>(r.metrics.time.size()), r.metrics.time.data());
  for (size_t i = 0; i < r.metrics.names.size() && i < r.metrics.columns.size(); ++i) {
    const auto& c = r.metrics.columns[i];
    metrics[py::str(r.metrics.names[i])] = py::array_t<double>(static_cast<py::ssize_t>(c.size()), c.data());
  }

  // node_series: long format, one row per node and sample; allocatable_R / requested_R per resource R.
  const report::NodeSeries& ns = r.node_series;
  py::dict series;
  series["time"] = py::array_t<double>(static_cast<py::ssize_t>(ns.time.size()), ns.time.data());
  series["node"] = StringColumn(ns.node, [&](uint32_t id) { return ns.names[id]; });
  series["zone"] = StringColumn(ns.zone, [&](uint32_t id) { return ns.zones[id]; });
  series["ready"] = NumberColumn<bool>(ns.ready, [](uint8_t v) { return v != 0; });
  for (size_t i = 0; i < ns.resources.size(); ++i) {
    const std::string& res = ns.resources[i];
    if (i < ns.allocatable.size()) {
      series[py::str("allocatable_" + res)] = NumberColumn<double>(ns.allocatable[i], [](double v) { return v; });
    }
    if (i < ns.requested.size()) {
      series[py::str("requested_" + res)] = NumberColumn<double>(ns.requested[i], [](double v) { return v; });
    }
  }

  // node_failures: one row per failure; node_evictions: one row per evicted pod of a failure.
  using report::NodeFailure;
  auto opt_time = [](const std::optional<sim::Time>& t) {
    return t ? t->ToSeconds() : std::numeric_limits<double>::quiet_NaN();
  };
  auto opt_double = [](const std::optional<double>& v) { return v ? *v : std::numeric_limits<double>::quiet_NaN(); };
  const auto& nf = r.node_failures;
  py::dict failures;
  failures["node"] = StringColumn(nf, [](const NodeFailure& f) { return f.node; });
  failures["zone"] = StringColumn(nf, [](const NodeFailure& f) { return f.zone; });
  failures["failed"] = NumberColumn<double>(nf, [&](const NodeFailure& f) { return opt_time(f.failed); });
  failures["last_lease_renewal"] =
      NumberColumn<double>(nf, [&](const NodeFailure& f) { return opt_time(f.last_lease_renewal); });
  failures["unknown"] = NumberColumn<double>(nf, [&](const NodeFailure& f) { return opt_time(f.unknown); });
  failures["unreachable_no_schedule"] =
      NumberColumn<double>(nf, [&](const NodeFailure& f) { return opt_time(f.unreachable_no_schedule); });
  failures["unreachable_no_execute"] =
      NumberColumn<double>(nf, [&](const NodeFailure& f) { return opt_time(f.unreachable_no_execute); });
  failures["ready_again"] = NumberColumn<double>(nf, [&](const NodeFailure& f) { return opt_time(f.ready_again); });
  failures["evictions"] = NumberColumn<int64_t>(nf, [](const NodeFailure& f) { return f.evictions.size(); });
  failures["detection_delay_seconds"] =
      NumberColumn<double>(nf, [&](const NodeFailure& f) { return opt_double(f.detection_delay_seconds); });
  failures["eviction_delay_seconds"] =
      NumberColumn<double>(nf, [&](const NodeFailure& f) { return opt_double(f.eviction_delay_seconds); });
  failures["recovery_seconds"] =
      NumberColumn<double>(nf, [&](const NodeFailure& f) { return opt_double(f.recovery_seconds); });

  struct EvictionRow {
    const NodeFailure* failure;
    const report::EvictionRecord* eviction;
  };
  std::vector<EvictionRow> ev;
  for (const auto& f : nf) {
    for (const auto& e : f.evictions) ev.push_back({&f, &e});
  }
  auto repl_time = [&](const EvictionRow& e, std::optional<sim::Time> report::ReplacementRecord::*field) {
    return e.eviction->replacement ? opt_time((*e.eviction->replacement).*field)
                                   : std::numeric_limits<double>::quiet_NaN();
  };
  py::dict evictions;
  evictions["node"] = StringColumn(ev, [](const EvictionRow& e) { return e.failure->node; });
  evictions["pod"] = StringColumn(ev, [](const EvictionRow& e) { return e.eviction->pod; });
  evictions["at"] = NumberColumn<double>(ev, [](const EvictionRow& e) { return e.eviction->at.ToSeconds(); });
  evictions["reason"] = StringColumn(ev, [](const EvictionRow& e) { return e.eviction->reason; });
  evictions["owner"] = StringColumn(ev, [](const EvictionRow& e) { return e.eviction->owner; });
  evictions["replacement_pod"] = StringColumn(
      ev, [](const EvictionRow& e) { return e.eviction->replacement ? e.eviction->replacement->pod : std::string(); });
  evictions["replacement_node"] = StringColumn(
      ev, [](const EvictionRow& e) { return e.eviction->replacement ? e.eviction->replacement->node : std::string(); });
  evictions["replacement_created"] =
      NumberColumn<double>(ev, [&](const EvictionRow& e) { return repl_time(e, &report::ReplacementRecord::created); });
  evictions["replacement_scheduled"] = NumberColumn<double>(
      ev, [&](const EvictionRow& e) { return repl_time(e, &report::ReplacementRecord::scheduled); });
  evictions["replacement_ready"] =
      NumberColumn<double>(ev, [&](const EvictionRow& e) { return repl_time(e, &report::ReplacementRecord::ready); });

  py::dict out;
  out["metrics"] = metrics;
  out["node_series"] = series;
  out["node_failures"] = failures;
  out["node_evictions"] = evictions;
  out["summary_json"] = report::SummaryJson(r);
  out["fingerprint"] = r.fingerprint;
  out["pods"] = pods;
  out["events"] = events;
  out["nodes"] = nodes;
  return out;
}

std::unique_ptr<LiveSimulation> Load(const std::string& source, bool is_path, const std::string& file,
                                     std::optional<uint64_t> seed, const py::object& overrides,
                                     const py::object& until) {
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
  auto live = Advancing([&]() -> sim::StatusOr<std::unique_ptr<LiveSimulation>> {
    return LiveSimulation::Load(source, is_path, file, std::move(opts));
  });
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
  py::register_exception<ks::python::PluginError>(m, "PluginError", PyExc_RuntimeError);
  using ks::python::Advancing;

  py::class_<LiveSimulation>(m, "LiveSimulation")
      .def(py::init(&ks::python::Load), py::arg("source"), py::arg("is_path"), py::arg("file"), py::arg("seed"),
           py::arg("overrides"), py::arg("until"))
      .def("fresh",
           [](const LiveSimulation& s) {
             auto live = Advancing([&] { return s.Fresh(); });
             ks::python::ThrowIfError(live.status());
             return std::move(live).value();
           })
      .def("run", [](LiveSimulation& s) { Advancing([&] { s.Run(); }); })
      .def("run_until",
           [](LiveSimulation& s, const py::object& t) {
             ks::sim::Duration d = ks::python::ToDuration(t, "run_until");
             if (d < ks::sim::Duration::Zero()) throw ScenarioError("run_until: must not be negative");
             ks::sim::Time at = ks::sim::Time::Zero() + d;
             if (at < s.Now()) {
               throw ScenarioError("run_until: " + d.ToString() + " is before the simulation's time " +
                                   (s.Now() - ks::sim::Time::Zero()).ToString());
             }
             Advancing([&] { s.RunUntil(at); });
           })
      .def("step", [](LiveSimulation& s) { return Advancing([&] { return s.Step(); }); })
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
             ks::python::ThrowIfError(Advancing([&] { return s.Apply(text, file); }));
           })
      .def("act", [](LiveSimulation& s, const std::string& text, const std::string& file) {
        ks::python::ThrowIfError(Advancing([&] { return s.Act(text, file); }));
      });

  // (name, type, meaning) of each column of Result.pods and pods.csv (models/report/pod_columns.h).
  py::list pod_columns;
  for (const ks::report::PodColumn& c : ks::report::kPodColumns) {
    pod_columns.append(
        py::make_tuple(std::string(c.name), std::string(ks::report::PodColumnType(c)), std::string(c.meaning)));
  }
  m.attr("POD_COLUMNS") = py::tuple(pod_columns);

  // Label selectors as the C++ side parses and matches them (models/api/labels.h): a string in
  // upstream's labels.Parse syntax, or a dict of labels that must all be equal (matchLabels).
  py::class_<ks::api::LabelSelector>(m, "LabelSelector")
      .def(py::init([](const std::string& selector) {
             auto parsed = ks::api::ParseLabelSelector(selector);
             if (!parsed.ok()) throw py::value_error(parsed.status().message());
             return std::move(parsed).value();
           }),
           py::arg("selector"))
      .def(py::init([](const ks::api::StringMap& match_labels) {
             ks::api::LabelSelector s;
             s.match_labels = match_labels;
             return s;
           }),
           py::arg("match_labels"))
      .def("matches", &ks::api::LabelSelector::Matches, py::arg("labels"));

  m.def(
      "register_plugin",
      [](const std::string& name, py::object filter, py::object score, bool pass_node_info) {
        ks::python::ThrowIfError(
            ks::python::RegisterPythonPlugin(name, std::move(filter), std::move(score), pass_node_info));
      },
      py::arg("name"), py::arg("filter"), py::arg("score"), py::arg("pass_node_info"));
  m.def("unregister_plugin", &ks::python::UnregisterPythonPlugin, py::arg("name"));
  m.def("plugin_names", &ks::python::PythonPluginNames);

#ifdef NDEBUG
  m.attr("debug_build") = false;
#else
  m.attr("debug_build") = true;
#endif
}
