// kube-controller-manager's serviceaccount-token controller (upstream
// pkg/controller/serviceaccount/tokens_controller.go, v1.32).
//
// Since v1.24 (LegacyServiceAccountTokenNoAutoGeneration, GA in v1.26) it creates no Secret for a
// ServiceAccount; what remains, and what this models:
// - populating: a Secret of type kubernetes.io/service-account-token whose annotation
//   kubernetes.io/service-account.name names an existing ServiceAccount (and whose
//   kubernetes.io/service-account.uid, if set, is that account's) gets data `token` (a legacy
//   JWT, legacy_token.h), `ca.crt` and `namespace`, and both annotations; a live GET of the
//   Secret precedes the update, which is skipped when the cache was behind (upstream
//   generateTokenIfNeeded);
// - deleting: such a Secret whose ServiceAccount does not exist (a live GET confirms a cache
//   miss) or has another UID is deleted, with a UID precondition (syncSecret); when a
//   ServiceAccount goes, every token Secret naming it goes (syncServiceAccount → deleteTokens).
//
// Not modelled: the ServiceAccount `secrets` list (removeSecretReference; nothing since v1.24
// adds to it), and the legacy-serviceaccount-token-cleaner (LegacyServiceAccountTokenCleanUp,
// GA and on in v1.30+), which only invalidates Secrets listed in a ServiceAccount's `secrets`
// after a year unused (--legacy-service-account-token-clean-up-period 365 d).
#pragma once

#include <memory>
#include <string>

#include "models/apiserver/api_client.h"
#include "models/client/informer.h"
#include "models/client/worker.h"
#include "sim/owner.h"
#include "sim/simulation.h"

namespace kubesim::controllers {

class TokensController {
 public:
  TokensController(sim::Simulation& sim, apiserver::ApiServer& api);
  void Start();

 private:
  struct SecretKey {
    std::string ns, name, uid, sa_name, sa_uid;
  };
  void QueueServiceAccount(const api::ObjectPtr& o);
  void QueueSecret(const api::ObjectPtr& o);
  void SyncServiceAccount(const std::string& key);
  void SyncSecret(const std::string& key);
  void DeleteToken(const std::string& ns, const std::string& name, const std::string& uid, const std::string& retry_key,
                   client::WorkQueue& queue);
  void GenerateTokenIfNeeded(const std::shared_ptr<const api::Object>& sa, const SecretKey& k, const std::string& key);

  apiserver::ApiClient api_;
  client::Informer service_accounts_;
  client::Informer secrets_;
  client::Worker service_account_worker_;
  client::Worker secret_worker_;
  sim::Owner owner_;
};

}  // namespace kubesim::controllers
