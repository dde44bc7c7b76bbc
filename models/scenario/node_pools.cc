#include "models/scenario/node_pools.h"

#include <string>

namespace kubesim::scenario {
namespace {

// The label keys kubelets and cloud providers set (k8s.io/api/core/v1 well_known_labels.go).
constexpr const char* kZoneLabel = "topology.kubernetes.io/zone";
constexpr const char* kRegionLabel = "topology.kubernetes.io/region";
constexpr const char* kInstanceTypeLabel = "node.kubernetes.io/instance-type";

// A DNS-1123 subdomain prefix check for the generated names (`<pool>-<i>`).
bool IsDnsLabelish(const std::string& s) {
  if (s.empty() || s.size() > 200) return false;
  for (char c : s) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.')) return false;
  }
  return s.front() != '-' && s.back() != '-';
}

// True when a scalar below `n` contains the pool's index placeholder {{i}}.
bool MentionsIndex(const YAML::Node& n) {
  if (n.IsScalar()) return n.Scalar().find("{{i}}") != std::string::npos;
  for (auto it = n.begin(); it != n.end(); ++it) {
    if (n.IsMap() ? MentionsIndex(it->first) || MentionsIndex(it->second) : MentionsIndex(*it)) return true;
  }
  return false;
}

}  // namespace

sim::Status LoadNodePool(const api::YamlNode& pool, ObjectLoader& loader,
                         std::vector<std::shared_ptr<const api::Object>>* out) {
  KUBESIM_RETURN_IF_ERROR(pool.ExpectMap());
  KUBESIM_RETURN_IF_ERROR(pool.CheckKeys(
      {"name", "count", "zones", "region", "instanceType", "capacity", "allocatable", "labels", "taints", "template"}));
  if (!pool["name"].Defined())
    return pool["name"].Error("Required value: the pool's name, the prefix of its nodes' names");
  KUBESIM_ASSIGN_OR_RETURN(std::string name, pool["name"].String());
  if (!IsDnsLabelish(name)) {
    return pool["name"].Error("Invalid value: \"" + name +
                              "\": a lowercase RFC 1123 name (a-z, 0-9, '-', '.'), as node names must be");
  }
  if (!pool["count"].Defined()) return pool["count"].Error("Required value: how many nodes the pool has");
  KUBESIM_ASSIGN_OR_RETURN(int64_t count, pool["count"].Int());
  if (count < 0 || count > kMaxCount) {
    return pool["count"].Error("Invalid value: " + std::to_string(count) + ": must be between 0 and " +
                               std::to_string(kMaxCount));
  }
  std::vector<std::string> zones;
  if (pool["zones"].Defined()) {
    KUBESIM_ASSIGN_OR_RETURN(zones, pool["zones"].StringList());
    if (zones.empty()) return pool["zones"].Error("Invalid value: an empty list; omit zones for nodes without a zone");
  }
  std::string region, instance_type;
  if (pool["region"].Defined()) {
    KUBESIM_ASSIGN_OR_RETURN(region, pool["region"].String());
  }
  if (pool["instanceType"].Defined()) {
    KUBESIM_ASSIGN_OR_RETURN(instance_type, pool["instanceType"].String());
  }
  api::StringMap labels;
  if (pool["labels"].Defined()) {
    KUBESIM_ASSIGN_OR_RETURN(labels, pool["labels"].StringMap());
  }
  api::YamlNode tmpl = pool["template"];
  if (tmpl.Defined()) {
    KUBESIM_RETURN_IF_ERROR(tmpl.ExpectMap());
    if (tmpl["kind"].Defined()) {
      KUBESIM_ASSIGN_OR_RETURN(std::string kind, tmpl["kind"].String());
      if (kind != api::Node::kKind)
        return tmpl["kind"].Error("Invalid value: \"" + kind + "\": a node pool's template is a Node");
    }
  }
  bool template_capacity = tmpl.Defined() && tmpl["status"]["capacity"].Defined();
  if (!pool["capacity"].Defined() && !template_capacity) {
    return pool["capacity"].Error(
        "Required value: the nodes' capacity, e.g. {cpu: \"4\", memory: 16Gi, pods: \"110\"}");
  }
  for (const char* f : {"capacity", "allocatable"}) {
    if (pool[f].Defined()) KUBESIM_RETURN_IF_ERROR(pool[f].ExpectMap());
  }
  if (pool["taints"].Defined() && !pool["taints"].IsSequence())
    return pool["taints"].Error("expected a list of taints");

  // The pool's capacity, allocatable and taints go into every node's document. The first node
  // shares them by handle, so a decoding error in them points at the pool's lines; the others
  // get copies, because sharing one subtree by handle merges every document's node memory into
  // one set in yaml-cpp, which made expanding a pool quadratic in its size. YAML::Clone loses the
  // marks, so a subtree that mentions {{i}} (and could fail for one node only) stays shared.
  auto subtree = [&](const char* field, int64_t i) {
    YAML::Node n = pool[field].node();
    return i == 0 || MentionsIndex(n) ? n : YAML::Clone(n);
  };
  for (int64_t i = 0; i < count; ++i) {
    YAML::Node doc = tmpl.Defined() ? YAML::Clone(tmpl.node()) : YAML::Node(YAML::NodeType::Map);
    doc["apiVersion"] = api::Node::kAPIVersion;
    doc["kind"] = api::Node::kKind;
    if (!doc["metadata"].IsDefined() || doc["metadata"].IsNull()) doc["metadata"] = YAML::Node(YAML::NodeType::Map);
    if (!doc["metadata"]["name"].IsDefined()) doc["metadata"]["name"] = name + "-" + std::to_string(i);
    YAML::Node meta_labels = doc["metadata"]["labels"];
    if (!meta_labels.IsDefined() || meta_labels.IsNull()) doc["metadata"]["labels"] = YAML::Node(YAML::NodeType::Map);
    for (const auto& [k, v] : labels) doc["metadata"]["labels"][k] = v;
    if (!zones.empty()) doc["metadata"]["labels"][kZoneLabel] = zones[static_cast<size_t>(i) % zones.size()];
    if (!region.empty()) doc["metadata"]["labels"][kRegionLabel] = region;
    if (!instance_type.empty()) doc["metadata"]["labels"][kInstanceTypeLabel] = instance_type;
    if (pool["taints"].Defined()) doc["spec"]["taints"] = subtree("taints", i);
    if (pool["capacity"].Defined()) doc["status"]["capacity"] = subtree("capacity", i);
    if (pool["allocatable"].Defined()) doc["status"]["allocatable"] = subtree("allocatable", i);
    api::YamlNode node(doc, std::make_shared<const std::string>(pool.file()), pool.path(), pool.line(), pool.column());
    KUBESIM_RETURN_IF_ERROR(loader.AddDocument(node.WithSubstitution("{{i}}", std::to_string(i)), true, out));
  }
  return sim::Status::Ok();
}

}  // namespace kubesim::scenario
