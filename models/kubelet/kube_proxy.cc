#include "models/kubelet/kube_proxy.h"

#include <cstdio>
#include <vector>

#include "models/api/kinds.h"

namespace kubesim::kubelet {
namespace {

// The ready endpoints of a slice, by pod UID.
std::vector<ProgrammedEndpoint> ReadyEndpoints(const api::EndpointSlice& slice) {
  std::vector<ProgrammedEndpoint> out;
  for (const auto& ep : slice.endpoints) {
    if (!ep.conditions.ready.value_or(false) || ep.target_ref.uid.empty()) continue;
    out.push_back(ProgrammedEndpoint{ep.target_ref.uid, "Pod/" + ep.target_ref.namespace_ + "/" + ep.target_ref.name});
  }
  return out;
}

std::string Seconds(sim::Time t) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.3f s", t.ToSeconds());
  return buf;
}

}  // namespace

void EndpointProgrammingTracker::OnCommit(sim::Time now, const etcd::Event& e) {
  if (e.type != etcd::EventType::kPut) return;
  auto slice = api::As<api::EndpointSlice>(e.object);
  if (!slice) return;
  for (const auto& ep : ReadyEndpoints(*slice)) {
    Record& r = records_[ep.pod_uid];
    r.pod_ref = ep.pod_ref;
    if (!r.ready_in_slice) r.ready_in_slice = now;
  }
}

void EndpointProgrammingTracker::Programmed(sim::Time now, const std::string& node, const ProgrammedEndpoint& ep) {
  Record& r = records_[ep.pod_uid];
  r.pod_ref = ep.pod_ref;
  r.nodes.insert(node);
  if (r.programmed_all || r.nodes.size() < proxies_.size()) return;
  for (const auto& p : proxies_) {
    if (!r.nodes.count(p)) return;
  }
  r.programmed_all = now;
  // The event's object is the pod; only its reference is known here.
  api::OpaqueObject ref;
  ref.kind = api::Pod::kKind;
  size_t slash = ep.pod_ref.find('/', 4);
  ref.metadata.namespace_ = ep.pod_ref.substr(4, slash - 4);
  ref.metadata.name = ep.pod_ref.substr(slash + 1);
  std::string msg = "Endpoint programmed on all " + std::to_string(proxies_.size()) + " nodes at " + Seconds(now);
  if (r.ready_in_slice) msg += " (ready in EndpointSlice at " + Seconds(*r.ready_in_slice) + ")";
  recorder_.Event(now, ref, "Normal", "EndpointProgrammed", msg);
}

KubeProxy::KubeProxy(sim::Simulation& sim, apiserver::ApiServer& api, std::string node_name, KubeProxyConfig config,
                     EndpointProgrammingTracker* tracker, network::HostId host)
    : sim_(sim),
      api_(sim, api, "kube-proxy/" + node_name, host),
      node_name_(std::move(node_name)),
      config_(config),
      tracker_(tracker),
      slices_(sim, api_, api::EndpointSlice::kKind) {}

void KubeProxy::Start() {
  if (tracker_ != nullptr) tracker_->ProxyStarted(node_name_);
  auto changed = [this](const api::ObjectPtr&) { RequestSync(); };
  slices_.AddEventHandlers({changed, [this](const api::ObjectPtr&, const api::ObjectPtr&) { RequestSync(); }, changed});
  slices_.Start();
}

void KubeProxy::RequestSync() {
  // BoundedFrequencyRunner.Run: at most one sync per minSyncPeriod; requests in between coalesce.
  if (sync_pending_) return;
  sync_pending_ = true;
  sim::Time at = sim_.Now();
  if (last_sync_ && *last_sync_ + config_.min_sync_period > at) at = *last_sync_ + config_.min_sync_period;
  owner_.At(at, [this]() { Sync(); });
}

void KubeProxy::Sync() {
  sync_pending_ = false;
  last_sync_ = sim_.Now();
  // What the rules will hold: every ready endpoint in the cache when the sync starts.
  std::map<std::string, ProgrammedEndpoint> next;
  for (const auto& [key, obj] : slices_.items()) {
    if (auto slice = api::As<api::EndpointSlice>(obj)) {
      for (auto& ep : ReadyEndpoints(*slice)) next.emplace(ep.pod_uid, std::move(ep));
    }
  }
  owner_.After(config_.sync_duration, [this, next = std::move(next)]() {
    std::set<std::string> now_programmed;
    for (const auto& [uid, ep] : next) {
      now_programmed.insert(uid);
      if (!programmed_.count(uid) && tracker_ != nullptr) tracker_->Programmed(sim_.Now(), node_name_, ep);
    }
    programmed_ = std::move(now_programmed);
  });
}

}  // namespace kubesim::kubelet
