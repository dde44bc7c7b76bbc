#include "models/apiserver/registry/namespace_strategy.h"

#include "models/api/kinds.h"
#include "models/apiserver/errors.h"

namespace kubesim::apiserver::registry {

void NamespaceStrategy::PrepareForCreate(api::Object& obj) const {
  auto& ns = static_cast<api::Namespace&>(obj);  // StrategyFor hands this strategy namespaces only
  ns.phase = "Active";
  ns.spec_finalizers = {api::kFinalizerKubernetes};
}

std::optional<Deletion> NamespaceStrategy::Delete(const api::Object& cur, const std::vector<std::string>& finalizers,
                                                  sim::Time now) const {
  const auto& namespace_obj = static_cast<const api::Namespace&>(cur);
  const std::string& name = cur.metadata.name;
  if (name == "default" || name == "kube-system" || name == "kube-public") {
    Deletion refused;
    refused.outcome = Deletion::Outcome::kRefused;
    refused.refusal = ErrorResponse(Code::kForbidden, "Forbidden",
                                    "namespaces \"" + name + "\" is forbidden: this namespace may not be deleted");
    return refused;
  }
  if (namespace_obj.spec_finalizers.empty() && finalizers.empty()) return std::nullopt;
  const bool finalizers_changed = finalizers != cur.metadata.finalizers;
  Deletion d;
  if (namespace_obj.metadata.deletion_timestamp && namespace_obj.phase == "Terminating" && !finalizers_changed) {
    d.outcome = Deletion::Outcome::kUnchanged;
    return d;
  }
  auto copy = namespace_obj.DeepCopy();
  if (!copy->metadata.deletion_timestamp) {
    copy->metadata.deletion_timestamp = now;
    copy->metadata.deletion_grace_period_seconds = 0;
  }
  copy->phase = "Terminating";
  copy->metadata.finalizers = finalizers;
  d.outcome = Deletion::Outcome::kUpdate;
  d.updated = std::move(copy);
  return d;
}

bool NamespaceStrategy::ShouldDeleteDuringUpdate(const api::Object& next) const {
  const auto& ns = static_cast<const api::Namespace&>(next);
  return ns.spec_finalizers.empty() && Strategy::ShouldDeleteDuringUpdate(next);
}

}  // namespace kubesim::apiserver::registry
