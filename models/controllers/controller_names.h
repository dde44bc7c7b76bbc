// The names of kube-controller-manager's controllers that kubesim runs, with the older aliases
// upstream still accepts (kubernetes/kubernetes cmd/kube-controller-manager/names/controller_names.go
// and each controller's descriptor in cmd/kube-controller-manager/app/*.go @ v1.32), and the
// `--controllers` rule that picks the ones to run. A light header: the scenario layer validates
// `spec.controllerManager.controllers` with it without depending on the controllers themselves.
#pragma once

#include <string>
#include <vector>

#include "sim/status.h"

namespace kubesim::controllers {

struct ControllerName {
  const char* name;                  // canonical, e.g. "replicaset-controller"
  std::vector<const char*> aliases;  // accepted in --controllers, e.g. "replicaset"
};

// Every controller kubesim implements, in the order the manager starts them. All are on by
// default, as upstream's are.
const std::vector<ControllerName>& KnownControllers();

// Resolves a `--controllers` list (default {"*"}) into the canonical names to run, in start
// order, as upstream IsControllerEnabled decides for each known controller: the first entry that
// names it (`name` or `-name`, aliases included) wins, else `*` enables it. An unknown name, with
// or without `-`, is an error with upstream's message (`"foo" is not in the list of known
// controllers`, staging/src/k8s.io/controller-manager/options/generic.go Validate), all of them at
// once, one per line. Upstream controllers kubesim does not implement count as unknown.
sim::StatusOr<std::vector<std::string>> ResolveControllers(const std::vector<std::string>& list);

}  // namespace kubesim::controllers
