// Base64 as Kubernetes uses it: a Secret's `data` values are []byte, which JSON (and so YAML
// manifests) carries in standard base64 with padding (Go encoding/base64 StdEncoding); JWTs use
// the URL alphabet without padding (RawURLEncoding).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace kubesim::api {

std::string Base64Encode(std::string_view bytes);
std::string Base64UrlEncodeRaw(std::string_view bytes);

// Decodes StdEncoding text. On malformed input returns nullopt and sets `bad_byte` to the offset
// Go reports ("illegal base64 data at input byte N").
std::optional<std::string> Base64Decode(std::string_view text, size_t* bad_byte);

}  // namespace kubesim::api
