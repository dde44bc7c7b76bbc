#include "models/cloudcontrollers/cloud_node_controller.h"

#include "models/api/node.h"
#include "models/cloud/node_bootstrap.h"

namespace kubesim::cloudcontrollers {
namespace {

bool Uninitialized(const api::Node& node) {
  for (const auto& t : node.spec.taints) {
    if (t.key == cloud::kTaintExternalCloudProviderUninitialized) return true;
  }
  return false;
}

}  // namespace

CloudNodeController::CloudNodeController(sim::Simulation& sim, apiserver::ApiServer& api,
                                         client::SharedInformerFactory& informers, const cloud::CloudProvider& cloud,
                                         client::EventRecorder recorder)
    : sim_(sim),
      api_(sim, api, "cloud-controller-manager/node-controller"),
      nodes_(informers.For(api::Node::kKind)),
      cloud_(cloud),
      recorder_(std::move(recorder)),
      worker_(
          sim, [this]() { return nodes_.HasSynced(); }, [this](const std::string& key) { SyncNode(key); }) {}

void CloudNodeController::Start() {
  nodes_.AddEventHandlers({[this](const api::ObjectPtr& o) { Enqueue(o); },
                           [this](const api::ObjectPtr&, const api::ObjectPtr& o) { Enqueue(o); }, nullptr});
  for (const auto& [key, obj] : nodes_.items()) Enqueue(obj);
  nodes_.Start();
}

void CloudNodeController::Enqueue(const api::ObjectPtr& obj) {
  auto node = api::As<api::Node>(obj);
  if (node && Uninitialized(*node)) worker_.queue().Add(node->metadata.name);
}

void CloudNodeController::SyncNode(const std::string& name) {
  auto node = api::As<api::Node>(nodes_.Get(name));
  if (!node || !Uninitialized(*node)) {
    worker_.queue().Forget(name);
    return;
  }
  const cloud::Instance* inst = node->spec.provider_id.empty() ? cloud_.InstanceByNode(name)
                                                               : cloud_.InstanceByProviderID(node->spec.provider_id);
  if (inst == nullptr || inst->zone.empty()) {
    // getInstanceMetadata failed: upstream logs and requeues with the rate limiter.
    worker_.queue().AddRateLimited(name);
    return;
  }
  cloud::InstanceMetadata meta{inst->provider_id, inst->instance_type, inst->zone, cloud_.config().region,
                               inst->internal_ip};
  auto updated = node->DeepCopy();
  cloud::InitializeNode(*updated, meta);
  api_.Update(updated, owner_.Bind([this, name](const apiserver::Response& r) {
    if (r.code == apiserver::Code::kConflict) {
      // A newer Node is on its way through the informer; sync again from it.
      worker_.queue().AddRateLimited(name);
      return;
    }
    if (!r.ok()) {
      if (r.code != apiserver::Code::kNotFound) worker_.queue().AddRateLimited(name);
      return;
    }
    worker_.queue().Forget(name);
    recorder_.Event(sim_.Now(), *r.object, "Normal", "Synced", "Node synced successfully");
  }));
}

}  // namespace kubesim::cloudcontrollers
