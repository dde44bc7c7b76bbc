// The scenario's actions on a running cluster (scenario::ActionContext): what `kubectl create`,
// `delete`, `apply`, `scale`, `drain` and the node faults do, each through the scenario's own API
// client so that they cost and fail as a user's requests would. Failures become Warning events.
#include "models/api/node.h"
#include "models/api/pod.h"
#include "models/cluster/components.h"

namespace kubesim::cluster {

void Components::CreateObject(std::shared_ptr<api::Object> obj) {
  if (auto node = std::dynamic_pointer_cast<api::Node>(obj)) {
    // A new node joins: its kubelet starts and registers the Node itself. A node whose kubelet
    // already runs cannot join twice; say so rather than doing nothing.
    auto it = kubelets_.find(node->metadata.name);
    if (it != kubelets_.end() && it->second->running()) {
      ScenarioEvent("Warning", "FailedCreate", api::ObjectRef(*node),
                    "nodes \"" + node->metadata.name + "\" already exists and its kubelet is running");
      return;
    }
    StartKubelet(node);
    return;
  }
  ResolveOwnerReferences(*obj);
  std::string ref = api::ObjectRef(*obj);
  scenario_client_->Create(std::move(obj), [this, ref](const apiserver::Response& r) {
    if (!r.ok()) ScenarioEvent("Warning", "FailedCreate", ref, r.message);
  });
}

void Components::DeleteObject(const std::string& kind, const std::string& ns, const std::string& name,
                              apiserver::DeleteOptions opts) {
  std::string ref = kind + "/" + (ns.empty() ? name : ns + "/" + name);
  scenario_client_->Delete(kind, ns, name, opts, [this, ref](const apiserver::Response& r) {
    if (!r.ok()) ScenarioEvent("Warning", "FailedDelete", ref, r.message);
  });
}

void Components::DrainNode(const std::string& node) {
  UpdateObject(api::Node::kKind, "", node, [](api::Object& obj) {
    if (auto* n = dynamic_cast<api::Node*>(&obj)) n->spec.unschedulable = true;
    return sim::Status::Ok();
  });
  scenario_client_->List(
      api::Pod::kKind,
      [this](const apiserver::Response& r) {
        for (const auto& obj : r.items) {
          auto pod = api::As<api::Pod>(obj);
          if (!pod || pod->IsTerminal()) continue;
          // --ignore-daemonsets: the DaemonSet controller would put them back at once.
          bool daemon = false;
          for (const auto& ref : pod->metadata.owner_references)
            daemon = daemon || (ref.controller && ref.kind == api::DaemonSet::kKind);
          if (!daemon) EvictUntilAllowed(pod->metadata.namespace_, pod->metadata.name);
        }
      },
      node);
}

void Components::EvictUntilAllowed(const std::string& ns, const std::string& name) {
  scenario_client_->Evict(ns, name, [this, ns, name](const apiserver::Response& r) {
    const std::string ref = "Pod/" + ns + "/" + name;
    if (r.ok() || r.code == apiserver::Code::kNotFound) return;
    if (r.code == apiserver::Code::kTooManyRequests) {
      // kubectl drain: "error when evicting pods … (will retry after 5s)".
      ScenarioEvent("Warning", "EvictionRefused", ref, r.message);
      sim_.After(sim::Duration::Seconds(5), [this, ns, name]() { EvictUntilAllowed(ns, name); });
      return;
    }
    ScenarioEvent("Warning", "FailedEviction", ref, r.message);
  });
}

void Components::UpdateObject(const std::string& kind, const std::string& ns, const std::string& name,
                              Mutation mutate) {
  // client-go retry.DefaultRetry: five attempts.
  TryUpdate(kind, ns, name, std::move(mutate), 5);
}

void Components::TryUpdate(const std::string& kind, const std::string& ns, const std::string& name, Mutation mutate,
                           int attempts_left) {
  std::string ref = kind + "/" + (ns.empty() ? name : ns + "/" + name);
  scenario_client_->Get(kind, ns, name, [=, this](const apiserver::Response& got) {
    if (!got.ok()) {
      ScenarioEvent("Warning", "FailedUpdate", ref, got.message);
      return;
    }
    std::shared_ptr<api::Object> copy = got.object->Clone();
    sim::Status st = mutate(*copy);
    if (!st.ok()) {
      ScenarioEvent("Warning", "FailedUpdate", ref, st.message());
      return;
    }
    scenario_client_->Update(std::move(copy), [=, this](const apiserver::Response& r) {
      if (r.ok()) return;
      if (r.code == apiserver::Code::kConflict && attempts_left > 1) {
        TryUpdate(kind, ns, name, mutate, attempts_left - 1);
      } else {
        ScenarioEvent("Warning", "FailedUpdate", ref, r.message);
      }
    });
  });
}

void Components::ScheduleAction(sim::Time at, const std::string& action, const std::string& description,
                                scenario::ActionFn run) {
  sim_.At(
      at,
      [this, action, description, run = std::move(run)]() {
        ScenarioEvent("Normal", "TimelineAction", action, description);
        run(*this);
      },
      sim::Phase::kInput);
}

void Components::Act(const std::string& action, const std::string& description, scenario::ActionFn run) {
  ScheduleAction(sim_.Now(), action, description, std::move(run));
}

client::LoadGenerator& Components::ApiServerLoad() {
  if (!load_) load_ = std::make_unique<client::LoadGenerator>(sim_, *api_);
  return *load_;
}

void Components::After(sim::Duration d, const std::string& description, scenario::ActionFn fn) {
  ScheduleAction(sim_.Now() + d, "undo", description, std::move(fn));
}

void Components::ApplyObject(std::shared_ptr<const api::Object> obj) {
  // client-go retry.DefaultRetry, as for updates.
  TryApply(std::move(obj), 5);
}

void Components::TryApply(std::shared_ptr<const api::Object> obj, int attempts_left) {
  const std::string& ns = obj->metadata.namespace_;
  scenario_client_->Get(obj->kind, ns, obj->metadata.name, [=, this](const apiserver::Response& got) {
    if (got.code == apiserver::Code::kNotFound) {
      CreateObject(obj->Clone());
      return;
    }
    std::string ref = api::ObjectRef(*obj);
    if (!got.ok()) {
      ScenarioEvent("Warning", "FailedApply", ref, got.message);
      return;
    }
    // The manifest's labels, annotations and spec over the stored identity and status.
    std::shared_ptr<api::Object> copy = obj->Clone();
    const api::ObjectMeta& stored = got.object->metadata;
    copy->metadata.uid = stored.uid;
    copy->metadata.resource_version = stored.resource_version;
    copy->metadata.generation = stored.generation;
    copy->metadata.creation_timestamp = stored.creation_timestamp;
    copy->metadata.deletion_timestamp = stored.deletion_timestamp;
    copy->metadata.deletion_grace_period_seconds = stored.deletion_grace_period_seconds;
    if (copy->metadata.owner_references.empty()) copy->metadata.owner_references = stored.owner_references;
    if (copy->metadata.finalizers.empty()) copy->metadata.finalizers = stored.finalizers;
    copy->CopyStatusFrom(*got.object);
    scenario_client_->Update(std::move(copy), [=, this](const apiserver::Response& r) {
      if (r.ok()) return;
      if (r.code == apiserver::Code::kConflict && attempts_left > 1) {
        TryApply(obj, attempts_left - 1);
      } else {
        ScenarioEvent("Warning", "FailedApply", ref, r.message);
      }
    });
  });
}

void Components::StopKubelet(const std::string& node) {
  auto it = kubelets_.find(node);
  if (it == kubelets_.end()) {
    ScenarioEvent("Warning", "FailedStopKubelet", "Node/" + node, "no kubelet runs for this node");
    return;
  }
  // Recorded so the results can time the failure from the moment it happened (node_failures).
  ScenarioEvent("Normal", "KubeletStopped", "Node/" + node, "the kubelet of " + node + " stopped");
  it->second->Stop();
}

void Components::CrashNode(const std::string& node) {
  auto it = kubelets_.find(node);
  if (it == kubelets_.end()) {
    ScenarioEvent("Warning", "FailedCrashNode", "Node/" + node, "no kubelet runs for this node");
    return;
  }
  ScenarioEvent("Normal", "NodeCrashed", "Node/" + node, node + " crashed: its kubelet and containers are gone");
  it->second->Crash();
}

void Components::RestartKubelet(const std::string& node) {
  auto it = kubelets_.find(node);
  if (it == kubelets_.end()) {
    ScenarioEvent("Warning", "FailedRestartKubelet", "Node/" + node, "no kubelet was started for this node");
    return;
  }
  if (it->second->running()) {
    ScenarioEvent("Warning", "FailedRestartKubelet", "Node/" + node, "the kubelet of this node is running");
    return;
  }
  ScenarioEvent("Normal", "KubeletRestarted", "Node/" + node, "the kubelet of " + node + " restarted");
  it->second->Restart();
}

}  // namespace kubesim::cluster
