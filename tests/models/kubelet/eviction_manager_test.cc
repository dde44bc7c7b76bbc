// The eviction manager: threshold, ranking, messages, admission, the pressure condition and its
// taint, through whole runs and alone with a fake Host.
#include "models/kubelet/eviction_manager.h"

#include <algorithm>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "models/client/event_recorder.h"
#include "models/kubelet/pod_runtime.h"
#include "sim/simulation.h"
#include "tests/models/kubelet/kubelet_harness.h"

namespace kubesim::kubelet {
namespace {

using namespace harness;  // NOLINT: the test harness

const char* kSmallNode =
    R"({capacity: {cpu: "8", memory: 4Gi, pods: "110"}, images: [{names: ["busybox:1.36"], sizeBytes: 1000000}]})";

std::string MemPod(const std::string& name, const std::string& usage, const std::string& request,
                   const std::string& priority_class = "") {
  return "{apiVersion: v1, kind: Pod, metadata: {name: " + name + ", annotations: {kubesim.io/memory-usage: " + usage +
         "}}, spec: {nodeName: n0" + (priority_class.empty() ? "" : ", priorityClassName: " + priority_class) +
         ", containers: [{name: c, image: \"busybox:1.36\"" +
         (request.empty() ? "" : ", resources: {requests: {memory: " + request + "}}") + "}]}}";
}

bool HasTaint(const api::Node& node, const std::string& key) {
  for (const auto& t : node.spec.taints) {
    if (t.key == key && t.effect == "NoSchedule") return true;
  }
  return false;
}

TEST_CASE("Memory pressure: the pod most over its request goes first, Failed with reason Evicted", "[kubelet]") {
  std::string yaml =
      Scenario("8m",
               {
                   R"({apiVersion: scheduling.k8s.io/v1, kind: PriorityClass, metadata: {name: ten}, value: 10})",
                   MemPod("hog", "3Gi", "1Gi"),
                   MemPod("within", "900Mi", "1Gi"),
                   MemPod("besteffort", "200Mi", "", "ten"),
               },
               kSmallNode);
  Run run(yaml);
  // 4096Mi − (3072 + 900 + 200)Mi = −76Mi < 100Mi. hog and besteffort exceed their requests; of
  // those, hog has the lower priority. The first eviction check is 10 s after the kubelet starts.
  run.Until(Duration::Seconds(11));
  auto hog = run.Pod("hog");
  CHECK(hog->status.phase == "Failed");
  CHECK(hog->status.reason == "Evicted");
  CHECK(hog->status.message ==
        "The node was low on resource: memory. Threshold quantity: 100Mi, available: -76Mi. Container c was using "
        "3Gi, request is 1Gi, has larger consumption of memory. ");
  REQUIRE(hog->FindCondition("DisruptionTarget"));
  CHECK(hog->FindCondition("DisruptionTarget")->reason == "TerminationByKubelet");
  CHECK(run.EventMessages("Evicted").size() == 1);
  // One pod was enough: the others keep running.
  run.Until(Duration::Seconds(60));
  CHECK(run.EventMessages("Evicted").size() == 1);
  CHECK(run.Pod("within")->status.phase == "Running");
  CHECK(run.Pod("besteffort")->status.phase == "Running");
  // The kubelet reported MemoryPressure at its next status update; the node lifecycle controller
  // tainted the node.
  auto node = api::As<api::Node>(run.c->store().Get("/registry/nodes/n0"));
  REQUIRE(node->FindCondition("MemoryPressure"));
  CHECK(node->FindCondition("MemoryPressure")->status == "True");
  CHECK(HasTaint(*node, "node.kubernetes.io/memory-pressure"));
  // evictionPressureTransitionPeriod: the condition clears 5 min after the threshold was last
  // met (~10 s), then the taint goes.
  run.Until(Duration::Seconds(305));
  CHECK(api::As<api::Node>(run.c->store().Get("/registry/nodes/n0"))->FindCondition("MemoryPressure")->status ==
        "True");
  run.Until(Duration::Seconds(330));
  node = api::As<api::Node>(run.c->store().Get("/registry/nodes/n0"));
  CHECK(node->FindCondition("MemoryPressure")->status == "False");
  CHECK_FALSE(HasTaint(*node, "node.kubernetes.io/memory-pressure"));
}

TEST_CASE("Memory pressure: a BestEffort pod is rejected at admission, a Burstable one admitted", "[kubelet]") {
  std::string yaml = Scenario("2m", {MemPod("hog", "4Gi", "1Gi")}, kSmallNode);
  yaml +=
      "  timeline:\n    - at: 30s\n      create:\n        inline: " + MemPod("late-besteffort", "10Mi", "") +
      "\n    - at: 30s\n      create:\n        inline: " + MemPod("late-burstable", "10Mi", "10Mi") +
      "\n    - at: 30s\n      create:\n        inline: {apiVersion: v1, kind: Pod, metadata: {name: tolerant}, spec: "
      "{nodeName: n0, tolerations: [{key: node.kubernetes.io/memory-pressure, operator: Exists, effect: NoSchedule}], "
      "containers: [{name: c, image: \"busybox:1.36\"}]}}\n";
  Run run(yaml);
  // hog is evicted at ~10 s; the pressure condition holds for 5 min after.
  run.Until(Duration::Seconds(40));
  CHECK(run.Pod("hog")->status.reason == "Evicted");
  auto rejected = run.Pod("late-besteffort");
  REQUIRE(rejected);
  CHECK(rejected->status.phase == "Failed");
  CHECK(rejected->status.reason == "Evicted");
  CHECK(rejected->status.message == "The node had condition: [MemoryPressure]. ");
  CHECK_FALSE(rejected->FindCondition("DisruptionTarget"));
  CHECK(run.Pod("late-burstable")->status.phase == "Running");
  CHECK(run.Pod("tolerant")->status.phase == "Running");
}

TEST_CASE("Memory pressure ranking: priority before usage, then usage above request", "[kubelet]") {
  std::string yaml =
      Scenario("1m",
               {
                   R"({apiVersion: scheduling.k8s.io/v1, kind: PriorityClass, metadata: {name: ten}, value: 10})",
                   // All three exceed their requests: the two of priority 0 come first, the larger excess first.
                   MemPod("big-excess", "1500Mi", "100Mi"),
                   MemPod("small-excess", "1500Mi", "1Gi"),
                   MemPod("important", "1500Mi", "10Mi", "ten"),
               },
               kSmallNode);
  Run run(yaml);
  run.Until(Duration::Seconds(35));
  // 4096 − 4500 → evict big-excess (10 s); 4096 − 3000 = 1096Mi available: done.
  CHECK(run.Pod("big-excess")->status.reason == "Evicted");
  CHECK(run.Pod("small-excess")->status.phase == "Running");
  CHECK(run.Pod("important")->status.phase == "Running");
}

// ---- The eviction manager alone: ranking and messages as upstream's helpers_test.go, admission as
// eviction_manager_test.go TestAdmitUnderNodeConditions, and synchronize with a fake Host
// (kubernetes/kubernetes pkg/kubelet/eviction @ v1.32).

constexpr int32_t kLowPriority = -1;  // upstream's test priorities
constexpr int32_t kDefaultPriority = 0;
constexpr int32_t kHighPriority = 1;
constexpr int64_t kMi = 1024 * 1024;

EvictionManager::Candidate Ranked(const std::string& name, int32_t priority, int64_t request_mi, int64_t usage_mi) {
  EvictionManager::Candidate c;
  c.key = "default/" + name;
  c.priority = priority;
  c.request = request_mi * kMi;
  c.usage = usage_mi * kMi;
  return c;
}

std::vector<std::string> Names(const std::vector<EvictionManager::Candidate>& pods) {
  std::vector<std::string> out;
  for (const auto& p : pods) out.push_back(p.key.substr(std::string("default/").size()));
  return out;
}

TEST_CASE(
    "rankMemoryPressure: exceeding requests, then priority, then usage above request, upstream "
    "TestOrderedByPriorityMemory",
    "[kubelet]") {
  std::vector<EvictionManager::Candidate> pods = {
      Ranked("below-requests-high-priority-low-usage", kHighPriority, 1024, 200),
      Ranked("below-requests-high-priority-high-usage", kHighPriority, 1024, 800),
      Ranked("below-requests-low-priority-low-usage", kLowPriority, 1024, 200),
      Ranked("below-requests-low-priority-high-usage", kLowPriority, 1024, 800),
      Ranked("above-requests-high-priority-low-usage", kHighPriority, 100, 150),
      Ranked("above-requests-high-priority-high-usage", kHighPriority, 100, 600),
      Ranked("above-requests-low-priority-low-usage", kLowPriority, 0, 50),
      Ranked("above-requests-low-priority-high-usage", kLowPriority, 0, 500),
  };
  EvictionManager::RankMemoryPressure(pods);
  CHECK(Names(pods) == std::vector<std::string>{
                           "above-requests-low-priority-high-usage",
                           "above-requests-low-priority-low-usage",
                           "above-requests-high-priority-high-usage",
                           "above-requests-high-priority-low-usage",
                           "below-requests-low-priority-high-usage",
                           "below-requests-low-priority-low-usage",
                           "below-requests-high-priority-high-usage",
                           "below-requests-high-priority-low-usage",
                       });
}

TEST_CASE("rankMemoryPressure: usage relative to request, upstream TestOrderedByMemory", "[kubelet]") {
  std::vector<EvictionManager::Candidate> pods = {
      Ranked("best-effort-high", kDefaultPriority, 0, 500),   Ranked("best-effort-low", kDefaultPriority, 0, 300),
      Ranked("burstable-high", kDefaultPriority, 100, 800),   Ranked("burstable-low", kDefaultPriority, 100, 300),
      Ranked("guaranteed-high", kDefaultPriority, 1024, 800), Ranked("guaranteed-low", kDefaultPriority, 1024, 200),
  };
  EvictionManager::RankMemoryPressure(pods);
  CHECK(Names(pods) == std::vector<std::string>{"burstable-high", "best-effort-high", "best-effort-low",
                                                "burstable-low", "guaranteed-high", "guaranteed-low"});
}

TEST_CASE(
    "rankMemoryPressure: a pod over its request goes first whatever its priority, upstream "
    "TestOrderedByExceedsRequestMemory",
    "[kubelet]") {
  std::vector<EvictionManager::Candidate> pods = {Ranked("below-requests", -1, 200, 199),
                                                  Ranked("exceeds-requests", 1, 100, 101)};
  EvictionManager::RankMemoryPressure(pods);
  CHECK(Names(pods) == std::vector<std::string>{"exceeds-requests", "below-requests"});
}

TEST_CASE("rankMemoryPressure: lower priority first, upstream TestOrderedByPriority", "[kubelet]") {
  std::vector<EvictionManager::Candidate> pods = {
      Ranked("high-priority", 12534, 200, 0), Ranked("medium-priority", 1, 100, 0), Ranked("low-priority", -134, 0, 0)};
  EvictionManager::RankMemoryPressure(pods);
  CHECK(Names(pods) == std::vector<std::string>{"low-priority", "medium-priority", "high-priority"});
}

TEST_CASE("rankMemoryPressure: the pod key breaks the ties upstream leaves to sort.Sort", "[kubelet]") {
  std::vector<EvictionManager::Candidate> pods = {Ranked("b", 0, 0, 100), Ranked("c", 0, 0, 100),
                                                  Ranked("a", 0, 0, 100)};
  EvictionManager::RankMemoryPressure(pods);
  CHECK(Names(pods) == std::vector<std::string>{"a", "b", "c"});
}

// A pod with one container per (name, memory request) and the memory-usage annotation.
std::shared_ptr<api::Pod> UsagePod(const std::string& name, const std::string& usage,
                                   const std::vector<std::pair<std::string, std::string>>& containers,
                                   int32_t priority = 0) {
  auto pod = std::make_shared<api::Pod>();
  pod->kind = "Pod";
  pod->metadata.name = name;
  pod->metadata.namespace_ = "default";
  pod->metadata.uid = "uid-" + name;
  if (!usage.empty()) pod->metadata.annotations[api::kMemoryUsageAnnotation] = usage;
  pod->spec.priority = priority;
  for (const auto& [cname, request] : containers) {
    api::Container c;
    c.name = cname;
    if (!request.empty()) c.requests["memory"] = api::Quantity::Parse(request).value();
    pod->spec.containers.push_back(c);
  }
  return pod;
}

TEST_CASE("evictionMessage: the shortage, then the containers over their requests", "[kubelet]") {
  EvictionManager::Candidate victim;
  victim.pod = UsagePod("hog", "3Gi", {{"app", "1Gi"}, {"sidecar", ""}});
  victim.usage = 3 * 1024 * kMi;
  CHECK(EvictionManager::EvictionMessage(victim, 100 * kMi, -76 * kMi) ==
        "The node was low on resource: memory. Threshold quantity: 100Mi, available: -76Mi. Container app was using "
        "3Gi, request is 1Gi, has larger consumption of memory. ");
  // Within its request: only the shortage.
  victim.usage = 512 * kMi;
  CHECK(EvictionManager::EvictionMessage(victim, 100 * kMi, 0) ==
        "The node was low on resource: memory. Threshold quantity: 100Mi, available: 0. ");
}

TEST_CASE("IsBestEffort: no cpu or memory request or limit in any container", "[kubelet]") {
  CHECK(EvictionManager::IsBestEffort(*UsagePod("be", "", {{"c", ""}})));
  CHECK_FALSE(EvictionManager::IsBestEffort(*UsagePod("burstable", "", {{"c", ""}, {"d", "10Mi"}})));
  auto with_limit = UsagePod("limited", "", {{"c", ""}});
  with_limit->spec.containers[0].limits["cpu"] = api::Quantity::Parse("1").value();
  CHECK_FALSE(EvictionManager::IsBestEffort(*with_limit));
  auto with_init = UsagePod("init", "", {{"c", ""}});
  api::Container init;
  init.name = "init";
  init.requests["memory"] = api::Quantity::Parse("1Mi").value();
  with_init->spec.init_containers.push_back(init);
  CHECK_FALSE(EvictionManager::IsBestEffort(*with_init));
}

struct FakeEvictionHost : EvictionManager::Host {
  std::vector<PodRuntime> pods;  // the active ones; a killed pod leaves
  std::vector<std::string> killed;
  std::vector<size_t> events_at_kill;  // how many events the recorder had when the kill came
  const std::vector<client::RecordedEvent>* events = nullptr;
  int passes = 0;

  std::vector<const PodRuntime*> ActivePods() override {
    ++passes;
    std::vector<const PodRuntime*> out;
    for (const auto& p : pods) out.push_back(&p);
    return out;
  }
  void KillPod(const std::string& uid, const std::string&) override {
    killed.push_back(uid);
    events_at_kill.push_back(events->size());
    pods.erase(std::remove_if(pods.begin(), pods.end(), [&](const PodRuntime& p) { return p.uid == uid; }), pods.end());
  }
  void Add(std::shared_ptr<const api::Pod> pod, bool running = true) {
    PodRuntime rt;
    rt.key = api::NamespacedName(pod->metadata);
    rt.uid = pod->metadata.uid;
    rt.pod = std::move(pod);
    rt.started = running;
    for (const auto& spec : rt.pod->spec.containers) {
      ContainerRuntime c;
      c.spec = spec;
      c.running = running;
      rt.containers.push_back(c);
    }
    pods.push_back(std::move(rt));
  }
};

struct EvictionFixture {
  sim::Simulation sim{1};
  KubeletConfig config;  // evictionHard memory.available < 100Mi, 10 s, 5 min
  std::vector<client::RecordedEvent> events;
  FakeEvictionHost host;
  std::unique_ptr<EvictionManager> manager;

  explicit EvictionFixture(std::optional<int64_t> capacity) {
    host.events = &events;
    manager = std::make_unique<EvictionManager>(
        sim, client::EventRecorder([this](const client::RecordedEvent& e) { events.push_back(e); }, "kubelet/n0"),
        config, capacity, host);
  }
  void Until(Duration d) { sim.RunUntil(Time::Zero() + d); }
};

TEST_CASE("EvictionManager: Admit under node conditions, upstream TestAdmitUnderNodeConditions", "[kubelet]") {
  EvictionFixture f(1024 * kMi);
  auto guaranteed = UsagePod("guaranteed-pod", "", {{"c", "1Gi"}});
  guaranteed->spec.containers[0].limits = guaranteed->spec.containers[0].requests;
  auto burstable = UsagePod("burstable-pod", "", {{"c", "1Gi"}});
  auto best_effort = UsagePod("best-effort-pod", "", {{"c", ""}});
  for (const auto& pod : {guaranteed, burstable, best_effort}) CHECK_FALSE(f.manager->Admit(*pod).has_value());
  // Memory pressure: a running pod uses all the node's memory.
  f.host.Add(UsagePod("hog", "1Gi", {{"c", ""}}));
  f.manager->Synchronize();
  REQUIRE(f.manager->IsUnderMemoryPressure());
  CHECK_FALSE(f.manager->Admit(*guaranteed).has_value());
  CHECK_FALSE(f.manager->Admit(*burstable).has_value());
  CHECK(f.manager->Admit(*best_effort).value_or("") == "The node had condition: [MemoryPressure]. ");
  // A BestEffort pod is still admitted when it is critical or tolerates the memory-pressure taint.
  auto critical = UsagePod("critical", "", {{"c", ""}}, 2'000'000'000);
  CHECK_FALSE(f.manager->Admit(*critical).has_value());
  auto tolerant = UsagePod("tolerant", "", {{"c", ""}});
  tolerant->spec.tolerations.push_back(
      api::Toleration{"node.kubernetes.io/memory-pressure", "Exists", "", "NoSchedule", {}});
  CHECK_FALSE(f.manager->Admit(*tolerant).has_value());
}

TEST_CASE("EvictionManager: synchronize evicts one pod per pass and holds the condition for the transition period",
          "[kubelet]") {
  // The pods of upstream's memory tests (TestMinReclaim), on a node of 2Gi: 1850Mi in use leaves
  // 198Mi, above the threshold.
  EvictionFixture f(2048 * kMi);
  f.host.Add(UsagePod("guaranteed-low-priority-high-usage", "900Mi", {{"c", "1Gi"}}, kLowPriority));
  f.host.Add(UsagePod("burstable-below-requests", "50Mi", {{"c", "100Mi"}}, kDefaultPriority));
  f.host.Add(UsagePod("burstable-above-requests", "400Mi", {{"c", "100Mi"}}, kDefaultPriority));
  f.host.Add(UsagePod("best-effort-high-priority-high-usage", "400Mi", {{"c", ""}}, kHighPriority));
  f.host.Add(UsagePod("best-effort-low-priority-low-usage", "100Mi", {{"c", ""}}, kLowPriority));
  f.manager->Synchronize();
  CHECK_FALSE(f.manager->IsUnderMemoryPressure());
  CHECK(f.host.killed.empty());
  // One more pod: 2000Mi in use, 48Mi available. The pods over their requests go first, lowest
  // priority first.
  f.host.Add(UsagePod("newcomer", "150Mi", {{"c", "1Gi"}}, kHighPriority));
  f.Until(Duration::Seconds(10));
  f.manager->Synchronize();
  CHECK(f.manager->IsUnderMemoryPressure());
  CHECK(f.host.killed == std::vector<std::string>{"uid-best-effort-low-priority-low-usage"});
  // evictPod records the event before it kills.
  REQUIRE(f.events.size() == 1);
  CHECK(f.host.events_at_kill == std::vector<size_t>{1});
  CHECK(f.events[0].reason == "Evicted");
  CHECK(f.events[0].type == "Warning");
  CHECK(f.events[0].object == "Pod/default/best-effort-low-priority-low-usage");
  CHECK(f.events[0].message ==
        "The node was low on resource: memory. Threshold quantity: 100Mi, available: 48Mi. Container c was using "
        "100Mi, request is 0, has larger consumption of memory. ");
  // 1900Mi in use now: 148Mi available, no eviction, but the condition holds for 5 min after the
  // threshold was last met.
  f.Until(Duration::Seconds(20));
  f.manager->Synchronize();
  CHECK(f.host.killed.size() == 1);
  f.Until(Duration::Seconds(10) + Duration::Minutes(5) - Duration::Seconds(1));
  f.manager->Synchronize();
  CHECK(f.manager->IsUnderMemoryPressure());
  f.Until(Duration::Seconds(10) + Duration::Minutes(5));
  f.manager->Synchronize();
  CHECK_FALSE(f.manager->IsUnderMemoryPressure());
  CHECK(f.host.killed.size() == 1);
}

TEST_CASE("EvictionManager: working set is the annotation while a container runs, pods not started are skipped",
          "[kubelet]") {
  EvictionFixture f(1024 * kMi);
  // Not running yet, not started: skipped. Running, no annotation: counted with 0.
  f.host.Add(UsagePod("pending", "2Gi", {{"c", ""}}), /*running=*/false);
  f.host.Add(UsagePod("quiet", "", {{"c", ""}}));
  f.manager->Synchronize();
  CHECK_FALSE(f.manager->IsUnderMemoryPressure());
  CHECK(EvictionManager::PodWorkingSet(f.host.pods[0]) == 0);
  CHECK(EvictionManager::PodWorkingSet(f.host.pods[1]) == 0);
  f.host.pods[0].containers[0].running = true;
  CHECK(EvictionManager::PodWorkingSet(f.host.pods[0]) == 2048 * kMi);
  f.manager->Synchronize();
  CHECK(f.host.killed == std::vector<std::string>{"uid-pending"});
}

TEST_CASE("EvictionManager: the loop keeps the process's phase and is armed only when needed", "[kubelet]") {
  SECTION("armed by a pod with a memory-usage annotation") {
    EvictionFixture f(32 * 1024 * kMi);
    f.manager->Start({});
    f.Until(Duration::Seconds(25));
    CHECK(f.host.passes == 0);
    f.manager->MaybeArm(*UsagePod("quiet", "", {{"c", ""}}));
    f.Until(Duration::Seconds(29));
    CHECK(f.host.passes == 0);
    f.manager->MaybeArm(*UsagePod("user", "1Mi", {{"c", ""}}));
    // The next tick of the loop that started at 0: 30 s, then every 10 s.
    f.Until(Duration::Seconds(55));
    CHECK(f.host.passes == 3);
    f.manager->Stop();
    f.Until(Duration::Seconds(120));
    CHECK(f.host.passes == 3);
  }
  SECTION("armed at once on a node below the threshold") {
    EvictionFixture f(50 * kMi);
    f.Until(Duration::Seconds(3));
    f.manager->Start({});
    f.Until(Duration::Seconds(12));
    CHECK(f.host.passes == 0);
    f.Until(Duration::Seconds(13));
    CHECK(f.host.passes == 1);
    CHECK(f.manager->IsUnderMemoryPressure());
  }
  SECTION("armed by a pod the process already runs") {
    EvictionFixture f(32 * 1024 * kMi);
    f.manager->Start({UsagePod("user", "1Mi", {{"c", ""}})});
    f.Until(Duration::Seconds(10));
    CHECK(f.host.passes == 1);
  }
  SECTION("a node that reports no memory is never observed") {
    EvictionFixture f(std::nullopt);
    f.manager->Start({UsagePod("user", "1Mi", {{"c", ""}})});
    f.Until(Duration::Seconds(60));
    CHECK(f.host.passes == 0);
  }
}

}  // namespace
}  // namespace kubesim::kubelet
