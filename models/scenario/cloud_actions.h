// The cloud's timeline actions, added to the action registry (actions.h).
#pragma once

#include <map>
#include <string>

#include "models/scenario/actions.h"

namespace kubesim::scenario {

void AddCloudActions(std::map<std::string, ActionParser>& actions);

}  // namespace kubesim::scenario
