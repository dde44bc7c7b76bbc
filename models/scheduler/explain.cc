#include "models/scheduler/explain.h"

#include <algorithm>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <sstream>

#include "models/apiserver/admission.h"
#include "models/apiserver/api_server.h"
#include "models/etcd/mvcc_store.h"
#include "models/scheduler/snapshot_lister.h"

namespace kubesim::scheduler {

namespace {

// The cluster an explanation schedules into: the scheduler's cache and listers, and a store of
// PriorityClasses so the pods meet the API server's own admission code.
struct Snapshot {
  Cache cache;
  SnapshotLister lister{cache};
  etcd::MvccStore store;
  int uid = 0;

  // A copy of `obj` with a uid, as a stored object has one.
  std::shared_ptr<api::Object> WithUid(const api::Object& obj) {
    std::shared_ptr<api::Object> copy = obj.Clone();
    if (copy->metadata.uid.empty()) copy->metadata.uid = "explain-" + std::to_string(++uid);
    return copy;
  }
};

// As upstream's cache.NewSnapshot builds a snapshot from nodes and pods
// (kubernetes/kubernetes pkg/scheduler/backend/cache/snapshot.go @ v1.32): Nodes and the placed,
// non-terminal Pods (admitted, for their priority) go into the cache; Namespaces, Services,
// ReplicaSets and PodDisruptionBudgets into the lister; PriorityClasses into the store. A pod
// without spec.nodeName is left out with a warning.
void NewSnapshot(const std::vector<std::shared_ptr<const api::Object>>& cluster,
                 const apiserver::AdmissionOptions& admission, Snapshot* snap, std::vector<std::string>* warnings) {
  for (const auto& obj : cluster) {
    if (auto node = api::As<api::Node>(obj)) {
      snap->cache.AddNode(node);
    } else if (auto p = api::As<api::Pod>(obj)) {
      if (p->spec.node_name.empty()) {
        warnings->push_back(api::ObjectRef(*p) + " has no spec.nodeName; only placed pods are part of the snapshot");
        continue;
      }
      auto admitted = snap->WithUid(*p);
      apiserver::RunAdmission(*admitted, snap->store, admission);  // existing pods: priority for the explanation's sake
      if (!static_cast<api::Pod&>(*admitted).IsTerminal()) {
        snap->cache.AddPod(std::static_pointer_cast<const api::Pod>(std::shared_ptr<const api::Object>(admitted)));
      }
    } else if (auto ns = api::As<api::Namespace>(obj)) {
      snap->lister.namespaces[ns->metadata.name] = ns;
    } else if (auto svc = api::As<api::Service>(obj)) {
      snap->lister.services.push_back(svc);
    } else if (auto rs = api::As<api::ReplicaSet>(obj)) {
      snap->lister.replicasets.push_back(rs);
    } else if (auto pdb = api::As<api::PodDisruptionBudget>(obj)) {
      snap->lister.pdbs.push_back(pdb);
    } else if (obj->kind == api::PriorityClass::kKind) {
      snap->store.Create("/registry/priorityclasses/" + obj->metadata.name, obj->Clone());
    }
  }
  std::sort(snap->lister.pdbs.begin(), snap->lister.pdbs.end(), [](const auto& a, const auto& b) {
    return api::NamespacedName(a->metadata) < api::NamespacedName(b->metadata);
  });
}

}  // namespace

sim::StatusOr<Explanation> Explain(const std::vector<std::shared_ptr<const api::Object>>& cluster,
                                   std::shared_ptr<const api::Pod> pod, const SchedulerConfig& config,
                                   const Registry& registry, uint64_t seed) {
  Explanation e;
  e.pod = api::NamespacedName(pod->metadata);
  Snapshot snap;
  apiserver::AdmissionOptions admission;
  admission.look_up_service_account = false;  // scheduling does not depend on the account
  NewSnapshot(cluster, admission, &snap, &e.warnings);
  Cache& cache = snap.cache;
  auto incoming = std::static_pointer_cast<api::Pod>(snap.WithUid(*pod));
  apiserver::AdmissionResult admitted = apiserver::RunAdmission(*incoming, snap.store, admission);
  if (!admitted.ok) return sim::InvalidArgument(api::ObjectRef(*pod) + ": rejected by admission: " + admitted.message);

  const ProfileConfig* pc = nullptr;
  for (const auto& p : config.profiles) {
    if (p.scheduler_name == incoming->spec.scheduler_name) pc = &p;
  }
  if (pc == nullptr) {
    return sim::InvalidArgument(api::ObjectRef(*pod) + ": no scheduler profile named \"" +
                                incoming->spec.scheduler_name + "\" in the configuration");
  }
  PluginContext ctx;
  ctx.lister = &snap.lister;
  KUBESIM_ASSIGN_OR_RETURN(auto profile, Profile::Build(*pc, registry, ctx));
  e.profile = pc->scheduler_name;
  for (const NodeInfo* n : cache.NodeList()) e.nodes.push_back(n->name());
  if (Status gate = profile->RunPreEnqueue(*incoming); !gate.IsSuccess()) {
    // A gated pod never reaches a cycle; say why instead of pretending to schedule it.
    e.result.status = gate;
    e.result.message = gate.Message();
    return e;
  }
  sim::Rng rng(sim::StreamSeed(seed, "scheduler/tiebreak"));
  CycleOptions opts;
  opts.percentage_of_nodes_to_score = config.percentage_of_nodes_to_score;
  opts.explain = true;
  opts.tiebreak = &rng;
  e.result = SchedulePod(*profile, *incoming, cache.NodeList(), opts);
  if (e.result.selected.empty() && e.result.fit_error && profile->HasPostFilterPlugins()) {
    // No API client: the plugin decides but prepares nothing (a dry run).
    PostFilterHandle handle{profile.get(), &cache.NodeList(), nullptr, nullptr, nullptr, sim::Time::Zero()};
    PostFilterResult post;
    Status s = profile->RunPostFilter(handle, *incoming, e.result.node_status, &post);
    // Upstream FitError.Error(): the PostFilter message follows the filter reasons.
    if (!s.Message().empty()) e.result.message += " " + s.Message();
    if (post.nominated_node_name && !post.nominated_node_name->empty()) e.nominated_node = post.nominated_node_name;
    e.victims = post.victims;
  }
  if (!e.result.selected.empty()) {
    e.result.message = "Successfully assigned " + e.pod + " to " + e.result.selected;
  }
  return e;
}

std::string ExplanationJson(const Explanation& e) {
  using nlohmann::ordered_json;
  ordered_json nodes = ordered_json::object();
  std::map<std::string, size_t> feasible_index;
  for (size_t i = 0; i < e.result.feasible.size(); ++i) feasible_index[e.result.feasible[i]] = i;
  for (const auto& name : e.nodes) {
    ordered_json n;
    auto st = e.result.node_status.find(name);
    if (st != e.result.node_status.end()) {
      n["filter"] = {
          {"code", CodeName(st->second.code())}, {"plugin", st->second.plugin()}, {"reasons", st->second.reasons()}};
      nodes[name] = n;
      continue;
    }
    n["filter"] = {{"code", "Success"}, {"plugin", ""}, {"reasons", ordered_json::array()}};
    auto fi = feasible_index.find(name);
    if (fi != feasible_index.end() && fi->second < e.result.scores.size()) {
      ordered_json scores = ordered_json::object();
      for (const auto& s : e.result.scores[fi->second]) {
        scores[s.plugin] = {{"raw", s.raw}, {"normalized", s.normalized}, {"weighted", s.weighted}};
      }
      n["scores"] = scores;
      n["total"] = e.result.totals[fi->second];
    }
    nodes[name] = n;
  }
  ordered_json j;
  j["pod"] = e.pod;
  j["profile"] = e.profile;
  j["selected"] = e.result.selected.empty() ? ordered_json(nullptr) : ordered_json(e.result.selected);
  j["message"] = e.result.message;
  j["nodes"] = nodes;
  j["victims"] = e.victims;
  if (e.nominated_node) j["nominatedNode"] = *e.nominated_node;
  return j.dump(2) + "\n";
}

std::string ExplanationText(const Explanation& e) {
  std::ostringstream out;
  out << "pod " << e.pod << " (profile " << e.profile << "), " << e.nodes.size() << " node(s)\n";
  std::map<std::string, size_t> feasible_index;
  for (size_t i = 0; i < e.result.feasible.size(); ++i) feasible_index[e.result.feasible[i]] = i;
  size_t width = 4;
  for (const auto& n : e.nodes) width = std::max(width, n.size());
  for (const auto& name : e.nodes) {
    out << "  " << name << std::string(width - name.size() + 2, ' ');
    auto st = e.result.node_status.find(name);
    if (st != e.result.node_status.end()) {
      out << CodeName(st->second.code()) << " by " << st->second.plugin() << ": " << st->second.Message() << "\n";
      continue;
    }
    auto fi = feasible_index.find(name);
    if (fi == feasible_index.end() || fi->second >= e.result.scores.size()) {
      out << "feasible\n";
      continue;
    }
    out << "total " << e.result.totals[fi->second] << " =";
    bool first = true;
    // Weighted scores, so the terms add up to the total.
    for (const auto& s : e.result.scores[fi->second]) {
      out << (first ? " " : " + ") << s.plugin << " " << s.weighted;
      first = false;
    }
    out << (name == e.result.selected ? "   <- selected" : "") << "\n";
  }
  for (const auto& w : e.warnings) out << "warning: " << w << "\n";
  out << (e.result.selected.empty() ? "" : "selected: " + e.result.selected + "\n");
  if (e.nominated_node) {
    out << "preemption would nominate " << *e.nominated_node << ", evicting";
    for (const auto& v : e.victims) out << " " << v;
    out << "\n";
  }
  if (e.result.selected.empty()) out << e.result.message << "\n";
  return out.str();
}

}  // namespace kubesim::scheduler
