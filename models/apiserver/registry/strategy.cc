#include "models/apiserver/registry/strategy.h"

#include "models/api/kinds.h"
#include "models/api/node.h"
#include "models/api/pod.h"
#include "models/apiserver/registry/namespace_strategy.h"
#include "models/apiserver/registry/node_strategy.h"
#include "models/apiserver/registry/pod_strategy.h"

namespace kubesim::apiserver::registry {

void Strategy::PrepareForCreate(api::Object&) const {}

void Strategy::PrepareForUpdate(api::Object& obj, const api::Object& old) const {
  obj.CopyStatusFrom(old);
  obj.metadata.generation = old.metadata.generation + (obj.SpecEquals(old) ? 0 : 1);
}

bool Strategy::PrepareForStatusUpdate(api::Object& next, const api::Object& request) const {
  return next.CopyStatusFrom(request);
}

std::optional<int64_t> Strategy::CheckGracefulDelete(const api::Object&, const DeleteOptions&) const {
  return std::nullopt;
}

std::optional<Deletion> Strategy::Delete(const api::Object&, const std::vector<std::string>&, sim::Time) const {
  return std::nullopt;
}

bool Strategy::ShouldDeleteDuringUpdate(const api::Object& next) const {
  const api::ObjectMeta& m = next.metadata;
  return m.deletion_timestamp && m.finalizers.empty() && m.deletion_grace_period_seconds.value_or(0) == 0;
}

const Strategy& StrategyFor(const api::Object& obj) {
  static const Strategy kDefault;
  static const PodStrategy kPod;
  static const NamespaceStrategy kNamespace;
  static const NodeStrategy kNode;
  if (dynamic_cast<const api::Pod*>(&obj) != nullptr) return kPod;
  if (dynamic_cast<const api::Node*>(&obj) != nullptr) return kNode;
  if (dynamic_cast<const api::Namespace*>(&obj) != nullptr) return kNamespace;
  return kDefault;
}

}  // namespace kubesim::apiserver::registry
