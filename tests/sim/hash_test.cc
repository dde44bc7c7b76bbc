#include "sim/hash.h"

#include <catch2/catch.hpp>
#include <string_view>

namespace kubesim::sim {
namespace {

// Go's hash/fnv test vectors (golden32a, golden64a) and FNV's "foobar".
TEST_CASE("Fnv1a32 and Fnv1a64 match the reference vectors", "[sim]") {
  struct Case {
    std::string_view in;
    uint32_t h32;
    uint64_t h64;
  };
  const Case cases[] = {
      {"", 0x811c9dc5u, 0xcbf29ce484222325ull},       {"a", 0xe40c292cu, 0xaf63dc4c8601ec8cull},
      {"ab", 0x4d2505cau, 0x089c4407b545986aull},     {"abc", 0x1a47e90bu, 0xe71fa2190541574bull},
      {"foobar", 0xbf9cf968u, 0x85944171f73967e8ull},
  };
  for (const auto& c : cases) {
    INFO(c.in);
    CHECK(Fnv1a32().Add(c.in).value() == c.h32);
    CHECK(Fnv1a64().Add(c.in).value() == c.h64);
  }
  static_assert(Fnv1a64().Add("a").value() == 0xaf63dc4c8601ec8cull, "usable in constant expressions");
}

TEST_CASE("Fnv1a is incremental and takes bytes as unsigned", "[sim]") {
  CHECK(Fnv1a64().Add("foo").Add("bar").value() == Fnv1a64().Add("foobar").value());
  Fnv1a32 bytes;
  for (const char c : std::string_view("foobar")) bytes.AddByte(static_cast<uint8_t>(c));
  CHECK(bytes.value() == 0xbf9cf968u);
  // A byte above 0x7f is xored as 0x80..0xff, never sign-extended.
  CHECK(Fnv1a64().Add("\xff").value() == Fnv1a64().AddByte(0xff).value());
  CHECK(Fnv1a64().Add("\xff").value() == ((Fnv1a64::kOffsetBasis ^ 0xffull) * Fnv1a64::kPrime));
  // Resuming from a state continues the same hash.
  CHECK(Fnv1a64(Fnv1a64().Add("foo").value()).Add("bar").value() == 0x85944171f73967e8ull);
  CHECK(Fnv1a64().AddLittleEndian64(0x0102030405060708ull).value() ==
        Fnv1a64().Add(std::string_view("\x08\x07\x06\x05\x04\x03\x02\x01", 8)).value());
}

TEST_CASE("SplitMix64Finalize is SplitMix64's output function", "[sim]") {
  // The first output of SplitMix64 seeded with 0 (Vigna's splitmix64.c): the state advances by the
  // golden gamma, then is finalised.
  CHECK(SplitMix64Finalize(0x9e3779b97f4a7c15ull) == 0xe220a8397b1dcdafull);
  CHECK(SplitMix64Finalize(0) == 0);
  CHECK(SplitMix64Finalize(1) == 0x5692161d100b05e5ull);
}

}  // namespace
}  // namespace kubesim::sim
