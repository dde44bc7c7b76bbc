// ObjectLoader: turns a scenario's object entries into decoded Kubernetes objects.
//
// An entry is one of `file: PATH` (every document of a manifest file, relative to the scenario;
// a directory means every .yaml/.yml file below it, in path order),
// `inline: MANIFEST`, or `count: N` + `template: MANIFEST` (N copies with `{{i}}` = 0..N−1 in
// every string). The loader remembers every object it produced (kind/namespace/name → where) so a
// second definition is an error naming both places, and so actions can check what they refer to.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "models/api/codec.h"
#include "models/api/yaml_node.h"
#include "models/apiserver/config.h"
#include "models/cloud/cloud_config.h"
#include "models/etcd/config.h"

namespace kubesim::scenario {

// Caps that keep any scenario bounded (a `count:` typo must not allocate for an hour).
inline constexpr int64_t kMaxCount = 1'000'000;
inline constexpr int64_t kMaxObjects = 5'000'000;

class ObjectLoader {
 public:
  explicit ObjectLoader(std::string base_dir) : base_dir_(std::move(base_dir)) {}

  // Decodes one entry; appends to `out`. `register_names` false for objects created later whose
  // names may legitimately repeat (a delete then a re-create).
  sim::Status LoadEntry(const api::YamlNode& entry, bool register_names,
                        std::vector<std::shared_ptr<const api::Object>>* out);

  // Decodes one manifest document (a node pool's generated Nodes); as one `inline:` entry.
  sim::Status AddDocument(const api::YamlNode& doc, bool register_names,
                          std::vector<std::shared_ptr<const api::Object>>* out) {
    return Add(doc, register_names, out);
  }

  bool Defined(const std::string& kind, const std::string& ns, const std::string& name) const;
  // Names of the Nodes defined so far that carry every label of `selector` (matchLabels), in
  // name order (for actions that address a whole zone or rack).
  std::vector<std::string> NodesLabelled(const api::StringMap& selector) const;
  // Also counts as defined what `fallback` says exists (a live simulation's stored objects, for
  // actions parsed after the run started).
  using DefinedFn = std::function<bool(const std::string& kind, const std::string& ns, const std::string& name)>;
  void SetDefinedFallback(DefinedFn fallback) { fallback_ = std::move(fallback); }
  // The scenario's cloud (spec.cloud), for actions that name node groups, zones and instance
  // types; null without one.
  void SetCloud(const cloud::CloudConfig* cloud) { cloud_ = cloud; }
  const cloud::CloudConfig* cloud() const { return cloud_; }
  // The scenario's etcd (spec.etcd, or its defaults), for actions that name members.
  void SetEtcd(const etcd::EtcdConfig* etcd) { etcd_ = etcd; }
  const etcd::EtcdConfig* etcd() const { return etcd_; }
  // The scenario's API server (spec.apiServer, or its defaults), for actions that name replicas.
  void SetApiServer(const apiserver::ApiServerConfig* api_server) { api_server_ = api_server; }
  const apiserver::ApiServerConfig* api_server() const { return api_server_; }
  std::vector<std::string>& warnings() { return warnings_; }
  std::map<std::string, int>& not_simulated() { return not_simulated_; }

 private:
  sim::Status Add(const api::YamlNode& doc, bool register_names, std::vector<std::shared_ptr<const api::Object>>* out);
  std::string Resolve(const std::string& path) const;

  std::string base_dir_;
  std::map<std::string, std::string> defined_;  // "Kind/ns/name" → "file:line"
  std::vector<std::string> warnings_;
  std::map<std::string, int> not_simulated_;
  std::map<std::string, api::StringMap> node_labels_;  // Node name → labels
  int64_t total_ = 0;
  DefinedFn fallback_;
  const cloud::CloudConfig* cloud_ = nullptr;
  const etcd::EtcdConfig* etcd_ = nullptr;
  const apiserver::ApiServerConfig* api_server_ = nullptr;
};

}  // namespace kubesim::scenario
