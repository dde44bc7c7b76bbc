#include "models/scenario/object_loader.h"

#include <algorithm>
#include <filesystem>

namespace kubesim::scenario {

std::string ObjectLoader::Resolve(const std::string& path) const {
  std::filesystem::path p(path);
  if (p.is_absolute() || base_dir_.empty()) return p.lexically_normal().string();
  return (std::filesystem::path(base_dir_) / p).lexically_normal().string();
}

bool ObjectLoader::Defined(const std::string& kind, const std::string& ns, const std::string& name) const {
  return defined_.count(kind + "/" + ns + "/" + name) > 0 || (fallback_ && fallback_(kind, ns, name));
}

std::vector<std::string> ObjectLoader::NodesLabelled(const api::StringMap& selector) const {
  std::vector<std::string> out;
  for (const auto& [name, labels] : node_labels_) {
    bool match = true;
    for (const auto& [k, v] : selector) {
      auto it = labels.find(k);
      match = match && it != labels.end() && it->second == v;
    }
    if (match) out.push_back(name);
  }
  return out;
}

sim::Status ObjectLoader::Add(const api::YamlNode& doc, bool register_names,
                              std::vector<std::shared_ptr<const api::Object>>* out) {
  if (++total_ > kMaxObjects) {
    return doc.Error("more than " + std::to_string(kMaxObjects) + " objects in one scenario");
  }
  KUBESIM_ASSIGN_OR_RETURN(api::DecodeResult decoded, api::DecodeObject(doc));
  for (auto& w : decoded.warnings) warnings_.push_back(std::move(w));
  const api::Object& obj = *decoded.object;
  if (!api::IsSimulatedKind(obj.kind)) not_simulated_[obj.kind]++;
  if (obj.kind == api::Node::kKind) node_labels_[obj.metadata.name] = obj.metadata.labels;
  if (!obj.metadata.name.empty()) {
    std::string key = obj.kind + "/" + obj.metadata.namespace_ + "/" + obj.metadata.name;
    std::string here = doc.file() + ":" + std::to_string(doc.line());
    auto [it, inserted] = defined_.emplace(key, here);
    if (!inserted && register_names) {
      return doc["metadata"]["name"].Error("Duplicate value: " + api::ObjectRef(obj) + " is already defined at " +
                                           it->second);
    }
  }
  out->push_back(std::move(decoded.object));
  return sim::Status::Ok();
}

sim::Status ObjectLoader::LoadEntry(const api::YamlNode& entry, bool register_names,
                                    std::vector<std::shared_ptr<const api::Object>>* out) {
  KUBESIM_RETURN_IF_ERROR(entry.ExpectMap());
  if (entry.Has("file")) {
    KUBESIM_RETURN_IF_ERROR(entry.CheckKeys({"file"}));
    KUBESIM_ASSIGN_OR_RETURN(std::string file, entry["file"].String());
    std::string path = Resolve(file);
    std::error_code ec;
    std::vector<std::string> files;
    if (std::filesystem::is_directory(path, ec)) {
      // A directory of manifests (kubectl apply -f DIR --recursive): every .yaml/.yml file below
      // it, in path order so the result never depends on the file system's listing order.
      std::filesystem::recursive_directory_iterator it(path, ec), end;
      for (; !ec && it != end; it.increment(ec)) {
        std::string ext = it->path().extension().string();
        if ((ext == ".yaml" || ext == ".yml") && it->is_regular_file(ec)) files.push_back(it->path().string());
      }
      if (ec) return entry["file"].Error("directory \"" + path + "\" cannot be read: " + ec.message());
      if (files.empty()) return entry["file"].Error("directory \"" + path + "\" holds no .yaml or .yml file");
      std::sort(files.begin(), files.end());
    } else if (std::filesystem::is_regular_file(path, ec)) {
      files.push_back(path);
    } else {
      return entry["file"].Error("file \"" + path + "\" does not exist or is not a regular file or directory");
    }
    for (const auto& f : files) {
      KUBESIM_ASSIGN_OR_RETURN(auto docs, api::LoadYamlFile(f));
      for (const auto& doc : docs) KUBESIM_RETURN_IF_ERROR(Add(doc, register_names, out));
    }
    return sim::Status::Ok();
  }
  if (entry.Has("inline")) {
    KUBESIM_RETURN_IF_ERROR(entry.CheckKeys({"inline"}));
    return Add(entry["inline"], register_names, out);
  }
  if (entry.Has("count") || entry.Has("template")) {
    KUBESIM_RETURN_IF_ERROR(entry.CheckKeys({"count", "template"}));
    if (!entry["count"].Defined()) return entry["count"].Error("Required value: how many copies of the template");
    if (!entry["template"].Defined()) return entry["template"].Error("Required value: the manifest to replicate");
    KUBESIM_ASSIGN_OR_RETURN(int64_t count, entry["count"].Int());
    if (count < 0 || count > kMaxCount) {
      return entry["count"].Error("Invalid value: " + std::to_string(count) + ": must be between 0 and " +
                                  std::to_string(kMaxCount));
    }
    for (int64_t i = 0; i < count; ++i) {
      KUBESIM_RETURN_IF_ERROR(Add(entry["template"].WithSubstitution("{{i}}", std::to_string(i)), register_names, out));
    }
    return sim::Status::Ok();
  }
  if (entry.Has("apiVersion") || entry.Has("kind")) {
    return entry.Error("a manifest must be given as `inline: {apiVersion: ..., kind: ...}` (or `file:`, `count:`)");
  }
  return entry.Error("Required value: one of file, inline, or count + template");
}

}  // namespace kubesim::scenario
