// Listers: typed, read-only views of an informer's cache, as client-go's generated listers
// (k8s.io/client-go/listers/core/v1 PodLister, …, built on the generic ResourceIndexer of
// k8s.io/client-go/listers @ v0.32): `List(selector)` over every namespace, and per namespace
// `Pods(ns).List(selector)` and `Pods(ns).Get(name)`, the namespace read through the cache's
// namespace index.
//
// Results are in key order (the order a scan of the cache gives) and hold the cache's immutable
// objects; an object of another type is skipped (upstream would panic on the type assertion).
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "models/api/kinds.h"
#include "models/api/labels.h"
#include "models/api/pod.h"
#include "models/client/indexer.h"

namespace kubesim::client {

// labels.Selector as listers take it: Everything(), a metav1.LabelSelector
// (LabelSelectorAsSelector) or a set of labels every one of which must be present
// (labels.SelectorFromSet; an empty set selects everything).
class Selector {
 public:
  static Selector Everything() { return Selector(std::monostate{}); }
  static Selector FromLabelSelector(api::LabelSelector s) { return Selector(std::move(s)); }
  static Selector FromSet(api::StringMap set) { return Selector(std::move(set)); }

  bool Matches(const api::StringMap& labels) const {
    if (const auto* s = std::get_if<api::LabelSelector>(&s_)) return s->Matches(labels);
    if (const auto* set = std::get_if<api::StringMap>(&s_)) return api::SetMatches(*set, labels);
    return true;
  }

 private:
  using Variant = std::variant<std::monostate, api::LabelSelector, api::StringMap>;
  explicit Selector(Variant s) : s_(std::move(s)) {}

  Variant s_;
};

// The objects of one namespace (upstream <Kind>NamespaceLister).
template <typename T>
class NamespaceLister {
 public:
  NamespaceLister(const Indexer& indexer, std::string ns) : indexer_(&indexer), ns_(std::move(ns)) {}

  std::vector<std::shared_ptr<const T>> List(const Selector& selector) const {
    std::vector<std::shared_ptr<const T>> out;
    for (const auto& [key, entry] : indexer_->IndexedItems(kNamespaceIndex, ns_)) {
      const api::ObjectPtr& obj = *entry;
      if (!selector.Matches(obj->metadata.labels)) continue;
      if (auto typed = api::As<T>(obj)) out.push_back(std::move(typed));
    }
    return out;
  }
  // The object named `name`, or null.
  std::shared_ptr<const T> Get(const std::string& name) const {
    return api::As<T>(indexer_->Get(ns_.empty() ? name : ns_ + "/" + name));
  }

 private:
  const Indexer* indexer_;
  std::string ns_;
};

// Every object of a kind (upstream <Kind>Lister); for a cluster-scoped kind Get(name) finds one.
template <typename T>
class Lister {
 public:
  // `indexer` (an informer's GetIndexer()) must outlive the lister.
  explicit Lister(const Indexer& indexer) : indexer_(&indexer) {}

  std::vector<std::shared_ptr<const T>> List(const Selector& selector) const {
    std::vector<std::shared_ptr<const T>> out;
    for (const auto& [key, obj] : indexer_->items()) {
      if (!selector.Matches(obj->metadata.labels)) continue;
      if (auto typed = api::As<T>(obj)) out.push_back(std::move(typed));
    }
    return out;
  }
  std::shared_ptr<const T> Get(const std::string& name) const { return api::As<T>(indexer_->Get(name)); }
  NamespaceLister<T> ByNamespace(const std::string& ns) const { return NamespaceLister<T>(*indexer_, ns); }

 private:
  const Indexer* indexer_;
};

// The generated listers' names for the namespaced kinds kubesim lists.
struct PodLister : Lister<api::Pod> {
  using Lister::Lister;
  NamespaceLister<api::Pod> Pods(const std::string& ns) const { return ByNamespace(ns); }
};
struct ReplicaSetLister : Lister<api::ReplicaSet> {
  using Lister::Lister;
  NamespaceLister<api::ReplicaSet> ReplicaSets(const std::string& ns) const { return ByNamespace(ns); }
};
struct ServiceLister : Lister<api::Service> {
  using Lister::Lister;
  NamespaceLister<api::Service> Services(const std::string& ns) const { return ByNamespace(ns); }
};
struct EndpointSliceLister : Lister<api::EndpointSlice> {
  using Lister::Lister;
  NamespaceLister<api::EndpointSlice> EndpointSlices(const std::string& ns) const { return ByNamespace(ns); }
};
struct PodDisruptionBudgetLister : Lister<api::PodDisruptionBudget> {
  using Lister::Lister;
  NamespaceLister<api::PodDisruptionBudget> PodDisruptionBudgets(const std::string& ns) const {
    return ByNamespace(ns);
  }
};

}  // namespace kubesim::client
