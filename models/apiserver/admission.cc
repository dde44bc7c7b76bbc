#include "models/apiserver/admission.h"

#include "models/api/kinds.h"
#include "models/api/node.h"
#include "models/api/pod.h"

namespace kubesim::apiserver {
namespace {

// Built-in classes the API server creates at start-up (pkg/apis/scheduling SystemPriorityClasses).
constexpr int32_t kSystemClusterCritical = 2'000'000'000;
constexpr int32_t kSystemNodeCritical = 2'000'001'000;

AdmissionResult AdmitPriority(api::Pod& pod, const etcd::MvccStore& store) {
  // plugin/pkg/admission/priority: priorityClassName → priority (and preemptionPolicy); without a
  // name, the globalDefault class if one exists, else 0. A given spec.priority must agree.
  int32_t value = 0;
  std::string policy = "PreemptLowerPriority";
  const std::string& name = pod.spec.priority_class_name;
  if (name == "system-cluster-critical") {
    value = kSystemClusterCritical;
  } else if (name == "system-node-critical") {
    value = kSystemNodeCritical;
  } else if (!name.empty()) {
    auto pc = api::As<api::PriorityClass>(store.Get("/registry/priorityclasses/" + name));
    if (!pc) return {false, 403, "no PriorityClass with name " + name + " was found"};
    value = pc->value;
    policy = pc->preemption_policy;
  } else {
    auto all = store.Range("/registry/priorityclasses/");
    for (const auto& obj : all.objects) {
      auto pc = api::As<api::PriorityClass>(obj);
      if (pc && pc->global_default) {
        value = pc->value;
        policy = pc->preemption_policy;
        pod.spec.priority_class_name = pc->metadata.name;
        break;
      }
    }
  }
  if (pod.spec.priority && *pod.spec.priority != value) {
    return {false, 403,
            "the integer value of priority (" + std::to_string(*pod.spec.priority) +
                ") must not be provided in pod spec; priority admission controller computed " + std::to_string(value) +
                " from the given PriorityClass name"};
  }
  pod.spec.priority = value;
  if (pod.spec.preemption_policy.empty()) pod.spec.preemption_policy = policy;
  return {};
}

void AdmitDefaultTolerationSeconds(api::Pod& pod) {
  // plugin/pkg/admission/defaulttolerationseconds: add NoExecute tolerations for not-ready and
  // unreachable with 300 s unless one already names the key (or no key) with effect NoExecute
  // (or no effect); operator and value are not looked at.
  for (const char* key : {"node.kubernetes.io/not-ready", "node.kubernetes.io/unreachable"}) {
    bool tolerated = false;
    for (const auto& t : pod.spec.tolerations) {
      if ((t.key == key || t.key.empty()) && (t.effect == api::kTaintNoExecute || t.effect.empty())) tolerated = true;
    }
    if (!tolerated) {
      pod.spec.tolerations.push_back(
          api::Toleration{key, "Exists", "", api::kTaintNoExecute, kDefaultTolerationSeconds});
    }
  }
}

constexpr const char* kDefaultServiceAccount = "default";

api::ObjectPtr FindServiceAccount(const std::string& ns, const std::string& name, const etcd::MvccStore& store) {
  return store.Get("/registry/serviceaccounts/" + ns + "/" + name);
}

AdmissionResult AdmitServiceAccount(api::Pod& pod, const etcd::MvccStore& store, const AdmissionOptions& opts) {
  // plugin/pkg/admission/serviceaccount Admit: default the name, then look the account up
  // (lister, then live GETs); a missing account refuses the pod with NewForbidden around a
  // NotFound for resource `serviceaccount`.
  if (pod.spec.service_account_name.empty()) pod.spec.service_account_name = kDefaultServiceAccount;
  const std::string& ns = pod.metadata.namespace_;
  const std::string& name = pod.spec.service_account_name;
  if (!opts.look_up_service_account || FindServiceAccount(ns, name, store)) return {};
  if (name == kDefaultServiceAccount && (opts.bootstrap || !store.Get("/registry/namespaces/" + ns))) {
    return {};  // see the header: the initial state and implicit namespaces have their `default`
  }
  const std::string& shown = opts.request_name.empty() ? pod.metadata.name : opts.request_name;
  return {false, 403,
          "pods \"" + shown + "\" is forbidden: error looking up service account " + ns + "/" + name +
              ": serviceaccount \"" + name + "\" not found"};
}

}  // namespace

bool AwaitsDefaultServiceAccount(const api::Object& obj, const etcd::MvccStore& store) {
  const auto* pod = dynamic_cast<const api::Pod*>(&obj);
  if (pod == nullptr) return false;
  const std::string& name = pod->spec.service_account_name;
  if (!name.empty() && name != kDefaultServiceAccount) return false;
  auto ns = store.Get("/registry/namespaces/" + pod->metadata.namespace_);
  // Implicit namespaces need no wait; a terminating one is refused by NamespaceLifecycle first.
  if (!ns || ns->metadata.deletion_timestamp) return false;
  return !FindServiceAccount(pod->metadata.namespace_, kDefaultServiceAccount, store);
}

AdmissionResult RunAdmission(api::Object& obj, const etcd::MvccStore& store, const AdmissionOptions& opts) {
  // NamespaceLifecycle: nothing new in a namespace that is being deleted. (A namespace with no
  // Namespace object is accepted: scenarios rarely declare `default`; docs/fidelity.md.)
  if (!obj.metadata.namespace_.empty()) {
    auto ns = store.Get("/registry/namespaces/" + obj.metadata.namespace_);
    if (ns && ns->metadata.deletion_timestamp) {
      return {
          false, 403,
          "unable to create new content in namespace " + obj.metadata.namespace_ + " because it is being terminated"};
    }
  }
  if (auto* pod = dynamic_cast<api::Pod*>(&obj)) {
    AdmissionResult sa = AdmitServiceAccount(*pod, store, opts);
    if (!sa.ok) return sa;
    AdmissionResult r = AdmitPriority(*pod, store);
    if (!r.ok) return r;
    AdmitDefaultTolerationSeconds(*pod);
  }
  return {};
}

}  // namespace kubesim::apiserver
