#include "models/controllers/tokens_controller.h"

#include <sstream>
#include <vector>

#include "models/api/kinds.h"
#include "models/controllers/legacy_token.h"

namespace kubesim::controllers {
namespace {

// Queue keys carry what upstream's key structs carry; '/' cannot occur in names or UIDs.
std::vector<std::string> SplitKey(const std::string& key) {
  std::vector<std::string> parts;
  std::stringstream in(key);
  std::string part;
  while (std::getline(in, part, '/')) parts.push_back(part);
  while (parts.size() < 5) parts.emplace_back();
  return parts;
}

std::string Annotation(const api::Object& o, const char* key) {
  auto it = o.metadata.annotations.find(key);
  return it == o.metadata.annotations.end() ? "" : it->second;
}

std::shared_ptr<const api::Secret> AsTokenSecret(const api::ObjectPtr& o) {
  auto s = api::As<api::Secret>(o);
  return s && s->type == api::kSecretTypeServiceAccountToken ? s : nullptr;
}

// Upstream serviceaccount.IsServiceAccountToken: the name must match; a UID, if recorded, too.
bool IsTokenOf(const api::Secret& s, const std::string& sa_name, const std::string& sa_uid) {
  if (s.type != api::kSecretTypeServiceAccountToken) return false;
  if (Annotation(s, api::kServiceAccountNameKey) != sa_name) return false;
  std::string uid = Annotation(s, api::kServiceAccountUidKey);
  return uid.empty() || uid == sa_uid;
}

// Upstream secretUpdateNeeded: any of ca.crt (differs from the root CA), namespace, token missing.
bool UpdateNeeded(const api::Secret& s) {
  auto get = [&s](const char* k) {
    auto it = s.data.find(k);
    return it == s.data.end() ? std::string() : it->second;
  };
  return get(api::kServiceAccountRootCAKey) != kFakeRootCA || get(api::kServiceAccountNamespaceKey).empty() ||
         get(api::kServiceAccountTokenKey).empty();
}

}  // namespace

TokensController::TokensController(sim::Simulation& sim, apiserver::ApiServer& api)
    : api_(sim, api, "kube-controller-manager/serviceaccount-token"),
      service_accounts_(sim, api_, api::ServiceAccount::kKind),
      secrets_(sim, api_, api::Secret::kKind),
      service_account_worker_(
          sim, [this]() { return service_accounts_.HasSynced() && secrets_.HasSynced(); },
          [this](const std::string& key) { SyncServiceAccount(key); }),
      secret_worker_(
          sim, [this]() { return service_accounts_.HasSynced() && secrets_.HasSynced(); },
          [this](const std::string& key) { SyncSecret(key); }),
      owner_(sim) {}

void TokensController::Start() {
  service_accounts_.AddEventHandlers(
      {[this](const api::ObjectPtr& o) { QueueServiceAccount(o); },
       [this](const api::ObjectPtr&, const api::ObjectPtr& o) { QueueServiceAccount(o); },
       [this](const api::ObjectPtr& o) { QueueServiceAccount(o); }});
  // Upstream's secret informer filters on type service-account-token.
  secrets_.AddEventHandlers({[this](const api::ObjectPtr& o) { QueueSecret(o); },
                             [this](const api::ObjectPtr&, const api::ObjectPtr& o) { QueueSecret(o); },
                             [this](const api::ObjectPtr& o) { QueueSecret(o); }});
  service_accounts_.Start();
  secrets_.Start();
}

void TokensController::QueueServiceAccount(const api::ObjectPtr& o) {
  service_account_worker_.queue().Add(o->metadata.namespace_ + "/" + o->metadata.name + "/" + o->metadata.uid);
}

void TokensController::QueueSecret(const api::ObjectPtr& o) {
  auto s = AsTokenSecret(o);
  if (!s) return;
  secret_worker_.queue().Add(s->metadata.namespace_ + "/" + s->metadata.name + "/" + s->metadata.uid + "/" +
                             Annotation(*s, api::kServiceAccountNameKey) + "/" +
                             Annotation(*s, api::kServiceAccountUidKey));
}

void TokensController::SyncServiceAccount(const std::string& key) {
  auto p = SplitKey(key);
  const std::string &ns = p[0], &name = p[1], &uid = p[2];
  api::ObjectPtr sa = service_accounts_.Get(ns + "/" + name);
  if (sa && sa->metadata.uid == uid) return;
  // The account (this incarnation) is gone: delete its tokens, as listed by the cache.
  for (const auto& [secret_key, obj] : secrets_.items()) {
    auto s = AsTokenSecret(obj);
    if (!s || s->metadata.namespace_ != ns || !IsTokenOf(*s, name, uid)) continue;
    DeleteToken(ns, s->metadata.name, s->metadata.uid, key, service_account_worker_.queue());
  }
}

void TokensController::SyncSecret(const std::string& key) {
  auto p = SplitKey(key);
  SecretKey k{p[0], p[1], p[2], p[3], p[4]};
  auto secret = AsTokenSecret(secrets_.Get(k.ns + "/" + k.name));
  // Secret gone: upstream would remove it from the account's `secrets` list (not modelled).
  if (!secret || secret->metadata.uid != k.uid) return;
  auto matches = [sa_uid = k.sa_uid](const api::ObjectPtr& sa) {
    return sa && (sa_uid.empty() || sa->metadata.uid == sa_uid);
  };
  api::ObjectPtr cached = service_accounts_.Get(k.ns + "/" + k.sa_name);
  if (matches(cached)) {
    GenerateTokenIfNeeded(cached, k, key);
    return;
  }
  // getServiceAccount(fetchOnCacheMiss=true): a live GET before concluding the account is gone.
  api_.Get(api::ServiceAccount::kKind, k.ns, k.sa_name,
           owner_.Bind([this, k, key, matches](const apiserver::Response& r) {
             if (r.ok() && matches(r.object)) {
               GenerateTokenIfNeeded(r.object, k, key);
             } else if (r.ok() || r.code == apiserver::Code::kNotFound) {
               DeleteToken(k.ns, k.name, k.uid, key, secret_worker_.queue());
             } else {
               secret_worker_.queue().AddRateLimited(key);
             }
           }));
}

void TokensController::DeleteToken(const std::string& ns, const std::string& name, const std::string& uid,
                                   const std::string& retry_key, client::WorkQueue& queue) {
  apiserver::DeleteOptions opts;
  opts.precondition_uid = uid;
  api_.Delete(api::Secret::kKind, ns, name, opts, owner_.Bind([retry_key, &queue](const apiserver::Response& r) {
    // NotFound: already gone; Conflict: the UID precondition failed (another incarnation).
    if (!r.ok() && r.code != apiserver::Code::kNotFound && r.code != apiserver::Code::kConflict) {
      queue.AddRateLimited(retry_key);
    }
  }));
}

void TokensController::GenerateTokenIfNeeded(const std::shared_ptr<const api::Object>& sa, const SecretKey& k,
                                             const std::string& key) {
  auto cached = AsTokenSecret(secrets_.Get(k.ns + "/" + k.name));
  if (!cached || !UpdateNeeded(*cached)) return;
  int64_t cached_rv = cached->metadata.resource_version;
  std::string sa_name = sa->metadata.name;
  std::string sa_uid = sa->metadata.uid;
  // The token goes into a freshly read copy, never the cache's.
  api_.Get(api::Secret::kKind, k.ns, k.name,
           owner_.Bind([this, cached_rv, sa_name, sa_uid, key](const apiserver::Response& got) {
             if (!got.ok()) {
               if (got.code != apiserver::Code::kNotFound) secret_worker_.queue().AddRateLimited(key);
               return;
             }
             auto live = AsTokenSecret(got.object);
             // Our view is behind: the update event will bring the secret back.
             if (!live || live->metadata.resource_version != cached_rv || !UpdateNeeded(*live)) return;
             auto next = live->DeepCopy();
             const std::string& ns = next->metadata.namespace_;
             next->data[api::kServiceAccountRootCAKey] = kFakeRootCA;
             if (next->data[api::kServiceAccountNamespaceKey].empty())
               next->data[api::kServiceAccountNamespaceKey] = ns;
             if (next->data[api::kServiceAccountTokenKey].empty()) {
               next->data[api::kServiceAccountTokenKey] =
                   LegacyServiceAccountToken(ns, sa_name, sa_uid, next->metadata.name);
             }
             next->metadata.annotations[api::kServiceAccountNameKey] = sa_name;
             next->metadata.annotations[api::kServiceAccountUidKey] = sa_uid;
             api_.Update(next, owner_.Bind([this, key](const apiserver::Response& r) {
               // Conflict: someone else wrote it and we will hear of it; NotFound: it is gone.
               if (!r.ok() && r.code != apiserver::Code::kConflict && r.code != apiserver::Code::kNotFound) {
                 secret_worker_.queue().AddRateLimited(key);
               }
             }));
           }));
}

}  // namespace kubesim::controllers
