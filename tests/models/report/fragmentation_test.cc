// The fragmentation measure (models/report/fragmentation.h) on hand-computed matrices.
#include "models/report/fragmentation.h"

#include <catch2/catch.hpp>

namespace kubesim::report {
namespace {

TEST_CASE("Fragmentation: free capacity where the typical pod does not fit", "[metrics]") {
  // Resources: cpu, memory (GiB). Typical pod: 2 cpu, 4 GiB.
  std::vector<double> typical = {2, 4};
  // n0 fits (4 cpu, 8 GiB free); n1 has cpu but no memory; n2 has memory but 1 cpu.
  std::vector<double> free = {4, 8,  //
                              3, 1,  //
                              1, 16};
  std::vector<double> f = Fragmentation(free, 3, 2, typical);
  REQUIRE(f.size() == 2);
  CHECK(f[0] == Approx((3.0 + 1.0) / 8.0));
  CHECK(f[1] == Approx((1.0 + 16.0) / 25.0));
}

TEST_CASE("Fragmentation: none when every node fits, all when none does", "[metrics]") {
  std::vector<double> free = {4, 8, 2, 4};
  CHECK(Fragmentation(free, 2, 2, {2, 4}) == std::vector<double>{0, 0});
  CHECK(Fragmentation(free, 2, 2, {5, 1}) == std::vector<double>{1, 1});
  // A zero typical pod fits anywhere.
  CHECK(Fragmentation(free, 2, 2, {0, 0}) == std::vector<double>{0, 0});
}

TEST_CASE("Fragmentation: no free capacity, no nodes, overcommitted nodes", "[metrics]") {
  CHECK(Fragmentation({}, 0, 2, {1, 1}) == std::vector<double>{0, 0});
  CHECK(Fragmentation({0, 0}, 1, 2, {1, 1}) == std::vector<double>{0, 0});
  // An overcommitted node (negative free) counts as zero free and does not fit.
  std::vector<double> f = Fragmentation({-2, 4, 3, 4}, 2, 2, {1, 1});
  CHECK(f[0] == 0);
  CHECK(f[1] == Approx(4.0 / 8.0));
}

}  // namespace
}  // namespace kubesim::report
