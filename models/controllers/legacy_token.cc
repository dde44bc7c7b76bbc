#include "models/controllers/legacy_token.h"

#include <cstdint>

#include "models/api/base64.h"
#include "sim/hash.h"

namespace kubesim::controllers {

std::string LegacyServiceAccountToken(const std::string& ns, const std::string& service_account,
                                      const std::string& service_account_uid, const std::string& secret) {
  // Names are DNS labels/subdomains and UIDs hex, so no JSON escaping is needed. Claims in
  // upstream's JSON field order (legacyPrivateClaims after the registered ones, keys sorted).
  const std::string header = R"({"alg":"RS256","kid":"kubesim"})";
  const std::string payload = R"({"iss":"kubernetes/serviceaccount","kubernetes.io/serviceaccount/namespace":")" + ns +
                              R"(","kubernetes.io/serviceaccount/secret.name":")" + secret +
                              R"(","kubernetes.io/serviceaccount/service-account.name":")" + service_account +
                              R"(","kubernetes.io/serviceaccount/service-account.uid":")" + service_account_uid +
                              R"(","sub":"system:serviceaccount:)" + ns + ":" + service_account + R"("})";
  const std::string signing_input = api::Base64UrlEncodeRaw(header) + "." + api::Base64UrlEncodeRaw(payload);
  std::string signature;
  for (uint64_t seed = 0; seed < 4; ++seed) {  // 32 bytes, as long as an HMAC-SHA256
    // FNV-1a 64 from the offset basis xor the seed: four different 8-byte words.
    uint64_t h = sim::Fnv1a64(sim::Fnv1a64::kOffsetBasis ^ seed).Add(signing_input).value();
    for (int i = 0; i < 8; ++i) signature.push_back(static_cast<char>((h >> (8 * i)) & 0xff));
  }
  return signing_input + "." + api::Base64UrlEncodeRaw(signature);
}

}  // namespace kubesim::controllers
