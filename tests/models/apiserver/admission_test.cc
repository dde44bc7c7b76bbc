#include "models/apiserver/admission.h"

#include <catch2/catch.hpp>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "models/api/kinds.h"
#include "models/api/pod.h"

namespace kubesim::apiserver {
namespace {

void AddPriorityClass(etcd::MvccStore& store, const std::string& name, int32_t value, bool global,
                      const std::string& policy = "PreemptLowerPriority") {
  auto pc = std::make_shared<api::PriorityClass>();
  pc->kind = "PriorityClass";
  pc->metadata.name = name;
  pc->value = value;
  pc->global_default = global;
  pc->preemption_policy = policy;
  REQUIRE(store.Create("/registry/priorityclasses/" + name, pc).error == etcd::StoreError::kOk);
}

api::Pod PodWithClass(const std::string& cls, std::optional<int32_t> priority = std::nullopt) {
  api::Pod p;
  p.kind = "Pod";
  p.metadata.name = "p";
  p.metadata.namespace_ = "default";
  p.spec.priority_class_name = cls;
  p.spec.priority = priority;
  return p;
}

// plugin/pkg/admission/priority: class name → spec.priority and preemptionPolicy.
TEST_CASE("Priority admission resolves priorityClassName", "[apiserver]") {
  etcd::MvccStore store;
  AddPriorityClass(store, "high", 1000, false, "Never");
  struct Case {
    std::string name;
    api::Pod pod;
    bool ok;
    int32_t priority;
    std::string policy;
  };
  const Case cases[] = {
      {"no class, no default", PodWithClass(""), true, 0, "PreemptLowerPriority"},
      {"user class", PodWithClass("high"), true, 1000, "Never"},
      {"user class with matching priority", PodWithClass("high", 1000), true, 1000, "Never"},
      {"system-cluster-critical", PodWithClass("system-cluster-critical"), true, 2'000'000'000, "PreemptLowerPriority"},
      {"system-node-critical", PodWithClass("system-node-critical"), true, 2'000'001'000, "PreemptLowerPriority"},
  };
  for (Case c : cases) {
    INFO(c.name);
    AdmissionResult r = RunAdmission(c.pod, store);
    REQUIRE(r.ok == c.ok);
    CHECK(c.pod.spec.priority == c.priority);
    CHECK(c.pod.spec.preemption_policy == c.policy);
  }
}

TEST_CASE("Priority admission keeps a pod's own preemptionPolicy", "[apiserver]") {
  etcd::MvccStore store;
  AddPriorityClass(store, "high", 1000, false, "PreemptLowerPriority");
  api::Pod pod = PodWithClass("high");
  pod.spec.preemption_policy = "Never";
  REQUIRE(RunAdmission(pod, store).ok);
  CHECK(pod.spec.preemption_policy == "Never");
}

TEST_CASE("Priority admission rejects unknown classes and conflicting priorities", "[apiserver]") {
  etcd::MvccStore store;
  AddPriorityClass(store, "high", 1000, false);
  api::Pod unknown = PodWithClass("nope");
  AdmissionResult r = RunAdmission(unknown, store);
  CHECK_FALSE(r.ok);
  CHECK(r.message == "no PriorityClass with name nope was found");
  CHECK_FALSE(unknown.spec.priority.has_value());

  api::Pod mismatch = PodWithClass("high", 5);
  AdmissionResult m = RunAdmission(mismatch, store);
  CHECK_FALSE(m.ok);
  CHECK(m.code == 403);
  CHECK(m.message ==
        "the integer value of priority (5) must not be provided in pod spec; priority admission controller "
        "computed 1000 from the given PriorityClass name");
}

// Upstream returns admission.NewForbidden (403) for an unknown class; kubesim says 404.
TEST_CASE("Priority admission: an unknown class is 403 Forbidden", "[apiserver]") {
  etcd::MvccStore store;
  api::Pod unknown = PodWithClass("nope");
  CHECK(RunAdmission(unknown, store).code == 403);
}

TEST_CASE("Priority admission applies the globalDefault class", "[apiserver]") {
  etcd::MvccStore store;
  AddPriorityClass(store, "a-normal", 10, false);
  AddPriorityClass(store, "b-default", 7, true, "Never");
  api::Pod pod = PodWithClass("");
  REQUIRE(RunAdmission(pod, store).ok);
  CHECK(pod.spec.priority == 7);
  CHECK(pod.spec.priority_class_name == "b-default");
  CHECK(pod.spec.preemption_policy == "Never");
  api::Pod named = PodWithClass("a-normal");
  REQUIRE(RunAdmission(named, store).ok);
  CHECK(named.spec.priority == 10);
}

TEST_CASE("Admission leaves objects other than pods alone", "[apiserver]") {
  etcd::MvccStore store;
  api::PriorityClass pc;
  pc.kind = "PriorityClass";
  pc.value = 5;
  CHECK(RunAdmission(pc, store).ok);
  CHECK(pc.value == 5);
}

std::vector<std::string> Describe(const std::vector<api::Toleration>& ts) {
  std::vector<std::string> out;
  for (const auto& t : ts) {
    out.push_back(t.key + "|" + t.op + "|" + t.value + "|" + t.effect + "|" +
                  (t.toleration_seconds ? std::to_string(*t.toleration_seconds) : "-"));
  }
  return out;
}

// plugin/pkg/admission/defaulttolerationseconds.
TEST_CASE("DefaultTolerationSeconds adds NoExecute tolerations unless already tolerated", "[apiserver]") {
  const std::string not_ready = "node.kubernetes.io/not-ready|Exists||NoExecute|300";
  const std::string unreachable = "node.kubernetes.io/unreachable|Exists||NoExecute|300";
  struct Case {
    std::string name;
    std::vector<api::Toleration> given;
    std::vector<std::string> want;
  };
  const Case cases[] = {
      {"none", {}, {not_ready, unreachable}},
      {"own not-ready kept",
       {{"node.kubernetes.io/not-ready", "Exists", "", "NoExecute", 60}},
       {"node.kubernetes.io/not-ready|Exists||NoExecute|60", unreachable}},
      {"own unreachable without effect",
       {{"node.kubernetes.io/unreachable", "Exists", "", "", std::nullopt}},
       {"node.kubernetes.io/unreachable|Exists|||-", not_ready}},
      {"tolerate everything", {{"", "Exists", "", "", std::nullopt}}, {"|Exists|||-"}},
      {"NoSchedule only does not count",
       {{"node.kubernetes.io/not-ready", "Exists", "", "NoSchedule", std::nullopt}},
       {"node.kubernetes.io/not-ready|Exists||NoSchedule|-", not_ready, unreachable}},
  };
  etcd::MvccStore store;
  for (const Case& c : cases) {
    INFO(c.name);
    api::Pod pod = PodWithClass("");
    pod.spec.tolerations = c.given;
    REQUIRE(RunAdmission(pod, store).ok);
    CHECK(Describe(pod.spec.tolerations) == c.want);
  }
  CHECK(kDefaultTolerationSeconds == 300);
}

// Upstream checks only key (or empty key) and effect (NoExecute or empty), ignoring operator and
// value. kubesim uses ToleratesTaint against an empty taint value, so an Equal toleration with a
// value gets a second, default not-ready toleration added.
TEST_CASE("DefaultTolerationSeconds ignores operator and value, as upstream", "[apiserver]") {
  etcd::MvccStore store;
  api::Pod pod = PodWithClass("");
  pod.spec.tolerations = {{"node.kubernetes.io/not-ready", "Equal", "x", "NoExecute", 10}};
  REQUIRE(RunAdmission(pod, store).ok);
  CHECK(Describe(pod.spec.tolerations) ==
        std::vector<std::string>{"node.kubernetes.io/not-ready|Equal|x|NoExecute|10",
                                 "node.kubernetes.io/unreachable|Exists||NoExecute|300"});
}

}  // namespace
}  // namespace kubesim::apiserver
