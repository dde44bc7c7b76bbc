// core/v1 Secret decoding: base64 data, stringData merged over it, and ValidateSecret's checks,
// each error located.
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "models/api/base64.h"
#include "models/api/codec.h"
#include "models/api/yaml_node.h"

namespace kubesim::api {
namespace {

sim::StatusOr<DecodeResult> Decode(const std::string& text) {
  auto docs = LoadYamlDocuments(text, "s.yaml");
  REQUIRE(docs.ok());
  REQUIRE(docs->size() == 1);
  return DecodeObject(docs->front());
}

std::string ErrorOf(const std::string& text) {
  auto r = Decode(text);
  return r.ok() ? "" : r.status().message();
}

TEST_CASE("Secret: data is decoded from base64 and stringData wins", "[api]") {
  auto r = Decode(
      "apiVersion: v1\n"
      "kind: Secret\n"
      "metadata: {name: s, namespace: team}\n"
      "data: {user: YWRtaW4=, pass: b2xk}\n"
      "stringData: {pass: new}\n");
  INFO((r.ok() ? "" : r.status().message()));
  REQUIRE(r.ok());
  auto s = As<Secret>(r->object);
  REQUIRE(s);
  CHECK(s->type == "Opaque");
  CHECK(s->data.at("user") == "admin");
  CHECK(s->data.at("pass") == "new");
  CHECK(s->metadata.namespace_ == "team");
}

TEST_CASE("Secret: invalid input gives located upstream errors", "[api]") {
  CHECK(ErrorOf("apiVersion: v1\nkind: Secret\nmetadata: {name: s}\ndata:\n  k: 'not base64!'\n") ==
        "s.yaml:5:6: data.k: illegal base64 data at input byte 3");
  CHECK_THAT(ErrorOf("apiVersion: v1\nkind: Secret\nmetadata: {name: s}\nstringData:\n  'a b': x\n"),
             Catch::Matchers::StartsWith("s.yaml:5:") &&
                 Catch::Matchers::Contains("Invalid value: \"a b\": a valid config key"));
  CHECK_THAT(ErrorOf("apiVersion: v1\nkind: Secret\ntype: kubernetes.io/service-account-token\nmetadata: {name: s}\n"),
             Catch::Matchers::Contains("[kubernetes.io/service-account.name]: Required value"));
  CHECK_THAT(
      ErrorOf("apiVersion: v1\nkind: Secret\ntype: kubernetes.io/tls\nmetadata: {name: s}\nstringData: {tls.crt: x}\n"),
      Catch::Matchers::Contains("[tls.key]: Required value"));
  CHECK_THAT(ErrorOf("apiVersion: v2\nkind: Secret\nmetadata: {name: s}\n"),
             Catch::Matchers::Contains("kubesim serves Secret at v1"));
}

TEST_CASE("Base64 round trips and rejects bad padding", "[api]") {
  for (const std::string& s : std::vector<std::string>{"", "a", "ab", "abc", "abcd", std::string("\0\xff", 2)}) {
    size_t bad = 0;
    auto back = Base64Decode(Base64Encode(s), &bad);
    REQUIRE(back);
    CHECK(*back == s);
  }
  size_t bad = 0;
  CHECK_FALSE(Base64Decode("YQ", &bad));  // StdEncoding needs its padding
  CHECK_FALSE(Base64Decode("Y===", &bad));
  CHECK(Base64UrlEncodeRaw("\xfb\xff") == "-_8");
}

}  // namespace
}  // namespace kubesim::api
