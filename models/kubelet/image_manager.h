// The kubelet's image manager and puller (kubernetes/kubernetes pkg/kubelet/images @ v1.32:
// image_manager.go EnsureImageExists, puller.go serialImagePuller): a per-node image cache seeded
// from the Node manifest's status.images, imagePullPolicy decisions, and the serial puller
// (serializeImagePulls=true by default: one pull at a time per node, in request order).
//
// A pull of an absent image takes overhead + size / bandwidth; a pull of a present image (policy
// Always) takes only the overhead, the registry round trip that finds every layer present. Image
// sizes come from the Node manifest's status.images, then the scenario's kubelet.imageSizes, then
// a small table of published sizes of common images, then a default (docs/kubelet.md; sources in
// docs/calibration.md). Images are never garbage-collected.
#pragma once

#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "models/api/node.h"
#include "models/kubelet/config.h"
#include "sim/owner.h"
#include "sim/simulation.h"

namespace kubesim::kubelet {

// The image reference as the node reports it and ImageLocality compares it: ":latest" added when
// the reference has neither tag nor digest.
std::string NormalizeImage(const std::string& image);
// Go's time.Duration.String(), as kubelet messages print durations ("1.5s", "250ms", "1m2.5s").
std::string GoDurationString(sim::Duration d);

class ImageManager {
 public:
  struct PullResult {
    bool ok = true;
    std::string reason;  // ErrImageNeverPull when !ok
    std::string message;
  };
  // Called when the image can be used. `pulled` tells whether a pull ran, and its times.
  struct Pulled {
    bool pulled = false;
    sim::Duration pull_time;   // the pull itself
    sim::Duration total_time;  // including the wait in the serial queue
    int64_t size_bytes = 0;
  };
  using Done = std::function<void(const PullResult&, const Pulled&)>;
  using OnPullStart = std::function<void()>;

  ImageManager(sim::Simulation& sim, ImageConfig config, const std::vector<api::ContainerImage>& seed);

  // EnsureImageExists: decides by policy whether to pull; queues the pull; calls on_start when
  // the pull begins (the Pulling event) and done when the image is there (or at once). A pull
  // with `fail` set is refused by the registry after the round trip: done gets ErrImagePull.
  void EnsureImage(const std::string& image, const std::string& policy, OnPullStart on_start, Done done,
                   bool fail = false);
  bool Present(const std::string& image) const { return present_.count(NormalizeImage(image)) > 0; }
  // The node's status.images: largest first, at most 50 (nodeStatusMaxImages), names sorted.
  std::vector<api::ContainerImage> NodeImages() const;
  // Bumped when an image is added: the node status has something new to report.
  uint64_t generation() const { return generation_; }
  // A crashed node loses its running pulls (the images already there stay on disk).
  void DropPending();

 private:
  struct Request {
    std::string image;      // normalized
    std::string reference;  // as the pod spec wrote it, for messages
    bool fail = false;
    sim::Time queued;
    OnPullStart on_start;
    Done done;
  };
  int64_t SizeOf(const std::string& image) const;
  void StartPull(Request r);
  void Next();

  sim::Simulation& sim_;
  ImageConfig config_;
  std::map<std::string, int64_t> present_;  // normalized name → size
  std::deque<Request> queue_;
  bool busy_ = false;
  uint64_t generation_ = 0;
  sim::Owner owner_{sim_};  // a pull's completion; DropPending resets it
};

}  // namespace kubesim::kubelet
