#include "models/api/encode_json.h"

#include <catch2/catch.hpp>
#include <string>

#include "models/api/codec.h"
#include "models/api/yaml_node.h"

namespace kubesim::api {
namespace {

nlohmann::ordered_json EncodeOne(const std::string& text) {
  auto docs = LoadYamlDocuments(text, "f.yaml");
  REQUIRE(docs.ok());
  auto r = DecodeObject(docs->front());
  INFO(r.status().message());
  REQUIRE(r.ok());
  return EncodeJson(*r->object);
}

TEST_CASE("EncodeJson: a Pod has Kubernetes' shape and field names", "[api]") {
  auto j = EncodeOne(
      "apiVersion: v1\nkind: Pod\nmetadata: {name: web-0, labels: {app: web}}\n"
      "spec:\n  nodeSelector: {disk: ssd}\n"
      "  tolerations: [{key: k, operator: Exists, effect: NoSchedule}]\n"
      "  containers: [{name: c, image: 'nginx:1.27', resources: {requests: {cpu: 500m, memory: 1Gi}}}]\n");
  CHECK(j["apiVersion"] == "v1");
  CHECK(j["kind"] == "Pod");
  CHECK(j["metadata"]["name"] == "web-0");
  CHECK(j["metadata"]["namespace"] == "default");
  CHECK(j["metadata"]["labels"]["app"] == "web");
  CHECK(j["metadata"]["resourceVersion"] == "0");
  CHECK(j["spec"]["containers"][0]["resources"]["requests"]["cpu"] == "500m");
  CHECK(j["spec"]["nodeSelector"]["disk"] == "ssd");
  CHECK(j["spec"]["tolerations"][0]["operator"] == "Exists");
  CHECK_FALSE(j["spec"].contains("nodeName"));
  CHECK(j["status"]["phase"] == "Pending");
  CHECK(j["status"]["conditions"].is_array());
}

TEST_CASE("EncodeJson: a Node carries taints, capacity and allocatable", "[api]") {
  auto j = EncodeOne(
      "apiVersion: v1\nkind: Node\nmetadata: {name: n1}\n"
      "spec: {taints: [{key: gpu, value: 'yes', effect: NoSchedule}]}\n"
      "status: {capacity: {cpu: '4', memory: 8Gi, pods: '110'}}\n");
  CHECK(j["metadata"]["name"] == "n1");
  CHECK_FALSE(j["metadata"].contains("namespace"));
  CHECK(j["spec"]["taints"][0] == nlohmann::ordered_json({{"key", "gpu"}, {"value", "yes"}, {"effect", "NoSchedule"}}));
  CHECK(j["status"]["capacity"]["memory"] == "8Gi");
  CHECK(j["status"]["allocatable"]["cpu"] == "4");  // defaulted from capacity
}

TEST_CASE("EncodeJson: a Deployment's replicas, selector and template", "[api]") {
  auto j = EncodeOne(
      "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\n"
      "spec:\n  replicas: 3\n  selector: {matchLabels: {app: web}}\n"
      "  template:\n    metadata: {labels: {app: web}}\n    spec: {containers: [{name: c, image: nginx}]}\n");
  CHECK(j["spec"]["replicas"] == 3);
  CHECK(j["spec"]["selector"]["matchLabels"]["app"] == "web");
  CHECK(j["spec"]["template"]["metadata"]["labels"]["app"] == "web");
  CHECK(j["status"]["replicas"] == 0);
}

}  // namespace
}  // namespace kubesim::api
