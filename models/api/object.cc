#include "models/api/object.h"

#include <algorithm>

namespace kubesim::api {

bool ObjectMeta::HasFinalizer(const std::string& f) const {
  return std::find(finalizers.begin(), finalizers.end(), f) != finalizers.end();
}

std::string NamespacedName(const ObjectMeta& meta) {
  if (meta.namespace_.empty()) return meta.name;
  return meta.namespace_ + "/" + meta.name;
}

std::string ObjectRef(const Object& obj) { return obj.kind + "/" + NamespacedName(obj.metadata); }

}  // namespace kubesim::api
