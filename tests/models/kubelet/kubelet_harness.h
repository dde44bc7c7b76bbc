// Shared by the kubelet tests: a one-node scenario with fixed latencies (so times can be checked
// against upstream defaults), run step by step, with the pods, events and nodes it produced.
#pragma once

#include <algorithm>
#include <catch2/catch.hpp>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "models/api/kinds.h"
#include "models/api/pod.h"
#include "models/cluster/components.h"
#include "models/scenario/scenario.h"
#include "tests/support/temp_dir.h"

namespace kubesim::kubelet::harness {

using sim::Duration;
using sim::Time;

// One node n0 and the given pod documents (YAML flow maps, bound to n0 by spec.nodeName). The
// node already has the images these tests use, unless `node_status` says otherwise.
inline const char* kNodeWithImages =
    R"({capacity: {cpu: "8", memory: 32Gi, pods: "110"}, images: [{names: ["busybox:1.36", "nginx:1.27", "app:1"], )"
    R"(sizeBytes: 1000000}]})";

inline std::string Scenario(const std::string& duration, const std::vector<std::string>& pods,
                            const std::string& node_status = kNodeWithImages,
                            const std::string& kubelet = "podStartLatency: 500ms") {
  std::string s = R"(apiVersion: kubesim.io/v1alpha1
kind: Scenario
metadata: {name: kubelet}
spec:
  duration: )" + duration +
                  R"(
  apiServer: {requestLatency: 10ms, watchDelay: 5ms}
  kubelet: {)" + kubelet +
                  R"(}
  objects:
    - inline: {apiVersion: v1, kind: Node, metadata: {name: n0}, status: )" +
                  node_status + R"(}
)";
  for (const auto& p : pods) s += "    - inline: " + p + "\n";
  return s;
}

struct Run {
  testing::TempDir dir;
  scenario::Scenario sc;
  std::unique_ptr<cluster::Cluster> c;

  explicit Run(const std::string& yaml) {
    auto loaded = scenario::LoadScenario(dir.Write("s.yaml", yaml));
    INFO((loaded.ok() ? "" : loaded.status().message()));
    REQUIRE(loaded.ok());
    sc = std::move(loaded).value();
    c = std::make_unique<cluster::Cluster>(sc);
    REQUIRE(c->Start().ok());
  }
  void Until(Duration d) { c->RunUntil(Time::Zero() + d); }
  std::shared_ptr<const api::Pod> Pod(const std::string& name) {
    return api::As<api::Pod>(c->store().Get("/registry/pods/default/" + name));
  }
  // Times (since t = 0) of the pod's events with this reason.
  std::vector<Duration> EventTimes(const std::string& reason) {
    std::vector<Duration> out;
    for (const auto& e : c->Results().events) {
      if (e.reason == reason && e.source == "kubelet/n0") out.push_back(e.time - Time::Zero());
    }
    return out;
  }
  std::vector<std::string> EventMessages(const std::string& reason) {
    std::vector<std::string> out;
    for (const auto& e : c->Results().events) {
      if (e.reason == reason && e.source == "kubelet/n0") out.push_back(e.message);
    }
    return out;
  }
};

inline std::string ReadyStatus(const api::Pod& pod) {
  const api::PodCondition* c = pod.FindCondition("Ready");
  return c ? c->status : "";
}

inline std::string Timeline(const std::vector<std::pair<std::string, std::string>>& steps) {
  std::string s = "  timeline:\n";
  for (const auto& [at, action] : steps) s += "    - at: " + at + "\n      " + action + "\n";
  return s;
}

inline std::optional<Duration> DeletedAt(Run& run, const std::string& name) {
  for (const auto& p : run.c->Results().pods) {
    if (p.name == name && p.deleted) return *p.deleted - sim::Time::Zero();
  }
  return std::nullopt;
}

}  // namespace kubesim::kubelet::harness
