#include "models/scenario/parameters.h"

#include <charconv>

#include "models/api/quantity.h"
#include "sim/time.h"

namespace kubesim::scenario {
namespace {

constexpr std::string_view kTypes[] = {"string", "integer", "number", "boolean", "duration", "quantity"};

bool IsIdentifier(std::string_view s) {
  if (s.empty()) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    bool ok =
        (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (i > 0 && ((c >= '0' && c <= '9') || c == '-'));
    if (!ok) return false;
  }
  return true;
}

// Replaces every `${name}` of `text`; appends the names it cannot resolve to `missing`.
std::string Interpolate(const std::string& text, const std::map<std::string, const Parameter*>& params,
                        std::vector<std::string>* missing, bool* malformed) {
  std::string out;
  for (size_t i = 0; i < text.size();) {
    if (text.compare(i, 3, "$${") == 0) {
      out += "${";
      i += 3;
      continue;
    }
    if (text.compare(i, 2, "${") != 0) {
      out += text[i++];
      continue;
    }
    size_t end = text.find('}', i + 2);
    if (end == std::string::npos) {
      *malformed = true;
      out += text.substr(i);
      break;
    }
    std::string name = text.substr(i + 2, end - i - 2);
    auto it = params.find(name);
    if (it == params.end()) {
      missing->push_back(name);
    } else {
      out += it->second->value;
    }
    i = end + 1;
  }
  return out;
}

void Substitute(YAML::Node node, const api::YamlNode& at, const std::map<std::string, const Parameter*>& params,
                const std::string& path, std::vector<sim::Status>* problems) {
  auto here = [&](const YAML::Node& n, const std::string& p) {
    YAML::Mark m = n.Mark();
    return api::YamlNode(n, std::make_shared<const std::string>(at.file()), p, m.line + 1, m.column + 1);
  };
  if (node.IsScalar()) {
    const std::string& text = node.Scalar();
    if (text.find("${") == std::string::npos) return;
    std::vector<std::string> missing;
    bool malformed = false;
    std::string value = Interpolate(text, params, &missing, &malformed);
    if (malformed) {
      problems->push_back(here(node, path).Error("unterminated \"${\": write ${name}, or $${ for a literal ${"));
      return;
    }
    if (!missing.empty()) {
      std::string known;
      for (const auto& [name, p] : params) known += (known.empty() ? "" : ", ") + name;
      problems->push_back(here(node, path)
                              .Error("undefined parameter \"" + missing.front() + "\" (parameters: " +
                                     (known.empty() ? "none declared in spec.parameters" : known) + ")"));
      return;
    }
    node = value;
    return;
  }
  if (node.IsSequence()) {
    for (size_t i = 0; i < node.size(); ++i) {
      YAML::Node child;
      child.reset(node[i]);
      Substitute(child, at, params, path + "[" + std::to_string(i) + "]", problems);
    }
    return;
  }
  if (node.IsMap()) {
    for (auto kv : node) {
      std::string key = kv.first.IsScalar() ? kv.first.Scalar() : "?";
      std::string child_path = path.empty() ? key : path + "." + key;
      if (child_path == "spec.parameters") continue;
      Substitute(kv.second, at, params, child_path, problems);
    }
  }
}

}  // namespace

std::string CheckParameterValue(const std::string& type, const std::string& value) {
  if (type == "string") return "";
  if (type == "integer") {
    int64_t v = 0;
    auto [p, ec] = std::from_chars(value.data(), value.data() + value.size(), v);
    if (ec != std::errc() || p != value.data() + value.size()) return "\"" + value + "\" is not an integer";
    return "";
  }
  if (type == "number") {
    double v = 0;
    auto [p, ec] = std::from_chars(value.data(), value.data() + value.size(), v);
    if (ec != std::errc() || p != value.data() + value.size()) return "\"" + value + "\" is not a number";
    return "";
  }
  if (type == "boolean") {
    if (value == "true" || value == "false") return "";
    return "\"" + value + "\" is not a boolean (true or false)";
  }
  if (type == "duration") {
    auto d = sim::ParseDuration(value);
    if (!d.ok()) return "\"" + value + "\" is not a duration: " + d.status().message();
    return "";
  }
  if (type == "quantity") {
    auto q = api::Quantity::Parse(value);
    if (!q.ok()) return "\"" + value + "\" is not a quantity: " + q.status().message();
    return "";
  }
  return "unknown type \"" + type + "\"";
}

std::vector<Parameter> ApplyParameters(const api::YamlNode& doc, const std::map<std::string, std::string>& overrides,
                                       std::vector<sim::Status>* problems) {
  std::vector<Parameter> params;
  api::YamlNode decl = doc["spec"]["parameters"];
  if (decl.Defined()) {
    auto entries = decl.Entries();
    if (!entries.ok()) {
      problems->push_back(entries.status());
    } else {
      for (const auto& [name, node] : *entries) {
        if (!IsIdentifier(name)) {
          problems->push_back(node.Error("invalid parameter name \"" + name +
                                         "\": use letters, digits, '_' and '-', starting with a letter or '_'"));
          continue;
        }
        Parameter p;
        p.name = name;
        p.type = "string";
        if (node.IsScalar()) {
          p.value = node.Scalar();
        } else if (node.IsMap()) {
          if (auto st = node.CheckKeys({"default", "type", "description"}); !st.ok()) {
            problems->push_back(st);
            continue;
          }
          if (!node["default"].Defined()) {
            problems->push_back(node["default"].Error("Required value: the value used when --set does not give one"));
            continue;
          }
          auto v = node["default"].String();
          if (!v.ok()) {
            problems->push_back(node["default"].Error("expected a scalar (string, number, boolean)"));
            continue;
          }
          p.value = *v;
          if (node["type"].Defined()) {
            auto t = node["type"].String();
            bool known = false;
            for (auto k : kTypes) known = known || (t.ok() && *t == k);
            if (!known) {
              problems->push_back(node["type"].Error(
                  "Unsupported value: supported values: string, integer, number, boolean, duration, quantity"));
              continue;
            }
            p.type = *t;
          }
          if (node["description"].Defined()) {
            auto d = node["description"].String();
            if (d.ok()) p.description = *d;
          }
          if (std::string why = CheckParameterValue(p.type, p.value); !why.empty()) {
            problems->push_back(node["default"].Error("Invalid value: " + why));
            continue;
          }
        } else {
          problems->push_back(node.Error("expected a default value or {default, type, description}"));
          continue;
        }
        params.push_back(std::move(p));
      }
    }
  }
  for (const auto& [name, value] : overrides) {
    Parameter* found = nullptr;
    for (auto& p : params) {
      if (p.name == name) found = &p;
    }
    if (found == nullptr) {
      std::string known;
      for (const auto& p : params) known += (known.empty() ? "" : ", ") + p.name;
      problems->push_back(sim::InvalidArgument("--set " + name + "=" + value + ": " + doc.file() +
                                               " has no parameter \"" + name +
                                               "\" (parameters: " + (known.empty() ? "none" : known) + ")"));
      continue;
    }
    if (std::string why = CheckParameterValue(found->type, value); !why.empty()) {
      problems->push_back(sim::InvalidArgument("--set " + name + "=" + value + ": Invalid value: " + why +
                                               " (parameter \"" + name + "\" has type " + found->type + ")"));
      continue;
    }
    found->value = value;
    found->overridden = true;
  }
  std::map<std::string, const Parameter*> by_name;
  for (const auto& p : params) by_name[p.name] = &p;
  Substitute(doc.node(), doc, by_name, "", problems);
  return params;
}

}  // namespace kubesim::scenario
