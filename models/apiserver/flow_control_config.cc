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
  // A subresource matches only as "resource/subresource".
  auto names_request = [&req](std::string_view s) {
    if (req.subresource.empty()) return s == req.resource;
    return s.size() == req.resource.size() + 1 + req.subresource.size() &&
           s.substr(0, req.resource.size()) == req.resource && s[req.resource.size()] == '/' &&
           s.substr(req.resource.size() + 1) == req.subresource;
  };
  if (std::none_of(r.resources.begin(), r.resources.end(),
                   [&](const std::string& s) { return s == kAll || names_request(s); })) {
    return false;
  }
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

// A rule for every request: every verb, group and resource, in every namespace and cluster-wide.
bool MatchesEverything(const ResourcePolicyRule& r) {
  const std::vector<std::string> all = {"*"};
  return r.verbs == all && r.api_groups == all && r.resources == all && r.cluster_scope && r.namespaces == all;
}

// kube-apiserver's objects in its order, then the cluster's own by name; a cluster object of a
// bootstrap name replaces the bootstrap one where the apiserver would leave it alone.
template <typename T>
std::vector<std::shared_ptr<const T>> Overlay(std::vector<std::shared_ptr<const T>> bootstrap,
                                              const std::vector<std::shared_ptr<const T>>& own) {
  std::map<std::string, std::shared_ptr<const T>> by_name;
  for (const auto& o : own) by_name[o->metadata.name] = o;
  for (auto& b : bootstrap) {
    auto it = by_name.find(b->metadata.name);
    if (it == by_name.end()) continue;
    if (!api::ApiServerRestoresSpec(T::kKind, it->second->metadata)) b = it->second;
    by_name.erase(it);
  }
  for (auto& [name, o] : by_name) bootstrap.push_back(o);
  return bootstrap;
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
  for (const auto& pl : Overlay(api::BootstrapPriorityLevels(), levels)) config->levels_.push_back(SettingsOf(*pl));
  std::vector<std::shared_ptr<const FlowSchema>> schemas = Overlay(api::BootstrapFlowSchemas(), flow_schemas);
  // apf_controller.go: schemas in matchingPrecedence order, ties by name.
  std::stable_sort(schemas.begin(), schemas.end(), [](const auto& a, const auto& b) {
    if (a->matching_precedence != b->matching_precedence) return a->matching_precedence < b->matching_precedence;
    return a->metadata.name < b->metadata.name;
  });
  for (const auto& fs : schemas) {
    const int level = config->LevelIndex(fs->priority_level);
    if (level < 0) continue;  // dangling
    // A schema of one rule with a resource rule for everything matches every request of its
    // subjects: Classify skips its resource checks.
    const bool everything = fs->rules.size() == 1 && std::any_of(fs->rules[0].resource_rules.begin(),
                                                                 fs->rules[0].resource_rules.end(), MatchesEverything);
    config->schemas_.push_back(Schema{fs, level, everything});
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
