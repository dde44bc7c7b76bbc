// ApiServer's part in API Priority and Fairness: what a request is classified by, and the
// configuration each replica's controller (apf_controller.go) keeps from the FlowSchema and
// PriorityLevelConfiguration objects.
#include <array>

#include "models/api/codec.h"
#include "models/api/flowcontrol.h"
#include "models/apiserver/api_server.h"

namespace kubesim::apiserver {

void ApiServer::ReloadFlowControl() {
  std::vector<std::shared_ptr<const api::FlowSchema>> schemas;
  for (const auto& obj : store_.Range(registry::Store::ResourcePrefix("flowschemas")).objects) {
    if (auto fs = api::As<api::FlowSchema>(obj)) schemas.push_back(std::move(fs));
  }
  std::vector<std::shared_ptr<const api::PriorityLevelConfiguration>> levels;
  for (const auto& obj : store_.Range(registry::Store::ResourcePrefix("prioritylevelconfigurations")).objects) {
    if (auto pl = api::As<api::PriorityLevelConfiguration>(obj)) levels.push_back(std::move(pl));
  }
  flow_config_ = FlowControlConfig::Build(schemas, levels);
  for (Replica& r : replicas_) r.apf->Reconfigure(*flow_config_);
}

FlowControlConfig::Match ApiServer::Classify(RequestVerb verb, const RequestTarget& target,
                                             const RequestOrigin* origin) {
  // The RequestInfo verb of each HTTP verb kubesim's clients send.
  static constexpr std::array<std::string_view, kRequestVerbs> kVerbs = {"create", "update", "patch",
                                                                         "delete", "get",    "list"};
  std::optional<api::ResourceNames> names = api::ResourceNamesOf(target.kind);
  if (!names) {
    // A kind kubesim stores without simulating it: its resource name, kept for the next request.
    auto it = opaque_resources_.find(target.kind);
    if (it == opaque_resources_.end()) {
      it = opaque_resources_.emplace(std::string(target.kind), api::ResourceOf(std::string(target.kind))).first;
    }
    names = api::ResourceNames{"", it->second};
  }
  const RequestAttributes request{kVerbs[static_cast<size_t>(verb)], names->group, names->resource, target.subresource,
                                  target.namespace_};
  const UserInfo& user = origin != nullptr && origin->user != nullptr ? *origin->user : *unnamed_user_;
  return flow_config_->Classify(user, request);
}

}  // namespace kubesim::apiserver
