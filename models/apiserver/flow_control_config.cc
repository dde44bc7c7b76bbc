#include "models/apiserver/flow_control_config.h"

#include <algorithm>
#include <atomic>
#include <map>

#include "models/apiserver/priority_and_fairness.h"

namespace kubesim::apiserver {
namespace {

using api::FlowSchema;
using api::FlowSubject;
using api::PriorityLevelConfiguration;
using api::ResourcePolicyRule;

constexpr std::string_view kAll = "*";

bool Contains(const std::vector<std::string>& list, std::string_view value) {
  for (const std::string& s : list) {
    if (s == kAll || s == value) return true;
  }
  return false;
}

// rule.go matchesResourcePolicyRule: a request in no namespace (a cluster-scoped object, or a
// LIST across all namespaces) matches only rules with clusterScope.
bool ResourceRuleMatches(const ResourcePolicyRule& r, const RequestAttributes& req) {
  if (!Contains(r.verbs, req.verb)) return false;
  if (!Contains(r.api_groups, req.api_group)) return false;
  bool resource = false;
  for (const std::string& s : r.resources) {
    if (s == kAll) {
      resource = true;
    } else if (req.subresource.empty()) {
      resource = resource || s == req.resource;
    } else {
      resource = resource || (s.size() == req.resource.size() + 1 + req.subresource.size() &&
                              s.compare(0, req.resource.size(), req.resource) == 0 && s[req.resource.size()] == '/' &&
                              s.compare(req.resource.size() + 1, std::string::npos, req.subresource) == 0);
    }
    if (resource) break;
  }
  if (!resource) return false;
  if (req.namespace_.empty()) return r.cluster_scope;
  return Contains(r.namespaces, req.namespace_);
}

// rule.go matchesSubject.
bool SubjectMatches(const FlowSubject& s, const UserInfo& user) {
  switch (s.kind) {
    case FlowSubject::Kind::kUser:
      return s.name == kAll || s.name == user.name;
    case FlowSubject::Kind::kGroup:
      return s.name == kAll || user.InGroup(s.name);
    case FlowSubject::Kind::kServiceAccount:
      return !user.sa_name.empty() && s.namespace_ == user.sa_namespace && (s.name == kAll || s.name == user.sa_name);
  }
  return false;
}

PriorityLevelSettings SettingsOf(const PriorityLevelConfiguration& pl) {
  PriorityLevelSettings s;
  s.name = pl.metadata.name;
  s.exempt = pl.exempt;
  s.shares = pl.nominal_concurrency_shares;
  s.lendable_percent = pl.lendable_percent;
  s.borrowing_limit_percent = pl.borrowing_limit_percent;
  s.reject = !pl.exempt && pl.reject;
  s.queues = s.reject || pl.exempt ? 0 : pl.queues;
  s.hand_size = s.queues == 0 ? 0 : pl.hand_size;
  s.queue_length_limit = s.queues == 0 ? 0 : pl.queue_length_limit;
  return s;
}

}  // namespace

std::shared_ptr<const FlowControlConfig> FlowControlConfig::Build(
    const std::vector<std::shared_ptr<const FlowSchema>>& flow_schemas,
    const std::vector<std::shared_ptr<const PriorityLevelConfiguration>>& levels) {
  static std::atomic<uint64_t> next_id{1};
  auto config = std::make_shared<FlowControlConfig>();
  config->id_ = next_id++;
  // The bootstrap objects in kube-apiserver's order, then the cluster's own by name; an object of
  // a bootstrap name replaces the bootstrap one where the apiserver would leave it alone.
  std::vector<std::shared_ptr<const PriorityLevelConfiguration>> pls = api::BootstrapPriorityLevels();
  std::map<std::string, std::shared_ptr<const PriorityLevelConfiguration>> own_pls;
  for (const auto& pl : levels) own_pls[pl->metadata.name] = pl;
  for (auto& pl : pls) {
    auto it = own_pls.find(pl->metadata.name);
    if (it == own_pls.end()) continue;
    if (!api::ApiServerRestoresSpec(pl->kind, it->second->metadata)) pl = it->second;
    own_pls.erase(it);
  }
  for (auto& [name, pl] : own_pls) pls.push_back(pl);
  for (const auto& pl : pls) config->levels_.push_back(SettingsOf(*pl));

  std::vector<std::shared_ptr<const FlowSchema>> schemas = api::BootstrapFlowSchemas();
  std::map<std::string, std::shared_ptr<const FlowSchema>> own_fss;
  for (const auto& fs : flow_schemas) own_fss[fs->metadata.name] = fs;
  for (auto& fs : schemas) {
    auto it = own_fss.find(fs->metadata.name);
    if (it == own_fss.end()) continue;
    if (!api::ApiServerRestoresSpec(fs->kind, it->second->metadata)) fs = it->second;
    own_fss.erase(it);
  }
  for (auto& [name, fs] : own_fss) schemas.push_back(fs);
  // apf_controller.go: schemas in matchingPrecedence order, ties by name.
  std::stable_sort(schemas.begin(), schemas.end(), [](const auto& a, const auto& b) {
    if (a->matching_precedence != b->matching_precedence) return a->matching_precedence < b->matching_precedence;
    return a->metadata.name < b->metadata.name;
  });
  for (const auto& fs : schemas) {
    const int level = config->LevelIndex(fs->priority_level);
    if (level < 0) continue;  // dangling
    Schema s{fs, level, false};
    for (const auto& rule : fs->rules) {
      for (const auto& r : rule.resource_rules) {
        s.matches_everything =
            s.matches_everything ||
            (r.verbs == std::vector<std::string>{"*"} && r.api_groups == std::vector<std::string>{"*"} &&
             r.resources == std::vector<std::string>{"*"} && r.cluster_scope && Contains(r.namespaces, "*"));
      }
    }
    // Only a schema whose every rule matches every request may skip the resource checks.
    if (fs->rules.size() != 1) s.matches_everything = false;
    config->schemas_.push_back(std::move(s));
  }
  return config;
}

int FlowControlConfig::LevelIndex(std::string_view name) const {
  for (size_t i = 0; i < levels_.size(); ++i) {
    if (levels_[i].name == name) return static_cast<int>(i);
  }
  return -1;
}

const std::vector<int>& FlowControlConfig::SchemasFor(const UserInfo& user) const {
  if (user.apf_config != id_) {
    user.apf_schemas.clear();
    for (size_t i = 0; i < schemas_.size(); ++i) {
      bool subject = false;
      for (const auto& rule : schemas_[i].object->rules) {
        for (const FlowSubject& sub : rule.subjects) subject = subject || SubjectMatches(sub, user);
      }
      if (subject) user.apf_schemas.push_back(static_cast<int>(i));
    }
    user.apf_config = id_;
  }
  return user.apf_schemas;
}

FlowControlConfig::Match FlowControlConfig::Classify(const UserInfo& user, const RequestAttributes& request) const {
  for (const int i : SchemasFor(user)) {
    const Schema& s = schemas_[static_cast<size_t>(i)];
    bool matched = s.matches_everything;
    for (size_t r = 0; r < s.object->rules.size() && !matched; ++r) {
      const api::PolicyRulesWithSubjects& rule = s.object->rules[r];
      // With several rules, this one's subjects must include the user too.
      bool subject = s.object->rules.size() == 1;
      for (const FlowSubject& sub : rule.subjects) subject = subject || SubjectMatches(sub, user);
      if (!subject) continue;
      for (const ResourcePolicyRule& rr : rule.resource_rules) {
        if (ResourceRuleMatches(rr, request)) {
          matched = true;
          break;
        }
      }
    }
    if (!matched) continue;
    // The flow: (schema, distinguisher) (apf_filter.go computeFlowDistinguisher, hashFlowID).
    const std::string& name = s.object->metadata.name;
    std::string_view distinguisher;
    if (s.object->distinguisher == "ByUser") distinguisher = user.name;
    if (s.object->distinguisher == "ByNamespace") distinguisher = request.namespace_;
    return {i, s.level, FlowHash(name, distinguisher)};
  }
  // No schema matched (the mandatory catch-all always does, unless its level is gone):
  // apf_filter.go answers with the catch-all level.
  return {-1, LevelIndex("catch-all"), 0};
}

}  // namespace kubesim::apiserver
