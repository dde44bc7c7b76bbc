#include "models/apiserver/flow_control_config.h"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "models/api/codec.h"
#include "models/api/yaml_node.h"
#include "models/apiserver/priority_and_fairness.h"

namespace kubesim::apiserver {
namespace {

struct Case {
  const char* client;
  const char* verb;
  const char* group;
  const char* resource;
  const char* subresource;
  const char* ns;
  const char* schema;
  const char* level;
};

std::string SchemaOf(const FlowControlConfig& config, const char* client, RequestAttributes req) {
  const FlowControlConfig::Match m = config.Classify(*UserFor(client), req);
  return (m.schema < 0 ? std::string("(none)") : config.schema_name(m.schema)) + " -> " +
         config.levels()[static_cast<size_t>(m.level)].name;
}

template <typename T>
std::shared_ptr<const T> Decode(const std::string& text) {
  auto docs = api::LoadYamlDocuments(text, "f.yaml");
  REQUIRE(docs.ok());
  auto r = api::DecodeObject(docs->front());
  INFO(r.status().message());
  REQUIRE(r.ok());
  auto typed = std::dynamic_pointer_cast<const T>(r->object);
  REQUIRE(typed != nullptr);
  return typed;
}

TEST_CASE("APF: kubesim's components are classified as the v1.32 bootstrap FlowSchemas match them",
          "[apiserver][apf]") {
  auto config = FlowControlConfig::Default();
  // Subjects as kubeadm's kubeconfigs authenticate them; resource rules as in
  // pkg/apis/flowcontrol/bootstrap/default.go @ v1.32 (lowest matchingPrecedence first).
  for (const Case& c : std::vector<Case>{
           {"scenario", "create", "apps", "deployments", "", "default", "exempt", "exempt"},
           {"kubelet/node-1", "update", "coordination.k8s.io", "leases", "", "kube-node-lease", "system-node-high",
            "node-high"},
           {"kubelet/node-1/node", "patch", "", "nodes", "status", "", "system-node-high", "node-high"},
           {"kubelet/node-1", "patch", "", "pods", "status", "default", "system-nodes", "system"},
           {"kubelet/node-1", "get", "", "secrets", "", "default", "system-nodes", "system"},
           {"kube-controller-manager/leader-election", "update", "coordination.k8s.io", "leases", "", "kube-system",
            "system-leader-election", "leader-election"},
           // The shared informers list with the controller manager's own credentials, each
           // controller writes as its kube-system service account.
           {"kube-controller-manager", "list", "", "pods", "", "", "kube-controller-manager", "workload-high"},
           {"kube-controller-manager/replicaset", "create", "", "pods", "", "default", "kube-system-service-accounts",
            "workload-high"},
           // A LIST of leases in every namespace has no namespace: only cluster-scope rules match.
           {"kube-controller-manager/garbage-collector", "list", "coordination.k8s.io", "leases", "", "",
            "kube-system-service-accounts", "workload-high"},
           // kube-system service accounts' updates of leases anywhere are leader election.
           {"kube-proxy/node-1", "update", "coordination.k8s.io", "leases", "", "default", "system-leader-election",
            "leader-election"},
           {"scheduler", "create", "", "pods", "binding", "default", "kube-scheduler", "workload-high"},
           {"scheduler/leader-election", "get", "coordination.k8s.io", "leases", "", "kube-system",
            "system-leader-election", "leader-election"},
           {"cluster-autoscaler", "list", "", "nodes", "", "", "kube-system-service-accounts", "workload-high"},
           {"apiserver-load", "create", "", "configmaps", "", "default", "global-default", "global-default"},
       }) {
    INFO(c.client << " " << c.verb << " " << c.resource);
    CHECK(SchemaOf(*config, c.client, {c.verb, c.group, c.resource, c.subresource, c.ns}) ==
          std::string(c.schema) + " -> " + c.level);
  }
  // Flows: ByUser tells kubelets apart, ByNamespace the controllers' namespaces.
  const RequestAttributes pods{"patch", "", "pods", "status", "default"};
  CHECK(config->Classify(*UserFor("kubelet/a"), pods).flow != config->Classify(*UserFor("kubelet/b"), pods).flow);
  CHECK(config->Classify(*UserFor("kubelet/a"), pods).flow == config->Classify(*UserFor("kubelet/a/node"), pods).flow);
  const RequestAttributes in_a{"create", "", "pods", "", "a"};
  const RequestAttributes in_b{"create", "", "pods", "", "b"};
  auto rs = UserFor("kube-controller-manager/replicaset");
  auto job = UserFor("kube-controller-manager/job");
  CHECK(config->Classify(*rs, in_a).flow != config->Classify(*rs, in_b).flow);
  CHECK(config->Classify(*rs, in_a).flow == config->Classify(*job, in_a).flow);
}

TEST_CASE("APF: the cluster's FlowSchemas and priority levels join the bootstrap ones", "[apiserver][apf]") {
  auto bulk = Decode<api::PriorityLevelConfiguration>(R"(
apiVersion: flowcontrol.apiserver.k8s.io/v1
kind: PriorityLevelConfiguration
metadata: {name: bulk}
spec:
  type: Limited
  limited:
    nominalConcurrencyShares: 5
    borrowingLimitPercent: 0
    limitResponse: {type: Queue, queuing: {queues: 16, handSize: 2, queueLengthLimit: 10}}
)");
  auto loader = Decode<api::FlowSchema>(R"(
apiVersion: flowcontrol.apiserver.k8s.io/v1
kind: FlowSchema
metadata: {name: bulk-loader}
spec:
  priorityLevelConfiguration: {name: bulk}
  matchingPrecedence: 1000
  distinguisherMethod: {type: ByUser}
  rules:
    - subjects: [{kind: User, user: {name: apiserver-load}}]
      resourceRules: [{verbs: [create], apiGroups: [""], resources: [configmaps], namespaces: ["*"]}]
)");
  auto dangling = Decode<api::FlowSchema>(R"(
apiVersion: flowcontrol.apiserver.k8s.io/v1
kind: FlowSchema
metadata: {name: aaa-dangling}
spec:
  priorityLevelConfiguration: {name: no-such-level}
  matchingPrecedence: 2
  rules:
    - subjects: [{kind: Group, group: {name: "system:authenticated"}}]
      resourceRules: [{verbs: ["*"], apiGroups: ["*"], resources: ["*"], clusterScope: true, namespaces: ["*"]}]
)");
  CHECK(bulk->queues == 16);
  CHECK(bulk->lendable_percent == 0);
  auto config = FlowControlConfig::Build({loader, dangling}, {bulk});
  CHECK(SchemaOf(*config, "apiserver-load", {"create", "", "configmaps", "", "default"}) == "bulk-loader -> bulk");
  // Other verbs of the same user, and the dangling schema (precedence 2) for everyone: unchanged.
  CHECK(SchemaOf(*config, "apiserver-load", {"list", "", "configmaps", "", ""}) == "global-default -> global-default");
  CHECK(SchemaOf(*config, "kubelet/n", {"patch", "", "pods", "status", "x"}) == "system-nodes -> system");
  // Σ shares grows by 5: every level's nominal share is recomputed over 250.
  REQUIRE(config->LevelIndex("bulk") >= 0);
  CHECK(config->levels()[static_cast<size_t>(config->LevelIndex("bulk"))].borrowing_limit_percent == 0);
}

TEST_CASE("APF: kube-apiserver keeps its mandatory objects, and suggested ones unless autoupdate-spec is false",
          "[apiserver][apf]") {
  const std::string small_global = R"(
apiVersion: flowcontrol.apiserver.k8s.io/v1
kind: PriorityLevelConfiguration
metadata:
  name: global-default
  annotations: {"apf.kubernetes.io/autoupdate-spec": "%s"}
spec:
  type: Limited
  limited: {nominalConcurrencyShares: 1, limitResponse: {type: Reject}}
)";
  auto with = [&](const char* v) {
    std::string text = small_global;
    text.replace(text.find("%s"), 2, v);
    return Decode<api::PriorityLevelConfiguration>(text);
  };
  auto shares = [](const FlowControlConfig& c) {
    return c.levels()[static_cast<size_t>(c.LevelIndex("global-default"))].shares;
  };
  CHECK(shares(*FlowControlConfig::Build({}, {with("false")})) == 1);
  CHECK(shares(*FlowControlConfig::Build({}, {with("true")})) == 20);
  // The exempt level's spec.exempt is the one part of a mandatory object the cluster may change
  // (and the ensurer keeps): its shares join the sum every nominal share is a fraction of.
  auto exempt = Decode<api::PriorityLevelConfiguration>(R"(
apiVersion: flowcontrol.apiserver.k8s.io/v1
kind: PriorityLevelConfiguration
metadata: {name: exempt}
spec: {type: Exempt, exempt: {nominalConcurrencyShares: 10}}
)");
  auto c = FlowControlConfig::Build({}, {exempt});
  CHECK(c->levels()[static_cast<size_t>(c->LevelIndex("exempt"))].shares == 10);
  sim::Simulation sim(1);
  PriorityAndFairness apf(sim, 600, *c);
  CHECK(apf.level(apf.LevelIndex("global-default")).nominal == 48);  // ceil(600 × 20 / 255)
}

TEST_CASE("APF: FlowSchema and PriorityLevelConfiguration manifests are validated as upstream does",
          "[apiserver][apf]") {
  auto error = [](const std::string& text) {
    auto docs = api::LoadYamlDocuments(text, "f.yaml");
    REQUIRE(docs.ok());
    auto r = api::DecodeObject(docs->front());
    return r.ok() ? std::string() : r.status().message();
  };
  const std::string fs = "apiVersion: flowcontrol.apiserver.k8s.io/v1\nkind: FlowSchema\nmetadata: {name: x}\n";
  CHECK(error(fs + "spec: {priorityLevelConfiguration: {name: p}, matchingPrecedence: 10001}") ==
        "f.yaml:4:67: spec.matchingPrecedence: Invalid value: 10001: must not be greater than 10000");
  CHECK(error(fs + "spec: {priorityLevelConfiguration: {name: p}, matchingPrecedence: 1}") ==
        "f.yaml:4:67: spec.matchingPrecedence: Invalid value: 1: only the schema named 'exempt' may have "
        "matchingPrecedence 1");
  CHECK(error(fs + "spec: {priorityLevelConfiguration: {name: p}, distinguisherMethod: {type: ByGroup}}") ==
        "f.yaml:4:75: spec.distinguisherMethod.type: Unsupported value: \"ByGroup\": supported values: "
        "\"ByNamespace\", \"ByUser\"");
  CHECK(error(fs + "spec:\n  priorityLevelConfiguration: {name: p}\n  rules:\n  - subjects: [{kind: User, user: "
                   "{name: u}}]\n    resourceRules: [{verbs: [get], apiGroups: [\"\"], resources: [pods]}]") ==
        "f.yaml:8:21: spec.rules[0].resourceRules[0].namespaces: Required value: resource rules that are not "
        "cluster scoped must supply at least one namespace");
  const std::string pl =
      "apiVersion: flowcontrol.apiserver.k8s.io/v1\nkind: PriorityLevelConfiguration\nmetadata: {name: x}\n";
  CHECK(error(pl + "spec: {type: Limited, limited: {limitResponse: {type: Queue, queuing: {queues: 128, handSize: "
                   "9}}}}") ==
        "f.yaml:4:95: spec.limited.limitResponse.queuing.handSize: Invalid value: 9: required entropy bits of "
        "deckSize 128 and handSize 9 should not be greater than 60");
  CHECK(error(pl + "spec: {type: Limited, limited: {lendablePercent: 101, limitResponse: {type: Reject}}}") ==
        "f.yaml:4:50: spec.limited.lendablePercent: Invalid value: 101: must be between 0 and 100, inclusive");
  CHECK(error(pl + "spec: {type: Unlimited}") ==
        "f.yaml:4:14: spec.type: Unsupported value: \"Unlimited\": supported values: \"Exempt\", \"Limited\"");
  // The mandatory objects are fixed (but for the exempt level's spec.exempt).
  const std::string catch_all =
      "apiVersion: flowcontrol.apiserver.k8s.io/v1\nkind: PriorityLevelConfiguration\n"
      "metadata: {name: catch-all}\n";
  CHECK(error(catch_all + "spec: {type: Limited, limited: {nominalConcurrencyShares: 50, limitResponse: {type: "
                          "Reject}}}") ==
        "f.yaml:4:7: spec: Invalid value: spec of 'catch-all' must equal the fixed value");
  CHECK(error(catch_all + "spec: {type: Limited, limited: {nominalConcurrencyShares: 5, limitResponse: {type: "
                          "Reject}}}") == "");
}

}  // namespace
}  // namespace kubesim::apiserver
