// The timeline action registry: action name → parser. A timeline entry is `at: DURATION` plus
// exactly one action key; the parser validates the action's arguments at load time and returns
// what to do at run time. Components add their actions here (one registry, one place to look).
#pragma once

#include <functional>
#include <map>
#include <string>

#include "models/api/yaml_node.h"
#include "models/scenario/object_loader.h"
#include "models/scenario/scenario.h"

namespace kubesim::scenario {

struct ParsedAction {
  ActionFn run;
  std::string description;
};

// `loader` gives access to what the scenario defines (for checks) and decodes manifests.
using ActionParser = std::function<sim::StatusOr<ParsedAction>(const api::YamlNode& args, ObjectLoader& loader)>;

// The built-in actions: create, delete, stopKubelet, crashNode, restartKubelet.
const std::map<std::string, ActionParser>& ActionRegistry();

}  // namespace kubesim::scenario
