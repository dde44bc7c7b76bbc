#include "models/perf/runner.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>

#include "models/api/codec.h"
#include "models/api/kinds.h"
#include "models/api/labels.h"
#include "models/api/node.h"
#include "models/api/pod.h"
#include "models/apiserver/api_server.h"
#include "models/cluster/cluster.h"
#include "models/cluster/components.h"
#include "models/scenario/scenario.h"

namespace kubesim::perf {
namespace {

// Upstream's default objects when an op names no template: test/utils baseNodeTemplate (the
// "sample-node-" nodes of 4 CPU, 32 Gi, 110 pods) and config/templates/pod-default.yaml.
constexpr const char* kDefaultNode = R"(apiVersion: v1
kind: Node
metadata:
  generateName: sample-node-
status:
  capacity: {pods: "110", cpu: "4", memory: 32Gi}
)";
constexpr const char* kDefaultPod = R"(apiVersion: v1
kind: Pod
metadata:
  generateName: pod-
spec:
  containers:
  - image: registry.k8s.io/pause:3.10
    name: pause
    ports:
    - containerPort: 80
    resources:
      limits: {cpu: 100m, memory: 500Mi}
      requests: {cpu: 100m, memory: 500Mi}
)";
constexpr const char* kDefaultNamespace = R"(apiVersion: v1
kind: Namespace
metadata:
  name: default-namespace-template
)";

std::shared_ptr<const api::Object> Builtin(const char* text, const std::string& name) {
  auto docs = api::LoadYamlDocuments(text, name);
  auto r = api::DecodeObject((*docs)[0]);
  return std::shared_ptr<const api::Object>(std::move(r->object));
}

// Throughput samples (upstream throughputCollector.run): `pods/s` per simulated second.
struct ThroughputCollector {
  bool started = false;
  int64_t last_scheduled = 0;
  sim::Time last_sample;
  int skipped = 0;
  std::vector<double> samples;

  void Sample(sim::Time now, int64_t scheduled) {
    if (scheduled == 0) return;  // upstream samples only once something is scheduled
    if (!started) {
      // The first sample is a baseline: sampling and pod creation start independently.
      started = true;
      last_scheduled = scheduled;
      last_sample = now;
      return;
    }
    int64_t fresh = scheduled - last_scheduled;
    if (fresh == 0) {
      // No zero samples: the interval is folded into the next one with progress.
      ++skipped;
      return;
    }
    double throughput = static_cast<double>(fresh) / (now - last_sample).ToSeconds();
    // As upstream: one sample per elapsed interval keeps the percentiles honest.
    for (int i = 0; i <= skipped; ++i) samples.push_back(throughput);
    last_scheduled = scheduled;
    skipped = 0;
    last_sample = now;
  }
};

// Upstream collect(): percentiles by index ceil(n*p/100)-1 of the sorted samples.
std::map<std::string, double> Summary(std::vector<double> v, double scale) {
  std::sort(v.begin(), v.end());
  double sum = 0;
  for (double x : v) sum += x;
  size_t n = v.size();
  auto at = [&](int p) { return v[static_cast<size_t>(std::ceil(static_cast<double>(n * p) / 100.0)) - 1] * scale; };
  return {{"Average", sum / static_cast<double>(n) * scale},
          {"Perc50", at(50)},
          {"Perc90", at(90)},
          {"Perc95", at(95)},
          {"Perc99", at(99)}};
}

struct Observation {
  sim::Time at;
  scheduler::AttemptObservation o;
};

class Runner {
 public:
  Runner(const ResolvedWorkload& w, const PerfOptions& opts) : w_(w), opts_(opts) {
    sc_.name = w.full_name;
    sc_.seed = opts.seed;
    // The cluster runs as long as the ops need: every step below is bounded by wait_timeout.
    sc_.duration = sim::Duration::Hours(24 * 365);
    sc_.settings.scheduler = w.scheduler;
    cluster::RunOptions ro;
    ro.seed = opts.seed;
    ro.registry = opts.registry;
    cluster_ = std::make_unique<cluster::Cluster>(sc_, ro);
    default_node_ = Builtin(kDefaultNode, "<builtin node-default.yaml>");
    default_pod_ = Builtin(kDefaultPod, "<builtin pod-default.yaml>");
    default_ns_ = Builtin(kDefaultNamespace, "<builtin namespace.yaml>");
  }

  sim::StatusOr<WorkloadResult> Run() {
    KUBESIM_RETURN_IF_ERROR(cluster_->Start());
    cluster_->components().scheduler().SetAttemptObserver([this](const scheduler::AttemptObservation& o) {
      observations_.push_back({Now(), o});
    });
    result_.name = w_.full_name;
    result_.warnings = w_.warnings;
    for (const Op& op : w_.ops) KUBESIM_RETURN_IF_ERROR(RunOp(op));
    if (collection_) {
      // Upstream fails a workload whose startCollectingMetrics has no stop.
      return w_.ops.back().node->Error("metrics collection was started but never stopped (stopCollectingMetrics)");
    }
    // Let the last requests land so the figures below describe a settled store.
    Advance(Now() + sim::Duration::Seconds(1));
    result_.simulated_seconds = Now().ToSeconds();
    result_.events_processed = cluster_->simulation().events_processed();
    result_.pods_scheduled = CountPods({}, {}).second;
    for (const auto& obj : cluster_->store().Range("/registry/").objects) {
      ++result_.objects_by_kind[obj->kind];
      if (obj->kind == api::Pod::kKind) ++result_.pods_by_namespace[obj->metadata.namespace_];
    }
    if (w_.threshold > 0) CheckThreshold();
    return std::move(result_);
  }

 private:
  sim::Time Now() { return cluster_->simulation().Now(); }
  void Advance(sim::Time t) { cluster_->RunUntil(t); }

  // A deterministic name for a created object: upstream's generateName adds random characters;
  // kubesim appends a counter per prefix.
  std::string NextName(const api::Object& t) {
    std::string prefix = !t.metadata.generate_name.empty() ? t.metadata.generate_name : t.metadata.name + "-";
    return prefix + std::to_string(name_seq_[t.kind + "/" + t.metadata.namespace_ + "/" + prefix]++);
  }

  std::shared_ptr<api::Object> Instance(const api::Object& t, const std::string& ns) {
    std::shared_ptr<api::Object> obj = t.Clone();
    if (!api::IsClusterScoped(obj->kind)) obj->metadata.namespace_ = ns;
    obj->metadata.name = NextName(*obj);
    obj->metadata.generate_name.clear();
    return obj;
  }

  // Creates `objs` now, as one batch of API requests (upstream's client creates them back to back).
  void CreateAll(std::vector<std::shared_ptr<api::Object>> objs, const std::string& what) {
    cluster_->Act("perf", what, [objs = std::move(objs)](scenario::ActionContext& ctx) {
      for (const auto& o : objs) ctx.CreateObject(o);
    });
  }

  // (pods, bound pods) in `namespaces` (all when empty) whose labels match `selector`.
  std::pair<int64_t, int64_t> CountPods(const std::vector<std::string>& namespaces,
                                        const std::map<std::string, std::string>& selector) {
    std::vector<std::string> prefixes;
    if (namespaces.empty()) {
      prefixes.push_back(apiserver::ApiServer::Key(api::Pod::kKind, "", ""));
    } else {
      for (const auto& ns : namespaces) prefixes.push_back(apiserver::ApiServer::Key(api::Pod::kKind, ns, ""));
    }
    int64_t total = 0, bound = 0;
    for (const auto& p : prefixes) {
      etcd::RangeResult r = cluster_->store().Range(p);
      for (const auto& obj : r.objects) {
        auto pod = api::As<api::Pod>(obj);
        if (!pod || !api::SetMatches(selector, pod->metadata.labels)) continue;
        ++total;
        if (!pod->spec.node_name.empty()) ++bound;
      }
    }
    return {total, bound};
  }

  sim::Status Timeout(const Op& op, const std::string& what) {
    return op.node->Error("timed out after " + opts_.wait_timeout.ToString() + " of simulated time waiting for " +
                          what);
  }

  // Runs the simulation in `step`s until `done` holds; an error after wait_timeout.
  template <typename Done>
  sim::Status WaitFor(const Op& op, sim::Duration step, Done done, const std::function<std::string()>& what) {
    sim::Time deadline = Now() + opts_.wait_timeout;
    while (!done()) {
      if (Now() >= deadline) return Timeout(op, what());
      Advance(Now() + step);
    }
    return sim::Status::Ok();
  }

  // One step per op the config accepts (config.cc, OpRegistry), as upstream's runWorkload switches
  // on the op's type.
  sim::Status RunOp(const Op& op) {
    using Step = sim::Status (Runner::*)(const Op&);
    static const std::map<std::string, Step> kSteps = {
        {"createNodes", &Runner::CreateNodes},
        {"createNamespaces", &Runner::CreateNamespaces},
        {"createPods", &Runner::CreatePods},
        {"deletePods", &Runner::DeletePods},
        {"churn", &Runner::Churn},
        {"barrier", &Runner::Barrier},
        {"sleep", &Runner::Sleep},
        {"startCollectingMetrics", &Runner::StartCollectingMetrics},
        {"stopCollectingMetrics", &Runner::StopCollectingMetrics},
    };
    auto it = kSteps.find(op.opcode);
    if (it == kSteps.end()) {
      return op.node->Error("opcode " + op.opcode + " cannot run");  // ResolveWorkload admits no others
    }
    return (this->*(it->second))(op);
  }

  sim::Status StartCollectingMetrics(const Op& op) {
    if (collection_) return op.node->Error("metrics are already being collected");
    StartCollection(op.namespaces, op.selector, op.prefix);
    return sim::Status::Ok();
  }

  sim::Status StopCollectingMetrics(const Op& op) {
    if (!collection_) return op.node->Error("no metrics are being collected: startCollectingMetrics must come first");
    StopCollection();
    return sim::Status::Ok();
  }

  sim::Status Sleep(const Op& op) {
    Advance(Now() + op.duration);
    return sim::Status::Ok();
  }

  // Waits until every key exists in the store: upstream creates objects synchronously, so the
  // next op starts only after the API server has stored them.
  sim::Status WaitStored(const Op& op, std::vector<std::string> keys, const std::string& what) {
    return WaitFor(
        op, sim::Duration::Milliseconds(100),
        [&] {
          while (!keys.empty() && cluster_->store().Get(keys.back())) keys.pop_back();
          return keys.empty();
        },
        [&] { return std::to_string(keys.size()) + " " + what + " to be stored"; });
  }

  sim::Status CreateNodes(const Op& op) {
    const api::Object& t = op.object_template ? *op.object_template : *default_node_;
    std::vector<std::shared_ptr<api::Object>> objs;
    std::vector<std::string> keys;
    for (int64_t i = 0; i < op.count; ++i) {
      objs.push_back(Instance(t, ""));
      auto& labels = objs.back()->metadata.labels;
      if (op.node_label_unique) {
        // Upstream's UniqueNodeLabelStrategy writes a random UUID; the node's name is as unique.
        labels[op.node_label_key] = objs.back()->metadata.name;
      } else if (!op.node_label_key.empty()) {
        labels[op.node_label_key] = op.node_label_values[static_cast<size_t>(i) % op.node_label_values.size()];
      }
      keys.push_back(apiserver::ApiServer::Key(api::Node::kKind, "", objs.back()->metadata.name));
    }
    CreateAll(std::move(objs), "createNodes: " + std::to_string(op.count) + " nodes");
    // A kubesim node registers itself through its kubelet; wait for the Node objects.
    return WaitStored(op, std::move(keys), "Nodes");
  }

  sim::Status CreateNamespaces(const Op& op) {
    const api::Object& t = op.object_template ? *op.object_template : *default_ns_;
    std::vector<std::shared_ptr<api::Object>> objs;
    std::vector<std::string> keys;
    for (int64_t i = 0; i < op.count; ++i) {
      std::shared_ptr<api::Object> obj = t.Clone();
      obj->metadata.name = op.prefix + "-" + std::to_string(i);  // upstream: "<prefix>-<number>"
      obj->metadata.generate_name.clear();
      keys.push_back(apiserver::ApiServer::Key(api::Namespace::kKind, "", obj->metadata.name));
      objs.push_back(std::move(obj));
    }
    CreateAll(std::move(objs), "createNamespaces: " + std::to_string(op.count) + " namespaces");
    return WaitStored(op, std::move(keys), "Namespaces");
  }

  sim::Status CreatePods(const Op& op) {
    const api::Object& t = op.object_template ? *op.object_template : *default_pod_;
    std::vector<std::shared_ptr<api::Object>> objs;
    for (int64_t i = 0; i < op.count; ++i) objs.push_back(Instance(t, op.ns));
    result_.pods_created += op.count;
    std::vector<std::string> nss = {op.ns};
    // Upstream waitUntilPodsScheduledInNamespace: done when the namespace holds at least `count`
    // scheduled pods (pods an earlier op put there count too, as upstream).
    auto done = [&] { return CountPods(nss, {}).second >= op.count; };
    auto what = [&] {
      auto [total, bound] = CountPods(nss, {});
      return std::to_string(op.count) + " pods of namespace " + op.ns + " to be scheduled (" + std::to_string(bound) +
             " of " + std::to_string(total) + " are)";
    };
    if (!op.collect_metrics) {
      std::vector<std::string> keys;
      for (const auto& o : objs) keys.push_back(apiserver::ApiServer::Key(api::Pod::kKind, op.ns, o->metadata.name));
      CreateAll(std::move(objs), "createPods: " + std::to_string(op.count) + " pods in " + op.ns);
      // Upstream's client returns once the API server stored each pod: a barrier after a
      // skipWaitToCompletion op sees them all.
      if (op.skip_wait) return WaitStored(op, std::move(keys), "Pods");
      // Upstream polls once a second.
      return WaitFor(op, sim::Duration::Seconds(1), done, what);
    }
    // The collectors start before the pods are created and stop once they are scheduled.
    if (collection_) {
      return op.node->Error("collectMetrics: metrics are already being collected since a startCollectingMetrics op");
    }
    StartCollection(nss, {}, "");
    CreateAll(std::move(objs), "createPods: " + std::to_string(op.count) + " pods in " + op.ns + " (measured)");
    KUBESIM_RETURN_IF_ERROR(WaitFor(op, sim::Duration::Seconds(1), done, what));
    StopCollection();
    return sim::Status::Ok();
  }

  // A collection window: upstream's collectors (throughput and metrics) between their start and
  // their stop. The throughput sampler runs as a simulation event each simulated second after the
  // start, in the observe phase, so it sees everything that happened at that instant.
  struct Collection {
    sim::Time start;
    double wall_start = 0;
    size_t first_observation = 0;
    int64_t scheduled_before = 0;
    std::vector<std::string> namespaces;
    std::map<std::string, std::string> selector;
    std::string name;  // the Name label
    ThroughputCollector throughput;
  };

  void StartCollection(std::vector<std::string> namespaces, std::map<std::string, std::string> selector,
                       const std::string& suffix) {
    auto c = std::make_shared<Collection>();
    c->start = Now();
    c->wall_start = opts_.wall_clock ? opts_.wall_clock() : 0;
    c->first_observation = observations_.size();
    c->namespaces = std::move(namespaces);
    c->selector = std::move(selector);
    c->scheduled_before = CountPods(c->namespaces, c->selector).second;
    c->name = suffix.empty() ? w_.full_name : w_.full_name + "/" + suffix;
    collection_ = c;
    ScheduleSample(c, Now() + sim::Duration::Seconds(1));
  }

  void ScheduleSample(const std::shared_ptr<Collection>& c, sim::Time at) {
    std::weak_ptr<Collection> weak = c;
    cluster_->simulation().At(
        at,
        [this, weak] {
          auto live = weak.lock();
          if (!live || live != collection_) return;  // stopped: the chain ends
          live->throughput.Sample(Now(), CountPods(live->namespaces, live->selector).second);
          ScheduleSample(live, Now() + sim::Duration::Seconds(1));
        },
        sim::Phase::kObserve);
  }

  void StopCollection() {
    std::shared_ptr<Collection> c = std::move(collection_);
    collection_.reset();
    result_.measured_pods += CountPods(c->namespaces, c->selector).second - c->scheduled_before;
    result_.measured_sim_seconds += (Now() - c->start).ToSeconds();
    if (opts_.wall_clock) result_.measured_wall_seconds += opts_.wall_clock() - c->wall_start;

    std::map<std::string, std::string> name = {{"Name", c->name}};
    DataItem throughput;
    throughput.labels = name;
    throughput.labels["Metric"] = "SchedulingThroughput";
    throughput.unit = "pods/s";
    if (!c->throughput.samples.empty()) throughput.data = Summary(c->throughput.samples, 1.0);
    result_.items.push_back(throughput);

    // The latency metrics over the same window (upstream resets the histograms at the start).
    std::vector<double> sli;
    std::map<std::string, std::vector<double>> attempt;  // by result label
    for (size_t i = c->first_observation; i < observations_.size(); ++i) {
      const auto& o = observations_[i].o;
      attempt[o.result].push_back(o.attempt_duration.ToSeconds());
      if (o.bound) sli.push_back(o.sli_duration.ToSeconds());
    }
    if (!sli.empty()) {
      DataItem d;
      d.labels = name;
      d.labels["Metric"] = "scheduler_pod_scheduling_sli_duration_seconds";
      d.unit = "ms";
      d.data = Summary(sli, 1000.0);
      result_.items.push_back(d);
    }
    for (const auto& [res, v] : attempt) {
      DataItem d;
      d.labels = name;
      d.labels["Metric"] = "scheduler_scheduling_attempt_duration_seconds";
      d.labels["result"] = res;
      d.unit = "ms";
      d.data = Summary(v, 1000.0);
      result_.items.push_back(d);
    }
  }

  sim::Status DeletePods(const Op& op) {
    std::vector<std::shared_ptr<const api::Pod>> victims;
    etcd::RangeResult r = cluster_->store().Range(apiserver::ApiServer::Key(api::Pod::kKind, op.ns, ""));
    for (const auto& obj : r.objects) {
      auto pod = api::As<api::Pod>(obj);
      if (pod && api::SetMatches(op.selector, pod->metadata.labels)) victims.push_back(pod);
    }
    result_.pods_deleted += static_cast<int64_t>(victims.size());
    if (op.delete_per_second == 0) {
      cluster_->Act("perf", "deletePods: " + std::to_string(victims.size()) + " pods in " + op.ns,
                    [victims](scenario::ActionContext& ctx) {
                      for (const auto& p : victims)
                        ctx.DeleteObject(api::Pod::kKind, p->metadata.namespace_, p->metadata.name, {});
                    });
    } else {
      // Upstream: one deletion per tick of time.Second / deletePodsPerSecond.
      sim::Duration interval = sim::Duration::Nanoseconds(1'000'000'000 / op.delete_per_second);
      cluster::Cluster* c = cluster_.get();
      for (size_t i = 0; i < victims.size(); ++i) {
        auto p = victims[i];
        cluster_->simulation().At(
            Now() + interval * static_cast<int64_t>(i + 1),
            [c, p] { c->DeleteObject(api::Pod::kKind, p->metadata.namespace_, p->metadata.name, {}); },
            sim::Phase::kInput);
      }
    }
    if (op.skip_wait) return sim::Status::Ok();
    auto gone = [&] {
      for (const auto& p : victims) {
        auto cur =
            cluster_->store().Get(apiserver::ApiServer::Key(api::Pod::kKind, p->metadata.namespace_, p->metadata.name));
        if (cur && cur->metadata.uid == p->metadata.uid) return false;
      }
      return true;
    };
    return WaitFor(op, sim::Duration::Seconds(1), gone, [&] {
      return "the " + std::to_string(victims.size()) + " pods of namespace " + op.ns + " to be deleted";
    });
  }

  // Upstream churnOp: every interval, one object per template is created (mode create, until
  // `number` per template when number > 0) or, in mode recreate, the slot count % number of each
  // template alternates between creating an object and deleting the one it holds. It runs in the
  // background until the workload ends.
  sim::Status Churn(const Op& op) {
    auto state = std::make_shared<ChurnState>();
    state->op = &op;
    state->slots.assign(op.churn_templates.size(), std::vector<std::string>(std::max<int64_t>(op.churn_number, 1)));
    churns_.push_back(state);
    ScheduleChurn(state, Now() + op.interval);
    return sim::Status::Ok();
  }

  struct ChurnState {
    const Op* op = nullptr;
    int64_t count = 0;
    std::vector<std::vector<std::string>> slots;  // [template][slot] → name, or empty
  };

  void ScheduleChurn(std::shared_ptr<ChurnState> s, sim::Time at) {
    cluster_->simulation().At(
        at, [this, s] { ChurnTick(s); }, sim::Phase::kInput);
  }

  void ChurnTick(const std::shared_ptr<ChurnState>& s) {
    const Op& op = *s->op;
    if (op.churn_mode == "create") {
      if (op.churn_number > 0 && s->count >= op.churn_number) return;
      for (const auto& t : op.churn_templates) {
        cluster_->CreateObject(Instance(*t, op.ns));
        ++result_.churn_creates;
      }
    } else {
      size_t slot = static_cast<size_t>(s->count % op.churn_number);
      for (size_t i = 0; i < op.churn_templates.size(); ++i) {
        std::string& name = s->slots[i][slot];
        const api::Object& t = *op.churn_templates[i];
        std::string ns = api::IsClusterScoped(t.kind) ? "" : op.ns;
        if (!name.empty()) {
          cluster_->DeleteObject(t.kind, ns, name, {});
          name.clear();
          ++result_.churn_deletes;
        } else {
          auto obj = Instance(t, op.ns);
          name = obj->metadata.name;
          cluster_->CreateObject(obj);
          ++result_.churn_creates;
        }
      }
    }
    ++s->count;
    ScheduleChurn(s, Now() + op.interval);
  }

  sim::Status Barrier(const Op& op) {
    auto done = [&] {
      auto [total, bound] = CountPods(op.namespaces, op.selector);
      return total == bound;
    };
    return WaitFor(op, sim::Duration::Seconds(1), done, [&] {
      auto [total, bound] = CountPods(op.namespaces, op.selector);
      return "every pod to be scheduled (" + std::to_string(bound) + " of " + std::to_string(total) + " are)";
    });
  }

  // Upstream compareMetricWithThreshold for the default selector: SchedulingThroughput Average
  // must not be below the workload's threshold.
  void CheckThreshold() {
    for (const auto& item : result_.items) {
      if (item.labels.at("Metric") != "SchedulingThroughput") continue;
      auto it = item.data.find("Average");
      double got = it == item.data.end() ? 0 : it->second;
      if (got < w_.threshold) {
        result_.threshold_failed = true;
        char buf[256];
        std::snprintf(buf, sizeof buf, "%s: expected SchedulingThroughput Average to be higher: got %.2f, want %.2f",
                      w_.full_name.c_str(), got, w_.threshold);
        result_.threshold_message = buf;
      }
    }
  }

  const ResolvedWorkload& w_;
  const PerfOptions& opts_;
  scenario::Scenario sc_;
  std::unique_ptr<cluster::Cluster> cluster_;
  std::shared_ptr<const api::Object> default_node_, default_pod_, default_ns_;
  std::map<std::string, int64_t> name_seq_;
  std::vector<Observation> observations_;
  std::shared_ptr<Collection> collection_;
  std::vector<std::shared_ptr<ChurnState>> churns_;
  WorkloadResult result_;
};

}  // namespace

sim::StatusOr<WorkloadResult> RunWorkload(const ResolvedWorkload& workload, const PerfOptions& options) {
  Runner r(workload, options);
  return r.Run();
}

std::string DataItemsJson(const std::vector<DataItem>& items) {
  nlohmann::json j;
  j["version"] = "v1";
  j["dataItems"] = nlohmann::json::array();
  for (const auto& item : items) {
    nlohmann::json d;
    d["data"] = nlohmann::json::object();
    for (const auto& [k, v] : item.data) d["data"][k] = v;
    d["labels"] = item.labels;
    d["unit"] = item.unit;
    j["dataItems"].push_back(d);
  }
  return j.dump(2) + "\n";
}

std::string HumanTable(const WorkloadResult& result) {
  std::ostringstream out;
  char buf[512];
  out << result.name << "\n";
  std::snprintf(buf, sizeof buf, "  %-64s %10s %10s %10s %10s %10s  %s\n", "metric", "Average", "Perc50", "Perc90",
                "Perc95", "Perc99", "unit");
  out << buf;
  for (const auto& item : result.items) {
    std::string metric = item.labels.at("Metric");
    if (auto it = item.labels.find("result"); it != item.labels.end()) metric += "{result=" + it->second + "}";
    if (item.data.empty()) {
      std::snprintf(buf, sizeof buf, "  %-64s (no samples: fewer than two sampling intervals with progress)\n",
                    metric.c_str());
    } else {
      auto d = [&](const char* k) { return item.data.at(k); };
      std::snprintf(buf, sizeof buf, "  %-64s %10.2f %10.2f %10.2f %10.2f %10.2f  %s\n", metric.c_str(), d("Average"),
                    d("Perc50"), d("Perc90"), d("Perc95"), d("Perc99"), item.unit.c_str());
    }
    out << buf;
  }
  return out.str();
}

}  // namespace kubesim::perf
