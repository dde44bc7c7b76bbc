// Scheduler plugins written in Python (docs/python.md, "Python scheduling plugins").
//
// `kubesim.register_plugin(name, filter=..., score=...)` adds a Filter and/or Score plugin to the
// module's plugin registry under `name`; a KubeSchedulerConfiguration of any scenario loaded
// afterwards in this process may enable it like an in-tree plugin (upstream's out-of-tree plugins
// registered through app.WithPlugin, frameworkruntime.Registry). The C++ side is a
// scheduler::FilterPlugin / ScorePlugin whose methods take the GIL and call the Python function
// with the pod and the node as Kubernetes-shaped dicts (api::EncodeJson).
//
// Errors: a Python exception in a callback becomes a framework Error status for that cycle (as
// upstream's framework does for a plugin returning an error: the pod gets a SchedulerError
// condition and goes back to the queue with backoff), the plugin fails every later call of that
// simulation without calling Python again, and the first exception is raised as
// kubesim.PluginError by the Python call that advanced the simulation (run, run_until, step,
// apply, act), once it returns.
#pragma once

#include <pybind11/pybind11.h>

#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "models/scheduler/registry.h"

namespace kubesim::python {

// The first failure of a Python plugin while a call advanced a simulation on this thread.
struct PluginFailure {
  std::string message;  // "plugin NAME: Filter of pod NS/NAME on node N raised ...\n<traceback>"
};

// Installs a failure sink for the calling thread while alive (the simulation runs on the calling
// thread with the GIL released; callbacks report into the sink of their thread).
class PluginFailureScope {
 public:
  PluginFailureScope();
  ~PluginFailureScope();
  PluginFailureScope(const PluginFailureScope&) = delete;
  PluginFailureScope& operator=(const PluginFailureScope&) = delete;
  const std::optional<PluginFailure>& failure() const { return failure_; }

 private:
  std::optional<PluginFailure> failure_;
  std::optional<PluginFailure>* previous_;
};

// The registry scenarios are loaded and run with: in-tree plugins, the example plugins (as the
// CLI's), and the Python plugins registered so far. A snapshot: registering later does not change
// a registry a simulation already holds.
std::shared_ptr<const scheduler::Registry> CurrentRegistry();

// Registers (or replaces) a Python plugin. `filter` and `score` are callables or None (at least
// one given); `pass_node_info`: call them as f(pod, node, node_info) instead of f(pod, node).
// Needs the GIL. Fails for an empty name or the name of a C++ plugin.
sim::Status RegisterPythonPlugin(const std::string& name, pybind11::object filter, pybind11::object score,
                                 bool pass_node_info);
// Removes a Python plugin; false when there was none of that name. Needs the GIL.
bool UnregisterPythonPlugin(const std::string& name);
// Names of the registered Python plugins, sorted.
std::vector<std::string> PythonPluginNames();

}  // namespace kubesim::python
