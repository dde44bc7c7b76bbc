// core/v1 Secret decoding: upstream's v1 → internal conversion (stringData merged over data)
// and ValidateSecret (keys, size, the keys each built-in type requires).
#include <cctype>

#include "models/api/base64.h"
#include "models/api/codec_internal.h"

namespace kubesim::api::internal {
namespace {

// Upstream validation.IsConfigMapKey (shared by Secrets and ConfigMaps).
bool IsConfigMapKey(const std::string& k) {
  if (k.empty() || k.size() > 253 || k == "." || k == ".." || k.rfind("..", 0) == 0) return false;
  for (char c : k) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_' && c != '.') return false;
  }
  return true;
}

sim::Status CheckKey(const YamlNode& at, const std::string& key) {
  if (IsConfigMapKey(key)) return sim::Status::Ok();
  return at.Error("Invalid value: \"" + key +
                  "\": a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. "
                  "'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')");
}

// Upstream MaxSecretSize.
constexpr size_t kMaxSecretSize = 1 << 20;

}  // namespace

sim::StatusOr<std::shared_ptr<Object>> DecodeSecret(const YamlNode& doc, const ObjectMeta& meta) {
  auto secret = std::make_shared<Secret>();
  if (doc["type"].Defined()) {
    KUBESIM_ASSIGN_OR_RETURN(secret->type, doc["type"].String());
    if (secret->type.empty()) secret->type = kSecretTypeOpaque;  // SetDefaults_Secret
  }
  if (doc["immutable"].Defined()) {
    KUBESIM_ASSIGN_OR_RETURN(secret->immutable, doc["immutable"].Bool());
  }
  KUBESIM_ASSIGN_OR_RETURN(StringMap data, doc["data"].StringMap());
  for (const auto& [key, text] : data) {
    YamlNode at = doc["data"][key];
    KUBESIM_RETURN_IF_ERROR(CheckKey(at, key));
    size_t bad = 0;
    std::optional<std::string> bytes = Base64Decode(text, &bad);
    // What decoding a []byte field of the JSON request says.
    if (!bytes) return at.Error("illegal base64 data at input byte " + std::to_string(bad));
    secret->data[key] = std::move(*bytes);
  }
  KUBESIM_ASSIGN_OR_RETURN(StringMap string_data, doc["stringData"].StringMap());
  for (const auto& [key, text] : string_data) {
    KUBESIM_RETURN_IF_ERROR(CheckKey(doc["stringData"][key], key));
    secret->data[key] = text;  // stringData wins over data (Convert_v1_Secret_To_core_Secret)
  }
  size_t total = 0;
  for (const auto& [key, value] : secret->data) total += value.size();
  if (total > kMaxSecretSize) {
    return doc["data"].Error("Too long: must have at most " + std::to_string(kMaxSecretSize) + " bytes");
  }
  auto require = [&](const char* key) -> sim::Status {
    if (secret->data.count(key)) return sim::Status::Ok();
    return doc["data"].Error(std::string("[") + key + "]: Required value");
  };
  const std::string& t = secret->type;
  if (t == kSecretTypeServiceAccountToken) {
    auto it = meta.annotations.find(kServiceAccountNameKey);
    if (it == meta.annotations.end() || it->second.empty()) {
      return doc["metadata"]["annotations"].Error(std::string("[") + kServiceAccountNameKey +
                                                  "]: Required value: a service-account-token Secret names its "
                                                  "ServiceAccount");
    }
  } else if (t == "kubernetes.io/dockercfg") {
    KUBESIM_RETURN_IF_ERROR(require(".dockercfg"));
  } else if (t == "kubernetes.io/dockerconfigjson") {
    KUBESIM_RETURN_IF_ERROR(require(".dockerconfigjson"));
  } else if (t == "kubernetes.io/basic-auth") {
    if (!secret->data.count("username") && !secret->data.count("password")) {
      return doc["data"].Error("[username]: Required value: must specify at least one of username or password");
    }
  } else if (t == "kubernetes.io/ssh-auth") {
    KUBESIM_RETURN_IF_ERROR(require("ssh-privatekey"));
  } else if (t == "kubernetes.io/tls") {
    KUBESIM_RETURN_IF_ERROR(require("tls.crt"));
    KUBESIM_RETURN_IF_ERROR(require("tls.key"));
  }
  return std::static_pointer_cast<Object>(secret);
}

}  // namespace kubesim::api::internal
