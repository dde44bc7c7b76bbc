// flowcontrol.apiserver.k8s.io/v1 FlowSchema and PriorityLevelConfiguration: the objects that
// configure API Priority and Fairness (KEP-1040; kubernetes/api flowcontrol/v1/types.go @ v0.32).
// Decoded with upstream's defaults and validation (flowcontrol_codec.cc); the API server reads
// them (models/apiserver/flow_control_config.h).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "models/api/object.h"

namespace kubesim::api {

// Who a rule applies to: a user, a group, or a service account (name "*": every account of the
// namespace).
struct FlowSubject {
  enum class Kind : uint8_t { kUser, kGroup, kServiceAccount };
  Kind kind = Kind::kUser;
  std::string name;
  std::string namespace_;  // service accounts only
  friend bool operator==(const FlowSubject&, const FlowSubject&) = default;
};

// Verbs, API groups, resources ("pods", "pods/binding", "*") and where: namespaces (“*”: every
// one) and/or cluster scope (cluster-scoped objects and LISTs across all namespaces).
struct ResourcePolicyRule {
  std::vector<std::string> verbs;
  std::vector<std::string> api_groups;
  std::vector<std::string> resources;
  std::vector<std::string> namespaces;
  bool cluster_scope = false;
  friend bool operator==(const ResourcePolicyRule&, const ResourcePolicyRule&) = default;
};

struct NonResourcePolicyRule {
  std::vector<std::string> verbs;
  std::vector<std::string> non_resource_urls;
  friend bool operator==(const NonResourcePolicyRule&, const NonResourcePolicyRule&) = default;
};

struct PolicyRulesWithSubjects {
  std::vector<FlowSubject> subjects;
  std::vector<ResourcePolicyRule> resource_rules;
  std::vector<NonResourcePolicyRule> non_resource_rules;
  friend bool operator==(const PolicyRulesWithSubjects&, const PolicyRulesWithSubjects&) = default;
};

// The annotation that tells kube-apiserver whether it keeps a suggested object's spec as it
// ships it ("true") or leaves it to the cluster's administrator ("false").
inline constexpr const char* kAnnotationAutoUpdateSpec = "apf.kubernetes.io/autoupdate-spec";

struct FlowSchema : ObjectOf<FlowSchema> {
  static constexpr const char* kKind = "FlowSchema";
  static constexpr const char* kAPIVersion = "flowcontrol.apiserver.k8s.io/v1";
  std::string priority_level;  // spec.priorityLevelConfiguration.name
  int32_t matching_precedence = 1000;
  std::string distinguisher;  // spec.distinguisherMethod.type: "", ByUser or ByNamespace
  std::vector<PolicyRulesWithSubjects> rules;

  bool SameSpec(const FlowSchema& o) const {
    return priority_level == o.priority_level && matching_precedence == o.matching_precedence &&
           distinguisher == o.distinguisher && rules == o.rules;
  }
};

struct PriorityLevelConfiguration : ObjectOf<PriorityLevelConfiguration> {
  static constexpr const char* kKind = "PriorityLevelConfiguration";
  static constexpr const char* kAPIVersion = "flowcontrol.apiserver.k8s.io/v1";
  bool exempt = false;  // spec.type Exempt (never limited) or Limited
  int32_t nominal_concurrency_shares = 30;
  int32_t lendable_percent = 0;
  std::optional<int32_t> borrowing_limit_percent;  // unset: may borrow without limit
  bool reject = false;                             // limitResponse.type Reject: no queues
  int32_t queues = 64;
  int32_t hand_size = 8;
  int32_t queue_length_limit = 50;

  bool SameSpec(const PriorityLevelConfiguration& o) const {
    return exempt == o.exempt && nominal_concurrency_shares == o.nominal_concurrency_shares &&
           lendable_percent == o.lendable_percent && borrowing_limit_percent == o.borrowing_limit_percent &&
           reject == o.reject && queues == o.queues && hand_size == o.hand_size &&
           queue_length_limit == o.queue_length_limit;
  }
};

// kube-apiserver's ensurer (kubernetes/kubernetes pkg/registry/flowcontrol/ensurer @ v1.32) keeps
// the mandatory objects (FlowSchema and PriorityLevelConfiguration "exempt" and "catch-all") as it
// ships them, and the suggested ones too unless their autoupdate-spec annotation is "false" (a new
// object without the annotation is at generation 1, which counts as "true"). True when it would
// overwrite this object's spec.
bool IsMandatoryFlowControlObject(std::string_view name);
// A suggested object's name (not a mandatory one's).
bool IsSuggestedFlowControlObject(std::string_view kind, std::string_view name);
bool ApiServerRestoresSpec(std::string_view kind, const ObjectMeta& meta);

// kube-apiserver v1.32's mandatory and suggested objects (pkg/apis/flowcontrol/bootstrap/
// default.go), as its ensurer creates them (annotated autoupdate-spec "true"), in that file's order.
std::vector<std::shared_ptr<const FlowSchema>> BootstrapFlowSchemas();
std::vector<std::shared_ptr<const PriorityLevelConfiguration>> BootstrapPriorityLevels();

}  // namespace kubesim::api
