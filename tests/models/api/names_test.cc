#include "models/api/names.h"

#include <catch2/catch.hpp>
#include <string>

#include "sim/random.h"

namespace kubesim::api {
namespace {

TEST_CASE("kAlphanums is upstream's vowel-free alphabet", "[api]") {
  // kubernetes/apimachinery pkg/util/rand/rand.go @ v0.32, `alphanums`.
  CHECK(kAlphanums == "bcdfghjklmnpqrstvwxz2456789");
  CHECK(kAlphanums.size() == 27);
}

TEST_CASE("RandomString draws one UniformInt per character", "[api]") {
  sim::Rng rng(42);
  sim::Rng reference(42);
  const std::string s = RandomString(rng, 12);
  REQUIRE(s.size() == 12);
  for (const char c : s) CHECK(c == kAlphanums[reference.UniformInt(kAlphanums.size())]);
  CHECK(rng.NextU64() == reference.NextU64());  // nothing else was drawn
  CHECK(RandomString(rng, 0).empty());
  sim::Rng one(1);
  CHECK(RandomString(one, 5) == "xstnx");  // pinned: generated names feed golden fingerprints
}

TEST_CASE("SafeEncodeDigits writes digit d as the d-th character of kAlphanums", "[api]") {
  CHECK(SafeEncodeDigits("0123456789") == "bcdfghjklm");
  CHECK(SafeEncodeDigits("4294967295") == "gdmgmjkdmh");
  CHECK(SafeEncodeDigits("").empty());
}

TEST_CASE("IsDnsSubdomain", "[api]") {
  CHECK(IsDnsSubdomain("a"));
  CHECK(IsDnsSubdomain("web-0.example.com"));
  CHECK(IsDnsSubdomain("0x"));
  CHECK(IsDnsSubdomain(std::string(253, 'a')));
  CHECK_FALSE(IsDnsSubdomain(""));
  CHECK_FALSE(IsDnsSubdomain(std::string(254, 'a')));
  CHECK_FALSE(IsDnsSubdomain("Web"));
  CHECK_FALSE(IsDnsSubdomain("-web"));
  CHECK_FALSE(IsDnsSubdomain("web."));
  CHECK_FALSE(IsDnsSubdomain("web_0"));
  CHECK(IsDnsSubdomain("a..b"));  // looser than upstream's regex (names.h)
}

}  // namespace
}  // namespace kubesim::api
