// The token a tokens controller writes into a kubernetes.io/service-account-token Secret.
//
// Upstream signs a JWT over serviceaccount.LegacyClaims (issuer kubernetes/serviceaccount, the
// namespace, secret name, service account name and UID, subject
// system:serviceaccount:<ns>:<name>; no iat/exp: legacy tokens never expire) with the
// --service-account-private-key-file. kubesim has no keys and nothing verifies tokens, so the
// signature is a hash: the token is JWT-shaped, carries upstream's claims, and is a stable
// function of its inputs (no clock, no randomness), so runs stay byte-identical.
#pragma once

#include <string>

namespace kubesim::controllers {

std::string LegacyServiceAccountToken(const std::string& ns, const std::string& service_account,
                                      const std::string& service_account_uid, const std::string& secret);

// What `ca.crt` holds (upstream: the --root-ca-file bundle): a recognisable stand-in.
inline constexpr const char* kFakeRootCA =
    "-----BEGIN CERTIFICATE-----\nkubesim simulated cluster CA (not a certificate)\n-----END CERTIFICATE-----\n";

}  // namespace kubesim::controllers
