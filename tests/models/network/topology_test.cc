// The network topology: partitions by zone, by node, by selector and of every node; healing one
// partition leaves the others; nodes added into a cut zone are cut too.
#include "models/network/topology.h"

#include <catch2/catch.hpp>

namespace kubesim::network {
namespace {

TEST_CASE("Topology: partitions cut what they name and heal independently", "[network]") {
  Topology t;
  int changes = 0;
  t.SetOnChange([&] { changes++; });
  HostId a1 = t.AddNode("a1", "za", {{"rack", "r1"}});
  HostId a2 = t.AddNode("a2", "za", {{"rack", "r2"}});
  HostId b1 = t.AddNode("b1", "zb", {{"rack", "r1"}});
  HostId bare = t.AddNode("bare", "", {});
  CHECK(t.AddNode("a1", "za", {}) == a1);  // a node keeps its host
  CHECK(t.Reachable(kControlPlane));
  for (HostId h : {a1, a2, b1, bare}) CHECK(t.Reachable(h));

  int zone = t.Partition({{"za"}, {}, {}, false});
  CHECK_FALSE(t.Reachable(a1));
  CHECK_FALSE(t.Reachable(a2));
  CHECK(t.Reachable(b1));
  CHECK(t.Reachable(bare));
  int rack = t.Partition({{}, {}, {{"rack", "r1"}}, false});
  CHECK_FALSE(t.Reachable(b1));
  CHECK(t.UnreachableNodes() == std::vector<std::string>{"a1", "a2", "b1"});
  // A node that joins a cut zone is cut too.
  HostId a3 = t.AddNode("a3", "za", {});
  CHECK_FALSE(t.Reachable(a3));
  t.Heal(zone);
  CHECK(t.Reachable(a2));
  CHECK(t.Reachable(a3));
  CHECK_FALSE(t.Reachable(a1));  // still in rack r1
  t.Heal(zone);                  // healing twice changes nothing
  int named = t.Partition({{}, {"bare"}, {}, false});
  CHECK_FALSE(t.Reachable(bare));
  t.Heal(rack);
  t.Heal(named);
  for (HostId h : {a1, a2, a3, b1, bare}) CHECK(t.Reachable(h));
  t.Partition({{}, {}, {}, true});
  for (HostId h : {a1, a2, a3, b1, bare}) CHECK_FALSE(t.Reachable(h));
  t.HealAll();
  for (HostId h : {a1, a2, a3, b1, bare}) CHECK(t.Reachable(h));
  CHECK(changes == 8);
}

}  // namespace
}  // namespace kubesim::network
