#include "models/scheduler/registry.h"

#include "models/scheduler/plugins/default_binder.h"
#include "models/scheduler/plugins/default_preemption.h"
#include "models/scheduler/plugins/image_locality.h"
#include "models/scheduler/plugins/inter_pod_affinity.h"
#include "models/scheduler/plugins/node_affinity.h"
#include "models/scheduler/plugins/node_name.h"
#include "models/scheduler/plugins/node_ports.h"
#include "models/scheduler/plugins/node_resources_balanced_allocation.h"
#include "models/scheduler/plugins/node_resources_fit.h"
#include "models/scheduler/plugins/node_unschedulable.h"
#include "models/scheduler/plugins/pod_topology_spread.h"
#include "models/scheduler/plugins/priority_sort.h"
#include "models/scheduler/plugins/scheduling_gates.h"
#include "models/scheduler/plugins/taint_toleration.h"

namespace kubesim::scheduler {

Registry Registry::InTree() {
  Registry r;
  (void)r.Register(PrioritySort::kName, NoArgs<PrioritySort>());
  (void)r.Register(NodeUnschedulable::kName, NoArgs<NodeUnschedulable>());
  (void)r.Register(NodeName::kName, NoArgs<NodeName>());
  (void)r.Register(TaintToleration::kName, NoArgs<TaintToleration>());
  (void)r.Register(NodeResourcesFit::kName,
                   [](const PluginContext&, const api::YamlNode* args) -> sim::StatusOr<std::shared_ptr<Plugin>> {
                     NodeResourcesFitArgs a;
                     if (args != nullptr) {
                       KUBESIM_ASSIGN_OR_RETURN(a, DecodeNodeResourcesFitArgs(*args));
                     }
                     return std::shared_ptr<Plugin>(std::make_shared<NodeResourcesFit>(std::move(a)));
                   });
  (void)r.Register(NodeResourcesBalancedAllocation::kName,
                   [](const PluginContext&, const api::YamlNode* args) -> sim::StatusOr<std::shared_ptr<Plugin>> {
                     NodeResourcesBalancedAllocationArgs a;
                     if (args != nullptr) {
                       KUBESIM_ASSIGN_OR_RETURN(a, DecodeNodeResourcesBalancedAllocationArgs(*args));
                     }
                     return std::shared_ptr<Plugin>(std::make_shared<NodeResourcesBalancedAllocation>(std::move(a)));
                   });
  (void)r.Register(SchedulingGates::kName, SchedulingGatesFactory());
  (void)r.Register(NodeAffinity::kName, NodeAffinityFactory());
  (void)r.Register(NodePorts::kName, NodePortsFactory());
  (void)r.Register(ImageLocality::kName, ImageLocalityFactory());
  (void)r.Register(PodTopologySpread::kName, PodTopologySpreadFactory());
  (void)r.Register(InterPodAffinity::kName, InterPodAffinityFactory());
  (void)r.Register(DefaultPreemption::kName, DefaultPreemptionFactory());
  (void)r.Register(DefaultBinder::kName,
                   [](const PluginContext& ctx, const api::YamlNode* args) -> sim::StatusOr<std::shared_ptr<Plugin>> {
                     if (args != nullptr && args->Defined() && args->size() > 0)
                       return args->Error("plugin DefaultBinder takes no arguments");
                     // Without an API server (validating a configuration, explaining one cycle) it never binds.
                     return std::shared_ptr<Plugin>(std::make_shared<DefaultBinder>(ctx.api));
                   });
  return r;
}

const Registry& Registry::Default() {
  static const Registry kDefault = InTree();
  return kDefault;
}

sim::Status Registry::Register(const std::string& name, PluginFactory factory) {
  if (factories_.count(name)) return sim::InvalidArgument("a plugin named \"" + name + "\" already exists");
  factories_[name] = std::move(factory);
  return sim::Status::Ok();
}

const PluginFactory* Registry::Find(const std::string& name) const {
  auto it = factories_.find(name);
  return it == factories_.end() ? nullptr : &it->second;
}

std::vector<std::string> Registry::Names() const {
  std::vector<std::string> out;
  for (const auto& [name, f] : factories_) out.push_back(name);
  return out;
}

}  // namespace kubesim::scheduler
