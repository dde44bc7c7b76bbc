#include "models/apiserver/field_selectors.h"

#include "models/api/node.h"
#include "models/api/pod.h"

namespace kubesim::apiserver {

const std::string& SelectedNodeName(const api::ObjectPtr& obj) {
  static const std::string kNone;
  if (!obj) return kNone;
  if (const auto* pod = dynamic_cast<const api::Pod*>(obj.get())) return pod->spec.node_name;
  if (obj->kind == api::Node::kKind) return obj->metadata.name;
  return kNone;
}

}  // namespace kubesim::apiserver
