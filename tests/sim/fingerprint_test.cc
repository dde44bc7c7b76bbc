#include "sim/fingerprint.h"

#include <catch2/catch.hpp>
#include <string>

namespace kubesim::sim {
namespace {

TEST_CASE("Fingerprint is deterministic and order-sensitive", "[sim]") {
  Fingerprint a;
  Fingerprint b;
  for (Fingerprint* f : {&a, &b}) {
    f->Add("pod/default/web-0");
    f->Add(int64_t{42});
    f->Add(Time::FromNanos(1000));
  }
  CHECK(a.value() == b.value());
  CHECK(a.ToHex() == b.ToHex());

  Fingerprint c;
  c.Add(int64_t{42});
  c.Add("pod/default/web-0");
  c.Add(Time::FromNanos(1000));
  CHECK(c.value() != a.value());
}

TEST_CASE("Fingerprint separates field boundaries and types", "[sim]") {
  Fingerprint ab_c;
  ab_c.Add("ab");
  ab_c.Add("c");
  Fingerprint a_bc;
  a_bc.Add("a");
  a_bc.Add("bc");
  CHECK(ab_c.value() != a_bc.value());

  Fingerprint i;
  i.Add(int64_t{1});
  Fingerprint u;
  u.Add(uint64_t{1});
  Fingerprint t;
  t.Add(Time::FromNanos(1));
  CHECK(i.value() != u.value());
  CHECK(i.value() != t.value());

  Fingerprint small;
  small.Add(1);  // int widens to int64
  CHECK(small.value() == i.value());
  Fingerprint small_u;
  small_u.Add(1u);
  CHECK(small_u.value() == u.value());

  Fingerprint empty1;
  Fingerprint empty2;
  empty2.Add("");
  CHECK(empty1.value() != empty2.value());
}

TEST_CASE("Fingerprint hex form and golden value", "[sim]") {
  Fingerprint f;
  const std::string hex = f.ToHex();
  CHECK(hex.size() == 16);
  CHECK(hex.find_first_not_of("0123456789abcdef") == std::string::npos);
  f.Add("kubesim");
  f.Add(int64_t{-1});
  f.Add(uint64_t{7});
  f.Add(Time::FromNanos(123456789));
  // Pinned: the encoding is a stable format (sim/fingerprint.h).
  CHECK(f.ToHex() == "d6e79fea201eb038");
}

}  // namespace
}  // namespace kubesim::sim
