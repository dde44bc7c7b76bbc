// YamlNode: a yaml-cpp node together with the file and the field path it was read at.
//
// Every input error in kubesim is reported as `FILE:LINE:COL: field: what is wrong` (the form
// editors and CI annotate). Decoders walk documents through YamlNode so that each error knows all
// four parts. Line and column are 1-based. A child that is absent keeps its parent's position.
//
// LoadYamlDocuments guards against hostile input before any decoder walks it: files over a size
// limit, documents nested deeper than yaml-cpp's own limit, and alias expansion ("billion laughs")
// beyond a node budget are errors, so no input can hang or exhaust memory.
#pragma once

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <initializer_list>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "models/api/quantity.h"
#include "sim/status.h"
#include "sim/time.h"

namespace kubesim::api {

class YamlNode {
 public:
  YamlNode(YAML::Node node, std::shared_ptr<const std::string> file, std::string path, int line, int column);

  const YAML::Node& node() const { return node_; }
  const std::string& file() const { return *file_; }
  const std::string& path() const { return path_; }
  int line() const { return line_; }
  int column() const { return column_; }

  // `FILE:LINE:COL: path: what` (path omitted at the document root).
  sim::Status Error(std::string_view what) const;

  bool Defined() const { return node_.IsDefined() && !node_.IsNull(); }
  bool IsMap() const { return node_.IsMap(); }
  bool IsSequence() const { return node_.IsSequence(); }
  bool IsScalar() const { return node_.IsScalar(); }

  bool Has(std::string_view key) const;
  YamlNode operator[](std::string_view key) const;
  YamlNode At(size_t index) const;
  size_t size() const { return node_.size(); }

  // Map entries in document order. Errors on non-map, non-string keys and duplicate keys.
  sim::StatusOr<std::vector<std::pair<std::string, YamlNode>>> Entries() const;
  // Sequence items. Errors on non-sequences.
  sim::StatusOr<std::vector<YamlNode>> Items() const;
  // Errors on any key not in `allowed` (strict decoding), and on duplicate keys.
  sim::Status CheckKeys(std::initializer_list<std::string_view> allowed) const;
  sim::Status CheckKeys(const std::vector<std::string_view>& allowed) const;
  sim::Status ExpectMap() const;

  sim::StatusOr<std::string> String() const;
  sim::StatusOr<int64_t> Int() const;
  // An int32 field (Kubernetes `int32`): larger values are errors, not silently truncated.
  sim::StatusOr<int32_t> Int32() const;
  sim::StatusOr<bool> Bool() const;
  // A finite decimal number (a YAML int or float, no hex, no leading '+').
  sim::StatusOr<double> Number() const;
  sim::StatusOr<Quantity> ToQuantity() const;
  sim::StatusOr<sim::Duration> ToDuration() const;
  sim::StatusOr<std::map<std::string, std::string>> StringMap() const;
  sim::StatusOr<std::vector<std::string>> StringList() const;

  // A view of this subtree in which every scalar (values and keys) has `pattern` replaced by
  // `value` when read: how a `count:` template's `{{i}}` is expanded without copying the
  // document, so errors still point at the template's own lines.
  YamlNode WithSubstitution(std::string pattern, std::string value) const;
  // The scalar text with the substitution applied. REQUIRES: IsScalar().
  std::string Scalar() const;

 private:
  struct Substitution {
    std::string pattern;
    std::string value;
  };
  YamlNode Child(YAML::Node node, std::string path, int line, int column) const;

  YAML::Node node_;
  std::shared_ptr<const Substitution> subst_;
  std::shared_ptr<const std::string> file_;
  std::string path_;
  int line_;
  int column_;
};

// Limits that keep any input bounded; generous for real clusters (150k pods is ~20 M nodes).
inline constexpr int64_t kMaxYamlFileBytes = 512ll << 20;
inline constexpr int64_t kMaxYamlNodesPerDocument = 20'000'000;

// Parses every document of a multi-document YAML text. `file` names it in errors.
sim::StatusOr<std::vector<YamlNode>> LoadYamlDocuments(std::string_view text, const std::string& file);
sim::StatusOr<std::vector<YamlNode>> LoadYamlFile(const std::string& path);

// `text` as a finite decimal number, independent of the C locale; false if it is not one exactly.
bool ParseDecimal(std::string_view text, double* out);

}  // namespace kubesim::api
