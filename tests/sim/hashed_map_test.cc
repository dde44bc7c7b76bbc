#include "sim/hashed_map.h"

#include <catch2/catch.hpp>
#include <map>
#include <string>
#include <vector>

#include "sim/random.h"

namespace kubesim::sim {
namespace {

// Random inserts, lookups and erasures on long keys with a shared prefix, against a plain
// std::map: the same answers to every lookup, and the same entries in the same order.
TEST_CASE("HashedMap answers lookups and keeps order as a std::map does", "[sim]") {
  Rng rng(11);
  HashedMap<int> hashed;
  std::map<std::string, int> plain;
  auto key = [&] { return "/registry/prefix/shared/item-" + std::to_string(rng.UniformInt(300)); };
  for (int step = 0; step < 20000; ++step) {
    const std::string k = key();
    switch (rng.UniformInt(4)) {
      case 0: {
        const int v = static_cast<int>(rng.UniformInt(1000));
        auto [it, added] = hashed.try_emplace(k, v);
        auto [pit, padded] = plain.try_emplace(k, v);
        REQUIRE(added == padded);
        REQUIRE(it->second == pit->second);
        break;
      }
      case 1:
        hashed[k] += 1;
        plain[k] += 1;
        break;
      case 2: {
        auto it = hashed.find(k);
        auto pit = plain.find(k);
        REQUIRE((it == hashed.end()) == (pit == plain.end()));
        if (pit != plain.end()) {
          auto next = hashed.erase(it);
          pit = plain.erase(pit);
          REQUIRE((next == hashed.end()) == (pit == plain.end()));
          if (pit != plain.end()) REQUIRE(next->first == pit->first);
        }
        break;
      }
      default: {
        const HashedMap<int>& view = hashed;
        auto it = view.find(k);
        auto pit = plain.find(k);
        REQUIRE((it == view.end()) == (pit == plain.end()));
        if (pit != plain.end()) REQUIRE(it->second == pit->second);
        auto lb = view.lower_bound(k);
        auto plb = plain.lower_bound(k);
        REQUIRE((lb == view.end()) == (plb == plain.end()));
        if (plb != plain.end()) REQUIRE(lb->first == plb->first);
      }
    }
  }
  REQUIRE(std::vector<std::pair<const std::string, int>>(hashed.begin(), hashed.end()) ==
          std::vector<std::pair<const std::string, int>>(plain.begin(), plain.end()));
  CHECK(hashed.find("/registry/prefix/shared/item-") == hashed.end());
}

}  // namespace
}  // namespace kubesim::sim
