#include "models/api/yaml_node.h"

#include <charconv>
#include <fstream>
#include <set>
#include <sstream>

namespace kubesim::api {

YamlNode::YamlNode(YAML::Node node, std::shared_ptr<const std::string> file, std::string path,
                   int line, int column)
    : node_(std::move(node)), file_(std::move(file)), path_(std::move(path)), line_(line), column_(column) {
  if (node_.IsDefined()) {
    YAML::Mark m = node_.Mark();
    if (m.line >= 0) {
      line_ = m.line + 1;
      column_ = m.column + 1;
    }
  }
}

YamlNode YamlNode::Child(YAML::Node node, std::string path, int line, int column) const {
  YamlNode c(std::move(node), file_, std::move(path), line, column);
  c.subst_ = subst_;
  return c;
}

YamlNode YamlNode::WithSubstitution(std::string pattern, std::string value) const {
  YamlNode c = *this;
  c.subst_ = std::make_shared<const Substitution>(Substitution{std::move(pattern), std::move(value)});
  return c;
}

std::string YamlNode::Scalar() const {
  std::string s = node_.Scalar();
  if (!subst_ || subst_->pattern.empty()) return s;
  for (size_t pos = s.find(subst_->pattern); pos != std::string::npos;
       pos = s.find(subst_->pattern, pos + subst_->value.size())) {
    s.replace(pos, subst_->pattern.size(), subst_->value);
  }
  return s;
}

sim::Status YamlNode::Error(std::string_view what) const {
  std::string msg = *file_ + ":" + std::to_string(line_) + ":" + std::to_string(column_) + ": ";
  if (!path_.empty()) msg += path_ + ": ";
  msg += what;
  return sim::InvalidArgument(std::move(msg));
}

bool YamlNode::Has(std::string_view key) const {
  if (!node_.IsMap()) return false;
  for (const auto& kv : node_) {
    if (kv.first.IsScalar() && kv.first.Scalar() == key) return true;
  }
  return false;
}

YamlNode YamlNode::operator[](std::string_view key) const {
  std::string child_path = path_.empty() ? std::string(key) : path_ + "." + std::string(key);
  YAML::Node child;
  if (node_.IsMap()) {
    for (const auto& kv : node_) {
      if (kv.first.IsScalar() && kv.first.Scalar() == key) {
        child = kv.second;
        break;
      }
    }
  }
  if (!child.IsDefined()) child = YAML::Node(YAML::NodeType::Undefined);
  return Child(child, std::move(child_path), line_, column_);
}

YamlNode YamlNode::At(size_t index) const {
  return Child(node_[index], path_ + "[" + std::to_string(index) + "]", line_, column_);
}

sim::StatusOr<std::vector<std::pair<std::string, YamlNode>>> YamlNode::Entries() const {
  if (!Defined()) return std::vector<std::pair<std::string, YamlNode>>{};
  if (!node_.IsMap()) return Error("expected a mapping");
  std::vector<std::pair<std::string, YamlNode>> out;
  std::set<std::string> seen;
  for (const auto& kv : node_) {
    YamlNode key_node = Child(kv.first, path_, line_, column_);
    if (!kv.first.IsScalar()) return key_node.Error("mapping keys must be strings");
    const std::string key = key_node.Scalar();
    std::string child_path = path_.empty() ? key : path_ + "." + key;
    if (!seen.insert(key).second) {
      return YamlNode(kv.first, file_, child_path, line_, column_).Error("duplicate key");
    }
    out.emplace_back(key, Child(kv.second, child_path, key_node.line(), key_node.column()));
  }
  return out;
}

sim::StatusOr<std::vector<YamlNode>> YamlNode::Items() const {
  if (!Defined()) return std::vector<YamlNode>{};
  if (!node_.IsSequence()) return Error("expected a list");
  std::vector<YamlNode> out;
  out.reserve(node_.size());
  for (size_t i = 0; i < node_.size(); ++i) out.push_back(At(i));
  return out;
}

sim::Status YamlNode::ExpectMap() const {
  if (!node_.IsMap()) return Error("expected a mapping");
  return sim::Status::Ok();
}

sim::Status YamlNode::CheckKeys(std::initializer_list<std::string_view> allowed) const {
  return CheckKeys(std::vector<std::string_view>(allowed));
}

sim::Status YamlNode::CheckKeys(const std::vector<std::string_view>& allowed) const {
  KUBESIM_RETURN_IF_ERROR(Entries().status());  // mapping, string keys, no duplicates
  for (const auto& kv : node_) {
    // Point at the key itself: that is what the user mistyped.
    YamlNode key = Child(kv.first, path_, line_, column_);
    std::string name = key.Scalar();
    bool known = false;
    for (std::string_view a : allowed) known = known || a == name;
    if (known) continue;
    std::string list;
    for (std::string_view a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
    YamlNode at = Child(kv.first, path_.empty() ? name : path_ + "." + name, line_, column_);
    return at.Error("unknown field \"" + name + "\" (known fields: " + list + ")");
  }
  return sim::Status::Ok();
}

sim::StatusOr<std::string> YamlNode::String() const {
  if (!node_.IsScalar()) return Error("expected a string");
  return Scalar();
}

sim::StatusOr<int64_t> YamlNode::Int() const {
  if (!node_.IsScalar()) return Error("expected an integer");
  const std::string s = Scalar();
  int64_t v = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || ptr != s.data() + s.size()) {
    return Error("expected an integer, got \"" + s + "\"");
  }
  return v;
}

sim::StatusOr<bool> YamlNode::Bool() const {
  if (!node_.IsScalar()) return Error("expected true or false");
  const std::string s = Scalar();
  if (s == "true" || s == "True" || s == "TRUE") return true;
  if (s == "false" || s == "False" || s == "FALSE") return false;
  return Error("expected true or false, got \"" + s + "\"");
}

sim::StatusOr<Quantity> YamlNode::ToQuantity() const {
  if (!node_.IsScalar()) return Error("expected a quantity such as 100m, 1Gi or 2");
  auto q = Quantity::Parse(Scalar());
  if (!q.ok()) return Error(q.status().message());
  return q;
}

sim::StatusOr<sim::Duration> YamlNode::ToDuration() const {
  if (!node_.IsScalar()) return Error("expected a duration such as 90s, 1h30m or 250ms");
  auto d = sim::ParseDuration(Scalar());
  if (!d.ok()) return Error(d.status().message());
  return d;
}

sim::StatusOr<std::map<std::string, std::string>> YamlNode::StringMap() const {
  std::map<std::string, std::string> out;
  auto entries = Entries();
  if (!entries.ok()) return entries.status();
  for (const auto& [k, v] : *entries) {
    if (!v.Defined()) {
      out[k] = "";
      continue;
    }
    auto s = v.String();
    if (!s.ok()) return s.status();
    out[k] = *s;
  }
  return out;
}

sim::StatusOr<std::vector<std::string>> YamlNode::StringList() const {
  std::vector<std::string> out;
  auto items = Items();
  if (!items.ok()) return items.status();
  for (const auto& item : *items) {
    auto s = item.String();
    if (!s.ok()) return s.status();
    out.push_back(*s);
  }
  return out;
}

sim::Status CheckExpansion(const YamlNode& doc, int64_t budget) {
  // Iterative walk: aliases share nodes, so a "billion laughs" document is small in memory but
  // huge to any reader that visits every value; count visits and stop at the budget.
  std::vector<YAML::Node> stack{doc.node()};
  int64_t visited = 0;
  while (!stack.empty()) {
    YAML::Node n = stack.back();
    stack.pop_back();
    if (++visited > budget) {
      return doc.Error("document expands to more than " + std::to_string(budget) +
                       " YAML nodes (alias expansion or a cycle); refusing to read it");
    }
    if (n.IsSequence()) {
      for (const auto& child : n) stack.push_back(child);
    } else if (n.IsMap()) {
      for (const auto& kv : n) {
        stack.push_back(kv.first);
        stack.push_back(kv.second);
      }
    }
  }
  return sim::Status::Ok();
}

sim::StatusOr<std::vector<YamlNode>> LoadYamlDocuments(std::string_view text, const std::string& file) {
  auto file_ptr = std::make_shared<const std::string>(file);
  if (static_cast<int64_t>(text.size()) > kMaxYamlFileBytes) {
    return sim::InvalidArgument(file + ":1:1: file is larger than " +
                                std::to_string(kMaxYamlFileBytes >> 20) + " MiB");
  }
  std::vector<YAML::Node> raw;
  try {
    std::string copy(text);
    raw = YAML::LoadAll(copy);
  } catch (const YAML::Exception& e) {
    // yaml-cpp reports 0-based marks; its depth guard (DeepRecursion) is a ParserException too.
    int line = e.mark.line >= 0 ? e.mark.line + 1 : 1;
    int col = e.mark.column >= 0 ? e.mark.column + 1 : 1;
    return sim::InvalidArgument(file + ":" + std::to_string(line) + ":" + std::to_string(col) +
                                ": malformed YAML: " + e.msg);
  }
  std::vector<YamlNode> docs;
  for (auto& n : raw) {
    if (n.IsNull() || !n.IsDefined()) continue;  // empty documents between `---` separators
    YamlNode doc(n, file_ptr, "", 1, 1);
    KUBESIM_RETURN_IF_ERROR(CheckExpansion(doc, kMaxYamlNodesPerDocument));
    docs.push_back(std::move(doc));
  }
  return docs;
}

sim::StatusOr<std::vector<YamlNode>> LoadYamlFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return sim::InvalidArgument(path + ":1:1: cannot open file");
  std::ostringstream ss;
  ss << in.rdbuf();
  return LoadYamlDocuments(ss.str(), path);
}

}  // namespace kubesim::api
