#include "models/controllers/serviceaccount.h"

#include "models/api/kinds.h"

namespace kubesim::controllers {

ServiceAccountsController::ServiceAccountsController(sim::Simulation& sim, apiserver::ApiServer& api,
                                                     client::SharedInformerFactory& informers,
                                                     client::EventRecorder recorder)
    : sim_(sim),
      api_(sim, api, "kube-controller-manager/serviceaccount"),
      recorder_(std::move(recorder)),
      namespaces_(informers.For(api::Namespace::kKind)),
      service_accounts_(informers.For(api::ServiceAccount::kKind)),
      worker_(
          sim, [this]() { return namespaces_.HasSynced() && service_accounts_.HasSynced(); },
          [this](const std::string& key) { Sync(key); }) {}

void ServiceAccountsController::Start() {
  auto ns_changed = [this](const api::ObjectPtr& o) { worker_.queue().Add(o->metadata.name); };
  namespaces_.AddEventHandlers(
      {ns_changed, [ns_changed](const api::ObjectPtr&, const api::ObjectPtr& o) { ns_changed(o); }, nullptr});
  // Upstream serviceAccountDeleted: a deleted `default` is made again.
  service_accounts_.AddEventHandlers({nullptr, nullptr, [this](const api::ObjectPtr& o) {
                                        if (o->metadata.name == kDefaultServiceAccountName) {
                                          worker_.queue().Add(o->metadata.namespace_);
                                        }
                                      }});
  namespaces_.Start();
  service_accounts_.Start();
}

void ServiceAccountsController::Sync(const std::string& ns) {
  auto namespace_obj = api::As<api::Namespace>(namespaces_.Get(ns));
  if (!namespace_obj || namespace_obj->metadata.deletion_timestamp || namespace_obj->phase != "Active") return;
  if (service_accounts_.Get(ns + "/" + kDefaultServiceAccountName)) return;
  auto sa = std::make_shared<api::ServiceAccount>();
  sa->api_version = api::ServiceAccount::kAPIVersion;
  sa->kind = api::ServiceAccount::kKind;
  sa->metadata.name = kDefaultServiceAccountName;
  sa->metadata.namespace_ = ns;
  api_.Create(sa, owner_.Bind([this, ns](const apiserver::Response& r) {
    // AlreadyExists: the cache was behind; anything else is retried.
    if (!r.ok() && r.code != apiserver::Code::kConflict) worker_.queue().AddRateLimited(ns);
  }));
}

}  // namespace kubesim::controllers
