#include "models/api/quantity.h"

#include <catch2/catch.hpp>
#include <cstdint>
#include <limits>
#include <string>

namespace kubesim::api {
namespace {

// Upstream k8s.io/apimachinery/pkg/api/resource quantity_test.go style: text → exact values.
// MilliValue and Value round up (toward +inf for positive values).
TEST_CASE("Quantity::Parse accepts upstream forms with exact values", "[api]") {
  struct Case {
    std::string in;
    int64_t milli;
    int64_t value;
  };
  const Case cases[] = {
      {"0", 0, 0},
      {"100m", 100, 1},
      {"0.5", 500, 1},
      {"1", 1000, 1},
      {"+1", 1000, 1},
      {"1.0", 1000, 1},
      {"1.5", 1500, 2},
      {"2", 2000, 2},
      {"0.1m", 1, 1},
      {"250u", 1, 1},
      {"1n", 1, 1},
      {"1500m", 1500, 2},
      {"1k", 1'000'000, 1000},
      {"1e3", 1'000'000, 1000},
      {"1E3", 1'000'000, 1000},
      {"1.5e3", 1'500'000, 1500},
      {"5E-2", 50, 1},
      {"5e-3", 5, 1},
      {"1M", 1'000'000'000, 1'000'000},
      {"1G", 1'000'000'000'000, 1'000'000'000},
      {"1T", 1'000'000'000'000'000, 1'000'000'000'000},
      {"1Ki", 1'024'000, 1024},
      {"12Mi", 12'582'912'000, 12'582'912},
      {"1Gi", 1'073'741'824'000, 1'073'741'824},
      {"1.5Gi", 1'610'612'736'000, 1'610'612'736},
      {"0.5Ki", 512'000, 512},
      {"007", 7000, 7},
  };
  for (const Case& c : cases) {
    INFO("quantity \"" << c.in << "\"");
    auto q = Quantity::Parse(c.in);
    REQUIRE(q.ok());
    CHECK(q->MilliValue() == c.milli);
    CHECK(q->Value() == c.value);
    CHECK(q->text() == c.in);
    CHECK_FALSE(q->IsNegative());
    CHECK(q->IsZero() == (c.value == 0));
  }
}

TEST_CASE("Quantity equality compares amounts, not text", "[api]") {
  CHECK(*Quantity::Parse("1") == *Quantity::Parse("1000m"));
  CHECK(*Quantity::Parse("1k") == *Quantity::Parse("1e3"));
  CHECK(*Quantity::Parse("1Ki") == *Quantity::Parse("1024"));
  CHECK(*Quantity::Parse("500m") == Quantity::FromMilli(500));
  CHECK(*Quantity::Parse("4") == Quantity::FromUnits(4));
  CHECK_FALSE(*Quantity::Parse("1k") == *Quantity::Parse("1Ki"));
  CHECK(Quantity::FromMilli(250).text() == "250m");
  CHECK(Quantity::FromUnits(3).text() == "3");
  CHECK(Quantity().IsZero());
  CHECK(Quantity().text() == "0");
}

TEST_CASE("Quantity::Parse of huge binary suffixes saturates MilliValue at INT64_MAX", "[api]") {
  auto ei = Quantity::Parse("1Ei");
  REQUIRE(ei.ok());
  CHECK(ei->Value() == (int64_t{1} << 60));
  CHECK(ei->MilliValue() == std::numeric_limits<int64_t>::max());
  auto e8 = Quantity::Parse("8E");
  REQUIRE(e8.ok());
  CHECK(e8->Value() == 8'000'000'000'000'000'000);
}

TEST_CASE("Quantity::Parse accepts negative quantities", "[api]") {
  auto q = Quantity::Parse("-1");
  REQUIRE(q.ok());
  CHECK(q->IsNegative());
  CHECK_FALSE(q->IsZero());
  CHECK(q->Value() == -1);
  CHECK(q->MilliValue() == -1000);
  auto m = Quantity::Parse("-100m");
  REQUIRE(m.ok());
  CHECK(m->IsNegative());
  CHECK(m->MilliValue() == -100);
  auto z = Quantity::Parse("-0");
  REQUIRE(z.ok());
  CHECK(z->IsZero());
  CHECK_FALSE(z->IsNegative());
}

// Upstream int64Amount.AsScaledInt64 → negativeScaleInt64 and infDecAmount (inf.RoundUp) round an
// inexact value *away from zero*: Quantity("-1.5").Value() == -2, Quantity("-0.1m").MilliValue() == -1.
// kubesim's CeilDiv rounds toward +inf, giving -1 and 0.
TEST_CASE("Quantity rounds inexact negative values away from zero, as upstream", "[api]") {
  auto a = Quantity::Parse("-1.5");
  REQUIRE(a.ok());
  CHECK(a->Value() == -2);
  auto b = Quantity::Parse("-0.1m");
  REQUIRE(b.ok());
  CHECK(b->MilliValue() == -1);
}

TEST_CASE("Quantity::Parse rejects malformed text with upstream's message", "[api]") {
  const std::string bad[] = {"abc",  "1.2.3", "1Zi", "--1", "1e",  "1K",   "1gi", "Gi",
                             "1 Gi", "1m5",   ".",   "+",   "1e+", "1Ki1", "0x10"};
  for (const std::string& in : bad) {
    INFO("quantity \"" << in << "\"");
    auto q = Quantity::Parse(in);
    REQUIRE_FALSE(q.ok());
    CHECK(q.status().message() ==
          "quantity \"" + in + "\" must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'");
  }
}

TEST_CASE("Quantity::Parse rejects empty and too large quantities", "[api]") {
  auto empty = Quantity::Parse("");
  REQUIRE_FALSE(empty.ok());
  CHECK(empty.status().message() == "quantity must not be empty");
  for (const std::string in : {"1e40", "10Ei", "9223372036854775808", "99999999999999999999999999999999999999999"}) {
    INFO("quantity \"" << in << "\"");
    auto q = Quantity::Parse(in);
    REQUIRE_FALSE(q.ok());
    CHECK(q.status().message() == "quantity \"" + in + "\" is too large");
  }
  // The largest accepted value: INT64_MAX units.
  auto max = Quantity::Parse("9223372036854775807");
  REQUIRE(max.ok());
  CHECK(max->Value() == std::numeric_limits<int64_t>::max());
}

}  // namespace
}  // namespace kubesim::api
