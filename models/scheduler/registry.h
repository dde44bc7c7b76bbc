// The plugin registry: plugin name → factory, as upstream's frameworkruntime.Registry. A profile
// is built by name from it, so a custom plugin registered here is usable from configuration.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "models/api/yaml_node.h"
#include "models/apiserver/api_client.h"
#include "models/scheduler/framework.h"
#include "models/scheduler/shared_lister.h"
#include "sim/status.h"

namespace kubesim::scheduler {

// What a factory may use: the API server (binders), the simulation, and the snapshot and
// informer caches (SharedLister, valid during scheduling cycles).
struct PluginContext {
  const apiserver::ApiClient* api = nullptr;
  sim::Simulation* sim = nullptr;
  SharedLister* lister = nullptr;
};

// Builds a plugin. `args` is the plugin's `pluginConfig` args from a KubeSchedulerConfiguration,
// or null for upstream's defaults; errors name the file, line and field.
using PluginFactory =
    std::function<sim::StatusOr<std::shared_ptr<Plugin>>(const PluginContext& ctx, const api::YamlNode* args)>;

// A factory for a plugin without arguments (rejects any given).
template <typename T>
PluginFactory NoArgs() {
  return [](const PluginContext&, const api::YamlNode* args) -> sim::StatusOr<std::shared_ptr<Plugin>> {
    if (args != nullptr && args->Defined() && args->size() > 0) {
      return args->Error(std::string("plugin ") + T::kName + " takes no arguments");
    }
    return std::shared_ptr<Plugin>(std::make_shared<T>());
  };
}

class Registry {
 public:
  // The in-tree plugins kubesim implements, under their upstream names.
  static Registry InTree();
  // The in-tree registry, built once (immutable).
  static const Registry& Default();

  sim::Status Register(const std::string& name, PluginFactory factory);
  const PluginFactory* Find(const std::string& name) const;
  std::vector<std::string> Names() const;

 private:
  std::map<std::string, PluginFactory> factories_;
};

}  // namespace kubesim::scheduler
