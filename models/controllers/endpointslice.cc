#include "models/controllers/endpointslice.h"

#include <algorithm>
#include <cstdlib>
#include <map>
#include <set>

#include "models/api/labels.h"
#include "models/api/node.h"

namespace kubesim::controllers {
namespace {

bool ServiceSelects(const api::Service& svc, const api::Pod& pod) {
  return !svc.selector.empty() && api::SetMatches(svc.selector, pod.metadata.labels);
}

}  // namespace

std::string PodAddress(const api::Pod& pod) {
  // The UID ends in the API server's per-simulation counter (…-8000-%012d).
  const std::string& uid = pod.metadata.uid;
  size_t dash = uid.rfind('-');
  uint64_t n = std::strtoull(uid.c_str() + (dash == std::string::npos ? 0 : dash + 1), nullptr, 10);
  return "10." + std::to_string((n >> 16) & 255) + "." + std::to_string((n >> 8) & 255) + "." + std::to_string(n & 255);
}

EndpointSliceController::EndpointSliceController(sim::Simulation& sim, apiserver::ApiServer& api,
                                                 client::SharedInformerFactory& informers,
                                                 client::EventRecorder recorder)
    : sim_(sim),
      api_(sim, api, "kube-controller-manager/endpointslice"),
      recorder_(std::move(recorder)),
      services_(informers.For(api::Service::kKind)),
      pods_(informers.For(api::Pod::kKind)),
      nodes_(informers.For(api::Node::kKind)),
      slices_(informers.For(api::EndpointSlice::kKind)),
      service_lister_(services_.GetIndexer()),
      pod_lister_(pods_.GetIndexer()),
      slice_lister_(slices_.GetIndexer()),
      worker_(
          sim,
          [this]() { return services_.HasSynced() && pods_.HasSynced() && nodes_.HasSynced() && slices_.HasSynced(); },
          [this](const std::string& key) { Sync(key); }) {}

void EndpointSliceController::Start() {
  auto enqueue = [this](const api::ObjectPtr& o) { worker_.queue().Add(api::NamespacedName(o->metadata)); };
  services_.AddEventHandlers(
      {enqueue, [enqueue](const api::ObjectPtr&, const api::ObjectPtr& o) { enqueue(o); }, nullptr});
  pods_.AddEventHandlers({[this](const api::ObjectPtr& o) { OnPod(o); },
                          [this](const api::ObjectPtr& old_obj, const api::ObjectPtr& o) {
                            OnPod(old_obj);
                            OnPod(o);
                          },
                          [this](const api::ObjectPtr& o) { OnPod(o); }});
  auto slice_changed = [this](const api::ObjectPtr& o) {
    auto name = o->metadata.labels.find(kLabelServiceName);
    auto by = o->metadata.labels.find(kLabelManagedBy);
    if (name == o->metadata.labels.end() || by == o->metadata.labels.end() ||
        by->second != kEndpointSliceControllerName)
      return;
    worker_.queue().Add(o->metadata.namespace_ + "/" + name->second);
  };
  slices_.AddEventHandlers({slice_changed,
                            [slice_changed](const api::ObjectPtr&, const api::ObjectPtr& o) { slice_changed(o); },
                            slice_changed});
  for (auto* inf : {&services_, &pods_, &nodes_, &slices_}) inf->Start();
}

void EndpointSliceController::OnPod(const api::ObjectPtr& obj) {
  auto pod = api::As<api::Pod>(obj);
  if (!pod) return;
  // endpointUpdatesBatchPeriod 0: the Services selecting the pod (upstream
  // GetPodServiceMemberships) sync now.
  for (const auto& svc : service_lister_.Services(pod->metadata.namespace_).List(client::Selector::Everything())) {
    if (ServiceSelects(*svc, *pod)) worker_.queue().Add(api::NamespacedName(svc->metadata));
  }
}

void EndpointSliceController::Sync(const std::string& key) {
  auto svc = api::As<api::Service>(services_.Get(key));
  // A deleted Service's slices are the garbage collector's (they are owned by it); a Service
  // without a selector has slices managed by someone else.
  if (!svc || svc->selector.empty() || svc->metadata.deletion_timestamp) return;
  const std::string& ns = svc->metadata.namespace_;

  std::vector<api::Endpoint> desired;  // sorted by pod name (key order)
  for (const auto& pod : pod_lister_.Pods(ns).List(client::Selector::FromSet(svc->selector))) {
    // Upstream ShouldPodBeInEndpoints (includeTerminating): an address, not terminal.
    if (pod->spec.node_name.empty() || pod->IsTerminal() || pod->status.phase != api::kPodRunning) continue;
    const api::PodCondition* ready = pod->FindCondition("Ready");
    bool is_ready = ready != nullptr && ready->status == "True";
    bool terminating = pod->metadata.deletion_timestamp.has_value();
    api::Endpoint ep;
    ep.addresses = {PodAddress(*pod)};
    ep.conditions.ready = svc->publish_not_ready_addresses || (is_ready && !terminating);
    ep.conditions.serving = svc->publish_not_ready_addresses || is_ready;
    ep.conditions.terminating = terminating;
    ep.node_name = pod->spec.node_name;
    if (auto node = nodes_.Get(pod->spec.node_name)) {
      auto zone = node->metadata.labels.find(kLabelTopologyZone);
      if (zone != node->metadata.labels.end()) ep.zone = zone->second;
    }
    ep.target_ref = api::EndpointTargetRef{api::Pod::kKind, ns, pod->metadata.name, pod->metadata.uid};
    desired.push_back(std::move(ep));
  }

  // The slices this controller manages for the Service, by name.
  std::vector<std::shared_ptr<const api::EndpointSlice>> existing =
      slice_lister_.EndpointSlices(ns).List(client::Selector::FromSet(
          {{kLabelServiceName, svc->metadata.name}, {kLabelManagedBy, kEndpointSliceControllerName}}));
  // Upstream reconciler (reconcileByPortMapping): endpoints stay in the slice they are in, so a
  // change touches as few slices as possible.
  // 1. Every existing slice keeps its endpoints that are still wanted (refreshed), drops the
  //    others; a slice left empty is deleted, a changed one updated.
  std::map<std::string, api::Endpoint> remaining;  // pod name → endpoint, not placed yet
  for (auto& ep : desired) remaining.emplace(ep.target_ref.name, std::move(ep));
  struct Planned {
    std::shared_ptr<const api::EndpointSlice> slice;  // null: to create
    std::vector<api::Endpoint> endpoints;
  };
  std::vector<Planned> to_update, unchanged;
  std::vector<std::shared_ptr<const api::EndpointSlice>> to_delete;
  for (const auto& slice : existing) {
    Planned p{slice, {}};
    for (const auto& ep : slice->endpoints) {
      auto it = remaining.find(ep.target_ref.name);
      if (it == remaining.end()) continue;
      p.endpoints.push_back(std::move(it->second));
      remaining.erase(it);
    }
    if (p.endpoints == slice->endpoints) {
      unchanged.push_back(std::move(p));
    } else if (p.endpoints.empty()) {
      to_delete.push_back(slice);
    } else {
      to_update.push_back(std::move(p));
    }
  }
  auto fill = [&](Planned& p) {
    while (p.endpoints.size() < kMaxEndpointsPerSlice && !remaining.empty()) {
      p.endpoints.push_back(std::move(remaining.begin()->second));
      remaining.erase(remaining.begin());
    }
  };
  // 2. New endpoints first fill slices that are written anyway, fullest first (fewer, fuller
  //    slices), 3. then, if what is left fits, the unchanged slice with the least room that
  //    holds it all (upstream getSliceToFill), 4. then new slices.
  std::stable_sort(to_update.begin(), to_update.end(),
                   [](const Planned& a, const Planned& b) { return a.endpoints.size() > b.endpoints.size(); });
  for (auto& p : to_update) fill(p);
  if (!remaining.empty() && remaining.size() < kMaxEndpointsPerSlice) {
    size_t best = unchanged.size();
    for (size_t i = 0; i < unchanged.size(); ++i) {
      size_t room = kMaxEndpointsPerSlice - unchanged[i].endpoints.size();
      if (room < remaining.size()) continue;
      if (best == unchanged.size() || unchanged[i].endpoints.size() > unchanged[best].endpoints.size()) best = i;
    }
    if (best < unchanged.size()) {
      to_update.push_back(std::move(unchanged[best]));
      unchanged.erase(unchanged.begin() + static_cast<std::ptrdiff_t>(best));
      fill(to_update.back());
    }
  }
  std::vector<Planned> to_create;
  while (!remaining.empty()) {
    to_create.push_back(Planned{nullptr, {}});
    fill(to_create.back());
  }
  // A Service with no endpoints keeps (or gets) one empty placeholder slice.
  if (to_update.empty() && unchanged.empty() && to_create.empty()) {
    if (!to_delete.empty()) {
      to_update.push_back(Planned{to_delete.front(), {}});
      to_delete.erase(to_delete.begin());
    } else {
      to_create.push_back(Planned{nullptr, {}});
    }
  }

  const apiserver::ResponseCallback on_done = owner_.Bind([this, key](const apiserver::Response& r) {
    if (!r.ok() && r.code != apiserver::Code::kNotFound) worker_.queue().AddRateLimited(key);
  });
  for (auto& p : to_update) {
    if (p.slice->endpoints == p.endpoints) continue;  // a placeholder that already is one
    auto copy = p.slice->DeepCopy();
    copy->endpoints = std::move(p.endpoints);
    api_.Update(copy, on_done);  // resourceVersion precondition: a stale cache gets 409 and retries
  }
  for (const auto& slice : to_delete) {
    apiserver::DeleteOptions opts;
    opts.precondition_uid = slice->metadata.uid;
    api_.Delete(api::EndpointSlice::kKind, ns, slice->metadata.name, opts, on_done);
  }
  // Slices being created are not in the cache yet: creating more now would duplicate them.
  if (pending_creates_.count(key) > 0) return;
  for (auto& p : to_create) {
    auto slice = std::make_shared<api::EndpointSlice>();
    slice->api_version = api::EndpointSlice::kAPIVersion;
    slice->kind = api::EndpointSlice::kKind;
    slice->metadata.generate_name = svc->metadata.name + "-";
    slice->metadata.namespace_ = ns;
    slice->metadata.labels = {{kLabelServiceName, svc->metadata.name}, {kLabelManagedBy, kEndpointSliceControllerName}};
    slice->metadata.owner_references = {api::OwnerReference{api::Service::kAPIVersion, api::Service::kKind,
                                                            svc->metadata.name, svc->metadata.uid, true, true}};
    slice->endpoints = std::move(p.endpoints);
    ++pending_creates_[key];
    api_.Create(slice, owner_.Bind([this, key, on_done](const apiserver::Response& r) {
      // Counted down once the informer has had time to see it (the watch delay after the reply).
      owner_.After(api_.server().config().watch_delay, [this, key]() {
        auto it = pending_creates_.find(key);
        if (it != pending_creates_.end() && --it->second <= 0) pending_creates_.erase(it);
        worker_.queue().Add(key);
      });
      on_done(r);
    }));
  }
}

}  // namespace kubesim::controllers
