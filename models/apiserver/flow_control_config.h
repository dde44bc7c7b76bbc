// API Priority and Fairness's configuration: the FlowSchemas requests are matched against and the
// priority levels they lead to (KEP-1040; k8s.io/apiserver pkg/util/flowcontrol @ v0.32).
//
// The mandatory and suggested objects kube-apiserver v1.32 maintains (pkg/apis/flowcontrol/
// bootstrap/default.go) apply unless the cluster has an object of the same kind and name that
// the apiserver would leave alone (ensurer rule: a suggested object whose
// apf.kubernetes.io/autoupdate-spec annotation is "false"; mandatory objects are always
// restored). Objects of other names add to them. A FlowSchema whose priority level does not exist
// is dangling and matches nothing.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "models/api/flowcontrol.h"
#include "models/apiserver/authentication.h"

namespace kubesim::apiserver {

// What a FlowSchema's resource rules look at (k8s.io/apiserver pkg/endpoints/request RequestInfo).
struct RequestAttributes {
  std::string_view verb;         // get, list, create, update, patch, delete
  std::string_view api_group;    // "" for the core group
  std::string_view resource;     // "pods"
  std::string_view subresource;  // "", "status", "binding", "eviction"
  std::string_view namespace_;   // "" for cluster-scoped objects and LISTs across all namespaces
};

struct PriorityLevelSettings {
  std::string name;
  bool exempt = false;
  int32_t shares = 0;  // nominalConcurrencyShares
  int32_t lendable_percent = 0;
  std::optional<int32_t> borrowing_limit_percent;
  bool reject = false;  // limitResponse Reject: no queues
  int32_t queues = 0;
  int32_t hand_size = 0;
  int32_t queue_length_limit = 0;
};

class FlowControlConfig {
 public:
  // The bootstrap configuration with the cluster's own objects applied.
  static std::shared_ptr<const FlowControlConfig> Build(
      const std::vector<std::shared_ptr<const api::FlowSchema>>& flow_schemas,
      const std::vector<std::shared_ptr<const api::PriorityLevelConfiguration>>& levels);
  static std::shared_ptr<const FlowControlConfig> Default() { return Build({}, {}); }

  // The priority levels, in name order.
  const std::vector<PriorityLevelSettings>& levels() const { return levels_; }
  int LevelIndex(std::string_view name) const;  // -1 when there is none

  struct Match {
    int schema = -1;  // index into the matching order
    int level = -1;   // index into levels()
    uint64_t flow = 0;
  };
  // The first FlowSchema (lowest matchingPrecedence, then name) with a rule whose subjects include
  // `user` and whose resource rules match `request`; the catch-all schema always matches. `flow`
  // is the hash of the flow (schema name, distinguisher) that shuffle sharding deals queues from.
  Match Classify(const UserInfo& user, const RequestAttributes& request) const;
  const std::string& schema_name(int schema) const {
    return schemas_[static_cast<size_t>(schema)].object->metadata.name;
  }
  size_t schema_count() const { return schemas_.size(); }

 private:
  struct Schema {
    std::shared_ptr<const api::FlowSchema> object;
    int level = -1;
    bool matches_everything = false;  // a rule for every request of its subjects
  };
  const std::vector<int>& SchemasFor(const UserInfo& user) const;

  std::vector<Schema> schemas_;  // matching order, dangling ones left out
  std::vector<PriorityLevelSettings> levels_;
  uint64_t id_ = 0;  // distinct for every configuration built in the process
};

}  // namespace kubesim::apiserver
