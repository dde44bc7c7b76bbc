#include "models/scenario/workloads.h"

#include <Eigen/Cholesky>
#include <Eigen/Dense>
#include <algorithm>
#include <cmath>
#include <set>

#include "models/api/codec.h"
#include "models/scenario/arrivals.h"
#include "models/scenario/object_loader.h"
#include "models/scenario/trace_replay.h"

namespace kubesim::scenario {
namespace {

// What a generator draws per pod: requests of its first container from a multivariate lognormal.
// log(request_i) = log(median_i) + (L z)_i with z ~ N(0, I) and L·Lᵀ = Σ = D·R·D (D the diagonal
// of log-space sigmas, R the correlation matrix). L is D·chol(R): the same factor as chol(Σ) when
// every sigma is positive, and still defined when a sigma is 0 (a fixed request), where Σ itself
// would be singular.
struct ResourceModel {
  std::vector<std::string> names;  // document order
  std::vector<double> log_median;  // log of the median in base units (millicores, bytes)
  std::vector<double> factor;      // L, row-major n×n, lower triangular
  std::map<std::string, double> limit_ratio;
};

struct Lifetime {
  enum class Kind { kNone, kFixed, kLogNormal };
  Kind kind = Kind::kNone;
  sim::Duration median;
  double sigma = 0;
};

// Resources a generator may draw: the ones upstream treats as compressible/incompressible
// quantities with fractional meaning. Extended resources are integers and go in the template.
bool DrawableResource(const std::string& name) {
  return name == "cpu" || name == "memory" || name == "ephemeral-storage";
}

// The drawn request as a quantity: CPU in whole millicores (the API's resolution), memory and
// ephemeral storage in whole KiB (at least 1 of each, so no request rounds to "none").
api::Quantity ToQuantity(const std::string& name, double base_units) {
  if (name == "cpu") {
    int64_t m = std::max<int64_t>(1, std::llround(std::min(base_units, 1e15)));
    return *api::Quantity::Parse(std::to_string(m) + "m");
  }
  int64_t ki = std::max<int64_t>(1, std::llround(std::min(base_units / 1024.0, 1e15)));
  return *api::Quantity::Parse(std::to_string(ki) + "Ki");
}

sim::StatusOr<ResourceModel> ParseResources(const api::YamlNode& node, const api::Pod& tmpl) {
  ResourceModel m;
  if (!node.Defined()) return m;
  KUBESIM_RETURN_IF_ERROR(node.ExpectMap());
  KUBESIM_ASSIGN_OR_RETURN(auto entries, node.Entries());
  std::vector<double> sigma;
  for (const auto& [key, value] : entries) {
    if (key == "correlation" || key == "limitRatio") continue;
    if (!DrawableResource(key)) {
      return value.Error("Unsupported value: \"" + key +
                         "\": a generator draws cpu, memory or ephemeral-storage (put extended resources in "
                         "the template), or the keys correlation and limitRatio");
    }
    KUBESIM_RETURN_IF_ERROR(value.ExpectMap());
    KUBESIM_RETURN_IF_ERROR(value.CheckKeys({"median", "sigma"}));
    if (!value["median"].Defined()) return value["median"].Error("Required value: e.g. 500m or 1Gi");
    KUBESIM_ASSIGN_OR_RETURN(api::Quantity q, value["median"].ToQuantity());
    double base = key == "cpu" ? static_cast<double>(q.MilliValue()) : static_cast<double>(q.Value());
    if (!(base > 0)) return value["median"].Error("Invalid value: must be greater than 0");
    double s = 0;
    if (value["sigma"].Defined()) {
      KUBESIM_ASSIGN_OR_RETURN(s, value["sigma"].Number());
      if (s < 0 || s > 10) return value["sigma"].Error("Invalid value: the log-space sigma must be in [0, 10]");
    }
    m.names.push_back(key);
    m.log_median.push_back(std::log(base));
    sigma.push_back(s);
  }
  const size_t n = m.names.size();
  auto index = [&](const std::string& name) -> int {
    for (size_t i = 0; i < n; ++i) {
      if (m.names[i] == name) return static_cast<int>(i);
    }
    return -1;
  };
  if (n == 0 && (node["correlation"].Defined() || node["limitRatio"].Defined())) {
    return node.Error("Required value: at least one of cpu, memory, ephemeral-storage to draw");
  }
  Eigen::MatrixXd r = Eigen::MatrixXd::Identity(static_cast<Eigen::Index>(n), static_cast<Eigen::Index>(n));
  api::YamlNode corr = node["correlation"];
  if (corr.Defined() && corr.IsSequence()) {
    // A full matrix, rows and columns in the order the resources are listed.
    KUBESIM_ASSIGN_OR_RETURN(auto rows, corr.Items());
    if (rows.size() != n) {
      return corr.Error("Invalid value: the correlation matrix has " + std::to_string(rows.size()) +
                        " rows, expected " + std::to_string(n) + " (one per listed resource)");
    }
    for (size_t i = 0; i < n; ++i) {
      KUBESIM_ASSIGN_OR_RETURN(auto cells, rows[i].Items());
      if (cells.size() != n) {
        return rows[i].Error("Invalid value: row has " + std::to_string(cells.size()) + " entries, expected " +
                             std::to_string(n));
      }
      for (size_t j = 0; j < n; ++j) {
        KUBESIM_ASSIGN_OR_RETURN(double v, cells[j].Number());
        if (i == j && v != 1) return cells[j].Error("Invalid value: the diagonal of a correlation matrix is 1");
        if (std::abs(v) > 1) return cells[j].Error("Invalid value: a correlation must be in [-1, 1]");
        r(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(j)) = v;
      }
    }
    for (size_t i = 0; i < n; ++i) {
      for (size_t j = 0; j < i; ++j) {
        if (r(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(j)) !=
            r(static_cast<Eigen::Index>(j), static_cast<Eigen::Index>(i))) {
          return rows[i].Error("Invalid value: the correlation matrix is not symmetric (row " + std::to_string(i + 1) +
                               ", column " + std::to_string(j + 1) + ")");
        }
      }
    }
  } else if (corr.Defined()) {
    // Pairs: {cpu/memory: 0.7}; unlisted pairs are uncorrelated.
    KUBESIM_RETURN_IF_ERROR(corr.ExpectMap());
    KUBESIM_ASSIGN_OR_RETURN(auto pairs, corr.Entries());
    for (const auto& [key, value] : pairs) {
      size_t slash = key.find('/');
      int a = slash == std::string::npos ? -1 : index(key.substr(0, slash));
      int b = slash == std::string::npos ? -1 : index(key.substr(slash + 1));
      if (a < 0 || b < 0) {
        return value.Error("Invalid value: \"" + key + "\": a pair of listed resources, e.g. cpu/memory");
      }
      if (a == b) return value.Error("Invalid value: \"" + key + "\": a resource is fully correlated with itself");
      KUBESIM_ASSIGN_OR_RETURN(double v, value.Number());
      if (std::abs(v) > 1) return value.Error("Invalid value: a correlation must be in [-1, 1]");
      if (r(a, b) != 0) return value.Error("Duplicate value: the pair \"" + key + "\" is given twice");
      r(a, b) = r(b, a) = v;
    }
  }
  Eigen::LLT<Eigen::MatrixXd> llt(r);
  if (llt.info() != Eigen::Success) {
    return corr.Error(
        "Invalid value: the correlation matrix is not positive definite, so it is no correlation matrix of any "
        "set of resources (Cholesky factorisation failed); lower the correlations (±1 also fails: use ±0.99)");
  }
  Eigen::MatrixXd l = llt.matrixL();
  m.factor.assign(n * n, 0);
  for (size_t i = 0; i < n; ++i) {
    for (size_t j = 0; j <= i; ++j) {
      m.factor[i * n + j] = sigma[i] * l(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(j));
    }
  }
  if (node["limitRatio"].Defined()) {
    KUBESIM_RETURN_IF_ERROR(node["limitRatio"].ExpectMap());
    KUBESIM_ASSIGN_OR_RETURN(auto ratios, node["limitRatio"].Entries());
    for (const auto& [key, value] : ratios) {
      if (index(key) < 0) return value.Error("Invalid value: \"" + key + "\" is not one of the drawn resources");
      KUBESIM_ASSIGN_OR_RETURN(double v, value.Number());
      // A limit below the request is invalid upstream (ValidateResourceRequirements).
      if (v < 1 || v > 1000) return value.Error("Invalid value: a limit ratio must be in [1, 1000]");
      m.limit_ratio[key] = v;
    }
  }
  // The template's own limit on a drawn resource would end up below a drawn request.
  if (!tmpl.spec.containers.empty()) {
    for (const auto& name : m.names) {
      if (tmpl.spec.containers[0].limits.count(name) && !m.limit_ratio.count(name)) {
        return node[name].Error("Forbidden: the template's first container sets a " + name +
                                " limit, but the request is drawn; give limitRatio." + name + " instead");
      }
    }
  }
  return m;
}

sim::StatusOr<Lifetime> ParseLifetime(const api::YamlNode& node) {
  Lifetime l;
  if (!node.Defined()) return l;
  if (node.IsScalar()) {
    l.kind = Lifetime::Kind::kFixed;
    KUBESIM_ASSIGN_OR_RETURN(l.median, node.ToDuration());
    if (l.median < sim::Duration::Zero()) return node.Error("Invalid value: must not be negative");
    return l;
  }
  KUBESIM_RETURN_IF_ERROR(node.ExpectMap());
  KUBESIM_RETURN_IF_ERROR(node.CheckKeys({"median", "sigma"}));
  l.kind = Lifetime::Kind::kLogNormal;
  if (!node["median"].Defined()) return node["median"].Error("Required value: e.g. 10m");
  KUBESIM_ASSIGN_OR_RETURN(l.median, node["median"].ToDuration());
  if (l.median <= sim::Duration::Zero()) return node["median"].Error("Invalid value: must be positive");
  if (node["sigma"].Defined()) {
    KUBESIM_ASSIGN_OR_RETURN(l.sigma, node["sigma"].Number());
    if (l.sigma < 0 || l.sigma > 10)
      return node["sigma"].Error("Invalid value: the log-space sigma must be in [0, 10]");
  }
  return l;
}

bool IsDnsLabel(const std::string& v) {
  if (v.empty() || v.size() > 63) return false;
  auto alnum = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); };
  if (!alnum(v.front()) || !alnum(v.back())) return false;
  return std::all_of(v.begin(), v.end(), [&](char c) { return alnum(c) || c == '-'; });
}

class Generator : public WorkloadSource {
 public:
  std::string name_;
  ArrivalProcess arrivals_;
  sim::Duration start_;
  std::optional<sim::Duration> end_;
  std::optional<int64_t> count_;
  std::shared_ptr<const api::Pod> template_;
  bool template_sets_restart_policy_ = false;
  ResourceModel resources_;
  Lifetime lifetime_;

  void set_source(const api::SourceRef& s) { source_ = s; }
  const std::string& name() const override { return name_; }

  std::vector<GeneratedPod> Pods(sim::RandomStreams& streams, sim::Duration horizon) const override {
    sim::Duration end = std::min(end_.value_or(horizon), horizon);
    sim::Rng& arrivals = streams.Stream("workload/" + name_ + "/arrivals");
    sim::Rng& draws = streams.Stream("workload/" + name_ + "/resources");
    sim::Rng& lifetimes = streams.Stream("workload/" + name_ + "/lifetime");
    std::vector<sim::Duration> times = arrivals_.Times(arrivals, start_, end, count_.value_or(kMaxObjects));
    const size_t n = resources_.names.size();
    std::vector<double> z(n);
    std::vector<GeneratedPod> out;
    out.reserve(times.size());
    for (size_t k = 0; k < times.size(); ++k) {
      auto pod = template_->DeepCopy();
      pod->metadata.name = name_ + "-" + std::to_string(k);
      pod->metadata.labels[kWorkloadLabel] = name_;
      for (size_t i = 0; i < n; ++i) z[i] = draws.Normal(0, 1);
      if (n > 0) {
        api::Container& c = pod->spec.containers[0];
        for (size_t i = 0; i < n; ++i) {
          double x = resources_.log_median[i];
          for (size_t j = 0; j <= i; ++j) x += resources_.factor[i * n + j] * z[j];
          const std::string& res = resources_.names[i];
          double value = std::exp(x);
          c.requests[res] = ToQuantity(res, value);
          auto ratio = resources_.limit_ratio.find(res);
          if (ratio != resources_.limit_ratio.end()) {
            // The limit from the rounded request, so limit/request is the ratio as far as rounding allows
            // and never below 1.
            double req = res == "cpu" ? static_cast<double>(c.requests[res].MilliValue())
                                      : static_cast<double>(c.requests[res].Value());
            c.limits[res] = ToQuantity(res, std::ceil(req * ratio->second));
          }
        }
      }
      if (lifetime_.kind != Lifetime::Kind::kNone) {
        sim::Duration life = lifetime_.median;
        if (lifetime_.kind == Lifetime::Kind::kLogNormal) {
          // Milliseconds are plenty for a run time and keep the annotation readable ("7m12.345s").
          life = lifetimes.LogNormalDuration(lifetime_.median, lifetime_.sigma);
          int64_t ns = life.nanos();  // may be saturated at Max(): round without overflowing
          life = sim::Duration::Milliseconds(ns / 1'000'000 + (ns % 1'000'000 >= 500'000 ? 1 : 0));
        }
        SetLifetime(*pod, life, template_sets_restart_policy_);
      }
      out.push_back({times[k], std::move(pod)});
    }
    return out;
  }
};

sim::StatusOr<std::shared_ptr<const WorkloadSource>> ParseGenerator(const api::YamlNode& entry, sim::Duration duration,
                                                                    std::vector<std::string>* warnings) {
  KUBESIM_RETURN_IF_ERROR(
      entry.CheckKeys({"name", "arrivals", "start", "end", "count", "template", "resources", "lifetime"}));
  auto g = std::make_shared<Generator>();
  g->set_source({entry.file(), entry.line(), entry.column()});
  if (!entry["name"].Defined()) return entry["name"].Error("Required value: the generator's name (e.g. batch)");
  KUBESIM_ASSIGN_OR_RETURN(g->name_, entry["name"].String());
  // Pods are named <name>-<index>: the name must leave room for the index in a 63-character label.
  if (!IsDnsLabel(g->name_) || g->name_.size() > 50) {
    return entry["name"].Error("Invalid value \"" + g->name_ +
                               "\": a lowercase RFC 1123 label of at most 50 characters (pods are named "
                               "<name>-<index>)");
  }
  KUBESIM_ASSIGN_OR_RETURN(g->arrivals_, ParseArrivals(entry["arrivals"]));
  if (entry["start"].Defined()) {
    KUBESIM_ASSIGN_OR_RETURN(g->start_, entry["start"].ToDuration());
    if (g->start_ < sim::Duration::Zero()) return entry["start"].Error("Invalid value: must not be negative");
  }
  if (entry["end"].Defined()) {
    KUBESIM_ASSIGN_OR_RETURN(sim::Duration end, entry["end"].ToDuration());
    if (end <= g->start_) return entry["end"].Error("Invalid value: must be after start");
    g->end_ = end;
  }
  if (entry["count"].Defined()) {
    KUBESIM_ASSIGN_OR_RETURN(int64_t count, entry["count"].Int());
    if (count < 1 || count > kMaxCount) {
      return entry["count"].Error("Invalid value: must be in [1, " + std::to_string(kMaxCount) + "]");
    }
    g->count_ = count;
  }
  // A typo such as 30/s for 30/m over a day must not allocate millions of pods silently.
  double expected = g->arrivals_.ExpectedCount(g->start_, g->end_.value_or(duration));
  if (!g->count_ && expected > static_cast<double>(kMaxCount)) {
    return entry["arrivals"].Error("Invalid value: about " + std::to_string(static_cast<int64_t>(expected)) +
                                   " pods over the window, more than " + std::to_string(kMaxCount) +
                                   "; lower the rate or set count");
  }
  if (!entry["template"].Defined()) return entry["template"].Error("Required value: a Pod manifest");
  KUBESIM_ASSIGN_OR_RETURN(g->template_, DecodePodTemplate(entry["template"], g->name_, warnings));
  g->template_sets_restart_policy_ = TemplateSetsRestartPolicy(entry["template"]);
  KUBESIM_ASSIGN_OR_RETURN(g->resources_, ParseResources(entry["resources"], *g->template_));
  KUBESIM_ASSIGN_OR_RETURN(g->lifetime_, ParseLifetime(entry["lifetime"]));
  if (g->lifetime_.kind != Lifetime::Kind::kNone &&
      g->template_->metadata.annotations.count(api::kRunDurationAnnotation)) {
    return entry["lifetime"].Error(std::string("Forbidden: the template already sets the ") +
                                   api::kRunDurationAnnotation + " annotation; give one or the other");
  }
  return std::shared_ptr<const WorkloadSource>(std::move(g));
}

}  // namespace

std::vector<TimelineEntry> WorkloadSource::Generate(sim::RandomStreams& streams, sim::Duration horizon) const {
  std::vector<TimelineEntry> out;
  for (auto& p : Pods(streams, horizon)) {
    TimelineEntry e;
    e.at = p.at;
    e.action = "workload";
    e.description = "create " + api::ObjectRef(*p.pod) + " (" + name() + ")";
    e.source = source_;
    e.run = [pod = std::move(p.pod)](ActionContext& ctx) { ctx.CreateObject(pod->Clone()); };
    out.push_back(std::move(e));
  }
  return out;
}

sim::StatusOr<std::shared_ptr<const api::Pod>> DecodePodTemplate(const api::YamlNode& node,
                                                                 const std::string& default_name,
                                                                 std::vector<std::string>* warnings) {
  KUBESIM_RETURN_IF_ERROR(node.ExpectMap());
  // The codec insists on a name; every generated pod gets its own, so a template need not give one.
  // Added nodes carry no position, but a valid name is never the subject of an error. (Setting it
  // is idempotent, so the document may be decoded again.)
  YAML::Node raw = node.node();
  if (!raw["metadata"] || !raw["metadata"].IsMap() || !raw["metadata"]["name"]) {
    if (!raw["metadata"] || raw["metadata"].IsNull()) raw["metadata"] = YAML::Node(YAML::NodeType::Map);
    if (raw["metadata"].IsMap() && !raw["metadata"]["generateName"]) raw["metadata"]["name"] = default_name;
  }
  KUBESIM_ASSIGN_OR_RETURN(api::DecodeResult decoded, api::DecodeObject(node));
  auto pod = std::dynamic_pointer_cast<api::Pod>(decoded.object);
  if (!pod) return node["kind"].Error("Invalid value: a workload template is a Pod manifest (kind: Pod)");
  if (pod->spec.containers.empty()) return node["spec"]["containers"].Error("Required value");
  if (!pod->spec.node_name.empty()) {
    return node["spec"]["nodeName"].Error("Forbidden: generated pods are placed by the scheduler");
  }
  for (auto& w : decoded.warnings) warnings->push_back(std::move(w));
  pod->metadata.generate_name.clear();
  return std::shared_ptr<const api::Pod>(std::move(pod));
}

bool TemplateSetsRestartPolicy(const api::YamlNode& node) { return node["spec"]["restartPolicy"].Defined(); }

void SetLifetime(api::Pod& pod, sim::Duration lifetime, bool template_sets_restart_policy) {
  pod.metadata.annotations[api::kRunDurationAnnotation] = lifetime.ToString();
  if (!template_sets_restart_policy) pod.spec.restart_policy = "Never";
}

sim::StatusOr<std::vector<std::shared_ptr<const WorkloadSource>>> ParseWorkloads(const api::YamlNode& list,
                                                                                 const std::string& base_dir,
                                                                                 sim::Duration duration,
                                                                                 std::vector<std::string>* warnings) {
  std::vector<std::shared_ptr<const WorkloadSource>> out;
  if (!list.Defined()) return out;
  KUBESIM_ASSIGN_OR_RETURN(auto entries, list.Items());
  std::map<std::string, std::string> names;  // generator name → where
  for (const auto& entry : entries) {
    KUBESIM_RETURN_IF_ERROR(entry.ExpectMap());
    if (entry["trace"].Defined()) {
      KUBESIM_RETURN_IF_ERROR(entry.CheckKeys({"trace"}));
      KUBESIM_ASSIGN_OR_RETURN(auto trace, ParseTraceSource(entry["trace"], base_dir, warnings));
      out.push_back(std::move(trace));
      continue;
    }
    KUBESIM_ASSIGN_OR_RETURN(auto gen, ParseGenerator(entry, duration, warnings));
    std::string where = entry.file() + ":" + std::to_string(entry.line());
    auto [it, fresh] = names.emplace(gen->name(), where);
    if (!fresh) {
      return entry["name"].Error("Duplicate value: \"" + gen->name() + "\": a generator of that name is defined at " +
                                 it->second);
    }
    out.push_back(std::move(gen));
  }
  return out;
}

}  // namespace kubesim::scenario
