#include "sim/time.h"

#include <catch2/catch.hpp>
#include <string>

namespace kubesim::sim {
namespace {

TEST_CASE("ParseDuration accepts Go durations", "[sim]") {
  struct Case {
    std::string in;
    int64_t want_ns;
  };
  const Case cases[] = {
      {"0", 0},
      {"+0", 0},
      {"-0", 0},
      {"5s", 5'000'000'000},
      {"30s", 30'000'000'000},
      {"1478s", 1'478'000'000'000},
      {"-5s", -5'000'000'000},
      {"+5s", 5'000'000'000},
      {"1h30m", 5'400'000'000'000},
      {"250ms", 250'000'000},
      {"1.5h", 5'400'000'000'000},
      {"-1m", -60'000'000'000},
      {"-1m30s", -90'000'000'000},
      {"2h45m30.5s", 9'930'500'000'000},
      {"1.1s", 1'100'000'000},
      {"0.1s", 100'000'000},
      {".5s", 500'000'000},
      {"1.s", 1'000'000'000},
      {"1.0s", 1'000'000'000},
      {"10ns", 10},
      {"11us", 11'000},
      {"12\u00b5s", 12'000},
      {"12\u03bcs", 12'000},
      {"13ms", 13'000'000},
      {"1.004s", 1'004'000'000},
      {"100.00100s", 100'001'000'000},
      {"3h0.000000001s", 10'800'000'000'001},
      {"0.3333333333333333333h", 1'199'999'999'999},  // truncated, like Go
      {"9223372036854775807ns", INT64_MAX},
      {"-9223372036854775808ns", INT64_MIN},
      {"9223372036.854775807s", INT64_MAX},
      {"1h1h", 7'200'000'000'000},
  };
  for (const auto& c : cases) {
    INFO(c.in);
    const auto d = ParseDuration(c.in);
    REQUIRE(d.ok());
    CHECK(d->nanos() == c.want_ns);
  }
}

TEST_CASE("ParseDuration rejects malformed input", "[sim]") {
  struct Case {
    std::string in;
    std::string want_message;
  };
  const Case cases[] = {
      {"5x", "invalid duration \"5x\": unknown unit \"x\" (valid units: ns, us, ms, s, m, h)"},
      {"", "invalid duration \"\": empty"},
      {"-", "invalid duration \"-\": empty"},
      {"1", "invalid duration \"1\": missing unit (valid units: ns, us, ms, s, m, h)"},
      {"9999999999h", "invalid duration \"9999999999h\": overflows int64 nanoseconds"},
      {"9223372036854775808ns", "invalid duration \"9223372036854775808ns\": overflows int64 nanoseconds"},
      {"99999999999999999999ns", "invalid duration \"99999999999999999999ns\": overflows int64 nanoseconds"},
      {"3000000h", "invalid duration \"3000000h\": overflows int64 nanoseconds"},
      {"s", "invalid duration \"s\": expected a number"},
      {".s", "invalid duration \".s\": expected digits around '.'"},
      {"1s2", "invalid duration \"1s2\": missing unit (valid units: ns, us, ms, s, m, h)"},
      {"1 s", "invalid duration \"1 s\": unknown unit \" s\" (valid units: ns, us, ms, s, m, h)"},
      {"1S", "invalid duration \"1S\": unknown unit \"S\" (valid units: ns, us, ms, s, m, h)"},
  };
  for (const auto& c : cases) {
    INFO(c.in);
    const auto d = ParseDuration(c.in);
    REQUIRE_FALSE(d.ok());
    CHECK(d.status().code() == StatusCode::kInvalidArgument);
    CHECK(d.status().message() == c.want_message);
  }
}

TEST_CASE("Duration::ToString matches Go", "[sim]") {
  struct Case {
    Duration d;
    std::string want;
  };
  const Case cases[] = {
      {Duration::Zero(), "0s"},
      {Duration::Nanoseconds(1), "1ns"},
      {Duration::Nanoseconds(1100), "1.1\u00b5s"},
      {Duration::Microseconds(1), "1\u00b5s"},
      {Duration::Milliseconds(250), "250ms"},
      {Duration::Microseconds(2200), "2.2ms"},
      {Duration::Milliseconds(1500), "1.5s"},
      {Duration::Seconds(3), "3s"},
      {Duration::Minutes(4) + Duration::Seconds(5), "4m5s"},
      {Duration::Minutes(4) + Duration::Milliseconds(5001), "4m5.001s"},
      {Duration::Hours(5) + Duration::Minutes(6) + Duration::Milliseconds(7001), "5h6m7.001s"},
      {Duration::Minutes(90), "1h30m0s"},
      {Duration::Hours(8) + Duration::Nanoseconds(1), "8h0m0.000000001s"},
      {-(Duration::Minutes(2) + Duration::Seconds(3)), "-2m3s"},
      {-Duration::Nanoseconds(1), "-1ns"},
      {Duration::Max(), "2562047h47m16.854775807s"},
      {Duration::Nanoseconds(INT64_MIN), "-2562047h47m16.854775808s"},
  };
  for (const auto& c : cases) {
    CHECK(c.d.ToString() == c.want);
    const auto back = ParseDuration(c.want);
    REQUIRE(back.ok());
    CHECK(*back == c.d);
  }
}

TEST_CASE("ToString round-trips through ParseDuration", "[sim]") {
  for (int64_t ns = 1; ns < INT64_MAX / 7; ns = ns * 7 + 3) {
    for (const Duration d : {Duration::Nanoseconds(ns), Duration::Nanoseconds(-ns)}) {
      const auto back = ParseDuration(d.ToString());
      REQUIRE(back.ok());
      CHECK(*back == d);
    }
  }
}

TEST_CASE("Duration and Time arithmetic", "[sim]") {
  const Duration s = Duration::Seconds(1);
  CHECK(Duration() == Duration::Zero());
  CHECK(s + s == Duration::Seconds(2));
  CHECK(s - Duration::Milliseconds(1) == Duration::Milliseconds(999));
  CHECK(-s == Duration::Seconds(-1));
  CHECK(s * 3 == Duration::Seconds(3));
  CHECK(3 * s == Duration::Seconds(3));
  CHECK(Duration::Seconds(7) / 2 == Duration::Milliseconds(3500));
  CHECK(Duration::Seconds(7) / Duration::Seconds(2) == 3);
  CHECK(Duration::Seconds(7) % Duration::Seconds(2) == s);
  CHECK(Duration::Hours(1) == Duration::Minutes(60));
  CHECK(Duration::Microseconds(1) < Duration::Milliseconds(1));
  Duration acc;
  acc += s;
  acc *= 4;
  acc -= Duration::Milliseconds(500);
  acc /= 7;
  CHECK(acc == Duration::Milliseconds(500));

  const Time t0;
  CHECK(t0 == Time::Zero());
  const Time t1 = t0 + Duration::Minutes(1);
  CHECK(t1.nanos() == 60'000'000'000);
  CHECK(t1 - t0 == Duration::Minutes(1));
  CHECK(t1 - Duration::Minutes(1) == t0);
  CHECK(Duration::Minutes(1) + t0 == t1);
  CHECK(t0 < t1);
  CHECK(Time::Max() > t1);
  CHECK(t1.ToSeconds() == 60.0);
  CHECK(Duration::Milliseconds(1500).ToSeconds() == 1.5);
  CHECK(t1.ToString() == "1m0s");
}

TEST_CASE("Duration::FromSecondsRounded rounds and saturates", "[sim]") {
  CHECK(Duration::FromSecondsRounded(1.1) == Duration::Milliseconds(1100));
  CHECK(Duration::FromSecondsRounded(0.1) == Duration::Milliseconds(100));
  CHECK(Duration::FromSecondsRounded(-2.5) == Duration::Milliseconds(-2500));
  CHECK(Duration::FromSecondsRounded(1.4e-9) == Duration::Nanoseconds(1));
  CHECK(Duration::FromSecondsRounded(1.6e-9) == Duration::Nanoseconds(2));
  CHECK(Duration::FromSecondsRounded(1e300) == Duration::Max());
  CHECK(Duration::FromSecondsRounded(-1e300) == -Duration::Max());
  CHECK(Duration::FromNanosRounded(2.5) == Duration::Nanoseconds(3));
}

}  // namespace
}  // namespace kubesim::sim
