#include "models/api/yaml_node.h"

#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/eventhandler.h>

#include <charconv>
#include <cmath>
#include <fstream>
#include <limits>
#include <map>
#include <set>
#include <sstream>
#include <vector>

namespace kubesim::api {

YamlNode::YamlNode(YAML::Node node, std::shared_ptr<const std::string> file, std::string path, int line, int column)
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

sim::StatusOr<int32_t> YamlNode::Int32() const {
  KUBESIM_ASSIGN_OR_RETURN(int64_t v, Int());
  if (v < std::numeric_limits<int32_t>::min() || v > std::numeric_limits<int32_t>::max()) {
    return Error("Invalid value: " + std::to_string(v) + ": must fit in a 32-bit integer");
  }
  return static_cast<int32_t>(v);
}

sim::StatusOr<double> YamlNode::Number() const {
  if (!node_.IsScalar()) return Error("expected a number");
  const std::string text = Scalar();
  double v = 0;
  if (!ParseDecimal(text, &v) || text.find_first_not_of("0123456789.eE+-") != std::string::npos) {
    return Error("Invalid value \"" + text + "\": must be a decimal number");
  }
  return v;
}

bool ParseDecimal(std::string_view text, double* out) {
  // from_chars, unlike strtod, ignores the C locale (a host's LC_NUMERIC must not change a scenario)
  // and accepts no leading spaces, hex or a leading '+'.
  if (text.empty()) return false;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), *out, std::chars_format::general);
  return ec == std::errc() && ptr == text.data() + text.size() && std::isfinite(*out);
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

namespace {

// Counts, from the parser's event stream, how many nodes each document has once aliases are
// expanded: an anchored node's size is remembered, an alias adds it again. One pass over the
// text, whatever the aliases multiply to, so a "billion laughs" document is refused at once.
class ExpansionCounter : public YAML::EventHandler {
 public:
  explicit ExpansionCounter(int64_t budget) : budget_(budget) {}

  bool exceeded() const { return exceeded_; }
  bool alias_to_open_anchor() const { return alias_to_open_; }
  YAML::Mark where() const { return where_; }

  void OnDocumentStart(const YAML::Mark&) override {
    anchors_.clear();
    stack_.assign(1, Frame{0, 0});
  }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override { Leaf(mark, anchor); }
  void OnScalar(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor, const std::string&) override {
    Leaf(mark, anchor);
  }
  void OnAlias(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    auto it = anchors_.find(anchor);
    if (it == anchors_.end()) {
      // An alias to an anchor whose node is still open would make the document contain itself.
      Mark(mark);
      alias_to_open_ = true;
      return;
    }
    Add(mark, it->second);
  }
  void OnSequenceStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                       YAML::EmitterStyle::value) override {
    Open(mark, anchor);
  }
  void OnSequenceEnd() override { Close(); }
  void OnMapStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                  YAML::EmitterStyle::value) override {
    Open(mark, anchor);
  }
  void OnMapEnd() override { Close(); }

 private:
  struct Frame {
    int64_t size;
    YAML::anchor_t anchor;
  };
  void Mark(const YAML::Mark& mark) {
    if (!exceeded_ && !alias_to_open_) where_ = mark;
  }
  void Add(const YAML::Mark& mark, int64_t n) {
    int64_t& top = stack_.back().size;
    top = (n > budget_ || top > budget_ - n) ? budget_ + 1 : top + n;  // saturating
    total_ = (n > budget_ || total_ > budget_ - n) ? budget_ + 1 : total_ + n;
    if (total_ > budget_ && !exceeded_) {
      Mark(mark);
      exceeded_ = true;
    }
  }
  void Leaf(const YAML::Mark& mark, YAML::anchor_t anchor) {
    if (anchor != 0) anchors_[anchor] = 1;
    Add(mark, 1);
  }
  void Open(const YAML::Mark&, YAML::anchor_t anchor) { stack_.push_back(Frame{1, anchor}); }
  void Close() {
    Frame f = stack_.back();
    stack_.pop_back();
    if (f.anchor != 0) anchors_[f.anchor] = f.size;
    // The frame's nodes were already counted into total_ as they came; only its own size
    // travels up to the parent (and to any later alias of it).
    int64_t& top = stack_.back().size;
    top = (f.size > budget_ || top > budget_ - f.size) ? budget_ + 1 : top + f.size;
  }

  int64_t budget_;
  int64_t total_ = 0;
  bool exceeded_ = false;
  bool alias_to_open_ = false;
  YAML::Mark where_;
  std::map<YAML::anchor_t, int64_t> anchors_;
  std::vector<Frame> stack_{Frame{0, 0}};
};

}  // namespace

sim::StatusOr<std::vector<YamlNode>> LoadYamlDocuments(std::string_view text, const std::string& file) {
  auto file_ptr = std::make_shared<const std::string>(file);
  if (static_cast<int64_t>(text.size()) > kMaxYamlFileBytes) {
    return sim::InvalidArgument(file + ":1:1: file is larger than " + std::to_string(kMaxYamlFileBytes >> 20) + " MiB");
  }
  std::vector<YAML::Node> raw;
  try {
    std::string copy(text);
    {
      std::istringstream in(copy);
      YAML::Parser parser(in);
      ExpansionCounter counter(kMaxYamlNodesPerDocument);
      while (parser.HandleNextDocument(counter)) {
        if (counter.exceeded() || counter.alias_to_open_anchor()) break;
      }
      if (counter.exceeded() || counter.alias_to_open_anchor()) {
        YAML::Mark m = counter.where();
        std::string where = file + ":" + std::to_string(m.line + 1) + ":" + std::to_string(m.column + 1) + ": ";
        if (counter.alias_to_open_anchor()) {
          return sim::InvalidArgument(where + "an alias refers to a node that contains it; refusing to read it");
        }
        return sim::InvalidArgument(where + "document expands to more than " +
                                    std::to_string(kMaxYamlNodesPerDocument) +
                                    " YAML nodes through alias expansion; refusing to read it");
      }
    }
    raw = YAML::LoadAll(copy);
  } catch (const YAML::DeepRecursion& e) {
    int line = e.mark.line >= 0 ? e.mark.line + 1 : 1;
    int col = e.mark.column >= 0 ? e.mark.column + 1 : 1;
    return sim::InvalidArgument(file + ":" + std::to_string(line) + ":" + std::to_string(col) +
                                ": malformed YAML: nested deeper than yaml-cpp's limit of 2000 levels");
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
    docs.emplace_back(n, file_ptr, "", 1, 1);
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
