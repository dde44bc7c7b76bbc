// The plugin registry: plugin name → factory, as upstream's frameworkruntime.Registry. A profile
// is built by name from it, so a custom plugin registered here is usable from configuration.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "models/apiserver/api_server.h"
#include "models/scheduler/framework.h"
#include "sim/status.h"

namespace kubesim::scheduler {

// What a factory may use: the API server (binders) and the simulation.
struct PluginContext {
  apiserver::ApiServer* api = nullptr;
  sim::Simulation* sim = nullptr;
};

using PluginFactory = std::function<sim::StatusOr<std::shared_ptr<Plugin>>(const PluginContext&)>;

class Registry {
 public:
  // The in-tree plugins kubesim implements, under their upstream names.
  static Registry InTree();

  sim::Status Register(const std::string& name, PluginFactory factory);
  const PluginFactory* Find(const std::string& name) const;
  std::vector<std::string> Names() const;

 private:
  std::map<std::string, PluginFactory> factories_;
};

}  // namespace kubesim::scheduler
