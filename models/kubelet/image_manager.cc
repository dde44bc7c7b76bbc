#include "models/kubelet/image_manager.h"

#include <algorithm>
#include <cstdio>

namespace kubesim::kubelet {
namespace {

// Published sizes (compressed, as pulled), by repository; tags do not matter except where the
// table tells them apart. Each size's source is in docs/calibration.md.
int64_t KnownSize(const std::string& normalized) {
  std::string repo = normalized.substr(0, normalized.rfind(':'));
  std::string tag = normalized.substr(normalized.rfind(':') + 1);
  for (const char* prefix : {"docker.io/library/", "docker.io/", "library/"}) {
    if (repo.rfind(prefix, 0) == 0) repo = repo.substr(std::string(prefix).size());
  }
  if (repo == "registry.k8s.io/pause" || repo == "k8s.gcr.io/pause" || repo == "pause") return 240'000;
  if (repo == "alpine") return 3'000'000;
  if (repo == "nginx") return tag.find("alpine") != std::string::npos ? 7'000'000 : 45'000'000;
  if (repo == "node" || repo == "python") return 350'000'000;
  if (repo == "nvidia/cuda") return 2'920'000'000;
  if (repo == "k8s.gcr.io/kube-cross") return 728'000'000;
  return -1;
}

}  // namespace

std::string NormalizeImage(const std::string& image) {
  if (image.find('@') != std::string::npos) return image;
  auto colon = image.rfind(':');
  auto slash = image.rfind('/');
  bool has_tag = colon != std::string::npos && (slash == std::string::npos || colon > slash);
  return has_tag ? image : image + ":latest";
}

std::string GoDurationString(sim::Duration d) {
  int64_t ns = d.nanos();
  if (ns == 0) return "0s";
  char buf[64];
  auto trim = [](std::string s) {
    if (s.find('.') == std::string::npos) return s;
    while (!s.empty() && s.back() == '0') s.pop_back();
    if (!s.empty() && s.back() == '.') s.pop_back();
    return s;
  };
  if (ns < 1'000'000'000) {
    if (ns < 1'000) return std::to_string(ns) + "ns";
    if (ns < 1'000'000) {
      std::snprintf(buf, sizeof buf, "%lld.%03lld", static_cast<long long>(ns / 1000),
                    static_cast<long long>(ns % 1000));
      return trim(buf) + "µs";
    }
    std::snprintf(buf, sizeof buf, "%lld.%06lld", static_cast<long long>(ns / 1'000'000),
                  static_cast<long long>(ns % 1'000'000));
    return trim(buf) + "ms";
  }
  int64_t secs = ns / 1'000'000'000, frac = ns % 1'000'000'000;
  std::string out;
  if (secs >= 3600) out += std::to_string(secs / 3600) + "h";
  if (secs >= 60) out += std::to_string((secs % 3600) / 60) + "m";
  std::snprintf(buf, sizeof buf, "%lld.%09lld", static_cast<long long>(secs % 60), static_cast<long long>(frac));
  return out + trim(buf) + "s";
}

ImageManager::ImageManager(sim::Simulation& sim, ImageConfig config, const std::vector<api::ContainerImage>& seed)
    : sim_(sim), config_(std::move(config)) {
  for (const auto& img : seed) {
    for (const auto& name : img.names) present_[NormalizeImage(name)] = img.size_bytes;
  }
}

int64_t ImageManager::SizeOf(const std::string& image) const {
  if (auto it = present_.find(image); it != present_.end() && it->second > 0) return it->second;
  for (const auto& [name, size] : config_.image_sizes) {
    if (NormalizeImage(name) == image) return size;
  }
  int64_t known = KnownSize(image);
  return known >= 0 ? known : config_.default_image_size_bytes;
}

void ImageManager::EnsureImage(const std::string& image, const std::string& policy, OnPullStart on_start, Done done,
                               bool fail) {
  std::string name = NormalizeImage(image);
  bool present = present_.count(name) > 0;
  // shouldPullImage: Never never pulls; IfNotPresent pulls only when absent; Always always.
  if (policy == "Never" && !present) {
    done(PullResult{false, "ErrImageNeverPull",
                    "Container image \"" + image + "\" is not present with pull policy of Never"},
         Pulled{});
    return;
  }
  if (policy == "Never" || (policy != "Always" && present)) {
    done(PullResult{}, Pulled{});
    return;
  }
  Request r{name, image, fail, sim_.Now(), std::move(on_start), std::move(done)};
  if (!config_.serialize_image_pulls) {
    StartPull(std::move(r));
    return;
  }
  queue_.push_back(std::move(r));
  if (!busy_) Next();
}

void ImageManager::Next() {
  if (queue_.empty()) {
    busy_ = false;
    return;
  }
  busy_ = true;
  Request r = std::move(queue_.front());
  queue_.pop_front();
  StartPull(std::move(r));
}

void ImageManager::StartPull(Request r) {
  if (r.on_start) r.on_start();
  // A present image (policy Always, or pulled while this request queued) costs the round trip only.
  int64_t size = SizeOf(r.image);
  bool download = present_.count(r.image) == 0 && !r.fail;
  sim::Duration t = config_.pull_overhead;
  if (download && config_.pull_bytes_per_second > 0) {
    int64_t bps = config_.pull_bytes_per_second;
    t += sim::Duration::Seconds(size / bps) + sim::Duration::Microseconds(size % bps * 1'000'000 / bps);
  }
  sim::Time began = sim_.Now();
  owner_.After(t, [this, began, size, r = std::move(r)]() {
    if (r.fail) {
      if (config_.serialize_image_pulls) Next();
      r.done(PullResult{false, "ErrImagePull",
                        "failed to pull and unpack image \"" + r.reference +
                            "\": kubesim.io/image-pull-failures: the registry refused the pull"},
             Pulled{});
      return;
    }
    if (!present_.count(r.image)) {
      present_[r.image] = size;
      ++generation_;
    }
    Pulled p{true, sim_.Now() - began, sim_.Now() - r.queued, size};
    if (config_.serialize_image_pulls) Next();
    r.done(PullResult{}, p);
  });
}

std::vector<api::ContainerImage> ImageManager::NodeImages() const {
  std::vector<api::ContainerImage> out;
  for (const auto& [name, size] : present_) out.push_back(api::ContainerImage{{name}, size});
  std::stable_sort(out.begin(), out.end(), [](const api::ContainerImage& a, const api::ContainerImage& b) {
    return a.size_bytes > b.size_bytes;
  });
  if (out.size() > 50) out.resize(50);
  return out;
}

void ImageManager::DropPending() {
  owner_.Reset();
  queue_.clear();
  busy_ = false;
}

}  // namespace kubesim::kubelet
