// ApiServer's part in API Priority and Fairness: what a request is classified by, and the
// configuration each replica's controller (apf_controller.go) keeps from the FlowSchema and
// PriorityLevelConfiguration objects.
#include <algorithm>
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

RequestAttributes ApiServer::Attributes(RequestVerb verb, const RequestTarget& target) {
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
  return {kVerbs[static_cast<size_t>(verb)], names->group, names->resource, target.subresource, target.namespace_};
}

FlowControlConfig::Match ApiServer::Classify(const RequestAttributes& request, const RequestOrigin* origin) const {
  const UserInfo& user = origin != nullptr && origin->user != nullptr ? *origin->user : *unnamed_user_;
  return flow_config_->Classify(user, request);
}

void ApiServer::CountStored(const etcd::Event& e) {
  const int delta = e.type == etcd::EventType::kDelete ? -1 : (e.prev == nullptr ? 1 : 0);
  if (delta == 0) return;
  // "/registry/<resource>/…"
  constexpr size_t kPrefix = sizeof("/registry/") - 1;
  const std::string_view key = e.key;
  const std::string_view resource = key.substr(kPrefix, key.find('/', kPrefix) - kPrefix);
  auto it = stored_.find(resource);
  if (it == stored_.end()) it = stored_.emplace(std::string(resource), 0).first;
  it->second += delta;
}

int ApiServer::Seats(const RequestAttributes& request, const PriorityAndFairness::Level& level) const {
  if (request.verb != "list") return 1;
  // list_work_estimator.go: a LIST served from the watch cache (every consistent LIST since
  // ConsistentListFromCache, v1.31) processes every object of its resource, whatever its selector:
  // ceil(stored / 100) seats (objectsPerSeat), at least 1, at most the level's max seats and 10
  // (MaximumSeatsLimit). Upstream reads the count etcd reported at its last poll (every minute);
  // here it is the current one.
  constexpr int kObjectsPerSeat = 100;
  constexpr int kMaximumSeatsLimit = 10;
  auto it = stored_.find(request.resource);
  const int64_t stored = it == stored_.end() ? 0 : it->second;
  const int64_t seats = (stored + kObjectsPerSeat - 1) / kObjectsPerSeat;
  return static_cast<int>(std::clamp<int64_t>(seats, 1, std::min(level.max_seats, kMaximumSeatsLimit)));
}

}  // namespace kubesim::apiserver
