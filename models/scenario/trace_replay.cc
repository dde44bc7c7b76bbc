#include "models/scenario/trace_replay.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "models/api/labels.h"
#include "models/api/names.h"
#include "models/api/resources.h"
#include "models/scenario/arrivals.h"
#include "models/scenario/object_loader.h"

namespace kubesim::scenario {
namespace {

using api::IsDnsSubdomain;
using api::IsLabelValue;

// A CSV file split into cells (RFC 4180: comma-separated, optional double quotes with "" inside),
// each cell remembering its line and column for errors.
struct Cell {
  std::string text;
  int line = 0;
  int column = 0;
};

struct CsvFile {
  std::string file;
  std::vector<Cell> header;
  std::vector<std::vector<Cell>> rows;
};

constexpr int64_t kMaxTraceBytes = 512ll << 20;

sim::Status CsvError(const std::string& file, int line, int column, const std::string& what) {
  return sim::InvalidArgument(file + ":" + std::to_string(line) + ":" + std::to_string(column) + ": " + what);
}

sim::StatusOr<CsvFile> ReadCsv(const std::string& path, const std::string& shown) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return CsvError(shown, 1, 1, "cannot open file");
  std::ostringstream ss;
  ss << in.rdbuf();
  std::string text = ss.str();
  // A UTF-8 byte order mark (spreadsheets write one) is not part of the first column's name.
  if (text.rfind("\xEF\xBB\xBF", 0) == 0) text.erase(0, 3);
  if (static_cast<int64_t>(text.size()) > kMaxTraceBytes) {
    return CsvError(shown, 1, 1, "file is larger than " + std::to_string(kMaxTraceBytes >> 20) + " MiB");
  }
  CsvFile csv;
  csv.file = shown;
  int line = 1;
  size_t i = 0;
  const size_t n = text.size();
  while (i < n) {
    std::vector<Cell> row;
    size_t line_start = i;
    const int row_line = line;
    bool blank = true;
    while (true) {
      Cell cell;
      cell.line = row_line;
      cell.column = static_cast<int>(i - line_start) + 1;
      if (i < n && text[i] == '"') {
        ++i;
        while (true) {
          if (i >= n) return CsvError(shown, cell.line, cell.column, "unterminated quoted field");
          if (text[i] == '"') {
            if (i + 1 < n && text[i + 1] == '"') {
              cell.text += '"';
              i += 2;
              continue;
            }
            ++i;
            break;
          }
          // A newline inside quotes is legal CSV but never meaningful in a trace cell.
          if (text[i] == '\n') return CsvError(shown, cell.line, cell.column, "line break inside a quoted field");
          cell.text += text[i++];
        }
        if (i < n && text[i] != ',' && text[i] != '\n' && text[i] != '\r') {
          return CsvError(shown, row_line, static_cast<int>(i - line_start) + 1,
                          "unexpected character after a closing quote");
        }
        blank = false;
      } else {
        while (i < n && text[i] != ',' && text[i] != '\n' && text[i] != '\r') cell.text += text[i++];
        if (!cell.text.empty()) blank = false;
      }
      row.push_back(std::move(cell));
      if (i < n && text[i] == ',') {
        blank = false;
        ++i;
        continue;
      }
      break;
    }
    if (i < n && text[i] == '\r') ++i;
    if (i < n && text[i] == '\n') ++i;
    ++line;
    if (blank) continue;  // empty lines (a trailing newline, spacing) carry no row
    for (auto& c : row) {
      // Surrounding spaces are formatting, not data.
      size_t b = c.text.find_first_not_of(" \t");
      size_t e = c.text.find_last_not_of(" \t");
      c.text = b == std::string::npos ? "" : c.text.substr(b, e - b + 1);
    }
    if (csv.header.empty()) {
      csv.header = std::move(row);
    } else {
      csv.rows.push_back(std::move(row));
    }
    if (static_cast<int64_t>(csv.rows.size()) > kMaxObjects) {
      return CsvError(shown, row_line, 1, "more than " + std::to_string(kMaxObjects) + " rows");
    }
  }
  if (csv.header.empty()) return CsvError(shown, 1, 1, "empty file: a header row is required");
  return csv;
}

// Column name → index, checked against what the format knows.
class Columns {
 public:
  static sim::StatusOr<Columns> Make(const CsvFile& csv, const std::vector<std::string>& required,
                                     const std::vector<std::string>& optional, bool extended_allowed) {
    Columns c;
    c.file_ = csv.file;
    for (size_t i = 0; i < csv.header.size(); ++i) {
      const Cell& h = csv.header[i];
      bool known = std::find(required.begin(), required.end(), h.text) != required.end() ||
                   std::find(optional.begin(), optional.end(), h.text) != optional.end();
      if (!known && extended_allowed && api::IsExtendedResource(h.text)) {
        c.extended_.push_back(h.text);
        known = true;
      }
      if (!known) {
        std::string all;
        for (const auto& r : required) all += (all.empty() ? "" : ", ") + r;
        for (const auto& o : optional) all += ", " + o;
        return CsvError(csv.file, h.line, h.column,
                        "column \"" + h.text + "\": unknown column (known: " + all +
                            (extended_allowed ? ", and extended resources such as nvidia.com/gpu" : "") + ")");
      }
      if (!c.index_.emplace(h.text, i).second) {
        return CsvError(csv.file, h.line, h.column, "column \"" + h.text + "\": duplicate column");
      }
    }
    for (const auto& r : required) {
      if (!c.index_.count(r)) {
        return CsvError(csv.file, 1, 1, "column \"" + r + "\": missing required column");
      }
    }
    c.width_ = csv.header.size();
    return c;
  }

  bool Has(const std::string& name) const { return index_.count(name) > 0; }
  // The cell of `name` in `row`; an absent optional column reads as empty.
  Cell Get(const std::vector<Cell>& row, const std::string& name) const {
    auto it = index_.find(name);
    if (it == index_.end()) return Cell{"", row.front().line, 1};
    return row[it->second];
  }
  sim::Status CheckWidth(const std::vector<Cell>& row) const {
    if (row.size() != width_) {
      return CsvError(
          file_, row.front().line, 1,
          "wrong number of columns: " + std::to_string(row.size()) + ", the header has " + std::to_string(width_));
    }
    return sim::Status::Ok();
  }
  const std::vector<std::string>& extended() const { return extended_; }

 private:
  std::string file_;
  std::map<std::string, size_t> index_;
  std::vector<std::string> extended_;
  size_t width_ = 0;
};

sim::Status CellError(const std::string& file, const Cell& c, const std::string& column, const std::string& what) {
  return CsvError(file, c.line, c.column, "column " + column + ": " + what);
}

bool IsDecimal(const std::string& s) {
  return !s.empty() && s.find_first_not_of("0123456789.") == std::string::npos &&
         std::count(s.begin(), s.end(), '.') <= 1 && s != ".";
}

// Times and durations in a trace stay below 100 years, so scaled sums of them cannot overflow the
// nanosecond clock.
constexpr int64_t kMaxTraceSeconds = 100ll * 365 * 24 * 3600;

// Seconds ("90", "1.5") or a Go duration ("1m30s"), not negative.
sim::StatusOr<sim::Duration> TimeCell(const std::string& file, const Cell& c, const std::string& column) {
  if (IsDecimal(c.text)) {
    double s = 0;
    api::ParseDecimal(c.text, &s);  // IsDecimal: always a plain non-negative decimal
    if (s > static_cast<double>(kMaxTraceSeconds)) {
      return CellError(file, c, column, "Invalid value \"" + c.text + "\": more than 100 years");
    }
    return sim::Duration::FromSecondsRounded(s);
  }
  auto d = sim::ParseDuration(c.text);
  if (!d.ok()) {
    return CellError(file, c, column,
                     "Invalid value \"" + c.text + "\": seconds (e.g. 90 or 1.5) or a duration (e.g. 1m30s)");
  }
  if (*d < sim::Duration::Zero())
    return CellError(file, c, column, "Invalid value \"" + c.text + "\": must not be negative");
  if (*d > sim::Duration::Seconds(kMaxTraceSeconds)) {
    return CellError(file, c, column, "Invalid value \"" + c.text + "\": more than 100 years");
  }
  return *d;
}

sim::StatusOr<int64_t> IntCell(const std::string& file, const Cell& c, const std::string& column) {
  if (c.text.empty() || c.text.size() > 18 || c.text.find_first_not_of("0123456789") != std::string::npos) {
    return CellError(file, c, column, "Invalid value \"" + c.text + "\": must be a non-negative integer");
  }
  return std::stoll(c.text);
}

// An openb time column: integer seconds, at most 100 years.
sim::StatusOr<int64_t> SecondsCell(const std::string& file, const Cell& c, const std::string& column) {
  KUBESIM_ASSIGN_OR_RETURN(int64_t v, IntCell(file, c, column));
  if (v > kMaxTraceSeconds) return CellError(file, c, column, "Invalid value \"" + c.text + "\": more than 100 years");
  return v;
}

sim::StatusOr<api::Quantity> QuantityCell(const std::string& file, const Cell& c, const std::string& column) {
  auto q = api::Quantity::Parse(c.text);
  if (!q.ok()) return CellError(file, c, column, "Invalid value \"" + c.text + "\": " + q.status().message());
  if (q->IsNegative()) return CellError(file, c, column, "Invalid value \"" + c.text + "\": must not be negative");
  return *q;
}

sim::Duration Scale(sim::Duration d, double scale) {
  return scale == 1 ? d : sim::Duration::FromNanosRounded(static_cast<double>(d.nanos()) * scale);
}

class TraceSource : public WorkloadSource {
 public:
  std::string name_;
  std::vector<GeneratedPod> pods_;  // sorted by time, stable in file order

  void set_source(const api::SourceRef& s) { source_ = s; }
  const std::string& name() const override { return name_; }
  std::vector<GeneratedPod> Pods(sim::RandomStreams&, sim::Duration horizon) const override {
    std::vector<GeneratedPod> out;
    for (const auto& p : pods_) {
      if (p.at >= horizon) break;
      out.push_back(p);
    }
    return out;
  }
};

// What the `trace:` map says besides the rows.
struct TraceOptions {
  std::string file;
  std::string namespace_;  // empty: the template's
  double scale = 1;
  sim::Duration start;
  int64_t limit = kMaxObjects;
  std::shared_ptr<const api::Pod> tmpl;
  bool template_sets_restart_policy = false;
};

// One row turned into a pod: common to both formats.
struct RowPod {
  sim::Duration submit;                   // unscaled, from the trace's zero
  std::optional<sim::Duration> lifetime;  // unscaled
  std::shared_ptr<api::Pod> pod;
  int line = 0;
};

std::shared_ptr<api::Pod> NewPod(const TraceOptions& o, const std::string& name, int line) {
  auto pod = o.tmpl->DeepCopy();
  pod->metadata.name = name;
  if (!o.namespace_.empty()) pod->metadata.namespace_ = o.namespace_;
  pod->metadata.labels[kTraceLabel] = std::filesystem::path(o.file).stem().string();
  pod->source = api::SourceRef{o.file, line, 1};
  return pod;
}

sim::StatusOr<std::vector<RowPod>> ReadKubesim(const CsvFile& csv, const TraceOptions& o) {
  KUBESIM_ASSIGN_OR_RETURN(
      Columns cols, Columns::Make(csv, {"submit_time", "name", "cpu_request", "memory_request"},
                                  {"namespace", "cpu_limit", "memory_limit", "duration", "priority", "owner"}, true));
  const std::string& f = csv.file;
  std::vector<RowPod> out;
  for (const auto& row : csv.rows) {
    if (static_cast<int64_t>(out.size()) >= o.limit) break;
    KUBESIM_RETURN_IF_ERROR(cols.CheckWidth(row));
    RowPod rp;
    rp.line = row.front().line;
    Cell c = cols.Get(row, "submit_time");
    if (c.text.empty()) return CellError(f, c, "submit_time", "Required value");
    KUBESIM_ASSIGN_OR_RETURN(rp.submit, TimeCell(f, c, "submit_time"));
    c = cols.Get(row, "name");
    if (!IsDnsSubdomain(c.text)) {
      return CellError(f, c, "name", "Invalid value \"" + c.text + "\": a lowercase RFC 1123 subdomain");
    }
    rp.pod = NewPod(o, c.text, rp.line);
    c = cols.Get(row, "namespace");
    if (!c.text.empty()) {
      if (!IsDnsSubdomain(c.text) || c.text.size() > 63 || c.text.find('.') != std::string::npos) {
        return CellError(f, c, "namespace", "Invalid value \"" + c.text + "\": a lowercase RFC 1123 label");
      }
      rp.pod->metadata.namespace_ = c.text;
    }
    api::Container& ctr = rp.pod->spec.containers[0];
    for (const auto& [column, resource, limit] :
         {std::tuple{"cpu_request", "cpu", false}, std::tuple{"memory_request", "memory", false},
          std::tuple{"cpu_limit", "cpu", true}, std::tuple{"memory_limit", "memory", true}}) {
      c = cols.Get(row, column);
      if (c.text.empty()) continue;
      KUBESIM_ASSIGN_OR_RETURN(api::Quantity q, QuantityCell(f, c, column));
      (limit ? ctr.limits : ctr.requests)[resource] = q;
    }
    // As the API server defaults: a limit without a request is also the request.
    for (const auto& [resource, q] : ctr.limits) {
      if (!ctr.requests.count(resource)) ctr.requests[resource] = q;
    }
    for (const auto& resource : {"cpu", "memory"}) {
      auto l = ctr.limits.find(resource);
      if (l != ctr.limits.end() && api::ToAmounts({{resource, ctr.requests[resource]}})[resource] >
                                       api::ToAmounts({{resource, l->second}})[resource]) {
        std::string column = std::string(resource) + "_limit";
        return CellError(f, cols.Get(row, column), column,
                         "Invalid value: must be greater than or equal to the request");
      }
    }
    for (const auto& ext : cols.extended()) {
      c = cols.Get(row, ext);
      if (c.text.empty()) continue;
      KUBESIM_ASSIGN_OR_RETURN(int64_t v, IntCell(f, c, ext));
      // Extended resources are whole units with the request equal to the limit (upstream validation).
      ctr.requests[ext] = ctr.limits[ext] = api::Quantity::FromUnits(v);
    }
    c = cols.Get(row, "duration");
    if (!c.text.empty()) {
      KUBESIM_ASSIGN_OR_RETURN(sim::Duration d, TimeCell(f, c, "duration"));
      rp.lifetime = d;
    }
    c = cols.Get(row, "priority");
    if (!c.text.empty()) {
      // The Priority admission plugin computes spec.priority from the class and rejects a pod that
      // gives an integer of its own, so a trace names the class.
      if (!IsDnsSubdomain(c.text) || c.text.find_first_not_of("0123456789") == std::string::npos) {
        return CellError(f, c, "priority",
                         "Invalid value \"" + c.text +
                             "\": the name of a PriorityClass (integers are not accepted: "
                             "the Priority admission plugin derives a pod's priority from its class)");
      }
      rp.pod->spec.priority_class_name = c.text;
    }
    c = cols.Get(row, "owner");
    if (!c.text.empty()) {
      if (!IsLabelValue(c.text))
        return CellError(f, c, "owner", "Invalid value \"" + c.text + "\": must be a label value");
      rp.pod->metadata.labels[kOwnerLabel] = c.text;
    }
    out.push_back(std::move(rp));
  }
  return out;
}

sim::StatusOr<std::vector<RowPod>> ReadOpenb(const CsvFile& csv, const TraceOptions& o) {
  KUBESIM_ASSIGN_OR_RETURN(Columns cols,
                           Columns::Make(csv,
                                         {"name", "cpu_milli", "memory_mib", "num_gpu", "gpu_milli", "gpu_spec", "qos",
                                          "pod_phase", "creation_time", "deletion_time", "scheduled_time"},
                                         {}, false));
  const std::string& f = csv.file;
  std::vector<RowPod> out;
  std::vector<int64_t> creation;
  for (const auto& row : csv.rows) {
    if (static_cast<int64_t>(out.size()) >= o.limit) break;
    KUBESIM_RETURN_IF_ERROR(cols.CheckWidth(row));
    RowPod rp;
    rp.line = row.front().line;
    Cell c = cols.Get(row, "name");
    if (!IsDnsSubdomain(c.text)) {
      return CellError(f, c, "name", "Invalid value \"" + c.text + "\": a lowercase RFC 1123 subdomain");
    }
    rp.pod = NewPod(o, c.text, rp.line);
    api::Container& ctr = rp.pod->spec.containers[0];
    KUBESIM_ASSIGN_OR_RETURN(int64_t cpu, IntCell(f, cols.Get(row, "cpu_milli"), "cpu_milli"));
    KUBESIM_ASSIGN_OR_RETURN(int64_t mem, IntCell(f, cols.Get(row, "memory_mib"), "memory_mib"));
    KUBESIM_ASSIGN_OR_RETURN(int64_t gpus, IntCell(f, cols.Get(row, "num_gpu"), "num_gpu"));
    c = cols.Get(row, "gpu_milli");
    KUBESIM_ASSIGN_OR_RETURN(int64_t gpu_milli, IntCell(f, c, "gpu_milli"));
    if (gpu_milli > 1000) return CellError(f, c, "gpu_milli", "Invalid value \"" + c.text + "\": must be at most 1000");
    if (cpu > 0) ctr.requests["cpu"] = api::Quantity::FromMilli(cpu);
    if (mem > 0) ctr.requests["memory"] = *api::Quantity::Parse(std::to_string(mem) + "Mi");
    if (gpus > 0) {
      // Whole GPUs: gpu_milli sharing of one GPU between pods is not modelled (docs/fidelity.md).
      ctr.requests[kGpuResource] = ctr.limits[kGpuResource] = api::Quantity::FromUnits(gpus);
      rp.pod->metadata.annotations[kOpenbGpuMilliAnnotation] = std::to_string(gpu_milli);
    }
    c = cols.Get(row, "gpu_spec");
    if (!c.text.empty() && c.text != "nan") {
      // "V100M16|V100M32": any of these models, as a required node affinity term on the model label.
      api::NodeSelectorRequirement req;
      req.key = kOpenbGpuModelLabel;
      req.op = api::NodeSelectorOp::kIn;
      std::stringstream parts(c.text);
      std::string model;
      while (std::getline(parts, model, '|')) {
        if (model.empty() || !IsLabelValue(model)) {
          return CellError(f, c, "gpu_spec", "Invalid value \"" + c.text + "\": GPU models separated by |");
        }
        req.values.push_back(model);
      }
      auto& na = rp.pod->spec.affinity.node_affinity;
      if (!na) na.emplace();
      if (!na->required) na->required.emplace();
      // Terms are ORed: the requirement must join every term to constrain them all.
      if (na->required->terms.empty()) na->required->terms.emplace_back();
      for (auto& term : na->required->terms) term.match_expressions.push_back(req);
    }
    c = cols.Get(row, "qos");
    if (!c.text.empty()) {
      if (!IsLabelValue(c.text))
        return CellError(f, c, "qos", "Invalid value \"" + c.text + "\": must be a label value");
      rp.pod->metadata.labels[kOpenbQosLabel] = c.text;
    }
    c = cols.Get(row, "pod_phase");
    if (c.text != "Pending" && c.text != "Running" && c.text != "Succeeded" && c.text != "Failed") {
      return CellError(f, c, "pod_phase",
                       "Unsupported value \"" + c.text + "\": supported values: Pending, Running, Succeeded, Failed");
    }
    // A pod the trace saw fail exits non-zero, so it ends Failed here too.
    if (c.text == "Failed") rp.pod->metadata.annotations[api::kExitCodeAnnotation] = "1";
    KUBESIM_ASSIGN_OR_RETURN(int64_t created, SecondsCell(f, cols.Get(row, "creation_time"), "creation_time"));
    std::optional<int64_t> scheduled;
    c = cols.Get(row, "scheduled_time");
    if (!c.text.empty()) {
      KUBESIM_ASSIGN_OR_RETURN(scheduled, SecondsCell(f, c, "scheduled_time"));
      if (*scheduled < created) return CellError(f, c, "scheduled_time", "Invalid value: before creation_time");
    }
    c = cols.Get(row, "deletion_time");
    if (!c.text.empty()) {
      KUBESIM_ASSIGN_OR_RETURN(int64_t deleted, SecondsCell(f, c, "deletion_time"));
      // How long the pod ran: from being scheduled (else from creation) to deletion. The kubelet
      // counts the run duration from the container's start.
      int64_t from = scheduled.value_or(created);
      if (deleted < from) {
        return CellError(f, c, "deletion_time",
                         std::string("Invalid value: before ") + (scheduled ? "scheduled_time" : "creation_time"));
      }
      rp.lifetime = sim::Duration::Seconds(deleted - from);
    }
    creation.push_back(created);
    rp.submit = sim::Duration::Seconds(created);
    out.push_back(std::move(rp));
  }
  // Submit times relative to the earliest creation (the first row in the published, sorted files).
  if (!creation.empty()) {
    int64_t zero = *std::min_element(creation.begin(), creation.end());
    for (auto& rp : out) rp.submit = rp.submit - sim::Duration::Seconds(zero);
  }
  return out;
}

}  // namespace

sim::StatusOr<std::shared_ptr<const WorkloadSource>> ParseTraceSource(const api::YamlNode& node,
                                                                      const std::string& base_dir,
                                                                      std::vector<std::string>* warnings) {
  KUBESIM_RETURN_IF_ERROR(node.ExpectMap());
  KUBESIM_RETURN_IF_ERROR(
      node.CheckKeys({"file", "format", "namespace", "timeScale", "speedup", "start", "limit", "template"}));
  TraceOptions o;
  if (!node["file"].Defined()) return node["file"].Error("Required value: the trace's CSV file");
  KUBESIM_ASSIGN_OR_RETURN(std::string file, node["file"].String());
  std::filesystem::path p(file);
  if (p.is_relative() && !base_dir.empty()) p = std::filesystem::path(base_dir) / p;
  o.file = p.lexically_normal().string();
  std::error_code ec;
  if (!std::filesystem::is_regular_file(o.file, ec)) {
    return node["file"].Error("file \"" + o.file + "\" does not exist or is not a regular file");
  }
  std::string format = "kubesim";
  if (node["format"].Defined()) {
    KUBESIM_ASSIGN_OR_RETURN(format, node["format"].String());
    if (format != "kubesim" && format != "openb") {
      return node["format"].Error("Unsupported value: \"" + format + "\": supported values: \"kubesim\", \"openb\"");
    }
  }
  if (node["namespace"].Defined()) {
    KUBESIM_ASSIGN_OR_RETURN(o.namespace_, node["namespace"].String());
    if (!IsDnsSubdomain(o.namespace_) || o.namespace_.size() > 63 || o.namespace_.find('.') != std::string::npos) {
      return node["namespace"].Error("Invalid value \"" + o.namespace_ + "\": a lowercase RFC 1123 label");
    }
  }
  if (node["timeScale"].Defined() && node["speedup"].Defined()) {
    return node["speedup"].Error("Forbidden: give either timeScale or speedup, not both");
  }
  for (const char* key : {"timeScale", "speedup"}) {
    if (!node[key].Defined()) continue;
    KUBESIM_ASSIGN_OR_RETURN(double v, node[key].Number());
    // Bounded so a scaled 100-year trace still fits the nanosecond clock.
    if (!(v >= 1e-6 && v <= 1e6)) return node[key].Error("Invalid value: must be in [1e-6, 1e6]");
    // timeScale multiplies the trace's times; speedup divides them.
    o.scale = std::string(key) == "timeScale" ? v : 1 / v;
  }
  if (node["start"].Defined()) {
    KUBESIM_ASSIGN_OR_RETURN(o.start, node["start"].ToDuration());
    if (o.start < sim::Duration::Zero()) return node["start"].Error("Invalid value: must not be negative");
  }
  if (node["limit"].Defined()) {
    KUBESIM_ASSIGN_OR_RETURN(o.limit, node["limit"].Int());
    if (o.limit < 1 || o.limit > kMaxObjects) {
      return node["limit"].Error("Invalid value: must be in [1, " + std::to_string(kMaxObjects) + "]");
    }
  }
  if (node["template"].Defined()) {
    KUBESIM_ASSIGN_OR_RETURN(o.tmpl, DecodePodTemplate(node["template"], "trace-pod", warnings));
    o.template_sets_restart_policy = TemplateSetsRestartPolicy(node["template"]);
  } else {
    // A pod that only holds resources: one pause container, which every node can run.
    auto pod = std::make_shared<api::Pod>();
    pod->kind = api::Pod::kKind;
    pod->api_version = api::Pod::kAPIVersion;
    pod->metadata.namespace_ = "default";
    api::Container c;
    c.name = "main";
    c.image = "registry.k8s.io/pause:3.9";
    c.image_pull_policy = "IfNotPresent";
    pod->spec.containers.push_back(std::move(c));
    o.tmpl = std::move(pod);
  }

  KUBESIM_ASSIGN_OR_RETURN(CsvFile csv, ReadCsv(o.file, o.file));
  std::vector<RowPod> rows;
  if (format == "kubesim") {
    KUBESIM_ASSIGN_OR_RETURN(rows, ReadKubesim(csv, o));
  } else {
    KUBESIM_ASSIGN_OR_RETURN(rows, ReadOpenb(csv, o));
  }
  // One name per namespace, as the API server would insist (a second create would fail at run time).
  std::map<std::string, int> seen;
  for (const auto& rp : rows) {
    std::string key = rp.pod->metadata.namespace_ + "/" + rp.pod->metadata.name;
    auto [it, fresh] = seen.emplace(key, rp.line);
    if (!fresh) {
      return CsvError(
          o.file, rp.line, 1,
          "column name: Duplicate value \"" + rp.pod->metadata.name + "\": also on line " + std::to_string(it->second));
    }
  }
  auto src = std::make_shared<TraceSource>();
  src->name_ = "trace " + o.file;
  src->set_source({node.file(), node.line(), node.column()});
  // Scaled times must stay on the clock: 100 years of trace at most, times a timeScale.
  const double max_ns = static_cast<double>(sim::Duration::Seconds(kMaxTraceSeconds).nanos()) * 2;
  for (const auto& rp : rows) {
    double at = static_cast<double>(o.start.nanos()) + static_cast<double>(rp.submit.nanos()) * o.scale;
    double life = rp.lifetime ? static_cast<double>(rp.lifetime->nanos()) * o.scale : 0;
    if (at > max_ns || life > max_ns) {
      return CsvError(o.file, rp.line, 1, "scaled by the trace's timeScale, this row's times exceed 200 years");
    }
  }
  for (auto& rp : rows) {
    if (rp.lifetime) SetLifetime(*rp.pod, Scale(*rp.lifetime, o.scale), o.template_sets_restart_policy);
    src->pods_.push_back({o.start + Scale(rp.submit, o.scale), std::move(rp.pod)});
  }
  std::stable_sort(src->pods_.begin(), src->pods_.end(),
                   [](const GeneratedPod& a, const GeneratedPod& b) { return a.at < b.at; });
  return std::shared_ptr<const WorkloadSource>(std::move(src));
}

}  // namespace kubesim::scenario
