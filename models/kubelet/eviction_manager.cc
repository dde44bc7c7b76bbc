#include "models/kubelet/eviction_manager.h"

#include <algorithm>

#include "models/api/quantity.h"

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

// kubelettypes.IsCriticalPod by priority: system-cluster-critical and above.
constexpr int32_t kSystemCriticalPriority = 2'000'000'000;

}  // namespace

EvictionManager::EvictionManager(sim::Simulation& sim, client::EventRecorder recorder, const KubeletConfig& config,
                                 std::optional<int64_t> memory_capacity, Host& host)
    : sim_(sim), recorder_(std::move(recorder)), config_(config), memory_capacity_(memory_capacity), host_(host) {}

void EvictionManager::Start(const std::vector<std::shared_ptr<const api::Pod>>& known_pods) {
  phase_ = sim_.Now();
  armed_ = false;
  for (const auto& pod : known_pods) MaybeArm(*pod);
  MaybeArmForNode();
}

void EvictionManager::ForgetObservations() {
  memory_pressure_ = false;
  pressure_seen_ = sim::Time();
  memory_available_ = 0;
}

void EvictionManager::MaybeArm(const api::Pod& pod) {
  if (!armed_ && pod.metadata.annotations.count(api::kMemoryUsageAnnotation)) Arm();
}

void EvictionManager::MaybeArmForNode() {
  // A node smaller than the hard threshold is under pressure with no pod at all.
  if (!armed_ && memory_capacity_ && *memory_capacity_ < config_.eviction_hard_memory_available_bytes) Arm();
}

void EvictionManager::Arm() {
  armed_ = true;
  // The next tick of the loop that started with the process: phase + k·period, after now. A tick
  // at exactly now would see no running container of a pod admitted now, so it is skipped too.
  const sim::Duration period = config_.eviction_monitoring_period;
  int64_t k = (sim_.Now() - phase_).nanos() / period.nanos() + 1;
  sim::Time first = phase_ + sim::Duration::Nanoseconds(k * period.nanos());
  owner_.After(first - sim_.Now(), [this, period]() {
    Synchronize();
    owner_.Every(period, [this]() { Synchronize(); });
  });
}

std::optional<std::string> EvictionManager::Admit(const api::Pod& pod) const {
  // Under memory pressure a BestEffort pod is rejected, unless it is critical or tolerates the
  // memory-pressure taint.
  bool tolerates = false;
  for (const auto& t : pod.spec.tolerations) {
    tolerates = tolerates || api::ToleratesTaint(t, "node.kubernetes.io/memory-pressure", "", "NoSchedule");
  }
  if (memory_pressure_ && IsBestEffort(pod) && pod.Priority() < kSystemCriticalPriority && !tolerates) {
    return std::string("The node had condition: [MemoryPressure]. ");
  }
  return std::nullopt;
}

bool EvictionManager::IsBestEffort(const api::Pod& pod) {
  auto has = [](const api::Container& c) {
    for (const char* r : {"cpu", "memory"}) {
      if (c.requests.count(r) || c.limits.count(r)) return true;
    }
    return false;
  };
  for (const auto& c : pod.spec.containers) {
    if (has(c)) return false;
  }
  for (const auto& c : pod.spec.init_containers) {
    if (has(c)) return false;
  }
  return true;
}

int64_t EvictionManager::PodWorkingSet(const PodRuntime& rt) {
  bool running =
      std::any_of(rt.containers.begin(), rt.containers.end(), [](const ContainerRuntime& c) { return c.running; });
  if (!running) return 0;
  auto it = rt.pod->metadata.annotations.find(api::kMemoryUsageAnnotation);
  if (it == rt.pod->metadata.annotations.end()) return 0;
  auto q = api::Quantity::Parse(it->second);
  return q.ok() && !q->IsNegative() ? q->Value() : 0;  // validated at load
}

void EvictionManager::Synchronize() {
  if (!memory_capacity_) return;
  std::vector<Candidate> active;
  int64_t working_set = 0;
  for (const PodRuntime* rt : host_.ActivePods()) {
    int64_t usage = PodWorkingSet(*rt);
    if (usage == 0 && !rt->started) continue;
    working_set += usage;
    int64_t request = 0;
    for (const auto& c : rt->pod->spec.containers) request += MemoryRequest(c);
    active.push_back(Candidate{rt->key, rt->uid, rt->pod, usage, request, rt->pod->Priority()});
  }
  memory_available_ = *memory_capacity_ - working_set;
  bool met = memory_available_ < config_.eviction_hard_memory_available_bytes;
  if (met) {
    memory_pressure_ = true;
    pressure_seen_ = sim_.Now();
  } else if (memory_pressure_ && sim_.Now() - pressure_seen_ >= config_.eviction_pressure_transition_period) {
    memory_pressure_ = false;
  }
  if (!met || active.empty()) return;
  RankMemoryPressure(active);
  const Candidate& victim = active.front();
  std::string message = EvictionMessage(victim, config_.eviction_hard_memory_available_bytes, memory_available_);
  // evictPod: the event first, then killPodFunc (simplification: with the hard threshold's grace
  // period, evictionMaxPodGracePeriod 0, the containers are gone at once).
  recorder_.Event(sim_.Now(), *victim.pod, "Warning", "Evicted", message);
  host_.KillPod(victim.uid, message);
}

void EvictionManager::RankMemoryPressure(std::vector<Candidate>& pods) {
  std::sort(pods.begin(), pods.end(), [](const Candidate& a, const Candidate& b) {
    bool ea = a.usage > a.request, eb = b.usage > b.request;
    if (ea != eb) return ea;
    if (a.priority != b.priority) return a.priority < b.priority;
    int64_t da = a.usage - a.request, db = b.usage - b.request;
    if (da != db) return da > db;
    return a.key < b.key;
  });
}

std::string EvictionManager::EvictionMessage(const Candidate& victim, int64_t threshold_bytes,
                                             int64_t available_bytes) {
  std::string message = "The node was low on resource: memory. Threshold quantity: " + FormatBytes(threshold_bytes) +
                        ", available: " + FormatBytes(available_bytes) + ". ";
  const auto& containers = victim.pod->spec.containers;
  for (const auto& c : containers) {
    // The pod's usage is split over its containers in proportion to nothing we know: the whole
    // usage is attributed to the first container.
    int64_t usage = &c == &containers.front() ? victim.usage : 0;
    int64_t request = MemoryRequest(c);
    if (usage > request) {
      // The usage as the annotation wrote it (usage > 0 means the annotation is there).
      auto it = victim.pod->metadata.annotations.find(api::kMemoryUsageAnnotation);
      std::string used = it == victim.pod->metadata.annotations.end() ? FormatBytes(usage) : it->second;
      message += "Container " + c.name + " was using " + used + ", request is " +
                 (c.requests.count("memory") ? c.requests.at("memory").text() : std::string("0")) +
                 ", has larger consumption of memory. ";
    }
  }
  return message;
}

}  // namespace kubesim::kubelet
