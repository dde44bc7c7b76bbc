#include "python/src/live_simulation.h"

#include <cctype>
#include <nlohmann/json.hpp>

#include "models/api/codec.h"
#include "models/api/encode_json.h"
#include "models/scenario/actions.h"
#include "python/src/python_plugins.h"

namespace kubesim::python {
namespace {

bool IsIndex(const std::string& s) {
  if (s.empty() || s.size() > 9) return false;
  for (char c : s) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

std::vector<std::string> SplitKey(const std::string& key) {
  std::vector<std::string> parts;
  size_t start = 0;
  while (true) {
    size_t dot = key.find('.', start);
    parts.push_back(key.substr(start, dot == std::string::npos ? std::string::npos : dot - start));
    if (dot == std::string::npos) return parts;
    start = dot + 1;
  }
}

// The field path YamlNode reports for an override key: "spec.timeline[0].at" for "timeline.0.at".
std::string FieldPath(const std::string& key) {
  std::string path = "spec";
  for (const auto& part : SplitKey(key)) path += IsIndex(part) ? "[" + part + "]" : "." + part;
  return path;
}

std::string OverrideLocation(size_t index) { return "<overrides>:" + std::to_string(index + 1) + ":1: "; }

// Sets every override in the document. yaml-cpp nodes are handles: `reset` moves a handle,
// assignment would overwrite the node it refers to.
sim::Status ApplyOverrides(YAML::Node root, const std::vector<Override>& overrides) {
  if (!root.IsMap()) return sim::Status::Ok();  // the decoder reports it, with its position
  for (size_t i = 0; i < overrides.size(); ++i) {
    const Override& ov = overrides[i];
    std::vector<std::string> parts = SplitKey(ov.key);
    std::string at = "spec";
    auto fail = [&](const std::string& what) { return sim::InvalidArgument(OverrideLocation(i) + at + ": " + what); };
    for (const auto& p : parts) {
      if (p.empty()) return fail("invalid override key \"" + ov.key + "\": empty field name");
    }
    if (!root["spec"].IsDefined() || root["spec"].IsNull()) root["spec"] = YAML::Node(YAML::NodeType::Map);
    YAML::Node cur;
    cur.reset(root["spec"]);
    for (size_t j = 0; j < parts.size(); ++j) {
      const std::string& part = parts[j];
      bool last = j + 1 == parts.size();
      if (cur.IsSequence()) {
        if (!IsIndex(part) || std::stoul(part) >= cur.size()) {
          return fail("cannot set \"" + part + "\": a list of " + std::to_string(cur.size()) +
                      " items takes an index 0.." + std::to_string(cur.size()) + "-1");
        }
        size_t idx = std::stoul(part);
        at += "[" + part + "]";
        if (last) {
          cur[idx] = ov.value;
        } else {
          YAML::Node next;
          next.reset(cur[idx]);
          cur.reset(next);
        }
        continue;
      }
      if (!cur.IsMap()) return fail("cannot set \"" + part + "\": not a mapping");
      at += "." + part;
      if (last) {
        cur[part] = ov.value;
        continue;
      }
      if (!cur[part].IsDefined() || cur[part].IsNull()) cur[part] = YAML::Node(YAML::NodeType::Map);
      YAML::Node next;
      next.reset(cur[part]);
      cur.reset(next);
    }
  }
  return sim::Status::Ok();
}

// An error the decoder reports inside an overridden field points at the nearest node of the file
// (overridden nodes have no position); say instead which override it was.
sim::Status RelocateOverrideError(const sim::Status& st, const std::string& file,
                                  const std::vector<Override>& overrides) {
  const std::string& msg = st.message();
  if (overrides.empty() || msg.rfind(file + ":", 0) != 0) return st;
  size_t pos = file.size() + 1;
  for (int colon = 0; colon < 2; ++colon) {
    while (pos < msg.size() && std::isdigit(static_cast<unsigned char>(msg[pos]))) ++pos;
    if (pos >= msg.size() || msg[pos] != ':') return st;
    ++pos;
  }
  if (msg.compare(pos, 1, " ") != 0) return st;
  std::string rest = msg.substr(pos + 1);
  for (size_t i = overrides.size(); i-- > 0;) {
    std::string path = FieldPath(overrides[i].key);
    if (rest.rfind(path, 0) != 0) continue;
    if (rest.size() > path.size() && std::string(":.[").find(rest[path.size()]) == std::string::npos) continue;
    return sim::Status(st.code(), OverrideLocation(i) + rest);
  }
  return st;
}

}  // namespace

sim::StatusOr<std::unique_ptr<LiveSimulation>> LiveSimulation::Load(const std::string& source, bool is_path,
                                                                    const std::string& file, Options options) {
  std::shared_ptr<const scheduler::Registry> registry = CurrentRegistry();
  scenario::DocumentEdit edit;
  if (!options.overrides.empty()) {
    edit = [&options](YAML::Node root) { return ApplyOverrides(root, options.overrides); };
  }
  auto sc = is_path ? scenario::LoadScenario(source, *registry, edit)
                    : scenario::LoadScenarioFromString(source, file, *registry, edit);
  if (!sc.ok()) return RelocateOverrideError(sc.status(), is_path ? source : file, options.overrides);
  std::unique_ptr<LiveSimulation> live(new LiveSimulation());
  live->registry_ = std::move(registry);
  live->scenario_ = std::make_shared<const scenario::Scenario>(std::move(sc).value());
  live->options_.seed = options.seed;
  live->options_.until = options.until;
  live->options_.registry = live->registry_.get();
  live->cluster_ = std::make_unique<cluster::Cluster>(*live->scenario_, live->options_);
  KUBESIM_RETURN_IF_ERROR(live->cluster_->Start());
  return live;
}

sim::StatusOr<std::unique_ptr<LiveSimulation>> LiveSimulation::Fresh() const {
  std::unique_ptr<LiveSimulation> live(new LiveSimulation());
  live->registry_ = registry_;
  live->scenario_ = scenario_;
  live->options_ = options_;
  live->cluster_ = std::make_unique<cluster::Cluster>(*live->scenario_, live->options_);
  KUBESIM_RETURN_IF_ERROR(live->cluster_->Start());
  return live;
}

LiveSimulation::~LiveSimulation() = default;

bool LiveSimulation::Step() {
  sim::Simulation& s = cluster_->simulation();
  std::optional<sim::Time> next = s.NextEventTime();
  if (!next || *next > cluster_->end()) return false;
  return s.Step();
}

std::string LiveSimulation::GetJson(const std::string& kind, const std::string& ns, const std::string& name) {
  std::string n = api::IsClusterScoped(kind) ? "" : (ns.empty() ? "default" : ns);
  api::ObjectPtr obj = cluster_->store().Get(apiserver::ApiServer::Key(kind, n, name));
  if (!obj || obj->kind != kind) return "";
  return api::EncodeJson(*obj).dump();
}

std::string LiveSimulation::ListJson(const std::string& kind, const std::string& ns) {
  std::string prefix = apiserver::ApiServer::Key(kind, api::IsClusterScoped(kind) ? "" : ns, "");
  nlohmann::ordered_json out = nlohmann::ordered_json::array();
  for (const auto& obj : cluster_->store().Range(prefix).objects) {
    if (obj->kind == kind) out.push_back(api::EncodeJson(*obj));
  }
  return out.dump();
}

sim::Status LiveSimulation::Apply(const std::string& text, const std::string& file) {
  KUBESIM_ASSIGN_OR_RETURN(auto docs, api::LoadYamlDocuments(text, file));
  std::vector<std::shared_ptr<const api::Object>> objects;
  for (const auto& doc : docs) {
    KUBESIM_ASSIGN_OR_RETURN(api::DecodeResult r, api::DecodeObject(doc));
    objects.push_back(std::move(r.object));
  }
  cluster::Cluster* c = cluster_.get();
  for (const auto& obj : objects) {
    c->Act("apply", "apply " + api::ObjectRef(*obj), [c, obj](scenario::ActionContext&) { c->ApplyObject(obj); });
  }
  // The requests leave now; their responses come as the simulation advances.
  cluster_->RunUntil(Now());
  return sim::Status::Ok();
}

sim::Status LiveSimulation::Act(const std::string& text, const std::string& file) {
  KUBESIM_ASSIGN_OR_RETURN(auto docs, api::LoadYamlDocuments(text, file));
  if (docs.size() != 1) {
    return sim::InvalidArgument(file + ":1:1: an action is exactly one YAML document, found " +
                                std::to_string(docs.size()));
  }
  const api::YamlNode& doc = docs[0];
  KUBESIM_RETURN_IF_ERROR(doc.ExpectMap());
  const auto& actions = scenario::ActionRegistry();
  std::vector<std::string_view> allowed;
  for (const auto& [name, parser] : actions) allowed.push_back(name);
  KUBESIM_RETURN_IF_ERROR(doc.CheckKeys(allowed));
  KUBESIM_ASSIGN_OR_RETURN(auto kv, doc.Entries());
  if (kv.size() != 1) return doc.Error("exactly one action, e.g. {stopKubelet: {node: NAME}}");
  // What the action may name: what is stored now, and the scenario's cloud, etcd members and API
  // server replicas, as for timeline actions.
  scenario::ObjectLoader loader("");
  if (scenario_->cloud) loader.SetCloud(&*scenario_->cloud);
  loader.SetEtcd(&scenario_->settings.etcd);
  loader.SetApiServer(&scenario_->settings.api_server);
  const etcd::MvccStore& store = cluster_->store();
  loader.SetDefinedFallback([&store](const std::string& kind, const std::string& ns, const std::string& name) {
    return store.Get(apiserver::ApiServer::Key(kind, api::IsClusterScoped(kind) ? "" : ns, name)) != nullptr;
  });
  KUBESIM_ASSIGN_OR_RETURN(scenario::ParsedAction parsed, actions.at(kv[0].first)(kv[0].second, loader));
  cluster_->Act(kv[0].first, parsed.description, std::move(parsed.run));
  cluster_->RunUntil(Now());
  return sim::Status::Ok();
}

}  // namespace kubesim::python
