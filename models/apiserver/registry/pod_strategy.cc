#include "models/apiserver/registry/pod_strategy.h"

#include "models/api/pod.h"

namespace kubesim::apiserver::registry {

std::optional<int64_t> PodStrategy::CheckGracefulDelete(const api::Object& obj, const DeleteOptions& opts) const {
  const auto& pod = static_cast<const api::Pod&>(obj);  // StrategyFor hands this strategy pods only
  int64_t grace = opts.grace_period_seconds.value_or(pod.spec.termination_grace_period_seconds);
  if (pod.spec.node_name.empty() || pod.IsTerminal()) grace = 0;
  return grace;
}

}  // namespace kubesim::apiserver::registry
