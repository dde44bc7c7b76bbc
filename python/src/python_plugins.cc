#include "python/src/python_plugins.h"

#include <map>
#include <nlohmann/json.hpp>
#include <utility>
#include <vector>

#include "examples/plugins/node_label_preference.h"
#include "models/api/encode_json.h"

namespace py = pybind11;

namespace kubesim::python {
namespace {

thread_local std::optional<PluginFailure>* g_failure_sink = nullptr;

// The Python functions of one registered plugin. Shared by the registry and every plugin instance
// built from it; Python references may only be dropped with the GIL held.
struct PySpec {
  std::string name;
  py::object filter;  // None when the plugin has no Filter
  py::object score;   // None when the plugin has no Score
  bool pass_node_info = false;

  ~PySpec() {
    if (!Py_IsInitialized()) {
      // Interpreter gone (process exit): nothing left to release them to.
      filter.release();
      score.release();
      return;
    }
    py::gil_scoped_acquire gil;
    filter = py::object();
    score = py::object();
  }
};

py::object ToPython(const nlohmann::ordered_json& j) {
  switch (j.type()) {
    case nlohmann::ordered_json::value_t::object: {
      py::dict d;
      for (auto it = j.begin(); it != j.end(); ++it) d[py::str(it.key())] = ToPython(it.value());
      return d;
    }
    case nlohmann::ordered_json::value_t::array: {
      py::list l(j.size());
      for (size_t i = 0; i < j.size(); ++i) l[i] = ToPython(j[i]);
      return l;
    }
    case nlohmann::ordered_json::value_t::string:
      return py::str(j.get_ref<const std::string&>());
    case nlohmann::ordered_json::value_t::boolean:
      return py::bool_(j.get<bool>());
    case nlohmann::ordered_json::value_t::number_integer:
      return py::int_(j.get<int64_t>());
    case nlohmann::ordered_json::value_t::number_unsigned:
      return py::int_(j.get<uint64_t>());
    case nlohmann::ordered_json::value_t::number_float:
      return py::float_(j.get<double>());
    default:
      return py::none();
  }
}

py::dict ResourceDict(const scheduler::Resource& r) {
  py::dict d;
  d["cpu"] = r.milli_cpu;  // milli-CPU, as NodeResourcesFit counts
  d["memory"] = r.memory;  // bytes
  d["ephemeral-storage"] = r.ephemeral_storage;
  d["pods"] = r.allowed_pod_number;
  for (const auto& [name, v] : r.scalar) d[py::str(name)] = v;
  return d;
}

// One plugin instance (one per profile of one simulation, so one thread at a time).
class PyPluginCore {
 public:
  explicit PyPluginCore(std::shared_ptr<PySpec> spec) : spec_(std::move(spec)) {}
  ~PyPluginCore() {
    if (pod_dict_.ptr() == nullptr && nodes_.empty()) return;
    if (!Py_IsInitialized()) {
      pod_dict_.release();
      for (auto& [n, e] : nodes_) e.second.release();
      return;
    }
    py::gil_scoped_acquire gil;
    pod_dict_ = py::object();
    nodes_.clear();
  }

  scheduler::Status CallFilter(const api::Pod& pod, const scheduler::NodeInfo& node) const {
    if (failed_) return Broken();
    py::gil_scoped_acquire gil;
    try {
      py::object ret = Call(spec_->filter, pod, node);
      if (ret.is_none() || (py::isinstance<py::bool_>(ret) && ret.cast<bool>())) return scheduler::Status::Success();
      if (py::isinstance<py::bool_>(ret)) {
        return scheduler::Status::Unschedulable("node(s) didn't satisfy plugin " + spec_->name);
      }
      if (py::isinstance<py::str>(ret)) return scheduler::Status::Unschedulable(ret.cast<std::string>());
      return Fail("Filter", pod, node,
                  "returned a " + py::str(ret.get_type().attr("__name__")).cast<std::string>() +
                      " (expected True, None, False or a reason string)");
    } catch (py::error_already_set& e) {
      return Fail("Filter", pod, node, Traceback(e));
    }
  }

  scheduler::Status CallScore(const api::Pod& pod, const scheduler::NodeInfo& node, int64_t* score) const {
    if (failed_) return Broken();
    py::gil_scoped_acquire gil;
    try {
      py::object ret = Call(spec_->score, pod, node);
      // Any integer (int, numpy.int64: what has __index__), but not bool or float.
      if (!PyIndex_Check(ret.ptr()) || py::isinstance<py::bool_>(ret)) {
        return Fail("Score", pod, node,
                    "returned a " + py::str(ret.get_type().attr("__name__")).cast<std::string>() +
                        " (expected an int in [0, 100])");
      }
      py::int_ as_int = py::reinterpret_steal<py::int_>(PyNumber_Index(ret.ptr()));
      if (!as_int) throw py::error_already_set();
      int64_t s = 0;
      try {
        s = as_int.cast<int64_t>();
      } catch (const py::cast_error&) {
        s = -1;  // beyond int64: out of range below
      }
      // Upstream's framework rejects a score outside [MinNodeScore, MaxNodeScore] as an error.
      if (s < scheduler::kMinNodeScore || s > scheduler::kMaxNodeScore) {
        return Fail("Score", pod, node, "returned " + py::str(ret).cast<std::string>() + ", outside [0, 100]");
      }
      *score = s;
      return scheduler::Status::Success();
    } catch (py::error_already_set& e) {
      return Fail("Score", pod, node, Traceback(e));
    }
  }

  const std::string& name() const { return spec_->name; }

 private:
  // The pod's dict is kept while the same version of the pod is scheduled (one cycle calls every
  // plugin for many nodes); a node's dict while its resourceVersion is unchanged. Callbacks get
  // the same dict each time, so they must not modify it (docs/python.md).
  py::object PodDict(const api::Pod& pod) const {
    if (pod_dict_.ptr() == nullptr || pod_uid_ != pod.metadata.uid || pod_rv_ != pod.metadata.resource_version) {
      pod_dict_ = ToPython(api::EncodeJson(pod));
      pod_uid_ = pod.metadata.uid;
      pod_rv_ = pod.metadata.resource_version;
    }
    return pod_dict_;
  }
  py::object NodeDict(const scheduler::NodeInfo& info) const {
    const api::Node& node = *info.node();
    auto it = nodes_.find(node.metadata.name);
    if (it != nodes_.end() && it->second.first == node.metadata.resource_version) return it->second.second;
    py::object d = ToPython(api::EncodeJson(node));
    nodes_[node.metadata.name] = {node.metadata.resource_version, d};
    return d;
  }

  py::object Call(const py::object& fn, const api::Pod& pod, const scheduler::NodeInfo& node) const {
    if (!spec_->pass_node_info) return fn(PodDict(pod), NodeDict(node));
    py::dict info;
    info["requested"] = ResourceDict(node.requested());
    info["allocatable"] = ResourceDict(node.allocatable());
    info["pods"] = py::int_(node.pods().size());
    return fn(PodDict(pod), NodeDict(node), info);
  }

  static std::string Traceback(py::error_already_set& e) {
    try {
      py::object lines = py::module_::import("traceback").attr("format_exception")(e.type(), e.value(), e.trace());
      return "raised:\n" + py::str("").attr("join")(lines).cast<std::string>();
    } catch (const py::error_already_set&) {
      return std::string("raised ") + e.what();
    }
  }

  scheduler::Status Fail(const char* point, const api::Pod& pod, const scheduler::NodeInfo& node,
                         const std::string& what) const {
    failed_ = true;
    std::string msg = "plugin " + spec_->name + ": " + point + " of pod " + pod.metadata.namespace_ + "/" +
                      pod.metadata.name + " on node " + node.name() + " " + what;
    while (!msg.empty() && msg.back() == '\n') msg.pop_back();
    if (g_failure_sink != nullptr && !g_failure_sink->has_value()) *g_failure_sink = PluginFailure{msg};
    return Broken();
  }
  scheduler::Status Broken() const {
    return scheduler::Status::Error("plugin " + spec_->name + " failed (Python exception; see kubesim.PluginError)");
  }

  std::shared_ptr<PySpec> spec_;
  mutable bool failed_ = false;
  mutable py::object pod_dict_;
  mutable std::string pod_uid_;
  mutable int64_t pod_rv_ = -1;
  mutable std::map<std::string, std::pair<int64_t, py::object>> nodes_;
};

// The framework finds a plugin's extension points by its interfaces (profile.cc), so a plugin
// implements exactly the ones the user gave functions for.
class PyFilterPlugin : public scheduler::FilterPlugin {
 public:
  explicit PyFilterPlugin(std::shared_ptr<PySpec> spec) : core_(std::move(spec)) {}
  std::string Name() const override { return core_.name(); }
  scheduler::Status Filter(const scheduler::CycleState&, const api::Pod& pod,
                           const scheduler::NodeInfo& node) const override {
    return core_.CallFilter(pod, node);
  }

 private:
  PyPluginCore core_;
};

class PyScorePlugin : public scheduler::ScorePlugin {
 public:
  explicit PyScorePlugin(std::shared_ptr<PySpec> spec) : core_(std::move(spec)) {}
  std::string Name() const override { return core_.name(); }
  scheduler::Status Score(const scheduler::CycleState&, const api::Pod& pod, const scheduler::NodeInfo& node,
                          int64_t* score) const override {
    return core_.CallScore(pod, node, score);
  }

 private:
  PyPluginCore core_;
};

class PyFilterScorePlugin : public scheduler::FilterPlugin, public scheduler::ScorePlugin {
 public:
  explicit PyFilterScorePlugin(std::shared_ptr<PySpec> spec) : core_(std::move(spec)) {}
  std::string Name() const override { return core_.name(); }
  scheduler::Status Filter(const scheduler::CycleState&, const api::Pod& pod,
                           const scheduler::NodeInfo& node) const override {
    return core_.CallFilter(pod, node);
  }
  scheduler::Status Score(const scheduler::CycleState&, const api::Pod& pod, const scheduler::NodeInfo& node,
                          int64_t* score) const override {
    return core_.CallScore(pod, node, score);
  }

 private:
  PyPluginCore core_;
};

scheduler::PluginFactory Factory(std::shared_ptr<PySpec> spec) {
  return [spec](const scheduler::PluginContext&,
                const api::YamlNode* args) -> sim::StatusOr<std::shared_ptr<scheduler::Plugin>> {
    if (args != nullptr && args->Defined() && args->size() > 0) {
      return args->Error("Python plugin " + spec->name + " takes no arguments");
    }
    bool f = !spec->filter.is_none(), s = !spec->score.is_none();
    if (f && s) return std::shared_ptr<scheduler::Plugin>(std::make_shared<PyFilterScorePlugin>(spec));
    if (f) return std::shared_ptr<scheduler::Plugin>(std::make_shared<PyFilterPlugin>(spec));
    return std::shared_ptr<scheduler::Plugin>(std::make_shared<PyScorePlugin>(spec));
  };
}

// Module-wide state. Never destroyed: it holds Python objects, which cannot be released after
// the interpreter has finalised.
struct State {
  std::mutex mu;
  std::map<std::string, std::shared_ptr<PySpec>> plugins;  // by name: registration order is irrelevant
  std::shared_ptr<const scheduler::Registry> current;
};

State& GetState() {
  static State* s = new State();
  return *s;
}

scheduler::Registry BaseRegistry() {
  // As cli/main.cc's CliRegistry, so a scenario that runs in the CLI runs here.
  scheduler::Registry r = scheduler::Registry::InTree();
  (void)examples::RegisterExamplePlugins(r);
  return r;
}

// Rebuilds the snapshot from the base and the Python plugins; caller holds the mutex.
void Rebuild(State& s) {
  auto r = std::make_shared<scheduler::Registry>(BaseRegistry());
  for (const auto& [name, spec] : s.plugins) (void)r->Register(name, Factory(spec));
  s.current = std::move(r);
}

}  // namespace

PluginFailureScope::PluginFailureScope() : previous_(g_failure_sink) { g_failure_sink = &failure_; }
PluginFailureScope::~PluginFailureScope() { g_failure_sink = previous_; }

std::shared_ptr<const scheduler::Registry> CurrentRegistry() {
  State& s = GetState();
  std::lock_guard<std::mutex> lock(s.mu);
  if (!s.current) Rebuild(s);
  return s.current;
}

sim::Status RegisterPythonPlugin(const std::string& name, py::object filter, py::object score, bool pass_node_info) {
  if (name.empty()) return sim::InvalidArgument("register_plugin: the name must not be empty");
  if (filter.is_none() && score.is_none()) {
    return sim::InvalidArgument("register_plugin: plugin " + name + " needs a filter or a score function");
  }
  if (BaseRegistry().Find(name) != nullptr) {
    return sim::InvalidArgument("register_plugin: " + name + " is a built-in plugin; choose another name");
  }
  auto spec = std::make_shared<PySpec>();
  spec->name = name;
  spec->filter = std::move(filter);
  spec->score = std::move(score);
  spec->pass_node_info = pass_node_info;
  State& s = GetState();
  std::lock_guard<std::mutex> lock(s.mu);
  s.plugins[name] = std::move(spec);
  Rebuild(s);
  return sim::Status::Ok();
}

bool UnregisterPythonPlugin(const std::string& name) {
  State& s = GetState();
  std::lock_guard<std::mutex> lock(s.mu);
  if (s.plugins.erase(name) == 0) return false;
  Rebuild(s);
  return true;
}

std::vector<std::string> PythonPluginNames() {
  State& s = GetState();
  std::lock_guard<std::mutex> lock(s.mu);
  std::vector<std::string> out;
  for (const auto& [name, spec] : s.plugins) out.push_back(name);
  return out;
}

}  // namespace kubesim::python
