#include "models/api/object.h"

namespace kubesim::api {

std::string NamespacedName(const ObjectMeta& meta) {
  if (meta.namespace_.empty()) return meta.name;
  return meta.namespace_ + "/" + meta.name;
}

std::string ObjectRef(const Object& obj) { return obj.kind + "/" + NamespacedName(obj.metadata); }

}  // namespace kubesim::api
