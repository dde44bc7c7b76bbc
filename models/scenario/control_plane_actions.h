// The control plane's timeline actions (docs/control-plane.md): etcdMemberDown, etcdMemberUp,
// etcdLeaderDown, etcdDiskSlow, partition, heal, apiserverDown, apiserverUp, apiserverRestart. An optional `duration:`
// undoes the fault after that long.
#pragma once

#include <map>
#include <string>

#include "models/scenario/actions.h"

namespace kubesim::scenario {

void AddControlPlaneActions(std::map<std::string, ActionParser>& actions);

}  // namespace kubesim::scenario
