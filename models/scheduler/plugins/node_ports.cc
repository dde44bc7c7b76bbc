#include "models/scheduler/plugins/node_ports.h"

#include <map>
#include <set>
#include <utility>

namespace kubesim::scheduler {
namespace {

constexpr const char* kPreFilterStateKey = "PreFilterNodePorts";
constexpr const char* kBindAllHostIP = "0.0.0.0";  // upstream DefaultBindAllHostIP

// One host port, sanitised as upstream HostPortInfo.sanitize.
struct HostPort {
  std::string ip;
  std::string protocol;
  int32_t port = 0;
};

HostPort Sanitize(const api::ContainerPort& p) {
  return HostPort{p.host_ip.empty() ? kBindAllHostIP : p.host_ip, p.protocol.empty() ? "TCP" : p.protocol, p.host_port};
}

// As upstream getContainerPorts (1.32): app containers only, host port > 0.
std::vector<HostPort> WantedPorts(const api::Pod& pod) {
  std::vector<HostPort> out;
  for (const auto& c : pod.spec.containers) {
    for (const auto& p : c.ports) {
      if (p.host_port > 0) out.push_back(Sanitize(p));
    }
  }
  return out;
}

struct PreFilterState : StateData {
  std::vector<HostPort> wanted;
};

// Upstream NodeInfo.UsedPorts: ip → {(protocol, port)} over the pods on the node.
using UsedPorts = std::map<std::string, std::set<std::pair<std::string, int32_t>>>;

UsedPorts CollectUsedPorts(const NodeInfo& node) {
  UsedPorts used;
  for (const auto& pi : node.pods()) {
    for (const auto& hp : WantedPorts(*pi->pod)) used[hp.ip].insert({hp.protocol, hp.port});
  }
  return used;
}

// Upstream HostPortInfo.CheckConflict.
bool Conflicts(const UsedPorts& used, const HostPort& want) {
  std::pair<std::string, int32_t> pp{want.protocol, want.port};
  if (want.ip == kBindAllHostIP) {
    for (const auto& [ip, set] : used) {
      if (set.count(pp)) return true;
    }
    return false;
  }
  for (const std::string& ip : {std::string(kBindAllHostIP), want.ip}) {
    auto it = used.find(ip);
    if (it != used.end() && it->second.count(pp)) return true;
  }
  return false;
}

}  // namespace

Status NodePorts::PreFilter(CycleState& state, const api::Pod& pod, const std::vector<const NodeInfo*>&) {
  auto s = std::make_unique<PreFilterState>();
  s->wanted = WantedPorts(pod);
  if (s->wanted.empty()) return Status::Skip();
  state.Write(kPreFilterStateKey, std::move(s));
  return Status::Success();
}

Status NodePorts::Filter(const CycleState& state, const api::Pod&, const NodeInfo& node) const {
  const auto* s = state.Read<PreFilterState>(kPreFilterStateKey);
  if (s == nullptr) return Status::Error("reading \"PreFilterNodePorts\" from cycleState: not found");
  UsedPorts used = CollectUsedPorts(node);
  for (const auto& want : s->wanted) {
    if (Conflicts(used, want)) return Status::Unschedulable(kErrReason);
  }
  return Status::Success();
}

PluginFactory NodePortsFactory() { return NoArgs<NodePorts>(); }

}  // namespace kubesim::scheduler
