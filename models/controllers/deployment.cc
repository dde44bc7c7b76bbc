#include "models/controllers/deployment.h"

#include "models/controllers/controller_utils.h"

namespace kubesim::controllers {
namespace {

void Mix(uint32_t* h, const std::string& s) {
  for (unsigned char c : s) {
    *h ^= c;
    *h *= 16777619u;  // FNV-1a 32
  }
  *h ^= 0xff;  // field separator
  *h *= 16777619u;
}

void MixMap(uint32_t* h, const api::StringMap& m) {
  for (const auto& [k, v] : m) {
    Mix(h, k);
    Mix(h, v);
  }
}

}  // namespace

std::string PodTemplateHash(const api::PodTemplate& t) {
  uint32_t h = 2166136261u;
  MixMap(&h, t.metadata.labels);
  MixMap(&h, t.metadata.annotations);
  const api::PodSpec& s = t.spec;
  Mix(&h, s.scheduler_name);
  Mix(&h, s.priority_class_name);
  Mix(&h, s.node_name);
  MixMap(&h, s.node_selector);
  for (const auto* list : {&s.init_containers, &s.containers}) {
    for (const auto& c : *list) {
      Mix(&h, c.name);
      Mix(&h, c.image);
      for (const auto& [r, q] : c.requests) {
        Mix(&h, r);
        Mix(&h, q.text());
      }
      for (const auto& [r, q] : c.limits) {
        Mix(&h, r);
        Mix(&h, q.text());
      }
    }
  }
  for (const auto& tol : s.tolerations) {
    Mix(&h, tol.key);
    Mix(&h, tol.op);
    Mix(&h, tol.value);
    Mix(&h, tol.effect);
  }
  // Upstream rand.SafeEncodeString over the decimal hash: digits mapped into a vowel-free alphabet.
  static constexpr char kAlphabet[] = "bcdfghjklmnpqrstvwxz2456789";
  std::string digits = std::to_string(h), out;
  for (char d : digits) out.push_back(kAlphabet[static_cast<size_t>(d - '0') % (sizeof(kAlphabet) - 1)]);
  return out;
}

DeploymentController::DeploymentController(sim::Simulation& sim, apiserver::ApiServer& api,
                                           client::EventRecorder recorder)
    : sim_(sim),
      api_(sim, api, "kube-controller-manager/deployment"),
      recorder_(std::move(recorder)),
      deployments_(sim, api_, "Deployment"),
      replicasets_(sim, api_, "ReplicaSet"),
      worker_(sim, [this]() { return deployments_.HasSynced() && replicasets_.HasSynced(); },
              [this](const std::string& key) { Sync(key); }) {}

DeploymentController::~DeploymentController() { *alive_ = false; }

void DeploymentController::Start() {
  auto enqueue = [this](const api::ObjectPtr& o) { worker_.queue().Add(api::NamespacedName(o->metadata)); };
  deployments_.AddEventHandlers({enqueue, [enqueue](const api::ObjectPtr&, const api::ObjectPtr& o) { enqueue(o); },
                                 nullptr});
  auto owner = [this](const api::ObjectPtr& o) {
    const api::OwnerReference* ref = ControllerRef(o->metadata);
    if (ref != nullptr && ref->kind == "Deployment") worker_.queue().Add(o->metadata.namespace_ + "/" + ref->name);
  };
  replicasets_.AddEventHandlers({owner, [owner](const api::ObjectPtr&, const api::ObjectPtr& o) { owner(o); }, owner});
  deployments_.Start();
  replicasets_.Start();
}

void DeploymentController::Sync(const std::string& key) {
  auto d = api::As<api::Deployment>(deployments_.Get(key));
  if (!d || d->metadata.deletion_timestamp) return;
  const std::string hash = PodTemplateHash(d->pod_template);
  std::shared_ptr<const api::ReplicaSet> current;
  std::vector<std::shared_ptr<const api::ReplicaSet>> old;
  const std::string prefix = d->metadata.namespace_ + "/";
  const auto& items = replicasets_.items();
  for (auto it = items.lower_bound(prefix); it != items.end() && it->first.compare(0, prefix.size(), prefix) == 0; ++it) {
    auto rs = api::As<api::ReplicaSet>(it->second);
    const api::OwnerReference* ref = ControllerRef(rs->metadata);
    if (ref == nullptr || ref->uid != d->metadata.uid) continue;
    auto label = rs->pod_template.metadata.labels.find(kPodTemplateHashLabel);
    if (label != rs->pod_template.metadata.labels.end() && label->second == hash) {
      current = rs;
    } else {
      old.push_back(rs);
    }
  }
  if (!current) {
    auto rs = std::make_shared<api::ReplicaSet>();
    rs->api_version = "apps/v1";
    rs->kind = "ReplicaSet";
    rs->metadata.name = d->metadata.name + "-" + hash;
    rs->metadata.namespace_ = d->metadata.namespace_;
    rs->metadata.labels = d->pod_template.metadata.labels;
    rs->metadata.labels[kPodTemplateHashLabel] = hash;
    rs->metadata.owner_references = {
        api::OwnerReference{"apps/v1", "Deployment", d->metadata.name, d->metadata.uid, true, true}};
    rs->replicas = d->replicas;
    rs->selector = d->selector;
    rs->selector.match_labels[kPodTemplateHashLabel] = hash;
    rs->pod_template = d->pod_template;
    rs->pod_template.metadata.labels[kPodTemplateHashLabel] = hash;
    std::string name = rs->metadata.name;
    std::weak_ptr<bool> alive = alive_;
    api_.Create(rs, [this, alive, d, name](const apiserver::Response& r) {
      if (!alive.lock()) return;
      if (r.ok()) {
        recorder_.Event(sim_.Now(), *d, "Normal", "ScalingReplicaSet",
                        "Scaled up replica set " + name + " from 0 to " + std::to_string(d->replicas));
      }
    });
  } else if (current->replicas != d->replicas) {
    auto copy = std::static_pointer_cast<api::ReplicaSet>(current->Clone());
    recorder_.Event(sim_.Now(), *d, "Normal", "ScalingReplicaSet",
                    std::string(d->replicas > current->replicas ? "Scaled up" : "Scaled down") + " replica set " +
                        current->metadata.name + " from " + std::to_string(current->replicas) + " to " +
                        std::to_string(d->replicas));
    copy->replicas = d->replicas;
    api_.Update(copy, nullptr);
  }
  // Recreate-like for now: old templates' ReplicaSets go to zero at once.
  for (const auto& rs : old) {
    if (rs->replicas == 0) continue;
    auto copy = std::static_pointer_cast<api::ReplicaSet>(rs->Clone());
    recorder_.Event(sim_.Now(), *d, "Normal", "ScalingReplicaSet",
                    "Scaled down replica set " + rs->metadata.name + " from " + std::to_string(rs->replicas) + " to 0");
    copy->replicas = 0;
    api_.Update(copy, nullptr);
  }
}

}  // namespace kubesim::controllers
