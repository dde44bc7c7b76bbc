#include "models/cloudcontrollers/cloud_node_lifecycle_controller.h"

#include <algorithm>

#include "models/api/node.h"
#include "models/cloud/node_bootstrap.h"

namespace kubesim::cloudcontrollers {

CloudNodeLifecycleController::CloudNodeLifecycleController(sim::Simulation& sim, apiserver::ApiServer& api,
                                                           client::SharedInformerFactory& informers,
                                                           const cloud::CloudProvider& cloud,
                                                           client::EventRecorder recorder)
    : sim_(sim),
      api_(sim, api, "cloud-controller-manager/node-lifecycle-controller"),
      nodes_(informers.For(api::Node::kKind)),
      cloud_(cloud),
      recorder_(std::move(recorder)) {}

void CloudNodeLifecycleController::Start() {
  nodes_.Start();
  owner_.Every(kNodeMonitorPeriod, [this]() { MonitorNodes(); });
}

void CloudNodeLifecycleController::MonitorNodes() {
  if (!nodes_.HasSynced()) return;
  for (const auto& [key, obj] : nodes_.items()) {
    auto node = api::As<api::Node>(obj);
    if (!node || node->metadata.deletion_timestamp) continue;
    // Not a node of the cloud's (see the header): the scenario's own Nodes, whatever providerID
    // their manifests carry.
    if (node->spec.provider_id.rfind("kubesim://", 0) != 0 &&
        node->metadata.labels.count(cloud::kLabelNodeGroup) == 0) {
      continue;
    }
    bool has_shutdown_taint = std::any_of(node->spec.taints.begin(), node->spec.taints.end(),
                                          [](const api::Taint& t) { return t.key == cloud::kTaintNodeShutdown; });
    const api::NodeCondition* ready = node->FindCondition("Ready");
    if (ready != nullptr && ready->status == "True") {
      if (has_shutdown_taint) SetShutdownTaint(*node, false);
      continue;
    }
    const cloud::Instance* inst = node->spec.provider_id.empty() ? cloud_.InstanceByNode(node->metadata.name)
                                                                 : cloud_.InstanceByProviderID(node->spec.provider_id);
    if (inst == nullptr) {
      // ensureNodeExistsByProviderID said no: the Node goes.
      recorder_.Event(sim_.Now(), *node, "Normal", "DeletingNode",
                      "Deleting node " + node->metadata.name + " because it does not exist in the cloud provider");
      api_.Delete(api::Node::kKind, "", node->metadata.name, {}, nullptr);
      continue;
    }
    if (inst->state == cloud::InstanceState::kStopped && !has_shutdown_taint) SetShutdownTaint(*node, true);
  }
}

void CloudNodeLifecycleController::SetShutdownTaint(const api::Node& node, bool present) {
  auto updated = node.DeepCopy();
  auto& taints = updated->spec.taints;
  taints.erase(std::remove_if(taints.begin(), taints.end(),
                              [](const api::Taint& t) { return t.key == cloud::kTaintNodeShutdown; }),
               taints.end());
  if (present) taints.push_back(api::Taint{cloud::kTaintNodeShutdown, "", api::kTaintNoSchedule, {}});
  // A conflict is retried by the next monitor pass, 5 s later.
  api_.Update(updated, nullptr);
}

}  // namespace kubesim::cloudcontrollers
