#include "models/cloudcontrollers/service_controller.h"

#include <algorithm>

#include "models/api/kinds.h"
#include "models/api/node.h"

namespace kubesim::cloudcontrollers {
namespace {

bool WantsLoadBalancer(const api::Service& s) { return s.type == "LoadBalancer" && !s.metadata.deletion_timestamp; }

// The taint cluster-autoscaler puts on a node it is removing (utils/taints/taints.go).
constexpr const char* kToBeDeletedTaint = "ToBeDeletedByClusterAutoscaler";

}  // namespace

ServiceController::ServiceController(sim::Simulation& sim, apiserver::ApiServer& api,
                                     client::SharedInformerFactory& informers, cloud::CloudProvider& cloud,
                                     client::EventRecorder recorder)
    : sim_(sim),
      api_(sim, api, "cloud-controller-manager/service-controller"),
      services_(informers.For(api::Service::kKind)),
      nodes_(informers.For(api::Node::kKind)),
      cloud_(cloud),
      recorder_(std::move(recorder)) {}

void ServiceController::Start() {
  services_.AddEventHandlers({[this](const api::ObjectPtr& o) { OnService(o); },
                              [this](const api::ObjectPtr&, const api::ObjectPtr& o) { OnService(o); },
                              [this](const api::ObjectPtr& o) { OnServiceDeleted(o); }});
  nodes_.AddEventHandlers({[this](const api::ObjectPtr& o) { OnNodeChange(nullptr, o); },
                           [this](const api::ObjectPtr& old, const api::ObjectPtr& o) { OnNodeChange(old, o); },
                           [this](const api::ObjectPtr& o) { OnNodeChange(o, nullptr); }});
  for (const auto& [key, obj] : services_.items()) OnService(obj);
  services_.Start();
  nodes_.Start();
}

std::vector<std::string> ServiceController::Backends() const {
  // stableNodeSetPredicates.
  std::vector<std::string> out;
  for (const auto& [key, obj] : nodes_.items()) {
    auto node = api::As<api::Node>(obj);
    if (!node || node->metadata.deletion_timestamp) continue;
    if (node->metadata.labels.count(kLabelExcludeFromExternalLoadBalancers)) continue;
    bool deleting = std::any_of(node->spec.taints.begin(), node->spec.taints.end(),
                                [](const api::Taint& t) { return t.key == kToBeDeletedTaint; });
    if (!deleting) out.push_back(node->metadata.name);
  }
  std::sort(out.begin(), out.end());
  return out;
}

void ServiceController::OnService(const api::ObjectPtr& obj) {
  auto svc = api::As<api::Service>(obj);
  if (!svc) return;
  const std::string key = api::NamespacedName(svc->metadata);
  if (!WantsLoadBalancer(*svc)) {
    // A Service that stopped being a LoadBalancer loses its load balancer.
    if (cloud_.FindLoadBalancer(key) != nullptr) OnServiceDeleted(obj);
    return;
  }
  const cloud::LoadBalancer* lb = cloud_.FindLoadBalancer(key);
  if (lb != nullptr && lb->ready_at && !svc->status.load_balancer_ingress.empty()) return;  // in sync
  SyncService(key);
}

void ServiceController::OnServiceDeleted(const api::ObjectPtr& obj) {
  auto svc = api::As<api::Service>(obj);
  if (!svc) return;
  const std::string key = api::NamespacedName(svc->metadata);
  if (cloud_.FindLoadBalancer(key) == nullptr) return;
  recorder_.Event(sim_.Now(), *svc, "Normal", "DeletingLoadBalancer", "Deleting load balancer");
  sim::Status st = cloud_.EnsureLoadBalancerDeleted(key);
  if (st.ok()) {
    recorder_.Event(sim_.Now(), *svc, "Normal", "DeletedLoadBalancer", "Deleted load balancer");
  } else {
    recorder_.Event(sim_.Now(), *svc, "Warning", "DeleteLoadBalancerFailed",
                    "Error deleting load balancer: " + st.message());
  }
}

void ServiceController::SyncService(const std::string& key) {
  if (syncing_.count(key)) return;
  // Run waits for the service and node caches (WaitForNamedCacheSync) before its workers start.
  if (!services_.HasSynced() || !nodes_.HasSynced()) {
    owner_.After(sim::Duration::Milliseconds(100), [this, key]() { SyncService(key); });
    return;
  }
  auto svc = api::As<api::Service>(services_.Get(key));
  if (!svc || !WantsLoadBalancer(*svc)) return;
  syncing_.insert(key);
  recorder_.Event(sim_.Now(), *svc, "Normal", "EnsuringLoadBalancer", "Ensuring load balancer");
  std::vector<std::string> backends = Backends();
  if (backends.empty()) {
    recorder_.Event(sim_.Now(), *svc, "Warning", "UnAvailableLoadBalancer",
                    "There are no available nodes for LoadBalancer");
  }
  cloud_.EnsureLoadBalancer(key, backends, owner_.Bind([this, key](const sim::Status& st, const std::string& ip) {
    syncing_.erase(key);
    auto cur = api::As<api::Service>(services_.Get(key));
    if (!cur || !WantsLoadBalancer(*cur)) return;
    if (!st.ok()) {
      recorder_.Event(sim_.Now(), *cur, "Warning", "SyncLoadBalancerFailed",
                      "Error syncing load balancer: " + st.message());
      Retry(key);
      return;
    }
    retry_delay_.erase(key);
    auto updated = cur->DeepCopy();
    updated->status.load_balancer_ingress = {api::LoadBalancerIngress{ip, ""}};
    api_.UpdateStatus(updated, owner_.Bind([this, key](const apiserver::Response& r) {
      if (r.code == apiserver::Code::kConflict) Retry(key);
    }));
    recorder_.Event(sim_.Now(), *cur, "Normal", "EnsuredLoadBalancer", "Ensured load balancer");
  }));
}

void ServiceController::Retry(const std::string& key) {
  auto [it, fresh] = retry_delay_.try_emplace(key, kMinRetryDelay);
  sim::Duration d = it->second;
  if (!fresh) d = std::min(d * 2, kMaxRetryDelay);
  it->second = d;
  owner_.After(d, [this, key]() { SyncService(key); });
}

void ServiceController::OnNodeChange(const api::ObjectPtr& old_obj, const api::ObjectPtr& obj) {
  // shouldSyncUpdatedNode: additions and deletions, or a change of the exclusion label or providerID.
  if (old_obj && obj) {
    auto o = api::As<api::Node>(old_obj);
    auto n = api::As<api::Node>(obj);
    if (!o || !n) return;
    bool excluded_changed = o->metadata.labels.count(kLabelExcludeFromExternalLoadBalancers) !=
                            n->metadata.labels.count(kLabelExcludeFromExternalLoadBalancers);
    if (!excluded_changed && o->spec.provider_id == n->spec.provider_id) return;
  }
  if (node_sync_pending_) return;
  node_sync_pending_ = true;
  owner_.After(sim::Duration::Zero(), [this]() {
    node_sync_pending_ = false;
    SyncNodes();
  });
}

void ServiceController::SyncNodes() {
  if (!services_.HasSynced() || !nodes_.HasSynced()) return;
  std::vector<std::string> backends = Backends();
  for (const auto& [key, obj] : services_.items()) {
    auto svc = api::As<api::Service>(obj);
    if (!svc || !WantsLoadBalancer(*svc)) continue;
    const cloud::LoadBalancer* lb = cloud_.FindLoadBalancer(std::string(key));
    if (lb == nullptr || !lb->ready_at || lb->backends == backends) continue;
    // nodeSyncService → UpdateLoadBalancer.
    sim::Status st = cloud_.UpdateLoadBalancerHosts(std::string(key), backends);
    if (st.ok()) {
      recorder_.Event(sim_.Now(), *svc, "Normal", "UpdatedLoadBalancer", "Updated load balancer with new hosts");
    } else {
      recorder_.Event(sim_.Now(), *svc, "Warning", "UpdateLoadBalancerFailed",
                      "Error updating load balancer with new hosts: " + st.message());
      Retry(std::string(key));
    }
  }
}

}  // namespace kubesim::cloudcontrollers
