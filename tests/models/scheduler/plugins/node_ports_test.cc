// NodePorts: kubesim's own cases after kubernetes/kubernetes
// pkg/scheduler/framework/plugins/nodeports/node_ports_test.go TestNodePorts and the conflict rules of
// HostPortInfo.CheckConflict (pkg/scheduler/framework/types.go) @ v1.32.
#include "models/scheduler/plugins/node_ports.h"

#include <catch2/catch.hpp>

#include "tests/support/builders.h"

namespace kubesim::scheduler {
namespace {

using testing::MakeNodeInfo;
using testing::NodeBuilder;
using testing::PodBuilder;

struct Port {
  int32_t port;
  const char* protocol;
  const char* ip;
};

PodBuilder WithPorts(const char* name, std::vector<Port> ports) {
  PodBuilder p(name);
  for (const auto& port : ports) p.HostPort(port.port, port.protocol, port.ip);
  return p;
}

TEST_CASE("NodePorts Filter: host IP, protocol and port conflicts", "[scheduler][plugin]") {
  const Code kOk = Code::kSuccess;
  const Code kNo = Code::kUnschedulable;
  struct Row {
    const char* id;
    std::vector<Port> want;
    std::vector<std::vector<Port>> existing;  // one pod per entry
    Code code;
  };
  std::vector<Row> rows = {
      {"nothing on the node", {{8080, "TCP", ""}}, {}, kOk},
      {"other pods use other ports", {{8080, "UDP", "127.0.0.1"}}, {{{9090, "UDP", "127.0.0.1"}}}, kOk},
      {"same port, other protocol", {{8080, "UDP", "127.0.0.1"}}, {{{8080, "TCP", "127.0.0.1"}}}, kOk},
      {"same ip, protocol and port", {{8080, "TCP", "127.0.0.1"}}, {{{8080, "TCP", "127.0.0.1"}}}, kNo},
      {"same port, other specific ip", {{8080, "TCP", "127.0.0.1"}}, {{{8080, "TCP", "127.0.0.2"}}}, kOk},
      {"second wanted port conflicts",
       {{8080, "UDP", "127.0.0.1"}, {8081, "TCP", "127.0.0.1"}},
       {{{8080, "TCP", "127.0.0.1"}, {8081, "TCP", "127.0.0.1"}}},
       kNo},
      {"conflict with a second existing pod",
       {{8081, "TCP", "127.0.0.1"}},
       {{{8080, "TCP", "127.0.0.1"}}, {{8081, "TCP", "127.0.0.1"}}},
       kNo},
      {"wanted 0.0.0.0 vs specific ip in use", {{8001, "TCP", "0.0.0.0"}}, {{{8001, "TCP", "127.0.0.1"}}}, kNo},
      {"wanted empty ip (0.0.0.0) vs specific ip in use", {{8001, "TCP", ""}}, {{{8001, "TCP", "10.0.0.1"}}}, kNo},
      {"wanted specific ip vs 0.0.0.0 in use", {{8001, "TCP", "127.0.0.1"}}, {{{8001, "TCP", "0.0.0.0"}}}, kNo},
      {"wanted specific ip vs empty ip in use", {{8001, "TCP", "127.0.0.1"}}, {{{8001, "TCP", ""}}}, kNo},
      {"0.0.0.0 both sides", {{8001, "TCP", ""}}, {{{8001, "TCP", "0.0.0.0"}}}, kNo},
      {"0.0.0.0 but other protocol", {{8001, "UDP", "0.0.0.0"}}, {{{8001, "TCP", "127.0.0.1"}}}, kOk},
      {"0.0.0.0 vs specific ip, other protocol", {{8001, "TCP", "127.0.0.1"}}, {{{8001, "UDP", "0.0.0.0"}}}, kOk},
      {"empty protocol is TCP (wanted)", {{8001, "", "127.0.0.1"}}, {{{8001, "TCP", "127.0.0.1"}}}, kNo},
      {"empty protocol is TCP (existing)", {{8001, "TCP", ""}}, {{{8001, "", ""}}}, kNo},
      {"empty protocol is not UDP", {{8001, "UDP", ""}}, {{{8001, "", ""}}}, kOk},
      {"SCTP vs TCP", {{8001, "SCTP", ""}}, {{{8001, "TCP", ""}}}, kOk},
      {"SCTP vs SCTP", {{8001, "SCTP", ""}}, {{{8001, "SCTP", ""}}}, kNo},
  };
  NodePorts plugin;
  for (const auto& r : rows) {
    INFO(r.id);
    std::vector<PodBuilder> existing;
    for (size_t i = 0; i < r.existing.size(); ++i)
      existing.push_back(WithPorts(("e" + std::to_string(i)).c_str(), r.existing[i]));
    NodeInfo node = MakeNodeInfo(NodeBuilder("n"), existing);
    PodBuilder pod = WithPorts("p", r.want);
    CycleState state;
    REQUIRE(plugin.PreFilter(state, pod.pod(), {&node}).IsSuccess());
    Status s = plugin.Filter(state, pod.pod(), node);
    CHECK(s.code() == r.code);
    if (r.code == kNo)
      CHECK(s.reasons() == std::vector<std::string>{"node(s) didn't have free ports for the requested pod ports"});
  }
}

TEST_CASE("NodePorts PreFilter: Skip without host ports", "[scheduler][plugin]") {
  NodePorts plugin;
  NodeInfo node = MakeNodeInfo(NodeBuilder("n"));
  CycleState state;
  CHECK(plugin.PreFilter(state, PodBuilder().Container().pod(), {&node}).IsSkip());
  // A container port without a hostPort does not bind the node's port.
  PodBuilder container_port_only;
  container_port_only.Container();
  container_port_only.mutable_pod().spec.containers[0].ports.push_back(api::ContainerPort{80, 0, "", "TCP"});
  CHECK(plugin.PreFilter(state, container_port_only.pod(), {&node}).IsSkip());
  // Nor does one on the node side: an existing pod with containerPort 80 but no hostPort.
  NodeInfo busy = MakeNodeInfo(NodeBuilder("b"), {container_port_only});
  PodBuilder wants = WithPorts("w", {{80, "TCP", ""}});
  CycleState s2;
  REQUIRE(plugin.PreFilter(s2, wants.pod(), {&busy}).IsSuccess());
  CHECK(plugin.Filter(s2, wants.pod(), busy).IsSuccess());
}

TEST_CASE("NodePorts Filter without PreFilter state is an error", "[scheduler][plugin]") {
  NodePorts plugin;
  NodeInfo node = MakeNodeInfo(NodeBuilder("n"));
  CycleState state;
  CHECK(plugin.Filter(state, WithPorts("p", {{80, "TCP", ""}}).pod(), node).code() == Code::kError);
}

TEST_CASE("NodePorts registration", "[scheduler][plugin]") {
  NodePorts plugin;
  CHECK(plugin.EventsToRegister() == (kEventAssignedPodDelete | kEventNodeAdd));
  PluginContext ctx;
  auto made = NodePortsFactory()(ctx, nullptr);
  REQUIRE(made.ok());
  CHECK(made.value()->Name() == "NodePorts");
}

}  // namespace
}  // namespace kubesim::scheduler
