#include "models/api/stored_size.h"

#include <catch2/catch.hpp>
#include <string>

#include "models/api/codec.h"
#include "models/api/encode_json.h"
#include "models/api/yaml_node.h"

namespace kubesim::api {
namespace {

std::shared_ptr<Object> Decode(const std::string& text) {
  auto docs = LoadYamlDocuments(text, "f.yaml");
  REQUIRE(docs.ok());
  auto r = DecodeObject(docs->front());
  INFO(r.status().message());
  REQUIRE(r.ok());
  return r->object;
}

TEST_CASE("StoredSize: a ConfigMap is its data plus tens of bytes", "[api][quota]") {
  auto small = Decode("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {k: v}\n");
  auto big =
      Decode("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {k: '" + std::string(5000, 'x') + "'}\n");
  CHECK(StoredSize(*small) < 200);
  // 4999 more bytes of value, and one more byte in each of two length varints (the value's and
  // the map entry's).
  CHECK(StoredSize(*big) - StoredSize(*small) == 5001);
}

TEST_CASE("StoredSize: a Pod and a Node are in the range of their encodings", "[api][quota]") {
  // Protobuf is smaller than JSON, and a stored Pod carries defaulted fields kubesim does not
  // keep (which EncodeJson leaves out too): the estimate lies between half and twice the JSON.
  auto pod = Decode(
      "apiVersion: v1\nkind: Pod\nmetadata: {name: web-0, namespace: shop, labels: {app: web, tier: front}}\n"
      "spec:\n  containers: [{name: web, image: 'nginx:1.27', resources: {requests: {cpu: 500m, memory: 1Gi}}}]\n");
  const auto pod_json = static_cast<int64_t>(EncodeJson(*pod).dump().size());
  INFO("pod: estimate " << StoredSize(*pod) << ", JSON " << pod_json);
  CHECK(StoredSize(*pod) > pod_json / 2);
  CHECK(StoredSize(*pod) < pod_json * 2);
  auto node = Decode(
      "apiVersion: v1\nkind: Node\nmetadata: {name: n1, labels: {topology.kubernetes.io/zone: a}}\n"
      "status: {capacity: {cpu: '8', memory: 32Gi, pods: '110'}}\n");
  const auto node_json = static_cast<int64_t>(EncodeJson(*node).dump().size());
  INFO("node: estimate " << StoredSize(*node) << ", JSON " << node_json);
  CHECK(StoredSize(*node) > node_json / 2);
  CHECK(StoredSize(*node) < node_json * 2);
  // More labels, more bytes.
  auto labelled = pod->Clone();
  labelled->metadata.labels["release"] = "2026-12-07";
  CHECK(StoredSize(*labelled) > StoredSize(*pod));
}

}  // namespace
}  // namespace kubesim::api
