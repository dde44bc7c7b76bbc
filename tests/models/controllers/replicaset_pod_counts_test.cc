// ReplicaSetPodCounts keeps what the ReplicaSet controller's calculateStatus counts (active, fully
// labeled and ready pods a ReplicaSet controls) from pod events; these tests prove the kept counts
// equal counting every pod of the informer cache from scratch, under random adds, updates (owner,
// namespace-mismatched references, labels, readiness, phase, deletion) and deletes, with counts
// asked for at any time and template labels changed under them.
#include "models/controllers/replicaset_pod_counts.h"

#include <catch2/catch.hpp>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "models/api/kinds.h"
#include "models/api/pod.h"
#include "models/client/indexer.h"
#include "models/controllers/controller_utils.h"
#include "sim/random.h"

namespace kubesim::controllers {
namespace {

struct RsSpec {
  std::string ns, name, uid;
};
const std::vector<RsSpec> kReplicaSets = {{"a", "web", "uid-web"}, {"a", "api", "uid-api"}, {"b", "db", "uid-db"}};
const std::vector<std::string> kNamespaces = {"a", "b"};

std::shared_ptr<api::ReplicaSet> MakeReplicaSet(const RsSpec& spec, const std::string& hash) {
  auto rs = std::make_shared<api::ReplicaSet>();
  rs->metadata.namespace_ = spec.ns;
  rs->metadata.name = spec.name;
  rs->metadata.uid = spec.uid;
  rs->pod_template.metadata.labels = {{"app", spec.name}, {"pod-template-hash", hash}};
  return rs;
}

std::shared_ptr<api::Pod> RandomPod(sim::Rng& rng, const std::string& ns, const std::string& name, int64_t rv) {
  auto pod = std::make_shared<api::Pod>();
  pod->metadata.namespace_ = ns;
  pod->metadata.name = name;
  pod->metadata.resource_version = rv;
  // An owner of this namespace or the other (a reference across namespaces counts for nothing),
  // a non-controller reference, or none (an orphan).
  const uint64_t owner = rng.UniformInt(kReplicaSets.size() + 2);
  if (owner < kReplicaSets.size()) {
    const RsSpec& rs = kReplicaSets[owner];
    pod->metadata.owner_references.push_back(
        api::OwnerReference{"apps/v1", api::ReplicaSet::kKind, rs.name, rs.uid, /*controller=*/true, true});
    pod->metadata.labels["app"] = rs.name;
  } else if (owner == kReplicaSets.size()) {
    pod->metadata.owner_references.push_back(
        api::OwnerReference{"apps/v1", api::ReplicaSet::kKind, "web", "uid-web", /*controller=*/false, false});
  }
  if (rng.UniformInt(4) != 0) pod->metadata.labels["pod-template-hash"] = rng.UniformInt(3) == 0 ? "h2" : "h1";
  if (rng.UniformInt(8) == 0) pod->metadata.labels["app"] = "other";
  static const std::vector<std::string> kPhases = {api::kPodPending, api::kPodRunning, api::kPodSucceeded,
                                                   api::kPodFailed};
  pod->status.phase = kPhases[rng.UniformInt(kPhases.size())];
  if (rng.UniformInt(3) != 0) {
    pod->status.conditions.push_back({"PodScheduled", "True", "", "", sim::Time::Zero()});
    pod->status.conditions.push_back({"Ready", rng.UniformInt(3) == 0 ? "False" : "True", "", "", sim::Time::Zero()});
  }
  if (rng.UniformInt(10) == 0) pod->metadata.deletion_timestamp = sim::Time::Zero();
  return pod;
}

// Counting from scratch over every pod in the cache, without the index.
ReplicaSetPodCountsValue Recount(const api::ReplicaSet& rs, const client::Indexer& pods) {
  ReplicaSetPodCountsValue v;
  for (const auto& [key, obj] : pods.items()) {
    auto pod = api::As<api::Pod>(obj);
    const api::OwnerReference* ref = ControllerRef(pod->metadata);
    if (ref == nullptr || ref->uid != rs.metadata.uid || pod->metadata.namespace_ != rs.metadata.namespace_ ||
        !IsPodActive(*pod)) {
      continue;
    }
    ++v.active;
    bool labeled = true;
    for (const auto& [k, val] : rs.pod_template.metadata.labels) {
      auto it = pod->metadata.labels.find(k);
      labeled = labeled && it != pod->metadata.labels.end() && it->second == val;
    }
    v.fully_labeled += labeled ? 1 : 0;
    v.ready += IsPodReady(*pod) ? 1 : 0;
  }
  return v;
}

TEST_CASE("ReplicaSetPodCounts equals a recount under random pod events", "[controller]") {
  for (uint64_t seed = 1; seed <= 20; ++seed) {
    sim::Rng rng(seed);
    client::Indexer pods;
    REQUIRE(pods.AddIndexers({{kPodControllerUIDIndex, PodControllerUIDIndexFunc}}).ok());
    ReplicaSetPodCounts counts;
    std::map<std::string, std::string> hash;  // template hash per ReplicaSet
    for (const auto& rs : kReplicaSets) hash[rs.uid] = "h1";
    int64_t rv = 0;
    int asked = 0;
    for (int step = 0; step < 3000; ++step) {
      const uint64_t op = rng.UniformInt(20);
      const std::string ns = kNamespaces[rng.UniformInt(kNamespaces.size())];
      const std::string key = ns + "/p" + std::to_string(rng.UniformInt(60));
      api::ObjectPtr old = pods.Get(key);
      if (op < 12) {  // add or update
        auto pod = RandomPod(rng, ns, key.substr(ns.size() + 1), ++rv);
        pods.Upsert(key, pod);
        counts.PodChanged(old ? api::As<api::Pod>(old).get() : nullptr, pod.get());
      } else if (op < 16) {  // delete
        if (!old) continue;
        pods.Delete(key);
        counts.PodChanged(api::As<api::Pod>(old).get(), nullptr);
      } else if (op < 17) {  // a new template (labels the kept counts were not kept for)
        const RsSpec& rs = kReplicaSets[rng.UniformInt(kReplicaSets.size())];
        hash[rs.uid] = hash[rs.uid] == "h1" ? "h2" : "h1";
      } else if (op < 18) {  // the ReplicaSet deleted and its counts dropped
        counts.Forget(kReplicaSets[rng.UniformInt(kReplicaSets.size())].uid);
      } else {
        const RsSpec& spec = kReplicaSets[rng.UniformInt(kReplicaSets.size())];
        auto rs = MakeReplicaSet(spec, hash[spec.uid]);
        INFO("seed " << seed << " step " << step << " rs " << spec.name);
        const ReplicaSetPodCountsValue want = Recount(*rs, pods);
        const ReplicaSetPodCountsValue& got = counts.For(*rs, pods);
        CHECK(got.active == want.active);
        CHECK(got.fully_labeled == want.fully_labeled);
        CHECK(got.ready == want.ready);
        ++asked;
      }
    }
    CHECK(asked > 100);
  }
}

TEST_CASE("ReplicaSetPodCounts: Count skips pods of other namespaces and inactive pods", "[controller]") {
  auto rs = MakeReplicaSet(kReplicaSets[0], "h1");
  auto pod = [&](const std::string& ns, const std::string& phase, bool ready, bool labeled) {
    auto p = std::make_shared<api::Pod>();
    p->metadata.namespace_ = ns;
    p->metadata.labels = {{"app", "web"}};
    if (labeled) p->metadata.labels["pod-template-hash"] = "h1";
    p->status.phase = phase;
    if (ready) p->status.conditions.push_back({"Ready", "True", "", "", sim::Time::Zero()});
    return std::shared_ptr<const api::Pod>(p);
  };
  const ReplicaSetPodCountsValue v = ReplicaSetPodCounts::Count(
      *rs, {pod("a", api::kPodRunning, true, true), pod("a", api::kPodPending, false, false),
            pod("b", api::kPodRunning, true, true), pod("a", api::kPodSucceeded, true, true)});
  CHECK(v.active == 2);
  CHECK(v.fully_labeled == 1);
  CHECK(v.ready == 1);
}

}  // namespace
}  // namespace kubesim::controllers
