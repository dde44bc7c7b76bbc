#include "models/autoscaler/options.h"

namespace kubesim::autoscaler {

const std::vector<std::string>& KnownExpanders() {
  // expander/expander.go's names.
  static const std::vector<std::string> kNames = {"random",      "most-pods", "least-waste",
                                                  "least-nodes", "price",     "priority"};
  return kNames;
}

}  // namespace kubesim::autoscaler
