// Decoding of flowcontrol.apiserver.k8s.io/v1 FlowSchema and PriorityLevelConfiguration with
// upstream's defaults (kubernetes/kubernetes pkg/apis/flowcontrol/v1/defaults.go @ v1.32) and
// validation (pkg/apis/flowcontrol/validation/validation.go @ v1.32: ValidateFlowSchemaSpec,
// ValidatePriorityLevelConfigurationSpec, ValidateIfMandatoryPriorityLevelConfigurationObject),
// with upstream's messages.
#include <cmath>

#include "models/api/codec_internal.h"
#include "models/api/flowcontrol.h"
#include "models/api/names.h"

namespace kubesim::api::internal {
namespace {

using sim::Status;
using sim::StatusOr;

// The verbs a resource request can carry (k8s.io/apiserver pkg/endpoints/request RequestInfo).
const std::vector<std::string> kResourceVerbs = {
    "get", "list", "watch", "create", "update", "patch", "delete", "deletecollection", "proxy", "*"};

// A list that must not be empty and, holding "*", must hold nothing else.
StatusOr<std::vector<std::string>> AllOrSome(const YamlNode& node, const std::string& what,
                                             const std::string& required) {
  if (!node.Defined()) return node.Error("Required value: " + required);
  KUBESIM_ASSIGN_OR_RETURN(std::vector<std::string> v, node.StringList());
  if (v.empty()) return node.Error("Required value: " + required);
  for (const std::string& s : v) {
    if (s == "*" && v.size() > 1) {
      return node.Error("Invalid value: if '*' is present, must not specify other " + what);
    }
  }
  return v;
}

StatusOr<FlowSubject> DecodeSubject(const YamlNode& s) {
  KUBESIM_RETURN_IF_ERROR(s.ExpectMap());
  KUBESIM_RETURN_IF_ERROR(s.CheckKeys({"kind", "user", "group", "serviceAccount"}));
  if (!s["kind"].Defined()) return s["kind"].Error("Required value");
  KUBESIM_ASSIGN_OR_RETURN(std::string kind, s["kind"].String());
  FlowSubject out;
  auto name_of = [](const YamlNode& holder, const char* key, const char* what) -> StatusOr<std::string> {
    YamlNode n = holder[key];
    if (!n.Defined()) return n.Error(std::string("Required value: ") + what);
    KUBESIM_ASSIGN_OR_RETURN(std::string v, n.String());
    if (v.empty()) return n.Error(std::string("Required value: ") + what);
    return v;
  };
  // ValidateFlowSchemaSubject: only the member the kind names may be set.
  for (const auto& [member, owner] :
       {std::pair{"user", "User"}, {"group", "Group"}, {"serviceAccount", "ServiceAccount"}}) {
    if (kind != owner && s[member].Defined()) {
      return s[member].Error(std::string("Forbidden: ") + member + " is forbidden when subject kind is not '" + owner +
                             "'");
    }
  }
  if (kind == "User") {
    out.kind = FlowSubject::Kind::kUser;
    if (!s["user"].Defined()) return s["user"].Error("Required value: user is required when subject kind is 'User'");
    KUBESIM_RETURN_IF_ERROR(s["user"].CheckKeys({"name"}));
    KUBESIM_ASSIGN_OR_RETURN(out.name, name_of(s["user"], "name", "username is required"));
  } else if (kind == "Group") {
    out.kind = FlowSubject::Kind::kGroup;
    if (!s["group"].Defined()) {
      return s["group"].Error("Required value: group is required when subject kind is 'Group'");
    }
    KUBESIM_RETURN_IF_ERROR(s["group"].CheckKeys({"name"}));
    KUBESIM_ASSIGN_OR_RETURN(out.name, name_of(s["group"], "name", "group name is required"));
  } else if (kind == "ServiceAccount") {
    out.kind = FlowSubject::Kind::kServiceAccount;
    YamlNode sa = s["serviceAccount"];
    if (!sa.Defined()) {
      return sa.Error("Required value: serviceAccount is required when subject kind is 'ServiceAccount'");
    }
    KUBESIM_RETURN_IF_ERROR(sa.CheckKeys({"name", "namespace"}));
    KUBESIM_ASSIGN_OR_RETURN(out.name, name_of(sa, "name", "name is required"));
    KUBESIM_ASSIGN_OR_RETURN(out.namespace_, name_of(sa, "namespace", "must specify namespace for service account"));
    if (!IsDnsSubdomain(out.namespace_) || out.namespace_.size() > 63 ||
        out.namespace_.find('.') != std::string::npos) {
      return sa["namespace"].Error("Invalid value: \"" + out.namespace_ +
                                   "\": a lowercase RFC 1123 label must consist of lower case alphanumeric "
                                   "characters or '-', and must start and end with an alphanumeric character");
    }
  } else {
    return s["kind"].Error("Unsupported value: \"" + kind +
                           "\": supported values: \"Group\", \"ServiceAccount\", \"User\"");
  }
  return out;
}

StatusOr<ResourcePolicyRule> DecodeResourceRule(const YamlNode& r) {
  KUBESIM_RETURN_IF_ERROR(r.ExpectMap());
  KUBESIM_RETURN_IF_ERROR(r.CheckKeys({"verbs", "apiGroups", "resources", "namespaces", "clusterScope"}));
  ResourcePolicyRule out;
  KUBESIM_ASSIGN_OR_RETURN(out.verbs, AllOrSome(r["verbs"], "verbs", "verbs must contain at least one value"));
  for (const std::string& v : out.verbs) {
    bool known = false;
    for (const std::string& k : kResourceVerbs) known = known || v == k;
    if (!known) {
      return r["verbs"].Error("Unsupported value: \"" + v +
                              "\": supported values: \"create\", \"delete\", \"deletecollection\", \"get\", "
                              "\"list\", \"patch\", \"proxy\", \"update\", \"watch\"");
    }
  }
  KUBESIM_ASSIGN_OR_RETURN(
      out.api_groups, AllOrSome(r["apiGroups"], "api groups", "resource rules must supply at least one api group"));
  KUBESIM_ASSIGN_OR_RETURN(out.resources,
                           AllOrSome(r["resources"], "resources", "resource rules must supply at least one resource"));
  if (r["clusterScope"].Defined()) {
    KUBESIM_ASSIGN_OR_RETURN(out.cluster_scope, r["clusterScope"].Bool());
  }
  if (r["namespaces"].Defined()) {
    KUBESIM_ASSIGN_OR_RETURN(out.namespaces, r["namespaces"].StringList());
  }
  if (out.namespaces.empty() && !out.cluster_scope) {
    return r["namespaces"].Error(
        "Required value: resource rules that are not cluster scoped must supply at least one namespace");
  }
  for (const std::string& ns : out.namespaces) {
    if (ns == "*") {
      if (out.namespaces.size() > 1) {
        return r["namespaces"].Error("Invalid value: if '*' is present, must not specify other namespaces");
      }
    } else if (!IsDnsSubdomain(ns) || ns.size() > 63 || ns.find('.') != std::string::npos) {
      return r["namespaces"].Error("Invalid value: \"" + ns +
                                   "\": each member of this list must be '*' or a DNS-1123 label; a lowercase RFC "
                                   "1123 label must consist of lower case alphanumeric characters or '-', and must "
                                   "start and end with an alphanumeric character");
    }
  }
  return out;
}

StatusOr<NonResourcePolicyRule> DecodeNonResourceRule(const YamlNode& r) {
  KUBESIM_RETURN_IF_ERROR(r.ExpectMap());
  KUBESIM_RETURN_IF_ERROR(r.CheckKeys({"verbs", "nonResourceURLs"}));
  NonResourcePolicyRule out;
  KUBESIM_ASSIGN_OR_RETURN(out.verbs, AllOrSome(r["verbs"], "verbs", "verbs must contain at least one value"));
  KUBESIM_ASSIGN_OR_RETURN(out.non_resource_urls, AllOrSome(r["nonResourceURLs"], "non-resource URLs",
                                                            "nonResourceURLs must contain at least one value"));
  return out;
}

StatusOr<int32_t> IntAtLeast(const YamlNode& n, int32_t if_absent, int32_t min, const char* message) {
  if (!n.Defined()) return if_absent;
  KUBESIM_ASSIGN_OR_RETURN(int32_t v, n.Int32());
  if (v < min) return n.Error("Invalid value: " + std::to_string(v) + ": " + message);
  return v;
}

// lendablePercent (exempt or limited): 0 to 100, default 0.
StatusOr<int32_t> LendablePercent(const YamlNode& n) {
  KUBESIM_ASSIGN_OR_RETURN(int32_t v, IntAtLeast(n, 0, 0, "must be between 0 and 100, inclusive"));
  if (v > 100) return n.Error("Invalid value: " + std::to_string(v) + ": must be between 0 and 100, inclusive");
  return v;
}

}  // namespace

StatusOr<std::shared_ptr<Object>> DecodeFlowSchema(const YamlNode& doc, const std::string& name) {
  auto fs = std::make_shared<FlowSchema>();
  YamlNode spec = doc["spec"];
  if (!spec.Defined()) return spec.Error("Required value");
  KUBESIM_RETURN_IF_ERROR(spec.ExpectMap());
  KUBESIM_RETURN_IF_ERROR(
      spec.CheckKeys({"priorityLevelConfiguration", "matchingPrecedence", "distinguisherMethod", "rules"}));
  YamlNode pl = spec["priorityLevelConfiguration"];
  if (!pl.Defined()) return pl.Error("Required value: must reference a priority level");
  KUBESIM_RETURN_IF_ERROR(pl.ExpectMap());
  KUBESIM_RETURN_IF_ERROR(pl.CheckKeys({"name"}));
  if (pl["name"].Defined()) {
    KUBESIM_ASSIGN_OR_RETURN(fs->priority_level, pl["name"].String());
  }
  if (fs->priority_level.empty()) return pl["name"].Error("Required value: must reference a priority level");
  if (spec["matchingPrecedence"].Defined()) {
    KUBESIM_ASSIGN_OR_RETURN(fs->matching_precedence, spec["matchingPrecedence"].Int32());
    // An int32 left at 0 is unset: the default applies (SetDefaults_FlowSchemaSpec).
    if (fs->matching_precedence == 0) fs->matching_precedence = 1000;
    const YamlNode at = spec["matchingPrecedence"];
    const std::string v = "Invalid value: " + std::to_string(fs->matching_precedence) + ": ";
    if (fs->matching_precedence < 0) return at.Error(v + "must be a positive value");
    if (fs->matching_precedence > 10000) return at.Error(v + "must not be greater than 10000");
    if (fs->matching_precedence == 1 && name != "exempt") {
      return at.Error(v + "only the schema named 'exempt' may have matchingPrecedence 1");
    }
  }
  if (spec["distinguisherMethod"].Defined()) {
    YamlNode dm = spec["distinguisherMethod"];
    KUBESIM_RETURN_IF_ERROR(dm.ExpectMap());
    KUBESIM_RETURN_IF_ERROR(dm.CheckKeys({"type"}));
    if (!dm["type"].Defined()) return dm["type"].Error("Required value");
    KUBESIM_ASSIGN_OR_RETURN(fs->distinguisher, dm["type"].String());
    if (fs->distinguisher != "ByUser" && fs->distinguisher != "ByNamespace") {
      return dm["type"].Error("Unsupported value: \"" + fs->distinguisher +
                              "\": supported values: \"ByNamespace\", \"ByUser\"");
    }
  }
  KUBESIM_ASSIGN_OR_RETURN(std::vector<YamlNode> rules, spec["rules"].Items());
  for (const YamlNode& r : rules) {
    KUBESIM_RETURN_IF_ERROR(r.ExpectMap());
    KUBESIM_RETURN_IF_ERROR(r.CheckKeys({"subjects", "resourceRules", "nonResourceRules"}));
    PolicyRulesWithSubjects rule;
    KUBESIM_ASSIGN_OR_RETURN(std::vector<YamlNode> subjects, r["subjects"].Items());
    if (subjects.empty()) return r["subjects"].Error("Required value: subjects must contain at least one value");
    for (const YamlNode& s : subjects) {
      KUBESIM_ASSIGN_OR_RETURN(FlowSubject subject, DecodeSubject(s));
      rule.subjects.push_back(std::move(subject));
    }
    KUBESIM_ASSIGN_OR_RETURN(std::vector<YamlNode> resource_rules, r["resourceRules"].Items());
    for (const YamlNode& rr : resource_rules) {
      KUBESIM_ASSIGN_OR_RETURN(ResourcePolicyRule decoded, DecodeResourceRule(rr));
      rule.resource_rules.push_back(std::move(decoded));
    }
    KUBESIM_ASSIGN_OR_RETURN(std::vector<YamlNode> non_resource_rules, r["nonResourceRules"].Items());
    for (const YamlNode& nr : non_resource_rules) {
      KUBESIM_ASSIGN_OR_RETURN(NonResourcePolicyRule decoded, DecodeNonResourceRule(nr));
      rule.non_resource_rules.push_back(std::move(decoded));
    }
    if (rule.resource_rules.empty() && rule.non_resource_rules.empty()) {
      return r.Error("Required value: at least one of resourceRules and nonResourceRules has to be non-empty");
    }
    fs->rules.push_back(std::move(rule));
  }
  // ValidateFlowSchemaSpec: the mandatory schemas are fixed.
  if (IsMandatoryFlowControlObject(name)) {
    for (const auto& shipped : BootstrapFlowSchemas()) {
      if (shipped->metadata.name == name && !shipped->SameSpec(*fs)) {
        return spec.Error("Invalid value: spec of '" + name + "' must equal the fixed value");
      }
    }
  }
  return std::shared_ptr<Object>(fs);
}

StatusOr<std::shared_ptr<Object>> DecodePriorityLevelConfiguration(const YamlNode& doc, const std::string& name) {
  auto pl = std::make_shared<PriorityLevelConfiguration>();
  YamlNode spec = doc["spec"];
  if (!spec.Defined()) return spec.Error("Required value");
  KUBESIM_RETURN_IF_ERROR(spec.ExpectMap());
  KUBESIM_RETURN_IF_ERROR(spec.CheckKeys({"type", "limited", "exempt"}));
  if (!spec["type"].Defined()) return spec["type"].Error("Required value: must specify a type");
  KUBESIM_ASSIGN_OR_RETURN(std::string type, spec["type"].String());
  if (type == "Exempt") {
    pl->exempt = true;
    if (spec["limited"].Defined()) return spec["limited"].Error("Forbidden: must be nil if the type is not Limited");
    // spec.exempt: the exempt level's shares and lendable part, which only enter the sum every
    // other level's share is a fraction of (defaults 0).
    pl->nominal_concurrency_shares = 0;
    YamlNode ex = spec["exempt"];
    if (ex.Defined()) {
      KUBESIM_RETURN_IF_ERROR(ex.ExpectMap());
      KUBESIM_RETURN_IF_ERROR(ex.CheckKeys({"nominalConcurrencyShares", "lendablePercent"}));
      KUBESIM_ASSIGN_OR_RETURN(pl->nominal_concurrency_shares,
                               IntAtLeast(ex["nominalConcurrencyShares"], 0, 0, "must be a non-negative integer"));
      KUBESIM_ASSIGN_OR_RETURN(pl->lendable_percent, LendablePercent(ex["lendablePercent"]));
    }
  } else if (type == "Limited") {
    if (spec["exempt"].Defined()) return spec["exempt"].Error("Forbidden: must be nil if the type is Limited");
    YamlNode lim = spec["limited"];
    if (!lim.Defined()) return lim.Error("Required value: must not be empty when type is Limited");
    KUBESIM_RETURN_IF_ERROR(lim.ExpectMap());
    KUBESIM_RETURN_IF_ERROR(
        lim.CheckKeys({"nominalConcurrencyShares", "lendablePercent", "borrowingLimitPercent", "limitResponse"}));
    KUBESIM_ASSIGN_OR_RETURN(pl->nominal_concurrency_shares,
                             IntAtLeast(lim["nominalConcurrencyShares"], 30, 0, "must be a non-negative integer"));
    KUBESIM_ASSIGN_OR_RETURN(pl->lendable_percent, LendablePercent(lim["lendablePercent"]));
    if (lim["borrowingLimitPercent"].Defined()) {
      KUBESIM_ASSIGN_OR_RETURN(
          int32_t b, IntAtLeast(lim["borrowingLimitPercent"], 0, 0, "if specified, must be a non-negative integer"));
      pl->borrowing_limit_percent = b;
    }
    YamlNode lr = lim["limitResponse"];
    if (!lr.Defined()) return lr.Error("Unsupported value: \"\": supported values: \"Queue\", \"Reject\"");
    {
      KUBESIM_RETURN_IF_ERROR(lr.ExpectMap());
      KUBESIM_RETURN_IF_ERROR(lr.CheckKeys({"type", "queuing"}));
      if (!lr["type"].Defined()) return lr["type"].Error("Required value: must specify the limit response type");
      KUBESIM_ASSIGN_OR_RETURN(std::string lrt, lr["type"].String());
      if (lrt == "Reject") {
        pl->reject = true;
        pl->queues = pl->hand_size = pl->queue_length_limit = 0;
        if (lr["queuing"].Defined()) {
          return lr["queuing"].Error("Forbidden: must be nil if limited.limitResponse.type is not Limited");
        }
      } else if (lrt == "Queue") {
        YamlNode q = lr["queuing"];
        if (!q.Defined()) {
          return q.Error("Required value: must not be empty if limited.limitResponse.type is Limited");
        }
        {
          KUBESIM_RETURN_IF_ERROR(q.ExpectMap());
          KUBESIM_RETURN_IF_ERROR(q.CheckKeys({"queues", "handSize", "queueLengthLimit"}));
          KUBESIM_ASSIGN_OR_RETURN(pl->queues, IntAtLeast(q["queues"], 64, 1, "must be positive"));
          if (pl->queues > 10'000'000) {
            return q["queues"].Error("Invalid value: " + std::to_string(pl->queues) +
                                     ": must not be greater than 10000000");
          }
          KUBESIM_ASSIGN_OR_RETURN(pl->hand_size, IntAtLeast(q["handSize"], 8, 1, "must be positive"));
          KUBESIM_ASSIGN_OR_RETURN(pl->queue_length_limit,
                                   IntAtLeast(q["queueLengthLimit"], 50, 1, "must be positive"));
          // shufflesharding.RequiredEntropyBits: a hand must be dealt from 60 bits of the flow hash.
          YamlNode at = q["handSize"].Defined() ? q["handSize"] : q;
          if (pl->hand_size > pl->queues) {
            return at.Error("Invalid value: " + std::to_string(pl->hand_size) +
                            ": should not be greater than queues (" + std::to_string(pl->queues) + ")");
          }
          const int bits = static_cast<int>(std::ceil(std::log2(static_cast<double>(pl->queues)) * pl->hand_size));
          if (bits > 60) {
            return at.Error("Invalid value: " + std::to_string(pl->hand_size) + ": required entropy bits of deckSize " +
                            std::to_string(pl->queues) + " and handSize " + std::to_string(pl->hand_size) +
                            " should not be greater than 60");
          }
        }
      } else {
        return lr["type"].Error("Unsupported value: \"" + lrt + "\": supported values: \"Queue\", \"Reject\"");
      }
    }
  } else {
    return spec["type"].Error("Unsupported value: \"" + type + "\": supported values: \"Exempt\", \"Limited\"");
  }
  if (name == "catch-all") {
    for (const auto& shipped : BootstrapPriorityLevels()) {
      if (shipped->metadata.name == name && !shipped->SameSpec(*pl)) {
        return spec.Error("Invalid value: spec of 'catch-all' must equal the fixed value");
      }
    }
  }
  if ((name == "exempt") != pl->exempt) {
    return spec["type"].Error("Invalid value: \"" + type + "\": type must be 'Exempt' if and only if name is 'exempt'");
  }
  return std::shared_ptr<Object>(pl);
}

}  // namespace kubesim::api::internal
