#include "models/controllers/namespace.h"

#include <algorithm>

#include "models/api/codec.h"
#include "models/api/kinds.h"

namespace kubesim::controllers {

NamespaceController::NamespaceController(sim::Simulation& sim, apiserver::ApiServer& api,
                                         client::SharedInformerFactory& informers, client::EventRecorder recorder,
                                         std::vector<std::string> kinds)
    : sim_(sim),
      api_(sim, api, "kube-controller-manager/namespace"),
      recorder_(std::move(recorder)),
      namespaces_(informers.For(api::Namespace::kKind)),
      worker_(
          sim, [this]() { return namespaces_.HasSynced(); }, [this](const std::string& key) { Sync(key); }) {
  for (auto& k : kinds) {
    if (!api::IsClusterScoped(k)) kinds_.push_back(std::move(k));
  }
}

void NamespaceController::Start() {
  // Upstream enqueueNamespace: every namespace event is handled namespaceDeletionGracePeriod
  // (5 s) later, so HA API servers and etcd members have seen the deletion and the last
  // creations in it.
  auto enqueue = [this](const api::ObjectPtr& o) {
    if (o->metadata.deletion_timestamp) worker_.queue().AddAfter(o->metadata.name, kNamespaceDeletionGracePeriod);
  };
  namespaces_.AddEventHandlers(
      {enqueue, [enqueue](const api::ObjectPtr&, const api::ObjectPtr& o) { enqueue(o); }, nullptr});
  namespaces_.Start();
}

void NamespaceController::Sync(const std::string& name) {
  auto ns = api::As<api::Namespace>(namespaces_.Get(name));
  if (!ns || !ns->metadata.deletion_timestamp) return;
  if (std::find(ns->spec_finalizers.begin(), ns->spec_finalizers.end(), api::kFinalizerKubernetes) ==
      ns->spec_finalizers.end()) {
    return;  // already finalized; the API server removes it once other finalizers are gone
  }
  // One pass: LIST every namespaced kind, DELETE what is in this namespace, count what is left.
  struct Pass {
    size_t lists_pending = 0;
    size_t remaining = 0;
    bool failed = false;
    sim::Duration wait = sim::Duration::Zero();  // the remaining pods' estimate, if any
  };
  auto pass = std::make_shared<Pass>();
  pass->lists_pending = kinds_.size();
  const std::function<void()> finish = owner_.Bind([this, name, pass]() {
    if (pass->failed || pass->remaining > 0) {
      // Upstream: after the graceful-termination estimate when pods are on their way out, else
      // with the workqueue's exponential backoff (objects held by finalizers may take long).
      sim::Duration wait = pass->wait;
      if (wait <= sim::Duration::Zero()) {
        // nsControllerRateLimiter: 5 ms · 2^failures, at most 60 s.
        int n = failures_[name]++;
        wait = sim::Duration::Milliseconds(5);
        for (int i = 0; i < n && wait < kMaxRetryDelay; ++i) wait = wait * 2;
        wait = std::min(wait, kMaxRetryDelay);
      }
      worker_.queue().AddAfter(name, wait);
      return;
    }
    failures_.erase(name);
    auto cur = api::As<api::Namespace>(namespaces_.Get(name));
    if (!cur) return;
    // namespaces/<name>/finalize: drop the `kubernetes` spec finalizer.
    auto copy = cur->DeepCopy();
    std::erase(copy->spec_finalizers, std::string(api::kFinalizerKubernetes));
    api_.Update(copy, owner_.Bind([this, name](const apiserver::Response& r) {
      if (!r.ok() && r.code != apiserver::Code::kNotFound) worker_.queue().AddRateLimited(name);
    }));
  });
  for (const auto& kind : kinds_) {
    api_.List(kind, owner_.Bind([this, name, pass, finish, kind](const apiserver::Response& r) {
      if (!r.ok()) {
        pass->failed = true;
      } else {
        for (const auto& obj : r.items) {
          if (obj->metadata.namespace_ != name) continue;
          ++pass->remaining;
          if (auto pod = api::As<api::Pod>(obj); pod && pod->metadata.deletion_timestamp) {
            // Upstream estimateGracefulTermination: look again when the pod should be gone.
            sim::Duration left = *pod->metadata.deletion_timestamp - sim_.Now() + sim::Duration::Seconds(1);
            pass->wait = std::max(pass->wait, left);
          }
          if (obj->metadata.deletion_timestamp) continue;  // already going
          api_.Delete(kind, name, obj->metadata.name, {}, nullptr);
        }
      }
      if (--pass->lists_pending == 0) finish();
    }));
  }
  if (kinds_.empty()) finish();
}

}  // namespace kubesim::controllers
