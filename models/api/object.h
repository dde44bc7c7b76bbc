// The Kubernetes object model's common part: TypeMeta + ObjectMeta, and the base every kind derives.
//
// Objects are plain structs. Once stored (etcd model) an object is immutable and shared as
// `std::shared_ptr<const Object>`; an update copies it (`DeepCopy()` when the kind is known, the
// virtual `Clone()` on the generic path), changes the copy and stores the copy as a new version,
// so informer caches share one copy per version. Kinds kubesim does not simulate are kept as
// `OpaqueObject` (type and metadata only), never dropped. Each typed kind names itself with
// `kKind` and `kAPIVersion` (the one version kubesim serves it at), so code spells a kind once.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "sim/time.h"

namespace kubesim::api {

using StringMap = std::map<std::string, std::string>;

struct OwnerReference {
  std::string api_version;
  std::string kind;
  std::string name;
  std::string uid;
  bool controller = false;
  bool block_owner_deletion = false;

  friend bool operator==(const OwnerReference&, const OwnerReference&) = default;
};

struct ObjectMeta {
  std::string name;
  std::string generate_name;
  std::string namespace_;        // empty for cluster-scoped kinds
  std::string uid;               // assigned by the API server from a per-simulation counter
  int64_t resource_version = 0;  // etcd mod_revision; 0 before the object is stored
  int64_t generation = 0;
  StringMap labels;
  StringMap annotations;
  std::vector<OwnerReference> owner_references;
  sim::Time creation_timestamp;
  std::optional<sim::Time> deletion_timestamp;
  std::optional<int64_t> deletion_grace_period_seconds;
  // metadata.finalizers: while any is present, a deleted object keeps its deletionTimestamp and
  // stays in the store (upstream registry Store.Delete); removing the last one lets it go.
  std::vector<std::string> finalizers;

  bool HasFinalizer(const std::string& f) const;
};

// The garbage collector's finalizers (upstream metav1.FinalizerOrphanDependents /
// FinalizerDeleteDependents), set by the API server from DeleteOptions.propagationPolicy.
inline constexpr const char* kFinalizerOrphan = "orphan";
inline constexpr const char* kFinalizerForegroundDeletion = "foregroundDeletion";

// Where an object came from, for error messages and reports ("file.yaml:12:5").
struct SourceRef {
  std::string file;
  int line = 0;
  int column = 0;
};

struct Object {
  std::string api_version;
  std::string kind;
  ObjectMeta metadata;
  SourceRef source;

  virtual ~Object() = default;
  virtual std::shared_ptr<Object> Clone() const = 0;
  // The status subresource: copies `other`'s status into this object and returns true, or
  // returns false when the kind has no status (the API server then answers NotFound, as upstream
  // does for a kind without a /status endpoint). Kinds get it by having a member named `status`.
  virtual bool CopyStatusFrom(const Object& other) = 0;
  // False when `other` (the stored version) has a different spec: the API server then bumps
  // metadata.generation, as upstream strategies do for spec changes. Kinds opt in with a
  // `bool SameSpec(const Derived&) const` member; others never bump.
  virtual bool SpecEquals(const Object& other) const = 0;

 protected:
  Object() = default;
  Object(const Object&) = default;
  Object& operator=(const Object&) = default;
};

using ObjectPtr = std::shared_ptr<const Object>;

// CRTP helper so each kind gets a typed DeepCopy() (upstream's generated DeepCopy) and the
// store's Clone() over it, and a status subresource when it has a `status` member.
template <typename Derived>
struct ObjectOf : Object {
  // Spares a caller holding a typed object the cast back from Clone()'s base pointer.
  std::shared_ptr<Derived> DeepCopy() const { return std::make_shared<Derived>(static_cast<const Derived&>(*this)); }
  std::shared_ptr<Object> Clone() const override { return DeepCopy(); }
  bool CopyStatusFrom(const Object& other) override {
    if constexpr (requires(Derived d) { d.status; }) {
      const auto* from = dynamic_cast<const Derived*>(&other);
      if (from == nullptr) return false;
      static_cast<Derived*>(this)->status = from->status;
      return true;
    } else {
      return false;
    }
  }
  bool SpecEquals(const Object& other) const override {
    if constexpr (requires(const Derived& d) { d.SameSpec(d); }) {
      const auto* o = dynamic_cast<const Derived*>(&other);
      return o != nullptr && static_cast<const Derived*>(this)->SameSpec(*o);
    } else {
      return true;
    }
  }
};

// A kind kubesim does not simulate: stored and listed, with no behaviour.
struct OpaqueObject : ObjectOf<OpaqueObject> {};

// `kind` → `std::shared_ptr<const T>` when the object is of type T, else null.
template <typename T>
std::shared_ptr<const T> As(const ObjectPtr& obj) {
  return std::dynamic_pointer_cast<const T>(obj);
}

// "namespace/name" or "name" for cluster-scoped objects: the key informers and workqueues use.
std::string NamespacedName(const ObjectMeta& meta);
// "Kind/namespace/name" (cluster-scoped: "Kind/name"), the form events and reports print.
std::string ObjectRef(const Object& obj);

}  // namespace kubesim::api
