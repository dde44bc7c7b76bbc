// Node-pressure eviction by memory (kubernetes/kubernetes pkg/kubelet/eviction @ v1.32; defaults
// from pkg/kubelet/apis/config/v1beta1/defaults_linux.go, DefaultEvictionHard, and
// evictionMonitoringPeriod in pkg/kubelet/kubelet.go): every 10 s the eviction manager compares
// memory.available (node memory capacity minus the working set of the running pods) with the hard
// threshold 100Mi. While it is met the node reports MemoryPressure=True (cleared 5 min after it
// was last met) and one pod is evicted per check, ranked as upstream rankMemoryPressure: pods
// using more than their memory request first, then lower priority first, then larger usage above
// request first.
//
// A pod's working set is its annotation kubesim.io/memory-usage (a quantity) while any of its
// containers runs, else 0 (docs/kubelet.md). System daemons use nothing.
#include <algorithm>
#include <vector>

#include "models/api/pod.h"
#include "models/api/quantity.h"
#include "models/kubelet/kubelet.h"

namespace kubesim::kubelet {
namespace {

// resource.Quantity.String() for a byte count in BinarySI: the largest power-of-1024 suffix that
// divides it exactly.
std::string FormatBytes(int64_t v) {
  static const char* kSuffixes[] = {"Ki", "Mi", "Gi", "Ti", "Pi", "Ei"};
  if (v == 0) return "0";
  int idx = -1;
  int64_t x = v;
  while (idx < 5 && x % 1024 == 0) {
    x /= 1024;
    ++idx;
  }
  return std::to_string(x) + (idx >= 0 ? kSuffixes[idx] : "");
}

int64_t MemoryRequest(const api::Container& c) {
  auto it = c.requests.find("memory");
  return it == c.requests.end() ? 0 : it->second.Value();
}

}  // namespace

int64_t Kubelet::PodMemoryUsage(const PodRuntime& rt) const {
  bool running =
      std::any_of(rt.containers.begin(), rt.containers.end(), [](const ContainerRuntime& c) { return c.running; });
  if (!running) return 0;
  auto it = rt.pod->metadata.annotations.find(api::kMemoryUsageAnnotation);
  if (it == rt.pod->metadata.annotations.end()) return 0;
  auto q = api::Quantity::Parse(it->second);
  return q.ok() && !q->IsNegative() ? q->Value() : 0;  // validated at load
}

void Kubelet::EvictionTick() {
  auto cap = node_manifest_->status.capacity.find("memory");
  if (cap == node_manifest_->status.capacity.end()) return;
  struct Candidate {
    PodRuntime* rt;
    int64_t usage;
    int64_t request;
    int32_t priority;
  };
  std::vector<Candidate> active;
  int64_t working_set = 0;
  for (auto& [uid, rt] : runtimes_) {  // std::map: in uid order
    if (rt->terminal || rt->terminating) continue;
    int64_t usage = PodMemoryUsage(*rt);
    if (usage == 0 && !rt->started) continue;
    working_set += usage;
    int64_t request = 0;
    for (const auto& c : rt->pod->spec.containers) request += MemoryRequest(c);
    active.push_back(Candidate{rt.get(), usage, request, rt->pod->Priority()});
  }
  memory_available_ = cap->second.Value() - working_set;
  bool met = memory_available_ < config_.eviction_hard_memory_available_bytes;
  if (met) {
    memory_pressure_ = true;
    memory_pressure_seen_ = sim_.Now();
  } else if (memory_pressure_ && sim_.Now() - memory_pressure_seen_ >= config_.eviction_pressure_transition_period) {
    memory_pressure_ = false;
  }
  if (!met || active.empty()) return;
  // rankMemoryPressure = orderedBy(exceedMemoryRequests, priority, memory); the pod key breaks
  // the remaining ties deterministically.
  std::sort(active.begin(), active.end(), [](const Candidate& a, const Candidate& b) {
    bool ea = a.usage > a.request, eb = b.usage > b.request;
    if (ea != eb) return ea;
    if (a.priority != b.priority) return a.priority < b.priority;
    int64_t da = a.usage - a.request, db = b.usage - b.request;
    if (da != db) return da > db;
    return a.rt->key < b.rt->key;
  });
  const Candidate& victim = active.front();
  // evictionMessage: the node's shortage, then each container using more than it requested.
  std::string message = "The node was low on resource: memory. Threshold quantity: " +
                        FormatBytes(config_.eviction_hard_memory_available_bytes) +
                        ", available: " + FormatBytes(memory_available_) + ". ";
  const auto& containers = victim.rt->pod->spec.containers;
  for (const auto& c : containers) {
    // The pod's usage is split over its containers in proportion to nothing we know: the whole
    // usage is attributed to the first container.
    int64_t usage = &c == &containers.front() ? victim.usage : 0;
    int64_t request = MemoryRequest(c);
    if (usage > request) {
      auto it = victim.rt->pod->metadata.annotations.find(api::kMemoryUsageAnnotation);
      message += "Container " + c.name + " was using " + it->second + ", request is " +
                 (c.requests.count("memory") ? c.requests.at("memory").text() : std::string("0")) +
                 ", has larger consumption of memory. ";
    }
  }
  EvictPod(*victim.rt, message);
}

void Kubelet::EvictPod(PodRuntime& rt, const std::string& message) {
  // killPodNow with the hard-threshold grace period (evictionMaxPodGracePeriod 0 → the minimum):
  // simplification: the containers are gone at once (exit 137).
  recorder_.Event(sim_.Now(), *rt.pod, "Warning", "Evicted", message);
  rt.evicted_message = message;
  for (auto& c : rt.containers) {
    c.start_pending = false;
    ++c.instance;
    if (!c.running) continue;
    c.Terminate(137, "Error", sim_.Now());
  }
  rt.terminal = true;
  WriteStatus(rt);
}

}  // namespace kubesim::kubelet
