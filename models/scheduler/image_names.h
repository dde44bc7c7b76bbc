// Image names interned once per process, so that a name can be compared by pointer.
//
// ImageLocality scores every feasible node for each pod by looking the pod's images up in the
// node's image list (upstream NodeInfo.ImageStates, a map by name). NodeInfo finds the entry by a
// hash of the name; confirming the match by comparing names reads the node's copy of the string, a
// cache miss per scored node that was most of the plugin's cost in the 5,000-node runs. With both
// sides interned the confirmation is a pointer comparison. Which pointer a name gets depends on
// allocation, so nothing may order or iterate by it: NodeInfo keeps its entries ordered by hash and
// name, and only tests pointers for equality.
//
// The pool only grows (one entry per distinct name a Node has listed in this process) and is
// shared by every simulation of the process, under a mutex, as Python may run simulations on
// several threads.
#pragma once

#include <string>
#include <string_view>

namespace kubesim::scheduler {

class ImageNames {
 public:
  // The pool's copy of `name`, added if absent; valid for the life of the process.
  static const std::string* Intern(std::string_view name);
  // The pool's copy of `name`, or null when no Node has listed it yet (then no NodeInfo holds it).
  static const std::string* Find(std::string_view name);
};

}  // namespace kubesim::scheduler
