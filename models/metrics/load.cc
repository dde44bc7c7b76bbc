#include "models/metrics/load.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "models/api/kinds.h"
#include "models/api/quantity.h"

namespace kubesim::metrics {

int64_t LoadCurve::MilliAt(sim::Duration t) const {
  if (points.empty()) return 0;
  if (t <= points.front().first) return points.front().second;
  if (t >= points.back().first) return points.back().second;
  size_t i = 1;
  while (points[i].first < t) ++i;
  const auto& [t0, v0] = points[i - 1];
  const auto& [t1, v1] = points[i];
  if (step || t1 == t0) return t == t1 ? v1 : v0;
  // Linear in exact integer arithmetic (nanoseconds × millicores fits in 128 bits). __extension__:
  // __int128 is a GCC/Clang extension, which -Wpedantic (an error in -DKUBESIM_WERROR=ON builds)
  // rejects otherwise.
  __extension__ using Int128 = __int128;
  Int128 num = static_cast<Int128>(v1 - v0) * (t - t0).nanos();
  return v0 + static_cast<int64_t>(num / (t1 - t0).nanos());
}

namespace {

sim::StatusOr<int64_t> Cores(const api::YamlNode& node) {
  KUBESIM_ASSIGN_OR_RETURN(api::Quantity q, node.ToQuantity());
  if (q.MilliValue() < 0) return node.Error("Invalid value: a CPU demand must not be negative");
  return q.MilliValue();
}

std::string Trim(const std::string& s) {
  size_t b = s.find_first_not_of(" \t\r");
  size_t e = s.find_last_not_of(" \t\r");
  return b == std::string::npos ? "" : s.substr(b, e - b + 1);
}

// A CSV time series: a header, then `time,value` rows in increasing time.
sim::Status ReadCsv(const api::YamlNode& node, const std::string& base_dir, LoadCurve* curve) {
  KUBESIM_ASSIGN_OR_RETURN(std::string rel, node.String());
  std::string path = std::filesystem::path(rel).is_absolute() ? rel : (std::filesystem::path(base_dir) / rel).string();
  std::ifstream in(path);
  if (!in) return node.Error("Not found: cannot read load CSV \"" + path + "\"");
  std::string line;
  int line_no = 0;
  while (std::getline(in, line)) {
    ++line_no;
    if (line_no == 1 || Trim(line).empty()) continue;  // header
    auto where = [&](const std::string& what) {
      return sim::InvalidArgument(path + ":" + std::to_string(line_no) + ": " + what);
    };
    size_t comma = line.find(',');
    if (comma == std::string::npos) return where("expected `time,value`");
    std::string t = Trim(line.substr(0, comma)), v = Trim(line.substr(comma + 1));
    if (v.find(',') != std::string::npos) v = Trim(v.substr(0, v.find(',')));
    sim::Duration at;
    bool plain_seconds = !t.empty() && t.find_first_not_of("0123456789.") == std::string::npos;
    auto d = sim::ParseDuration(plain_seconds ? t + "s" : t);
    if (!d.ok()) return where("time: invalid value \"" + t + "\": " + d.status().message());
    at = *d;
    auto q = api::Quantity::Parse(v);
    if (!q.ok()) return where("value: invalid quantity \"" + v + "\"");
    if (q->MilliValue() < 0) return where("value: a CPU demand must not be negative");
    if (!curve->points.empty() && at <= curve->points.back().first) return where("time: must increase from row to row");
    curve->points.emplace_back(at, q->MilliValue());
  }
  if (curve->points.empty()) return node.Error("Invalid value: load CSV \"" + path + "\" has no rows");
  return sim::Status::Ok();
}

sim::StatusOr<LoadCurve> ParseCurve(const api::YamlNode& node, const std::string& base_dir) {
  KUBESIM_RETURN_IF_ERROR(node.ExpectMap());
  KUBESIM_RETURN_IF_ERROR(node.CheckKeys({"points", "csv", "interpolation"}));
  LoadCurve curve;
  if (node["interpolation"].Defined()) {
    KUBESIM_ASSIGN_OR_RETURN(std::string how, node["interpolation"].String());
    if (how != "linear" && how != "step") {
      return node["interpolation"].Error("Unsupported value: \"" + how + "\": supported values: \"linear\", \"step\"");
    }
    curve.step = how == "step";
  }
  if (node["points"].Defined() == node["csv"].Defined()) {
    return node.Error("Invalid value: give exactly one of `points` and `csv`");
  }
  if (node["csv"].Defined()) {
    KUBESIM_RETURN_IF_ERROR(ReadCsv(node["csv"], base_dir, &curve));
    return curve;
  }
  KUBESIM_ASSIGN_OR_RETURN(auto points, node["points"].Items());
  if (points.empty()) return node["points"].Error("Required value: at least one point");
  for (const auto& p : points) {
    KUBESIM_RETURN_IF_ERROR(p.ExpectMap());
    KUBESIM_RETURN_IF_ERROR(p.CheckKeys({"at", "value"}));
    if (!p["at"].Defined()) return p["at"].Error("Required value");
    if (!p["value"].Defined()) return p["value"].Error("Required value");
    KUBESIM_ASSIGN_OR_RETURN(sim::Duration at, p["at"].ToDuration());
    KUBESIM_ASSIGN_OR_RETURN(int64_t milli, Cores(p["value"]));
    if (!curve.points.empty() && at <= curve.points.back().first) {
      return p["at"].Error("Invalid value: points must be in increasing time");
    }
    curve.points.emplace_back(at, milli);
  }
  return curve;
}

}  // namespace

sim::StatusOr<std::vector<WorkloadLoad>> ParseLoads(
    const api::YamlNode& loads, const std::string& base_dir,
    const std::function<bool(const std::string&, const std::string&, const std::string&)>& defined) {
  std::vector<WorkloadLoad> out;
  KUBESIM_ASSIGN_OR_RETURN(auto items, loads.Items());
  for (const auto& item : items) {
    KUBESIM_RETURN_IF_ERROR(item.ExpectMap());
    KUBESIM_RETURN_IF_ERROR(item.CheckKeys({"target", "cpu"}));
    const api::YamlNode target = item["target"];
    if (!target.Defined()) return target.Error("Required value");
    KUBESIM_RETURN_IF_ERROR(target.ExpectMap());
    KUBESIM_RETURN_IF_ERROR(target.CheckKeys({"kind", "name", "namespace"}));
    WorkloadLoad load;
    if (!target["kind"].Defined()) return target["kind"].Error("Required value");
    if (!target["name"].Defined()) return target["name"].Error("Required value");
    KUBESIM_ASSIGN_OR_RETURN(load.kind, target["kind"].String());
    if (load.kind != api::Deployment::kKind && load.kind != api::ReplicaSet::kKind &&
        load.kind != api::StatefulSet::kKind) {
      return target["kind"].Error("Unsupported value: \"" + load.kind +
                                  "\": supported values: \"Deployment\", \"ReplicaSet\", \"StatefulSet\"");
    }
    KUBESIM_ASSIGN_OR_RETURN(load.name, target["name"].String());
    load.ns = "default";
    if (target["namespace"].Defined()) {
      KUBESIM_ASSIGN_OR_RETURN(load.ns, target["namespace"].String());
    }
    if (!defined(load.kind, load.ns, load.name)) {
      return target["name"].Error("Not found: no " + load.kind + " \"" + load.ns + "/" + load.name +
                                  "\" is defined in the scenario's objects or timeline");
    }
    if (!item["cpu"].Defined()) return item["cpu"].Error("Required value");
    KUBESIM_ASSIGN_OR_RETURN(load.cpu, ParseCurve(item["cpu"], base_dir));
    out.push_back(std::move(load));
  }
  return out;
}

}  // namespace kubesim::metrics
