// kube-apiserver v1.32's mandatory and suggested API Priority and Fairness objects
// (kubernetes/kubernetes staging/src/k8s.io/apiserver/pkg/apis/flowcontrol/bootstrap/default.go
// @ v1.32), as its ensurer creates them, and the ensurer's rule for existing objects.
#include "models/api/flowcontrol.h"

namespace kubesim::api {
namespace {

// The bootstrap objects' builders, after default.go's own (newFlowSchema, resourceRule, …).
FlowSubject Group(std::string name) { return {FlowSubject::Kind::kGroup, std::move(name), ""}; }
FlowSubject User(std::string name) { return {FlowSubject::Kind::kUser, std::move(name), ""}; }
FlowSubject KubeSystemAccount(std::string name) {
  return {FlowSubject::Kind::kServiceAccount, std::move(name), "kube-system"};
}

ResourcePolicyRule Rule(std::vector<std::string> verbs, std::vector<std::string> groups,
                        std::vector<std::string> resources, std::vector<std::string> namespaces, bool cluster_scope) {
  return {std::move(verbs), std::move(groups), std::move(resources), std::move(namespaces), cluster_scope};
}
ResourcePolicyRule AllResources() { return Rule({"*"}, {"*"}, {"*"}, {"*"}, true); }
api::NonResourcePolicyRule AllNonResources() { return {{"*"}, {"*"}}; }

std::shared_ptr<const FlowSchema> Schema(std::string name, std::string level, int32_t precedence,
                                         std::string distinguisher, std::vector<FlowSubject> subjects,
                                         std::vector<ResourcePolicyRule> resource_rules,
                                         std::vector<api::NonResourcePolicyRule> non_resource_rules = {}) {
  auto fs = std::make_shared<FlowSchema>();
  fs->api_version = FlowSchema::kAPIVersion;
  fs->kind = FlowSchema::kKind;
  fs->metadata.name = std::move(name);
  fs->metadata.annotations[api::kAnnotationAutoUpdateSpec] = "true";
  fs->priority_level = std::move(level);
  fs->matching_precedence = precedence;
  fs->distinguisher = std::move(distinguisher);
  fs->rules.push_back({std::move(subjects), std::move(resource_rules), std::move(non_resource_rules)});
  return fs;
}

// A schema for every request of its subjects (NewFSAll… in default.go).
std::shared_ptr<const FlowSchema> SchemaForAll(std::string name, std::string level, int32_t precedence,
                                               std::string distinguisher, std::vector<FlowSubject> subjects) {
  return Schema(std::move(name), std::move(level), precedence, std::move(distinguisher), std::move(subjects),
                {AllResources()}, {AllNonResources()});
}

std::shared_ptr<const PriorityLevelConfiguration> Limited(std::string name, int32_t shares, int32_t lendable,
                                                          int32_t queues, int32_t hand_size, int32_t queue_length) {
  auto pl = std::make_shared<PriorityLevelConfiguration>();
  pl->api_version = PriorityLevelConfiguration::kAPIVersion;
  pl->kind = PriorityLevelConfiguration::kKind;
  pl->metadata.name = std::move(name);
  pl->metadata.annotations[api::kAnnotationAutoUpdateSpec] = "true";
  pl->nominal_concurrency_shares = shares;
  pl->lendable_percent = lendable;
  pl->reject = queues == 0;
  pl->queues = queues;
  pl->hand_size = hand_size;
  pl->queue_length_limit = queue_length;
  return pl;
}

}  // namespace

std::vector<std::shared_ptr<const FlowSchema>> BootstrapFlowSchemas() {
  const std::vector<std::string> get_create_update = {"get", "create", "update"};
  return {
      // Mandatory.
      SchemaForAll("exempt", "exempt", 1, "", {Group("system:masters")}),
      SchemaForAll("catch-all", "catch-all", 10000, "ByUser",
                   {Group("system:unauthenticated"), Group("system:authenticated")}),
      // Suggested, in default.go's order.
      SchemaForAll("system-nodes", "system", 500, "ByUser", {Group("system:nodes")}),
      Schema("system-node-high", "node-high", 400, "ByUser", {Group("system:nodes")},
             {Rule({"*"}, {""}, {"nodes", "nodes/status"}, {"*"}, true),
              Rule({"*"}, {"coordination.k8s.io"}, {"leases"}, {"*"}, false)}),
      Schema("probes", "exempt", 2, "", {Group("system:unauthenticated"), Group("system:authenticated")}, {},
             {{{"get"}, {"/healthz", "/readyz", "/livez"}}}),
      Schema("system-leader-election", "leader-election", 100, "ByUser",
             {User("system:kube-controller-manager"), User("system:kube-scheduler"), KubeSystemAccount("*")},
             {Rule(get_create_update, {""}, {"endpoints", "configmaps"}, {"kube-system"}, false),
              Rule(get_create_update, {"coordination.k8s.io"}, {"leases"}, {"*"}, false)}),
      Schema("workload-leader-election", "leader-election", 200, "ByUser", {KubeSystemAccount("*")},
             {Rule(get_create_update, {""}, {"endpoints", "configmaps"}, {"*"}, false),
              Rule(get_create_update, {"coordination.k8s.io"}, {"leases"}, {"*"}, false)}),
      Schema("endpoint-controller", "workload-high", 150, "ByUser",
             {User("system:kube-controller-manager"), KubeSystemAccount("endpoint-controller"),
              KubeSystemAccount("endpointslicemirroring-controller")},
             {Rule(get_create_update, {""}, {"endpoints"}, {"*"}, false)}),
      SchemaForAll("kube-controller-manager", "workload-high", 800, "ByNamespace",
                   {User("system:kube-controller-manager")}),
      SchemaForAll("kube-scheduler", "workload-high", 800, "ByNamespace", {User("system:kube-scheduler")}),
      SchemaForAll("kube-system-service-accounts", "workload-high", 900, "ByNamespace", {KubeSystemAccount("*")}),
      SchemaForAll("service-accounts", "workload-low", 9000, "ByUser", {Group("system:serviceaccounts")}),
      SchemaForAll("global-default", "global-default", 9900, "ByUser",
                   {Group("system:unauthenticated"), Group("system:authenticated")}),
  };
}

std::vector<std::shared_ptr<const PriorityLevelConfiguration>> BootstrapPriorityLevels() {
  auto exempt = std::make_shared<PriorityLevelConfiguration>();
  exempt->api_version = PriorityLevelConfiguration::kAPIVersion;
  exempt->kind = PriorityLevelConfiguration::kKind;
  exempt->metadata.name = "exempt";
  exempt->metadata.annotations[api::kAnnotationAutoUpdateSpec] = "true";
  exempt->exempt = true;
  exempt->nominal_concurrency_shares = 0;
  // nominalConcurrencyShares, lendablePercent, queues, handSize, queueLengthLimit (0 queues:
  // limitResponse Reject).
  return {
      exempt,
      Limited("system", 30, 33, 64, 6, 50),
      Limited("node-high", 40, 25, 64, 6, 50),
      Limited("leader-election", 10, 0, 16, 4, 50),
      Limited("workload-high", 40, 50, 128, 6, 50),
      Limited("workload-low", 100, 90, 128, 6, 50),
      Limited("global-default", 20, 50, 128, 6, 50),
      Limited("catch-all", 5, 0, 0, 0, 0),
  };
}

bool IsMandatoryFlowControlObject(std::string_view name) { return name == "exempt" || name == "catch-all"; }

bool IsSuggestedFlowControlObject(std::string_view kind, std::string_view name) {
  if (IsMandatoryFlowControlObject(name)) return false;
  if (kind == FlowSchema::kKind) {
    for (const auto& fs : BootstrapFlowSchemas()) {
      if (fs->metadata.name == name) return true;
    }
  } else if (kind == PriorityLevelConfiguration::kKind) {
    for (const auto& pl : BootstrapPriorityLevels()) {
      if (pl->metadata.name == name) return true;
    }
  }
  return false;
}

bool ApiServerRestoresSpec(std::string_view kind, const ObjectMeta& meta) {
  if (kind != FlowSchema::kKind && kind != PriorityLevelConfiguration::kKind) return false;
  // Validation lets a mandatory object differ from the shipped one only in the exempt level's
  // spec.exempt, which the ensurer keeps (ensurer/prioritylevelconfiguration.go).
  if (IsMandatoryFlowControlObject(meta.name))
    return !(kind == PriorityLevelConfiguration::kKind && meta.name == "exempt");
  if (!IsSuggestedFlowControlObject(kind, meta.name)) return false;
  // ensurer/strategy.go shouldUpdateSpec: the annotation as given; without one, a new object
  // (generation 1, as a scenario's objects are) is updated.
  auto it = meta.annotations.find(kAnnotationAutoUpdateSpec);
  return it == meta.annotations.end() || it->second != "false";
}

}  // namespace kubesim::api
