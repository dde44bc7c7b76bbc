#include "models/scheduler/node_info.h"

#include <algorithm>
#include <tuple>

#include "sim/hash.h"

namespace kubesim::scheduler {

void Resource::Add(const Resource& o) {
  milli_cpu += o.milli_cpu;
  memory += o.memory;
  ephemeral_storage += o.ephemeral_storage;
  allowed_pod_number += o.allowed_pod_number;
  for (const auto& [k, v] : o.scalar) scalar[k] += v;
}

void Resource::Sub(const Resource& o) {
  milli_cpu -= o.milli_cpu;
  memory -= o.memory;
  ephemeral_storage -= o.ephemeral_storage;
  allowed_pod_number -= o.allowed_pod_number;
  for (const auto& [k, v] : o.scalar) scalar[k] -= v;
}

void Resource::SetMax(const Resource& o) {
  milli_cpu = std::max(milli_cpu, o.milli_cpu);
  memory = std::max(memory, o.memory);
  ephemeral_storage = std::max(ephemeral_storage, o.ephemeral_storage);
  for (const auto& [k, v] : o.scalar) scalar[k] = std::max(scalar[k], v);
}

int64_t Resource::Get(const std::string& name) const {
  if (name == api::kResourceCPU) return milli_cpu;
  if (name == api::kResourceMemory) return memory;
  if (name == api::kResourceEphemeralStorage) return ephemeral_storage;
  if (name == api::kResourcePods) return allowed_pod_number;
  auto it = scalar.find(name);
  return it == scalar.end() ? 0 : it->second;
}

Resource Resource::FromList(const api::ResourceList& list) {
  Resource r;
  for (const auto& [name, q] : list) {
    if (name == api::kResourceCPU) {
      r.milli_cpu = q.MilliValue();
    } else if (name == api::kResourceMemory) {
      r.memory = q.Value();
    } else if (name == api::kResourceEphemeralStorage) {
      r.ephemeral_storage = q.Value();
    } else if (name == api::kResourcePods) {
      r.allowed_pod_number = q.Value();
    } else if (api::IsScalarResource(name)) {
      r.scalar[name] = q.Value();
    }
  }
  return r;
}

namespace {
Resource ContainerRequests(const api::Container& c, bool non_zero) {
  Resource r = Resource::FromList(c.requests);
  if (non_zero) {
    // An explicit 0 stays 0; only a missing request is defaulted (upstream GetNonzeroRequests).
    if (!c.requests.count(api::kResourceCPU)) r.milli_cpu = kDefaultMilliCPURequest;
    if (!c.requests.count(api::kResourceMemory)) r.memory = kDefaultMemoryRequest;
  }
  return r;
}
}  // namespace

Resource ComputePodRequests(const api::Pod& pod, bool non_zero) {
  Resource reqs;
  for (const auto& c : pod.spec.containers) reqs.Add(ContainerRequests(c, non_zero));
  // Init containers run one at a time before the app containers; restartable ("sidecar") ones
  // keep running, so they add to the app sum and to every later init container's peak.
  Resource sidecars;
  Resource init_peak;
  for (const auto& c : pod.spec.init_containers) {
    Resource cr = ContainerRequests(c, non_zero);
    if (c.restart_policy == "Always") {
      sidecars.Add(cr);
      init_peak.SetMax(sidecars);
    } else {
      Resource tmp = cr;
      tmp.Add(sidecars);
      init_peak.SetMax(tmp);
    }
  }
  reqs.Add(sidecars);
  reqs.SetMax(init_peak);
  reqs.Add(Resource::FromList(pod.spec.overhead));
  reqs.allowed_pod_number = 0;
  return reqs;
}

PodInfo::PodInfo(std::shared_ptr<const api::Pod> p)
    : pod(std::move(p)),
      requests(ComputePodRequests(*pod, false)),
      non_zero_requests(ComputePodRequests(*pod, true)),
      namespace_hash(sim::Fnv1a64().Add(pod->metadata.namespace_).value()) {}

void NodeInfo::SetNode(std::shared_ptr<const api::Node> node) {
  node_ = std::move(node);
  allocatable_ = node_ ? Resource::FromList(node_->status.allocatable) : Resource{};
  image_sizes_.clear();
  unschedulable_ = node_ != nullptr && node_->spec.unschedulable;
  taints_ = node_ != nullptr ? node_->spec.taints : std::vector<api::Taint>{};
  if (node_ == nullptr) return;
  for (const auto& image : node_->status.images) {
    for (const auto& name : image.names) {
      image_sizes_.push_back({ImageNameHash(name), image.size_bytes, ImageNames::Intern(name)});
    }
  }
  // Upstream addNodeImageStates assigns each name in list order, so the last entry wins. Ordered
  // by the names themselves, never by the interned pointers.
  std::stable_sort(image_sizes_.begin(), image_sizes_.end(),
                   [](const auto& a, const auto& b) { return a.hash != b.hash ? a.hash < b.hash : *a.name < *b.name; });
  size_t out = 0;
  for (size_t i = 0; i < image_sizes_.size(); ++i) {
    if (i + 1 < image_sizes_.size() && image_sizes_[i + 1].name == image_sizes_[i].name) continue;
    image_sizes_[out++] = image_sizes_[i];
  }
  image_sizes_.resize(out);
}

uint64_t NodeInfo::ImageNameHash(std::string_view name) { return sim::Fnv1a64().Add(name).value(); }

std::optional<int64_t> NodeInfo::ImageSize(const std::string* interned, uint64_t hash) const {
  if (interned == nullptr) return std::nullopt;
  auto it = std::lower_bound(image_sizes_.begin(), image_sizes_.end(), hash,
                             [](const ImageEntry& entry, uint64_t h) { return entry.hash < h; });
  for (; it != image_sizes_.end() && it->hash == hash; ++it) {
    if (it->name == interned) return it->size;
  }
  return std::nullopt;
}

namespace {
bool HasPodAffinity(const api::Pod& pod) {
  return pod.spec.affinity.pod_affinity.has_value() || pod.spec.affinity.pod_anti_affinity.has_value();
}
bool HasRequiredAntiAffinity(const api::Pod& pod) {
  return pod.spec.affinity.pod_anti_affinity.has_value() && !pod.spec.affinity.pod_anti_affinity->required.empty();
}
// Swap-remove by uid, as upstream's removeFromSlice (order is not meaningful).
bool RemoveByUid(std::vector<PodInfoPtr>& v, const std::string& uid) {
  for (size_t i = 0; i < v.size(); ++i) {
    if (v[i]->pod->metadata.uid != uid) continue;
    v[i] = std::move(v.back());
    v.pop_back();
    return true;
  }
  return false;
}
}  // namespace

void NodeInfo::AddPod(PodInfoPtr pod) {
  requested_.Add(pod->requests);
  non_zero_requested_.Add(pod->non_zero_requests);
  if (HasPodAffinity(*pod->pod)) pods_with_affinity_.push_back(pod);
  if (HasRequiredAntiAffinity(*pod->pod)) pods_with_required_anti_affinity_.push_back(pod);
  pods_.push_back(std::move(pod));
}

PodInfoPtr NodeInfo::RemovePod(const std::string& uid) {
  for (size_t i = 0; i < pods_.size(); ++i) {
    if (pods_[i]->pod->metadata.uid != uid) continue;
    PodInfoPtr removed = std::move(pods_[i]);
    requested_.Sub(removed->requests);
    non_zero_requested_.Sub(removed->non_zero_requests);
    RemoveByUid(pods_with_affinity_, uid);
    RemoveByUid(pods_with_required_anti_affinity_, uid);
    pods_[i] = std::move(pods_.back());
    pods_.pop_back();
    return removed;
  }
  return nullptr;
}

}  // namespace kubesim::scheduler
